/**
 * The soak: the optimized pipeline at a fixed offered rate for a duration,
 * summed up minute by minute (latency percentiles of the items started in
 * that minute, the local AWS's memory at its end), and whether memory grew
 * from the first minute to the last. Pure.
 *
 * @module
 */

import { percentile } from "../lib/percentile.ts";

/** One memory sample of the local AWS: `[ms since the run's start, heap used, RSS]` in bytes. */
export type MemorySample = readonly [number, number, number];

/** One minute of the soak. */
export interface SoakMinute {
  /** Minute number, from 1. */
  readonly minute: number;
  /** Items started in that minute and handled. */
  readonly items: number;
  /** Latency percentiles of those items, milliseconds. */
  readonly p50_ms: number;
  /** 95th percentile. */
  readonly p95_ms: number;
  /** 99th percentile. */
  readonly p99_ms: number;
  /** The local AWS's V8 heap in use at the minute's last sample, MB. */
  readonly heap_mb: number;
  /** The process's resident set at the minute's last sample, MB. */
  readonly rss_mb: number;
}

/** The `soak` object of the report. */
export interface SoakReport {
  /** Seconds of offered load. */
  readonly duration_s: number;
  /** Items per second offered. */
  readonly offered_items_per_s: number;
  /** Minute by minute. */
  readonly minutes: readonly SoakMinute[];
  /** Heap of the last minute minus that of the first, MB. */
  readonly heap_growth_mb: number;
}

/**
 * Sums a soak up minute by minute.
 *
 * @param run Per item `[start, latency]` in milliseconds from the run's
 * start; memory samples; the duration and offered rate.
 * @returns The soak report.
 */
export function summarizeSoak(run: {
  readonly samples: readonly (readonly [number, number])[];
  readonly memory: readonly MemorySample[];
  readonly durationS: number;
  readonly offeredItemsPerS: number;
  readonly minuteMs?: number;
}): SoakReport {
  const minuteMs = run.minuteMs ?? 60_000;
  const count = Math.max(1, Math.ceil((run.durationS * 1000) / minuteMs));
  const latencies: number[][] = Array.from({ length: count }, () => []);
  for (const [start, latency] of run.samples) {
    const index = Math.min(count - 1, Math.max(0, Math.floor(start / minuteMs)));
    latencies[index]?.push(latency);
  }
  const lastMemory: (MemorySample | undefined)[] = Array.from({ length: count }, () => undefined);
  for (const sample of run.memory) {
    const index = Math.min(count - 1, Math.max(0, Math.floor(sample[0] / minuteMs)));
    const previous = lastMemory[index];
    if (previous === undefined || previous[0] <= sample[0]) lastMemory[index] = sample;
  }
  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  const minutes = latencies.map((values, i): SoakMinute => ({
    minute: i + 1,
    items: values.length,
    p50_ms: values.length > 0 ? percentile(values, 50) : 0,
    p95_ms: values.length > 0 ? percentile(values, 95) : 0,
    p99_ms: values.length > 0 ? percentile(values, 99) : 0,
    heap_mb: mb(lastMemory[i]?.[1] ?? 0),
    rss_mb: mb(lastMemory[i]?.[2] ?? 0),
  }));
  const first = minutes[0]?.heap_mb ?? 0;
  const last = minutes[minutes.length - 1]?.heap_mb ?? 0;
  return {
    duration_s: run.durationS,
    offered_items_per_s: run.offeredItemsPerS,
    minutes,
    heap_growth_mb: Math.round((last - first) * 10) / 10,
  };
}
