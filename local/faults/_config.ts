/**
 * The fault injector's settings: their shape, defaults and validation, from
 * options, from the admin endpoint's JSON and from `deno task local`'s
 * flags. Pure.
 *
 * @module
 */

import type { AwsService } from "../core/mod.ts";

/** What the fault injector does, for the requests it targets. */
export interface FaultConfig {
  /** Share of requests (0 to 1) answered 500 or 503 in the service's error shape, not processed. */
  readonly errorRate: number;
  /** Share of requests (0 to 1) answered with the service's throttling error, not processed. */
  readonly throttleRate: number;
  /**
   * Share of requests (0 to 1) whose connection is cut: the client gets a
   * status line and then the connection closes mid-body. Half of them are cut
   * before the request is processed, half after (the effect happened, the
   * answer is lost: the case that tests idempotency).
   */
  readonly dropRate: number;
  /** Milliseconds added to every targeted request, before it is processed. */
  readonly latencyMs: number;
  /** Further milliseconds, uniformly from 0 to this, added on top of `latencyMs`. */
  readonly latencyJitterMs: number;
  /** Services targeted. Default S3, DynamoDB and SQS. */
  readonly services: readonly AwsService[];
  /**
   * Operations targeted, as `Operation` or `service:Operation`
   * (`sqs:ReceiveMessage`). Empty (the default): every operation.
   */
  readonly operations: readonly string[];
  /** Seed of the pseudo-random sequence: the same seed gives the same sequence of decisions. */
  readonly seed: number;
}

/** Settings to change; `faultRate` sets the three rates to a third of it each. */
export interface FaultOptions extends Partial<FaultConfig> {
  /**
   * Share of requests (0 to 1) that fail, split evenly between errors,
   * throttling and dropped connections. An explicit `errorRate`,
   * `throttleRate` or `dropRate` wins over its third.
   */
  readonly faultRate?: number;
}

/** Services the injector can target. */
export const FAULT_SERVICES: readonly AwsService[] = ["s3", "dynamodb", "sqs", "sns", "sts"];

/** No fault at all: the injector's state until told otherwise. */
export const NO_FAULTS: FaultConfig = Object.freeze({
  errorRate: 0,
  throttleRate: 0,
  dropRate: 0,
  latencyMs: 0,
  latencyJitterMs: 0,
  services: Object.freeze(["s3", "dynamodb", "sqs"] as AwsService[]),
  operations: Object.freeze([] as string[]),
  seed: 1,
});

/** Longest added latency accepted, in milliseconds. */
export const MAX_LATENCY_MS = 60_000;

const KEYS = new Set([
  "faultRate",
  "errorRate",
  "throttleRate",
  "dropRate",
  "latencyMs",
  "latencyJitterMs",
  "services",
  "operations",
  "seed",
]);

const OPERATION = /^([a-z0-9]+:)?[A-Z][A-Za-z0-9]*$/;

/**
 * Applies options over a configuration and validates the result.
 *
 * @example Usage
 * ```ts
 * import { NO_FAULTS, resolveFaultConfig } from "./_config.ts";
 *
 * const config = resolveFaultConfig({ faultRate: 0.3, seed: 7 }, NO_FAULTS);
 * console.log(config.errorRate); // 0.1
 * ```
 *
 * @param options What to change; unknown keys are refused.
 * @param base The configuration changed (default {@linkcode NO_FAULTS}).
 * @returns The new configuration.
 * @throws {TypeError} For an unknown key or a value of the wrong type.
 * @throws {RangeError} For a value out of range, or rates adding up to more than 1.
 */
export function resolveFaultConfig(
  options: FaultOptions,
  base: FaultConfig = NO_FAULTS,
): FaultConfig {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError("Invalid faults: expected an object of settings");
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) {
      throw new TypeError(
        `Invalid faults: unknown setting "${key}"; known: ${[...KEYS].join(", ")}`,
      );
    }
  }
  const third = options.faultRate === undefined
    ? undefined
    : rate("faultRate", options.faultRate) / 3;
  const config: FaultConfig = {
    errorRate: rate("errorRate", options.errorRate ?? third ?? base.errorRate),
    throttleRate: rate("throttleRate", options.throttleRate ?? third ?? base.throttleRate),
    dropRate: rate("dropRate", options.dropRate ?? third ?? base.dropRate),
    latencyMs: whole("latencyMs", options.latencyMs ?? base.latencyMs, MAX_LATENCY_MS),
    latencyJitterMs: whole(
      "latencyJitterMs",
      options.latencyJitterMs ?? base.latencyJitterMs,
      MAX_LATENCY_MS,
    ),
    services: services(options.services ?? base.services),
    operations: operations(options.operations ?? base.operations),
    seed: whole("seed", options.seed ?? base.seed, 2 ** 32 - 1),
  };
  const sum = config.errorRate + config.throttleRate + config.dropRate;
  if (sum > 1 + 1e-9) {
    throw new RangeError(
      `Invalid faults: errorRate + throttleRate + dropRate must be at most 1, got ${round(sum)}`,
    );
  }
  return Object.freeze(config);
}

/**
 * Whether a configuration injects anything at all.
 *
 * @param config The configuration.
 * @returns False when every rate and latency is zero.
 */
export function faultsActive(config: FaultConfig): boolean {
  return config.errorRate + config.throttleRate + config.dropRate > 0 ||
    config.latencyMs + config.latencyJitterMs > 0;
}

/**
 * Whether a request is targeted by a configuration.
 *
 * @param config The configuration.
 * @param service The request's service.
 * @param operation The request's operation.
 * @returns True when both its service and its operation are targeted.
 */
export function targets(config: FaultConfig, service: AwsService, operation: string): boolean {
  if (!config.services.includes(service)) return false;
  if (config.operations.length === 0) return true;
  return config.operations.some((o) => o === operation || o === `${service}:${operation}`);
}

/** The `parseArgs` options of the fault flags of `deno task local`. */
export const FAULT_FLAGS = Object.freeze(
  {
    "fault-rate": { type: "string" },
    "error-rate": { type: "string" },
    "throttle-rate": { type: "string" },
    "drop-rate": { type: "string" },
    "latency-ms": { type: "string" },
    "fault-services": { type: "string" },
    "fault-operations": { type: "string" },
    "fault-seed": { type: "string" },
  } as const,
);

/** The help text of {@linkcode FAULT_FLAGS}, for a usage message. */
export const FAULT_FLAGS_USAGE =
  `Fault injection (off by default; also GET/POST/DELETE /_local/faults, JSON):
  --fault-rate R        share of calls that fail, 0 to 1 or a percentage
                        (10%): a third 500/503 errors, a third throttling
                        errors, a third dropped connections
  --error-rate R        share answered 500 InternalError / 503 ServiceUnavailable
  --throttle-rate R     share answered with the service's throttling error
                        (DynamoDB ProvisionedThroughputExceededException or
                        ThrottlingException, SQS RequestThrottled or
                        ThrottlingException, S3 503 SlowDown)
  --drop-rate R         share whose connection is cut mid-answer (half before
                        the call is processed, half after)
  --latency-ms N[-M]    add N ms to every call (N to M ms, uniformly)
  --fault-services L    services to target, comma-separated (default
                        s3,dynamodb,sqs)
  --fault-operations L  operations to target, e.g. sqs:ReceiveMessage,PutObject
                        (default all)
  --fault-seed N        seed of the pseudo-random sequence (default 1)`;

/**
 * Reads the fault flags parsed by `parseArgs` with {@linkcode FAULT_FLAGS}.
 *
 * @example Usage
 * ```ts
 * import { faultOptionsFromFlags } from "./_config.ts";
 *
 * faultOptionsFromFlags({ "fault-rate": "10%", "latency-ms": "5-20" });
 * // { faultRate: 0.1, latencyMs: 5, latencyJitterMs: 15 }
 * ```
 *
 * @param values The parsed values; flags not given are absent.
 * @returns The options given, or undefined when no fault flag was given.
 * @throws {RangeError} Naming the flag, for a value that cannot be read.
 */
export function faultOptionsFromFlags(
  values: Partial<Record<keyof typeof FAULT_FLAGS, string | undefined>>,
): FaultOptions | undefined {
  const options: Record<string, unknown> = {};
  const share = (flag: keyof typeof FAULT_FLAGS, key: string) => {
    const raw = values[flag];
    if (raw === undefined) return;
    const percent = raw.endsWith("%");
    const value = Number(percent ? raw.slice(0, -1) : raw) / (percent ? 100 : 1);
    if (raw.trim() === "" || !Number.isFinite(value) || value < 0 || value > 1) {
      throw new RangeError(
        `Invalid --${flag}: expected 0 to 1 or a percentage such as 10%, got "${raw}"`,
      );
    }
    options[key] = value;
  };
  share("fault-rate", "faultRate");
  share("error-rate", "errorRate");
  share("throttle-rate", "throttleRate");
  share("drop-rate", "dropRate");
  const latency = values["latency-ms"];
  if (latency !== undefined) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(latency);
    const low = Number(match?.[1]);
    const high = match?.[2] === undefined ? low : Number(match[2]);
    if (!match || high < low || high > MAX_LATENCY_MS) {
      throw new RangeError(
        `Invalid --latency-ms: expected N or N-M milliseconds up to ${MAX_LATENCY_MS}, got "${latency}"`,
      );
    }
    options.latencyMs = low;
    options.latencyJitterMs = high - low;
  }
  const list = (flag: keyof typeof FAULT_FLAGS, key: string) => {
    const raw = values[flag];
    if (raw === undefined) return;
    options[key] = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  };
  list("fault-services", "services");
  list("fault-operations", "operations");
  const seed = values["fault-seed"];
  if (seed !== undefined) {
    if (!/^\d+$/.test(seed) || Number(seed) > 2 ** 32 - 1) {
      throw new RangeError(`Invalid --fault-seed: expected 0 to ${2 ** 32 - 1}, got "${seed}"`);
    }
    options.seed = Number(seed);
  }
  if (Object.keys(options).length === 0) return undefined;
  try {
    resolveFaultConfig(options);
  } catch (error) {
    throw new RangeError(`Invalid fault flags: ${(error as Error).message.replace(/^.*?: /, "")}`);
  }
  return options;
}

/**
 * Describes a configuration in one line, for the start-up message.
 *
 * @param config The configuration.
 * @returns `faults: 10% of calls (3.3% errors, ...), seed 7` or `faults: off`.
 */
export function describeFaults(config: FaultConfig): string {
  if (!faultsActive(config)) return "faults: off";
  const parts: string[] = [];
  const failing = config.errorRate + config.throttleRate + config.dropRate;
  if (failing > 0) {
    parts.push(
      `${percent(failing)} of calls fail (${percent(config.errorRate)} errors, ${
        percent(config.throttleRate)
      } throttled, ${percent(config.dropRate)} dropped)`,
    );
  }
  if (config.latencyMs + config.latencyJitterMs > 0) {
    parts.push(
      config.latencyJitterMs === 0
        ? `+${config.latencyMs} ms`
        : `+${config.latencyMs}-${config.latencyMs + config.latencyJitterMs} ms`,
    );
  }
  const scope = config.operations.length > 0
    ? config.operations.join(",")
    : config.services.join(",");
  return `faults: ${parts.join(", ")} on ${scope}, seed ${config.seed}`;
}

function rate(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`Invalid faults: ${name} must be a number, got ${JSON.stringify(value)}`);
  }
  if (value < 0 || value > 1) {
    throw new RangeError(`Invalid faults: ${name} must be from 0 to 1, got ${value}`);
  }
  return value;
}

function whole(name: string, value: unknown, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(
      `Invalid faults: ${name} must be a whole number, got ${JSON.stringify(value)}`,
    );
  }
  if (value < 0 || value > max) {
    throw new RangeError(`Invalid faults: ${name} must be from 0 to ${max}, got ${value}`);
  }
  return value;
}

function services(value: unknown): readonly AwsService[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`Invalid faults: services must be a list, got ${JSON.stringify(value)}`);
  }
  for (const service of value) {
    if (!FAULT_SERVICES.includes(service)) {
      throw new RangeError(
        `Invalid faults: unknown service ${JSON.stringify(service)}; known: ${
          FAULT_SERVICES.join(", ")
        }`,
      );
    }
  }
  return Object.freeze([...new Set(value as AwsService[])]);
}

function operations(value: unknown): readonly string[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`Invalid faults: operations must be a list, got ${JSON.stringify(value)}`);
  }
  for (const operation of value) {
    if (typeof operation !== "string" || !OPERATION.test(operation)) {
      throw new RangeError(
        `Invalid faults: operation ${
          JSON.stringify(operation)
        } is not an operation such as PutObject or sqs:ReceiveMessage`,
      );
    }
  }
  return Object.freeze([...new Set(value as string[])]);
}

function percent(share: number): string {
  return `${round(share * 100)}%`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
