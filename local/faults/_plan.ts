/**
 * The fault injector's decisions: a seeded pseudo-random sequence and what
 * it makes of one request. Pure.
 *
 * @module
 */

import type { FaultConfig } from "./_config.ts";

/** A fault that makes a request fail. */
export type FaultKind = "error" | "throttle" | "drop";

/** What happens to one targeted request. */
export interface FaultDecision {
  /** The fault, or `undefined` when the request passes (maybe late). */
  readonly kind: FaultKind | undefined;
  /**
   * Which form of the fault: for `error` 500 (false) or 503 (true); for
   * `throttle` the service's first or second throttling error; for `drop`
   * cut before (false) or after (true) the request is processed.
   */
  readonly alternate: boolean;
  /** Milliseconds to wait before answering or processing. */
  readonly latencyMs: number;
}

/** A source of numbers in [0, 1). */
export type Random = () => number;

/**
 * A small seeded generator (mulberry32): the same seed always gives the
 * same sequence. Not for cryptography.
 *
 * @example Usage
 * ```ts
 * import { createRandom } from "./_plan.ts";
 *
 * const random = createRandom(7);
 * random(); // the same first number for every generator seeded with 7
 * ```
 *
 * @param seed A whole number from 0 to 2^32 - 1.
 * @returns The generator.
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Decides the fate of one targeted request. Draws exactly three numbers,
 * so a sequence of decisions depends only on the seed and the number of
 * requests before, not on their outcomes.
 *
 * @example Usage
 * ```ts
 * import { NO_FAULTS, resolveFaultConfig } from "./_config.ts";
 * import { createRandom, decideFault } from "./_plan.ts";
 *
 * const config = resolveFaultConfig({ errorRate: 1 }, NO_FAULTS);
 * decideFault(config, createRandom(1)).kind; // "error"
 * ```
 *
 * @param config Rates and latency.
 * @param random The seeded sequence.
 * @returns The decision.
 */
export function decideFault(config: FaultConfig, random: Random): FaultDecision {
  const which = random();
  const form = random();
  const jitter = random();
  let kind: FaultKind | undefined;
  if (which < config.errorRate) kind = "error";
  else if (which < config.errorRate + config.throttleRate) kind = "throttle";
  else if (which < config.errorRate + config.throttleRate + config.dropRate) kind = "drop";
  return {
    kind,
    alternate: form >= 0.5,
    latencyMs: config.latencyMs + Math.floor(jitter * (config.latencyJitterMs + 1)),
  };
}
