/**
 * Sending spans as OTLP/HTTP JSON (`ExportTraceServiceRequest`) to a
 * collector, X-Ray's OTLP endpoint or the local AWS: buffered, sent in
 * batches in the background, and on `flush()`.
 *
 * @module
 */

import type { ExportSigner } from "./sign_otlp.ts";
import type { AttributeValue, SpanExporter, SpanKind, SpanRecord } from "./tracer.ts";

/** A request the exporter sends: a POST with a JSON body. */
export interface OtlpRequestInit {
  /** Always `"POST"`. */
  readonly method: string;
  /** Request headers, signed when a signer is given. */
  readonly headers: Record<string, string>;
  /** The `ExportTraceServiceRequest` as JSON. */
  readonly body: string;
  /** Aborts the send at its timeout. */
  readonly signal: AbortSignal;
}

/** What the exporter needs of an answer (a `Response` has it). */
export interface OtlpResponse {
  /** Whether the status is 2xx. */
  readonly ok: boolean;
  /** The status. */
  readonly status: number;
  /** The body, dropped unread. */
  readonly body?: { cancel(): Promise<void> } | null;
}

/**
 * Sends one export: the global `fetch` fits, and so does a lighter one (the
 * Lambda's `nodePost`, which loads no `fetch` implementation).
 */
export type OtlpSend = (url: string, init: OtlpRequestInit) => Promise<OtlpResponse>;

/** Options of {@linkcode createOtlpExporter}. */
export interface OtlpExporterOptions {
  /** The traces URL, `…/v1/traces`. */
  readonly url: string;
  /** `service.name` of the resource. */
  readonly serviceName: string;
  /** Other resource attributes. */
  readonly resourceAttributes?: Readonly<Record<string, AttributeValue>>;
  /** Extra request headers (`OTEL_EXPORTER_OTLP_HEADERS`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Spans that start a send at once. Defaults to 512. */
  readonly batchSize?: number;
  /** Milliseconds a span waits for its batch at most. Defaults to 1,000; 0 waits for `flush()`. */
  readonly delayMs?: number;
  /** Spans kept while a send is slow or failing; more are dropped. Defaults to 8,192. */
  readonly maxQueue?: number;
  /** Milliseconds a send may take. Defaults to 10,000 (OTLP's default timeout). */
  readonly timeoutMs?: number;
  /** Called once per failed send (the spans are dropped). */
  readonly onError?: (error: Error) => void;
  /** Signs each export (SigV4 for X-Ray's OTLP endpoint). Default none. */
  readonly sign?: ExportSigner;
  /** What sends each export. Defaults to the global `fetch`. */
  readonly fetch?: OtlpSend;
}

const KINDS: Record<SpanKind, number> = {
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
};

/**
 * Creates an OTLP/HTTP JSON exporter. A send that fails or times out drops
 * its spans and reports once to `onError`; tracing never fails the program.
 *
 * @example Usage
 * ```ts ignore
 * const exporter = createOtlpExporter({
 *   url: "http://127.0.0.1:4318/v1/traces",
 *   serviceName: "generator",
 * });
 * const tracer = createTracer({ exporter });
 * ```
 *
 * @param options URL, service name, batching and headers.
 * @returns The exporter.
 */
export function createOtlpExporter(options: OtlpExporterOptions): SpanExporter {
  const {
    url,
    batchSize = 512,
    delayMs = 1_000,
    maxQueue = 8_192,
    timeoutMs = 10_000,
    onError = () => {},
    fetch: send = fetch,
  } = options;
  const resource = {
    attributes: toAttributes({
      ...options.resourceAttributes,
      "service.name": options.serviceName,
    }),
  };
  let buffer: SpanRecord[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const inFlight = new Set<Promise<void>>();

  function startSend(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return;
    const spans = buffer;
    buffer = [];
    const body = JSON.stringify(otlpJson(resource, spans));
    const sent = post(body).finally(() => inFlight.delete(sent));
    inFlight.add(sent);
  }

  async function post(body: string): Promise<void> {
    try {
      const headers = { ...options.headers, "content-type": "application/json" };
      const response = await send(url, {
        method: "POST",
        headers: options.sign ? await options.sign({ url, headers, body }) : headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`status ${response.status}`);
    } catch (error) {
      onError(
        new Error(
          `Cannot export spans to ${url}: ${error instanceof Error ? error.message : error}`,
          { cause: error },
        ),
      );
    }
  }

  return {
    add(span) {
      if (buffer.length >= maxQueue) return;
      buffer.push(span);
      if (buffer.length >= batchSize) startSend();
      else if (timer === undefined && delayMs > 0) {
        timer = setTimeout(startSend, delayMs);
        unref(timer);
      }
    },
    async flush() {
      startSend();
      await Promise.all(inFlight);
    },
  };
}

/**
 * The OTLP/JSON `ExportTraceServiceRequest` of spans of one resource.
 *
 * @param resource The resource (its `service.name` among its attributes).
 * @param spans The spans.
 * @returns The request's JSON value.
 */
export function otlpJson(resource: { attributes: unknown[] }, spans: readonly SpanRecord[]) {
  return {
    resourceSpans: [{
      resource,
      scopeSpans: [{
        scope: { name: "aws-discovery" },
        spans: spans.map(otlpSpan),
      }],
    }],
  };
}

function otlpSpan(span: SpanRecord) {
  const json: Record<string, unknown> = {
    traceId: span.context.traceId,
    spanId: span.context.spanId,
  };
  if (span.parentSpanId !== undefined) json.parentSpanId = span.parentSpanId;
  json.name = span.name;
  json.kind = KINDS[span.kind];
  json.startTimeUnixNano = nanos(span.startMs);
  json.endTimeUnixNano = nanos(span.endMs);
  json.attributes = toAttributes(span.attributes);
  if (span.links.length > 0) {
    json.links = span.links.map((link) => ({ traceId: link.traceId, spanId: link.spanId }));
  }
  // Success stays unset, as OpenTelemetry asks of instrumentation.
  if (span.error !== undefined) json.status = { code: 2, message: span.error };
  return json;
}

function toAttributes(attributes: Readonly<Record<string, AttributeValue>>) {
  const list = [];
  for (const key in attributes) {
    const value = attributes[key]!;
    list.push({
      key,
      value: typeof value === "string"
        ? { stringValue: value }
        : typeof value === "boolean"
        ? { boolValue: value }
        : Number.isInteger(value)
        ? { intValue: String(value) }
        : { doubleValue: value },
    });
  }
  return list;
}

/**
 * Epoch milliseconds (fractional) as a decimal string of nanoseconds, without
 * BigInt: the whole milliseconds, then six digits of the fraction.
 */
function nanos(ms: number): string {
  let whole = Math.floor(ms);
  let fraction = Math.round((ms - whole) * 1e6);
  if (fraction === 1e6) {
    whole += 1;
    fraction = 0;
  }
  if (whole === 0) return String(fraction);
  return `${whole}${String(fraction).padStart(6, "0")}`;
}

function unref(timer: ReturnType<typeof setTimeout>): void {
  const handle = timer as unknown as { unref?: () => void };
  if (typeof handle.unref === "function") handle.unref();
  else if (typeof timer === "number") Deno.unrefTimer(timer);
}
