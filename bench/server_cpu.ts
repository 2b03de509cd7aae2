/**
 * The local AWS's CPU per request: reading a process's CPU time from
 * `/proc/<pid>/stat`, and the before/after table of the benchmark. Pure.
 *
 * @module
 */

/** One operation measured on one server: CPU time spent and requests answered. */
export interface CpuSample {
  /** `service:Operation`. */
  readonly operation: string;
  /** Which server: `"before"` (the base commit) or `"after"` (this tree). */
  readonly server: "before" | "after";
  /** Server CPU time (user + system) over the window, microseconds. */
  readonly cpuUs: number;
  /** Requests answered over the window. */
  readonly requests: number;
  /** Requests per second over the window, as the client saw them. */
  readonly requestsPerS: number;
}

/** Before and after for one operation. */
export interface CpuComparison {
  /** Server CPU per request on the base commit, microseconds (best round). */
  readonly before_us_per_request: number;
  /** Server CPU per request on this tree, microseconds (best round). */
  readonly after_us_per_request: number;
  /** after / before: 0.5 means halved. */
  readonly cpu_ratio: number;
  /** Requests per second on the base commit (best round). */
  readonly before_requests_per_s: number;
  /** Requests per second on this tree (best round). */
  readonly after_requests_per_s: number;
}

/**
 * CPU time (user + system) of a process from the text of its
 * `/proc/<pid>/stat`, in clock ticks. The command name (field 2) is in
 * parentheses and may hold spaces, so fields are counted after its `)`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * const stat = "42 (deno) S 1 42 42 0 -1 4194560 10 0 0 0 150 30 0 0 20 0";
 * assert.equal(processCpuTicks(stat), 180);
 * ```
 *
 * @throws {TypeError} When the text is not a `/proc/<pid>/stat` line.
 */
export function processCpuTicks(stat: string): number {
  const close = stat.lastIndexOf(")");
  // After ")": state(3) ppid(4) ... utime(14) stime(15), so indices 11 and 12.
  const fields = close < 0 ? [] : stat.slice(close + 1).trim().split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isSafeInteger(utime) || !Number.isSafeInteger(stime)) {
    throw new TypeError(`Cannot parse /proc stat: utime and stime are missing in "${stat}"`);
  }
  return utime + stime;
}

/**
 * Before and after per operation: for each operation and server, the round
 * with the least CPU per request (other load on the machine can only add to
 * it) and the best rate.
 *
 * @param samples Every round of every operation on both servers.
 * @returns The comparison by operation, in the order operations first appear.
 */
export function compareServerCpu(
  samples: readonly CpuSample[],
): Record<string, CpuComparison> {
  const best = new Map<string, { us: number; rate: number }>();
  const operations: string[] = [];
  for (const sample of samples) {
    if (sample.requests <= 0) continue;
    if (!operations.includes(sample.operation)) operations.push(sample.operation);
    const key = `${sample.server} ${sample.operation}`;
    const us = sample.cpuUs / sample.requests;
    const previous = best.get(key);
    best.set(key, {
      us: Math.min(previous?.us ?? Infinity, us),
      rate: Math.max(previous?.rate ?? 0, sample.requestsPerS),
    });
  }
  const table: Record<string, CpuComparison> = {};
  for (const operation of operations) {
    const before = best.get(`before ${operation}`);
    const after = best.get(`after ${operation}`);
    if (before === undefined || after === undefined) continue;
    table[operation] = {
      before_us_per_request: round(before.us),
      after_us_per_request: round(after.us),
      cpu_ratio: round(after.us / before.us, 3),
      before_requests_per_s: round(before.rate),
      after_requests_per_s: round(after.rate),
    };
  }
  return table;
}

function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
