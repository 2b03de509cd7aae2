/**
 * The spans the programs sent, by trace, in bounded memory: when there are
 * more than `maxSpans`, the traces least recently added to are dropped whole,
 * at a cost per span that does not grow with the time it has run.
 *
 * @module
 */

import { BoundedMap } from "../core/mod.ts";

/** A span as the local AWS keeps and serves it. */
export interface StoredSpan {
  /** Trace id, 32 hex digits. */
  readonly trace_id: string;
  /** Span id, 16 hex digits. */
  readonly span_id: string;
  /** Parent span id, null for a root span. */
  readonly parent_span_id: string | null;
  /** The sending program's `service.name`. */
  readonly service_name: string;
  /** Span name. */
  readonly name: string;
  /** `internal`, `server`, `client`, `producer`, `consumer` or `unspecified`. */
  readonly kind: string;
  /** Start, ISO 8601 with milliseconds. */
  readonly start: string;
  /** Start, epoch milliseconds (fractional). */
  readonly start_ms: number;
  /** Duration, milliseconds (fractional). */
  readonly duration_ms: number;
  /** `ok`, `error` or `unset`, with the error's message. */
  readonly status: { readonly code: "ok" | "error" | "unset"; readonly message?: string };
  /** Attributes, as plain values. */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Linked spans of other traces. */
  readonly links: readonly { readonly trace_id: string; readonly span_id: string }[];
}

/** Options of {@linkcode createTraceStore}. */
export interface TraceStoreOptions {
  /** Most spans kept. Defaults to 100,000 (about 50 MB at most). */
  readonly maxSpans?: number;
}

/** The spans received, by trace. */
export interface TraceStore {
  /** Adds spans. */
  add(spans: readonly StoredSpan[]): void;
  /** A trace's spans, by start time; empty when unknown or dropped. */
  get(traceId: string): StoredSpan[];
  /** The trace of a laptop: the one whose span names it in `laptop.uuid`. */
  traceIdOf(uuid: string): string | undefined;
  /** Spans and traces kept. */
  size(): { spans: number; traces: number };
  /** Calls `listener` with each batch of spans added; returns a remover. */
  onSpans(listener: (spans: readonly StoredSpan[]) => void): () => void;
}

/**
 * Creates an empty trace store.
 *
 * @param options The bound.
 * @returns The store.
 */
export function createTraceStore(options: TraceStoreOptions = {}): TraceStore {
  const { maxSpans = 100_000 } = options;
  if (!Number.isSafeInteger(maxSpans) || maxSpans < 1) {
    throw new RangeError(`Invalid maxSpans ${maxSpans}: give a whole number of 1 or more`);
  }
  // Oldest first, by the last span added: a trace added to moves to the end.
  // There are never more traces than spans, so only `forget` drops them.
  const traces = new BoundedMap<string, StoredSpan[]>(maxSpans);
  // The laptops' traces, by the generator's `laptop.uuid` attribute.
  const byLaptop = new Map<string, string>();
  const listeners = new Set<(spans: readonly StoredSpan[]) => void>();
  let count = 0;
  const forget = ([id, trace]: [string, StoredSpan[]]) => {
    count -= trace.length;
    for (const span of trace) {
      const uuid = span.attributes["laptop.uuid"];
      if (typeof uuid === "string" && byLaptop.get(uuid) === id) byLaptop.delete(uuid);
    }
  };
  return {
    add(spans) {
      for (const span of spans) {
        const trace = traces.get(span.trace_id);
        if (trace === undefined) {
          const evicted = traces.set(span.trace_id, [span]);
          if (evicted !== undefined) forget(evicted);
        } else {
          trace.push(span);
          traces.set(span.trace_id, trace);
        }
        count++;
        const uuid = span.attributes["laptop.uuid"];
        if (typeof uuid === "string") byLaptop.set(uuid, span.trace_id);
      }
      while (count > maxSpans) {
        const oldest = traces.removeOldest();
        if (oldest === undefined) break;
        forget(oldest);
      }
      for (const listener of listeners) {
        try {
          listener(spans);
        } catch (error) {
          console.error("local AWS: a span listener failed:", error);
        }
      }
    },
    get(traceId) {
      return [...traces.get(traceId) ?? []].sort((a, b) => a.start_ms - b.start_ms);
    },
    traceIdOf: (uuid) => byLaptop.get(uuid),
    size: () => ({ spans: count, traces: traces.size }),
    onSpans(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
