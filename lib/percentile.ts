/**
 * Percentiles by the nearest-rank method.
 *
 * @module
 */

/**
 * The p-th percentile by the nearest-rank method: the smallest value such
 * that at least p % of the values are at or below it. Always one of the
 * values: the p99 of 100 samples is the 99th smallest.
 *
 * @example Usage
 * ```ts
 * import { percentile } from "./percentile.ts";
 *
 * console.log(percentile([5, 1, 4, 2, 3], 50)); // 3
 * ```
 *
 * @param values The values, in any order; not modified.
 * @param p The percentile, above 0 and at most 100.
 * @returns The value at that rank.
 * @throws {RangeError} When there are no values or `p` is out of range.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) {
    throw new RangeError(`Invalid percentile ${p}: give a number above 0 and at most 100`);
  }
  if (values.length === 0) throw new RangeError("Cannot take a percentile of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)] as number;
}
