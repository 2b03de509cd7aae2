/**
 * What tracing costs the pipeline: the optimized run with tracing off (no
 * program records a span) beside the same run with every program recording
 * its spans and exporting them to the local AWS (OTLP/HTTP JSON), each
 * several times, alternately, compared by their medians (on a shared
 * machine one run varies by more than the cost), with the spread of the
 * runs, and by the CPU seconds of all the run's processes per item, which
 * other load on the machine disturbs less than items/s.
 *
 * @module
 */

import { percentile } from "../lib/percentile.ts";
import type { RunReport } from "./report.ts";

/** Most a run may lose to tracing, in percent of its items per second. */
export const TRACING_COST_TARGET_PERCENT = 10;

/** The comparison of the report. */
export interface TracingCost {
  /** Items per second with tracing off: the median of the runs. */
  readonly off_items_per_s: number;
  /** Items per second with tracing on: the median of the runs. */
  readonly on_items_per_s: number;
  /** Each run's items per second, off and on, in the order they ran. */
  readonly runs_items_per_s: { readonly off: readonly number[]; readonly on: readonly number[] };
  /** Spread of the runs' items per second: (largest − smallest) / median, percent. */
  readonly spread_percent: { readonly off: number; readonly on: number };
  /** Items per second lost to tracing, percent of `off` (negative: on ran faster). */
  readonly cost_percent: number;
  /**
   * CPU milliseconds of all processes per item, off and on (medians of the
   * runs, each run's in the order they ran), and what tracing adds in
   * percent of `off`; null when a run's CPU time was not measured.
   */
  readonly cpu_ms_per_item: {
    readonly off: number;
    readonly on: number;
    readonly runs: { readonly off: readonly number[]; readonly on: readonly number[] };
    readonly cost_percent: number;
  } | null;
  /** p99 latency, milliseconds, off and on: the medians of the runs. */
  readonly p99_ms: { readonly off: number; readonly on: number };
  /** Whether the cost is within {@linkcode TRACING_COST_TARGET_PERCENT}. */
  readonly within_target: boolean;
}

/**
 * Compares the runs with tracing off and on by their medians.
 *
 * @param off The runs with tracing off.
 * @param on The same runs with tracing on.
 * @returns The comparison.
 * @throws {RangeError} When either list is empty.
 */
export function tracingCost(off: readonly RunReport[], on: readonly RunReport[]): TracingCost {
  if (off.length === 0 || on.length === 0) {
    throw new RangeError("Cannot compare tracing: give at least one run with it off and one on");
  }
  const median = (runs: readonly RunReport[], key: "items_per_s" | "p99_ms") =>
    percentile(runs.map((run) => run[key]), 50);
  const offRate = median(off, "items_per_s");
  const onRate = median(on, "items_per_s");
  const cost = offRate > 0 ? (1 - onRate / offRate) * 100 : 0;
  return {
    off_items_per_s: round(offRate),
    on_items_per_s: round(onRate),
    runs_items_per_s: {
      off: off.map((run) => round(run.items_per_s)),
      on: on.map((run) => round(run.items_per_s)),
    },
    spread_percent: { off: round(spread(off)), on: round(spread(on)) },
    cost_percent: round(cost),
    cpu_ms_per_item: cpuCost(off, on),
    p99_ms: { off: round(median(off, "p99_ms")), on: round(median(on, "p99_ms")) },
    within_target: cost <= TRACING_COST_TARGET_PERCENT,
  };
}

/**
 * The comparison as the report's text.
 *
 * @param cost The comparison.
 * @returns Lines without a final newline.
 */
export function formatTracingCost(cost: TracingCost): string {
  const verdict = cost.within_target
    ? `within the ${TRACING_COST_TARGET_PERCENT} % target`
    : `above the ${TRACING_COST_TARGET_PERCENT} % target`;
  const runs = (rates: readonly number[], digits = 1) =>
    rates.map((rate) => rate.toFixed(digits)).join(", ");
  const cpu = cost.cpu_ms_per_item;
  return [
    "Tracing (the optimized run, each program exporting its spans to the local AWS; medians):",
    `  off ${cost.off_items_per_s.toFixed(1)} items/s (p99 ${Math.round(cost.p99_ms.off)} ms), ` +
    `on ${cost.on_items_per_s.toFixed(1)} items/s (p99 ${Math.round(cost.p99_ms.on)} ms): ` +
    `costs ${cost.cost_percent.toFixed(1)} %, ${verdict}`,
    `  runs: off ${runs(cost.runs_items_per_s.off)}; on ${
      runs(cost.runs_items_per_s.on)
    } items/s ` +
    `(spread off ${cost.spread_percent.off.toFixed(1)} %, on ${
      cost.spread_percent.on.toFixed(1)
    } %)`,
    ...(cpu === null ? [] : [
      `  CPU of all processes per item: off ${cpu.off.toFixed(2)} ms, on ${cpu.on.toFixed(2)} ms ` +
      `(+${cpu.cost_percent.toFixed(1)} %); runs: off ${runs(cpu.runs.off, 2)}; ` +
      `on ${runs(cpu.runs.on, 2)} ms`,
    ]),
  ].join("\n");
}

/** (largest − smallest) / median of the runs' items per second, percent. */
function spread(runs: readonly RunReport[]): number {
  const rates = runs.map((run) => run.items_per_s);
  const middle = percentile(rates, 50);
  return middle > 0 ? ((Math.max(...rates) - Math.min(...rates)) / middle) * 100 : 0;
}

function cpuCost(
  off: readonly RunReport[],
  on: readonly RunReport[],
): TracingCost["cpu_ms_per_item"] {
  const perItem = (runs: readonly RunReport[]) =>
    runs.map((run) => run.cpu_ms_per_item).filter((ms): ms is number => typeof ms === "number");
  const [offRuns, onRuns] = [perItem(off), perItem(on)];
  if (offRuns.length < off.length || onRuns.length < on.length) return null;
  const offMs = percentile(offRuns, 50);
  const onMs = percentile(onRuns, 50);
  return {
    off: round(offMs),
    on: round(onMs),
    runs: { off: offRuns.map(round), on: onRuns.map(round) },
    cost_percent: round(offMs > 0 ? (onMs / offMs - 1) * 100 : 0),
  };
}

function round(value: number): number {
  return Number(value.toFixed(2));
}
