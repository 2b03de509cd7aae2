/**
 * Latency summaries: p50, p95, p99 and the largest (nearest-rank
 * percentiles of `lib/percentile.ts`).
 *
 * @module
 */

import { percentile } from "../lib/percentile.ts";

/** Percentiles of a set of latencies, in the values' unit. */
export interface LatencySummary {
  /** Values summarized. */
  readonly count: number;
  /** Median. */
  readonly p50: number;
  /** 95th percentile. */
  readonly p95: number;
  /** 99th percentile. */
  readonly p99: number;
  /** Largest value. */
  readonly max: number;
}

/**
 * Summarizes latencies: p50, p95, p99 and the largest.
 *
 * @param values The latencies.
 * @returns The summary; all zero when there are no values.
 */
export function summarizeLatencies(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  return {
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.reduce((a, b) => Math.max(a, b), -Infinity),
  };
}
