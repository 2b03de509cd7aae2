/**
 * Scale-out: the optimized pipeline with 1, 2 and 4 service instances
 * (competing consumers of the update queue) and the Lambda's
 * `MaximumConcurrency` at 2 and 5. Pure.
 *
 * @module
 */

import type { RunReport } from "./report.ts";

/** One configuration of the scale table. */
export interface ScaleConfiguration {
  /** Service instances polling the update queue. */
  readonly services: number;
  /** The Lambda's `MaximumConcurrency`. */
  readonly lambdaConcurrency: number;
}

/** The configurations `deno task bench` runs, in order. */
export const SCALE_CONFIGURATIONS: readonly ScaleConfiguration[] = Object.freeze(
  [1, 2, 4].flatMap((services) =>
    [2, 5].map((lambdaConcurrency) => ({ services, lambdaConcurrency }))
  ),
);

/** One row of the `scale` array of the report. */
export interface ScaleRow {
  /** Service instances. */
  readonly services: number;
  /** The Lambda's `MaximumConcurrency`. */
  readonly lambda_max_concurrency: number;
  /** Items per second end to end. */
  readonly items_per_s: number;
  /** Over the first configuration's items per second. */
  readonly speedup: number;
  /** Items handled more than once. */
  readonly duplicates: number;
  /** Items never handled. */
  readonly lost: number;
  /** Latency p99, milliseconds. */
  readonly p99_ms: number;
  /** AWS requests per item. */
  readonly requests_per_item: number;
}

/**
 * The scale table: one row per run, with its speed-up over the first.
 *
 * @param runs Each configuration with its run's report, in order.
 * @returns The rows.
 */
export function reportScale(
  runs: readonly { readonly configuration: ScaleConfiguration; readonly run: RunReport }[],
): ScaleRow[] {
  const first = runs[0]?.run.items_per_s ?? 0;
  return runs.map(({ configuration, run }) => ({
    services: configuration.services,
    lambda_max_concurrency: configuration.lambdaConcurrency,
    items_per_s: run.items_per_s,
    speedup: first > 0 ? run.items_per_s / first : 0,
    duplicates: run.duplicates,
    lost: run.lost,
    p99_ms: run.p99_ms,
    requests_per_item: run.requests_per_item,
  }));
}
