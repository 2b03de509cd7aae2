/**
 * The figures of the requests themselves: totals, errors, refusals, the
 * rate per second over the last minute and the latest requests. Bounded and
 * pure (the clock is injected).
 *
 * @module
 */

import type { DashboardSnapshot, RecentRequest } from "./api_types.ts";
import type { ObservedRequest } from "./_observed_request.ts";
import { round } from "./_round.ts";

/** Recent requests kept. */
const RECENT_REQUESTS = 40;

/** Requests counted, per second and latest. */
export class RequestFigures {
  readonly #now: () => number;
  #total = 0;
  #errors = 0;
  #denied = 0;
  readonly #perSecond = new Array<number>(60).fill(0);
  #perSecondAt = 0;
  readonly #recent: RecentRequest[] = [];
  readonly #recentDenied: RecentRequest[] = [];

  /** Makes empty figures read on the given clock (epoch milliseconds). */
  constructor(now: () => number) {
    this.#now = now;
  }

  /** Counts one request that touched `target` (a queue, key or uuid). */
  count(request: ObservedRequest, target: string): void {
    this.#total++;
    if (request.status >= 400) this.#errors++;
    this.#rollSeconds();
    this.#perSecond[59] = (this.#perSecond[59] ?? 0) + 1;
    const entry: RecentRequest = {
      at: request.startedAt,
      name: request.name,
      status: request.status,
      ms: round(request.durationMs),
      target,
      ...(request.principal === undefined ? {} : { principal: request.principal }),
      ...(request.denied === undefined
        ? {}
        : { denied: `${request.denied.code}: ${request.denied.message}`.slice(0, 300) }),
    };
    push(this.#recent, entry, RECENT_REQUESTS);
    if (request.denied !== undefined) {
      this.#denied++;
      push(this.#recentDenied, entry, RECENT_REQUESTS);
    }
  }

  /** The figures as a snapshot shows them (the rate up to the current second). */
  view(): DashboardSnapshot["requests"] {
    this.#rollSeconds();
    return {
      total: this.#total,
      errors: this.#errors,
      denied: this.#denied,
      perSecond: this.#perSecond.slice(),
      recent: this.#recent.slice().reverse(),
      recentDenied: this.#recentDenied.slice().reverse(),
    };
  }

  /** Shifts the per-second counts so that the last slot is the current second. */
  #rollSeconds(): void {
    const second = Math.floor(this.#now() / 1000);
    if (this.#perSecondAt === 0) this.#perSecondAt = second;
    const shift = Math.min(60, second - this.#perSecondAt);
    if (shift <= 0) return;
    this.#perSecond.splice(0, shift);
    for (let i = 0; i < shift; i++) this.#perSecond.push(0);
    this.#perSecondAt = second;
  }
}

function push<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.shift();
}
