/**
 * A small span recorder, the same under Deno and Node.js (the Lambda bundle):
 * spans with ids, parents, links, attributes and an error status, handed to
 * an exporter as they end. No OpenTelemetry SDK: the bundle stays small and
 * its cold import unchanged.
 *
 * When tracing is off, {@linkcode NOOP_TRACER} records nothing and makes no
 * ids: a span started under a context carries that context on, so a header
 * received is forwarded as it came.
 *
 * @module
 */

import { newSpanId, newTraceId, type TraceContext } from "./trace_context.ts";

/** A value of a span attribute. */
export type AttributeValue = string | number | boolean;

/** What kind of span, as OpenTelemetry names them. */
export type SpanKind = "internal" | "server" | "client" | "producer" | "consumer";

/** A span as it ended, for an exporter. */
export interface SpanRecord {
  /** Trace, span and sampling. */
  readonly context: TraceContext;
  /** Parent span id, absent for a root span. */
  readonly parentSpanId?: string;
  /** Name. */
  readonly name: string;
  /** Kind. */
  readonly kind: SpanKind;
  /** Start, epoch milliseconds (fractional). */
  readonly startMs: number;
  /** End, epoch milliseconds (fractional). */
  readonly endMs: number;
  /** Attributes. */
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** Spans of other traces this one is linked to (a batch and its records). */
  readonly links: readonly TraceContext[];
  /** The error's message when the span failed. */
  readonly error?: string;
}

/** Options of {@linkcode Tracer.startSpan}. */
export interface SpanOptions {
  /** The parent's context; without one the span starts a new trace. */
  readonly parent?: TraceContext | undefined;
  /** Kind. Defaults to `"internal"`. */
  readonly kind?: SpanKind;
  /** Start, epoch milliseconds, when it began before now. */
  readonly startMs?: number;
  /** Attributes. */
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
  /** Linked spans. */
  readonly links?: readonly TraceContext[];
}

/** Options of {@linkcode Span.end}. */
export interface EndOptions {
  /** The error the span failed with. */
  readonly error?: unknown;
  /** End, epoch milliseconds, when it ended before now. */
  readonly endMs?: number;
}

/** A span being recorded. */
export interface Span {
  /** Its context (the parent's, carried on, when tracing is off). */
  readonly context: TraceContext | undefined;
  /** Sets an attribute. */
  setAttribute(name: string, value: AttributeValue): void;
  /** Ends the span (once; later calls are ignored). */
  end(options?: EndOptions): void;
}

/** Starts spans and hands the ended ones to its exporter. */
export interface Tracer {
  /** Whether spans are recorded. */
  readonly enabled: boolean;
  /** Starts a span. */
  startSpan(name: string, options?: SpanOptions): Span;
  /** Sends the spans ended so far. Never rejects. */
  flush(): Promise<void>;
}

/** Where ended spans go. */
export interface SpanExporter {
  /** Takes one ended span (buffers it). */
  add(span: SpanRecord): void;
  /** Sends what was buffered. Never rejects. */
  flush(): Promise<void>;
}

/** Options of {@linkcode createTracer}. */
export interface TracerOptions {
  /** Where spans go. */
  readonly exporter: SpanExporter;
  /** Epoch milliseconds now. Defaults to `performance.timeOrigin + performance.now()`. */
  readonly now?: () => number;
}

/**
 * Creates a tracer that records spans into an exporter.
 *
 * @example Usage
 * ```ts
 * import { createTracer, type SpanRecord } from "./tracer.ts";
 *
 * const ended: SpanRecord[] = [];
 * const tracer = createTracer({ exporter: { add: (s) => ended.push(s), flush: async () => {} } });
 * const root = tracer.startSpan("laptop");
 * tracer.startSpan("S3 PutObject", { parent: root.context, kind: "client" }).end();
 * root.end();
 * ```
 *
 * @param options The exporter and the clock.
 * @returns The tracer.
 */
export function createTracer(options: TracerOptions): Tracer {
  const { exporter, now = () => performance.timeOrigin + performance.now() } = options;
  return {
    enabled: true,
    startSpan(name, spanOptions = {}) {
      const parent = spanOptions.parent;
      const startMs = spanOptions.startMs ?? now();
      const context: TraceContext = {
        traceId: parent?.traceId ?? newTraceId(startMs),
        spanId: newSpanId(),
        sampled: parent?.sampled ?? true,
      };
      // The options' attributes are shared until the first setAttribute.
      let attributes: Readonly<Record<string, AttributeValue>> = spanOptions.attributes ?? NONE;
      let own = false;
      let ended = false;
      return {
        context,
        setAttribute(key, value) {
          if (!own) attributes = { ...attributes };
          own = true;
          (attributes as Record<string, AttributeValue>)[key] = value;
        },
        end(endOptions) {
          if (ended) return;
          ended = true;
          if (!context.sampled) return;
          const record: Mutable<SpanRecord> = {
            context,
            name,
            kind: spanOptions.kind ?? "internal",
            startMs,
            endMs: endOptions?.endMs ?? now(),
            attributes,
            links: spanOptions.links ?? NO_LINKS,
          };
          if (parent !== undefined) record.parentSpanId = parent.spanId;
          if (endOptions?.error !== undefined) record.error = errorMessage(endOptions.error);
          exporter.add(record);
        },
      };
    },
    flush: () => exporter.flush(),
  };
}

/** A tracer that records nothing: spans carry their parent's context on. */
export const NOOP_TRACER: Tracer = Object.freeze({
  enabled: false,
  startSpan(_name: string, options: SpanOptions = {}): Span {
    return { context: options.parent, setAttribute() {}, end() {} };
  },
  flush: () => Promise.resolve(),
});

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const NONE: Readonly<Record<string, AttributeValue>> = Object.freeze({});
const NO_LINKS: readonly TraceContext[] = Object.freeze([]);

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `fn` inside a span named `name` under `parent`, ending it when `fn`
 * settles, with the error when it throws.
 *
 * @example Usage
 * ```ts ignore
 * await traced(tracer, "S3 PutObject", root.context, () => s3.send(command), { kind: "client" });
 * ```
 *
 * @param tracer The tracer.
 * @param name The span's name.
 * @param parent The parent's context.
 * @param fn The work; receives the span.
 * @param options Kind and attributes.
 * @returns What `fn` returns.
 */
export async function traced<T>(
  tracer: Tracer,
  name: string,
  parent: TraceContext | undefined,
  fn: (span: Span) => Promise<T>,
  options: Omit<SpanOptions, "parent"> = {},
): Promise<T> {
  const span = tracer.startSpan(name, { ...options, parent });
  try {
    const result = await fn(span);
    span.end();
    return result;
  } catch (error) {
    span.end({ error });
    throw error;
  }
}
