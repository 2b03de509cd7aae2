/**
 * The Lambda function's figures from the runner's invocation reports:
 * invocations, records, outcomes, failures by kind, batch sizes and
 * durations (average, p50, p95 over the latest 512, maximum). Bounded; pure.
 *
 * @module
 */

import type { LambdaInvocationReport } from "../lambda/mod.ts";
import type { DashboardSnapshot } from "./api_types.ts";
import { round } from "./_round.ts";

/** Lambda durations kept for percentiles. */
const DURATION_SAMPLES = 512;

/** Running figures of the Lambda's invocations. */
export class LambdaFigures {
  #invocations = 0;
  #records = 0;
  #coldStarts = 0;
  readonly #outcomes = { success: 0, partial: 0, failure: 0 };
  #retriedRecords = 0;
  #totalMs = 0;
  #maxMs = 0;
  readonly #failures: Record<string, number> = {};
  readonly #batchSizes = new Map<number, number>();
  readonly #durations: number[] = [];
  #nextDuration = 0;

  /** Counts one invocation report. */
  count(report: LambdaInvocationReport): void {
    this.#invocations++;
    this.#records += report.batchSize;
    if (report.coldStart) this.#coldStarts++;
    this.#outcomes[report.outcome]++;
    if (report.failure !== undefined) {
      const kind = report.failure.kind;
      this.#failures[kind] = (this.#failures[kind] ?? 0) + 1;
    }
    this.#batchSizes.set(report.batchSize, (this.#batchSizes.get(report.batchSize) ?? 0) + 1);
    this.#totalMs += report.durationMs;
    this.#maxMs = Math.max(this.#maxMs, report.durationMs);
    if (this.#durations.length < DURATION_SAMPLES) this.#durations.push(report.durationMs);
    else this.#durations[this.#nextDuration] = report.durationMs;
    this.#nextDuration = (this.#nextDuration + 1) % DURATION_SAMPLES;
    for (const record of report.records) {
      if (record.outcome === "retry") this.#retriedRecords++;
    }
  }

  /** The figures as a snapshot shows them, with the invocations running now. */
  view(running: number | null): DashboardSnapshot["lambda"] {
    const sorted = this.#durations.slice().sort((a, b) => a - b);
    return {
      running,
      invocations: this.#invocations,
      records: this.#records,
      coldStarts: this.#coldStarts,
      ...this.#outcomes,
      retriedRecords: this.#retriedRecords,
      failures: { ...this.#failures },
      batchSizes: Array.from(this.#batchSizes).sort((a, b) => a[0] - b[0]),
      avgMs: this.#invocations === 0 ? 0 : round(this.#totalMs / this.#invocations),
      p50Ms: round(percentile(sorted, 0.5)),
      p95Ms: round(percentile(sorted, 0.95)),
      maxMs: round(this.#maxMs),
    };
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}
