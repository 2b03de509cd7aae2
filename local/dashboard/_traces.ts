/**
 * The laptops' traces: one per laptop, its events in time order, how far it
 * got, whether a step failed and whether it waits in a dead-letter queue,
 * with running counts per stage. Bounded: at most `maxTraces` laptops (the
 * oldest forgotten first, in O(1)) and `maxEvents` events per laptop. Pure.
 *
 * @module
 */

import type {
  LaptopFilter,
  LaptopPage,
  LaptopRow,
  TraceEvent,
  TraceEventKind,
  TraceStage,
  TraceView,
} from "./api_types.ts";
import { BoundedMap } from "../core/mod.ts";

/** The stages in order. */
export const TRACE_STAGES: readonly TraceStage[] = [
  "stored",
  "queued",
  "lambda",
  "updated",
  "forwarded",
  "service",
  "handled",
];

/** Laptops reported as touched per snapshot, at most. */
const MAX_TOUCHED = 256;

/** A laptop's trace as the book keeps it (mutable). */
export interface Trace {
  readonly uuid: string;
  s3Key: string | undefined;
  stage: number;
  failed: boolean;
  dlq: string | undefined;
  firstAt: number;
  lastAt: number;
  putItem: Readonly<Record<string, string>> | undefined;
  events: TraceEvent[];
  droppedEvents: number;
}

/** Counts of the laptops traced, as a snapshot shows them. */
export interface TraceCounts {
  readonly traced: number;
  readonly forgotten: number;
  readonly byStage: Readonly<Record<TraceStage, number>>;
  readonly failed: number;
  readonly dlq: number;
}

/** Options of {@linkcode TraceBook.list}. */
export interface ListOptions {
  /** Which laptops. Default `all`. */
  readonly filter?: LaptopFilter;
  /** Start (1–2 characters) or part (3 or more) of the uuid or file name. */
  readonly query?: string;
  /** Rows to skip. Default 0. */
  readonly offset?: number;
  /** Rows at most. Default 50. */
  readonly limit?: number;
}

/** The traces of the laptops seen, newest last. */
export class TraceBook {
  readonly #traces: BoundedMap<string, Trace>;
  readonly #maxEvents: number;
  #forgotten = 0;
  readonly #byStage: number[] = TRACE_STAGES.map(() => 0);
  #failed = 0;
  #dlq = 0;
  #touched = new Set<string>();
  #touchedMore = false;

  /** Makes an empty book of at most `maxTraces` laptops, `maxEvents` events each. */
  constructor(maxTraces: number, maxEvents: number) {
    this.#traces = new BoundedMap(maxTraces, (_uuid, trace) => this.#forget(trace));
    this.#maxEvents = maxEvents;
  }

  /** The trace of a laptop, or undefined. */
  get(uuid: string): Trace | undefined {
    return this.#traces.get(uuid);
  }

  /** Laptops in a dead-letter queue now. */
  get inDeadLetterQueue(): number {
    return this.#dlq;
  }

  /** The traces, oldest first. */
  values(): IterableIterator<Trace> {
    return this.#traces.values();
  }

  /** Adds an event to a laptop's trace (made on its first event), in time order. */
  add(
    uuid: string,
    event: TraceEvent,
    s3Key?: string,
    putItem?: { attributes: Readonly<Record<string, string>> },
  ): void {
    const trace = this.#traces.getOrAdd(uuid, startTrace);
    if (s3Key !== undefined && trace.s3Key === undefined) trace.s3Key = s3Key;
    if (putItem !== undefined) trace.putItem = putItem.attributes;
    if (trace.events.length >= this.#maxEvents) {
      // Keep the first half (how it started) and the latest events.
      trace.events.splice(Math.floor(this.#maxEvents / 2), 1);
      trace.droppedEvents++;
    }
    // Requests are reported when answered; keep the events in time order.
    const events = trace.events;
    let index = events.length;
    while (index > 0 && (events[index - 1] as TraceEvent).at > event.at) index--;
    if (index === events.length) events.push(event);
    else events.splice(index, 0, event);
    if (events.length === 1 || event.at < trace.firstAt) trace.firstAt = event.at;
    if (events.length === 1 || event.at > trace.lastAt) trace.lastAt = event.at;
    if (!event.ok && !trace.failed) {
      trace.failed = true;
      this.#failed++;
    }
    const stage = stageOf(event.kind);
    if (event.ok && stage > trace.stage) {
      this.#countStage(trace.stage, -1);
      trace.stage = stage;
      this.#countStage(stage, 1);
    } else if (trace.stage < 0) {
      trace.stage = 0;
      this.#countStage(0, 1);
    }
    this.#touch(uuid);
  }

  /** Marks a laptop as in a dead-letter queue, or (undefined) in none. */
  setDlq(trace: Trace, queue: string | undefined): void {
    if (trace.dlq === undefined && queue !== undefined) this.#dlq++;
    if (trace.dlq !== undefined && queue === undefined) this.#dlq--;
    trace.dlq = queue;
    this.#touch(trace.uuid);
  }

  /** A laptop's trace as the API returns it, or undefined. */
  view(uuid: string): TraceView | undefined {
    const trace = this.#traces.get(uuid);
    if (trace === undefined) return undefined;
    return {
      uuid: trace.uuid,
      s3Key: trace.s3Key,
      stage: stageName(trace.stage),
      failed: trace.failed,
      dlq: trace.dlq,
      firstAt: trace.firstAt,
      lastAt: trace.lastAt,
      putItem: trace.putItem,
      events: trace.events.slice(),
      droppedEvents: trace.droppedEvents,
    };
  }

  /** A page of laptops, newest first (see {@linkcode ListOptions}). */
  list(options: ListOptions = {}): LaptopPage {
    const { filter = "all", query = "", offset = 0, limit = 50 } = options;
    const matches = matcher(filter, query.trim().toLowerCase());
    const rows: LaptopRow[] = [];
    let total = 0;
    // Newest first: the book holds laptops in the order they were first seen.
    for (const trace of this.#traces.valuesNewestFirst()) {
      if (!matches(trace)) continue;
      if (total >= offset && rows.length < limit) {
        rows.push({
          uuid: trace.uuid,
          s3Key: trace.s3Key,
          stage: stageName(trace.stage),
          failed: trace.failed,
          dlq: trace.dlq,
          lastAt: trace.lastAt,
        });
      }
      total++;
    }
    return { total, offset, rows };
  }

  /** Counts of the laptops traced. */
  counts(): TraceCounts {
    const byStage = {} as Record<TraceStage, number>;
    TRACE_STAGES.forEach((stage, index) => byStage[stage] = this.#byStage[index] ?? 0);
    return {
      traced: this.#traces.size,
      forgotten: this.#forgotten,
      byStage,
      failed: this.#failed,
      dlq: this.#dlq,
    };
  }

  /** The laptops touched since the last call (capped), and whether more were. */
  takeTouched(): { touched: string[]; touchedMore: boolean } {
    const taken = { touched: Array.from(this.#touched), touchedMore: this.#touchedMore };
    this.#touched = new Set();
    this.#touchedMore = false;
    return taken;
  }

  /** Takes a forgotten laptop out of the counts. */
  #forget(trace: Trace): void {
    this.#forgotten++;
    this.#countStage(trace.stage, -1);
    if (trace.failed) this.#failed--;
    if (trace.dlq !== undefined) this.#dlq--;
  }

  #countStage(stage: number, delta: number): void {
    if (stage >= 0) this.#byStage[stage] = (this.#byStage[stage] ?? 0) + delta;
  }

  #touch(uuid: string): void {
    if (this.#touched.size < MAX_TOUCHED) this.#touched.add(uuid);
    else if (!this.#touched.has(uuid)) this.#touchedMore = true;
  }
}

/** A new laptop's trace, before its first event. */
function startTrace(uuid: string): Trace {
  return {
    uuid,
    s3Key: undefined,
    stage: -1,
    failed: false,
    dlq: undefined,
    firstAt: 0,
    lastAt: 0,
    putItem: undefined,
    events: [],
    droppedEvents: 0,
  };
}

/** Whether a trace passes a filter and starts with (or contains, 3+ characters) the needle. */
function matcher(filter: LaptopFilter, needle: string): (trace: Trace) => boolean {
  const handled = TRACE_STAGES.indexOf("handled");
  return (trace) => {
    switch (filter) {
      case "moving":
        if (trace.stage >= handled || trace.dlq !== undefined) return false;
        break;
      case "handled":
        if (trace.stage < handled) return false;
        break;
      case "failed":
        if (!trace.failed) return false;
        break;
      case "dlq":
        if (trace.dlq === undefined) return false;
        break;
    }
    if (needle === "") return true;
    const key = trace.s3Key?.toLowerCase() ?? "";
    return needle.length >= 3
      ? trace.uuid.includes(needle) || key.includes(needle)
      : trace.uuid.startsWith(needle) || key.startsWith(needle);
  };
}

function stageOf(kind: TraceEventKind): number {
  switch (kind) {
    case "object-put":
    case "item-put":
      return 0;
    case "sent":
    case "redriven":
      return 1;
    case "lambda-received":
    case "lambda-invoked":
    case "lambda-deleted":
      return 2;
    case "updated":
      return 3;
    case "forwarded":
      return 4;
    case "service-received":
    case "item-read":
    case "object-read":
      return 5;
    case "handled":
      return 6;
    default:
      return -1;
  }
}

function stageName(index: number): TraceStage {
  return TRACE_STAGES[Math.max(0, index)] as TraceStage;
}
