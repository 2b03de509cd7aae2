/**
 * The soak: the optimized pipeline at a fixed offered rate for a duration,
 * summed up minute by minute (latency percentiles of the items started in
 * that minute; the process's memory at its end, broken down: the local AWS's
 * V8 heap in use, its heap reserve and its external memory, the
 * generator's and the service's isolates, the rest of the process; the items kept so far), and
 * what memory grew per item kept from the end of the first minute to the
 * end of the last, next to the bytes of data the local AWS keeps per item.
 * Pure.
 *
 * @module
 */

import { percentile } from "../lib/percentile.ts";

/** One memory sample of the benchmark's process, whose main thread runs the local AWS; bytes. */
export interface MemorySample {
  /** Milliseconds since the run's start. */
  readonly at_ms: number;
  /** The local AWS's isolate (the main thread's): V8 heap in use. */
  readonly heap_used: number;
  /** The local AWS's isolate: V8 heap reserved (`heapTotal`). */
  readonly heap_total: number;
  /** The local AWS's isolate: memory outside the V8 heap that it accounts for (ArrayBuffers). */
  readonly external: number;
  /** The generator's isolate (a worker): heap reserved plus external. */
  readonly generator: number;
  /** The service's isolates (workers): heap reserved plus external, summed. */
  readonly service: number;
  /** The process's resident set. */
  readonly rss: number;
  /** Its anonymous part (`RssAnon` of `/proc/<pid>/status`); null when it cannot be read. */
  readonly rss_anon: number | null;
  /** Its file-backed part (`RssFile`); null when it cannot be read. */
  readonly rss_file: number | null;
  /** Items through the whole pipeline so far: each has left one object and one item in the local AWS. */
  readonly items: number;
}

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
  /** Items kept in the local AWS at the minute's last sample (all handled so far). */
  readonly kept_items: number;
  /** The local AWS's V8 heap in use at the minute's last sample, MB. */
  readonly heap_mb: number;
  /** The local AWS's V8 heap reserved, MB. */
  readonly heap_total_mb: number;
  /** The local AWS's external memory (ArrayBuffers), MB. */
  readonly external_mb: number;
  /** The generator's isolate, heap reserved plus external, MB. */
  readonly generator_mb: number;
  /** The service's isolates, heap reserved plus external, MB. */
  readonly service_mb: number;
  /** The process's resident set at the minute's last sample, MB. */
  readonly rss_mb: number;
  /** Its anonymous part, MB; null when unknown. */
  readonly rss_anon_mb: number | null;
  /** Its file-backed part, MB; null when unknown. */
  readonly rss_file_mb: number | null;
  /**
   * The anonymous resident memory that is none of the isolates' (code, the
   * runtime's and the libraries' native memory, malloc's arenas): RssAnon minus
   * the local AWS's heap reserve and external memory minus the workers', MB;
   * null when RssAnon is unknown.
   */
  readonly rest_mb: number | null;
}

/** What the local AWS keeps at the end of the soak (read through its API once the items are through). */
export interface StoredData {
  /** Objects in the pipeline's bucket. */
  readonly objects: number;
  /** Their bytes. */
  readonly object_bytes: number;
  /** Items in the pipeline's table. */
  readonly items: number;
  /** Their bytes, as DynamoDB counts an item's size (names and values). */
  readonly item_bytes: number;
  /** Messages in every queue (visible, in flight or delayed). */
  readonly messages: number;
}

/** Bytes per item kept of each part of memory, from the end of the first minute to the end of the last. */
export interface SoakGrowth {
  /** Items kept during that time. */
  readonly items: number;
  /** The process's resident set. */
  readonly rss: number;
  /** Its anonymous part; null when unknown. */
  readonly rss_anon: number | null;
  /** The local AWS's heap in use. */
  readonly heap_used: number;
  /** The local AWS's heap reserved. */
  readonly heap_total: number;
  /** The local AWS's external memory. */
  readonly external: number;
  /** The generator's isolate. */
  readonly generator: number;
  /** The service's isolates. */
  readonly service: number;
  /** The rest of the anonymous memory; null when unknown. */
  readonly rest: number | null;
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
  /** Memory grown per item kept; null with fewer than two minutes or no item kept in between. */
  readonly growth_per_item_bytes: SoakGrowth | null;
  /** What the local AWS kept at the end; null when it was not read. */
  readonly stored: StoredData | null;
  /** The data kept per item at the end (object and item bytes per item through); null when unknown. */
  readonly stored_per_item_bytes: number | null;
}

/**
 * Sums a soak up minute by minute.
 *
 * @param run Per item `[start, latency]` in milliseconds from the run's
 * start; memory samples; the duration and offered rate; what the local AWS
 * kept at the end, when read.
 * @returns The soak report.
 */
export function summarizeSoak(run: {
  readonly samples: readonly (readonly [number, number])[];
  readonly memory: readonly MemorySample[];
  readonly durationS: number;
  readonly offeredItemsPerS: number;
  readonly stored?: StoredData | null;
  readonly minuteMs?: number;
}): SoakReport {
  const minuteMs = run.minuteMs ?? 60_000;
  const count = Math.max(1, Math.ceil((run.durationS * 1000) / minuteMs));
  const minuteOf = (ms: number) => Math.min(count - 1, Math.max(0, Math.floor(ms / minuteMs)));
  const latencies: number[][] = Array.from({ length: count }, () => []);
  for (const [start, latency] of run.samples) latencies[minuteOf(start)]?.push(latency);
  const lastMemory: (MemorySample | undefined)[] = Array.from({ length: count }, () => undefined);
  for (const sample of run.memory) {
    const index = minuteOf(sample.at_ms);
    const previous = lastMemory[index];
    if (previous === undefined || previous.at_ms <= sample.at_ms) lastMemory[index] = sample;
  }
  const minutes = latencies.map((values, i) => summarizeMinute(i + 1, values, lastMemory[i]));
  const first = minutes[0]?.heap_mb ?? 0;
  const last = minutes[minutes.length - 1]?.heap_mb ?? 0;
  const stored = run.stored ?? null;
  const through = Math.max(stored?.objects ?? 0, stored?.items ?? 0);
  return {
    duration_s: run.durationS,
    offered_items_per_s: run.offeredItemsPerS,
    minutes,
    heap_growth_mb: Math.round((last - first) * 10) / 10,
    growth_per_item_bytes: growthPerItem(lastMemory[0], lastMemory[count - 1]),
    stored,
    stored_per_item_bytes: stored === null || through === 0
      ? null
      : Math.round((stored.object_bytes + stored.item_bytes) / through),
  };
}

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

/** The anonymous resident memory that is none of the isolates'; null when RssAnon is unknown. */
function restOf(sample: MemorySample): number | null {
  return sample.rss_anon === null
    ? null
    : sample.rss_anon - sample.heap_total - sample.external - sample.generator - sample.service;
}

function summarizeMinute(
  minute: number,
  latencies: number[],
  memory: MemorySample | undefined,
): SoakMinute {
  const rest = memory === undefined ? null : restOf(memory);
  return {
    minute,
    items: latencies.length,
    p50_ms: latencies.length > 0 ? percentile(latencies, 50) : 0,
    p95_ms: latencies.length > 0 ? percentile(latencies, 95) : 0,
    p99_ms: latencies.length > 0 ? percentile(latencies, 99) : 0,
    kept_items: memory?.items ?? 0,
    heap_mb: mb(memory?.heap_used ?? 0),
    heap_total_mb: mb(memory?.heap_total ?? 0),
    external_mb: mb(memory?.external ?? 0),
    generator_mb: mb(memory?.generator ?? 0),
    service_mb: mb(memory?.service ?? 0),
    rss_mb: mb(memory?.rss ?? 0),
    rss_anon_mb: memory?.rss_anon == null ? null : mb(memory.rss_anon),
    rss_file_mb: memory?.rss_file == null ? null : mb(memory.rss_file),
    rest_mb: rest === null ? null : mb(rest),
  };
}

/** Bytes grown per item kept between two samples; null when no item was kept in between. */
function growthPerItem(
  from: MemorySample | undefined,
  to: MemorySample | undefined,
): SoakGrowth | null {
  if (from === undefined || to === undefined) return null;
  const items = to.items - from.items;
  if (items <= 0) return null;
  const per = (a: number, b: number) => Math.round((b - a) / items);
  const restFrom = restOf(from);
  const restTo = restOf(to);
  return {
    items,
    rss: per(from.rss, to.rss),
    rss_anon: from.rss_anon === null || to.rss_anon === null
      ? null
      : per(from.rss_anon, to.rss_anon),
    heap_used: per(from.heap_used, to.heap_used),
    heap_total: per(from.heap_total, to.heap_total),
    external: per(from.external, to.external),
    generator: per(from.generator, to.generator),
    service: per(from.service, to.service),
    rest: restFrom === null || restTo === null ? null : per(restFrom, restTo),
  };
}
