/**
 * Reading an OTLP/HTTP JSON `ExportTraceServiceRequest` into stored spans.
 * OTLP's JSON encoding writes ids as hex, 64-bit integers as decimal strings
 * or numbers, and enums as numbers.
 *
 * @module
 */

import type { StoredSpan } from "./_store.ts";

type Json = Record<string, unknown>;

/** Span kinds by OTLP's number. */
export const SPAN_KINDS = ["unspecified", "internal", "server", "client", "producer", "consumer"];

/** The fields of a span both encodings give, before they become a {@linkcode StoredSpan}. */
export interface DecodedSpan {
  /** Trace id, hex. */
  traceId: string;
  /** Span id, hex. */
  spanId: string;
  /** Parent span id, hex, empty for a root. */
  parentSpanId: string;
  /** Name. */
  name: string;
  /** OTLP's kind number. */
  kind: number;
  /** Start, nanoseconds. */
  startNanos: bigint;
  /** End, nanoseconds. */
  endNanos: bigint;
  /** Attributes. */
  attributes: Record<string, unknown>;
  /** Links. */
  links: { trace_id: string; span_id: string }[];
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  /** Status message. */
  statusMessage: string;
}

/**
 * Parses an OTLP/JSON trace export.
 *
 * @param text The request body.
 * @returns The spans.
 * @throws {TypeError} When the body is not an OTLP trace export.
 */
export function parseOtlpJson(text: string): StoredSpan[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new TypeError("Cannot parse OTLP/JSON: the body is not JSON");
  }
  if (!isObject(body) || !Array.isArray(body.resourceSpans)) {
    throw new TypeError('Cannot parse OTLP/JSON: "resourceSpans" is missing');
  }
  const spans: StoredSpan[] = [];
  for (const resourceSpans of body.resourceSpans) {
    if (!isObject(resourceSpans)) continue;
    const resource = isObject(resourceSpans.resource) ? resourceSpans.resource : {};
    const serviceName = String(jsonAttributes(resource.attributes)["service.name"] ?? "unknown");
    for (const scopeSpans of arrayOf(resourceSpans.scopeSpans)) {
      for (const span of arrayOf(scopeSpans.spans)) {
        const status = isObject(span.status) ? span.status : {};
        spans.push(toStoredSpan(serviceName, {
          traceId: hexId(span.traceId, 32, "traceId"),
          spanId: hexId(span.spanId, 16, "spanId"),
          parentSpanId: span.parentSpanId ? hexId(span.parentSpanId, 16, "parentSpanId") : "",
          name: String(span.name ?? ""),
          kind: Number(span.kind ?? 0),
          startNanos: bigintOf(span.startTimeUnixNano),
          endNanos: bigintOf(span.endTimeUnixNano),
          attributes: jsonAttributes(span.attributes),
          links: arrayOf(span.links).map((link) => ({
            trace_id: hexId(link.traceId, 32, "traceId"),
            span_id: hexId(link.spanId, 16, "spanId"),
          })),
          statusCode: Number(status.code ?? 0),
          statusMessage: String(status.message ?? ""),
        }));
      }
    }
  }
  return spans;
}

/**
 * A decoded span in the store's shape.
 *
 * @param serviceName The resource's `service.name`.
 * @param span The decoded span.
 * @returns The stored span.
 */
export function toStoredSpan(serviceName: string, span: DecodedSpan): StoredSpan {
  const startMs = Number(span.startNanos / 1000n) / 1000;
  const endMs = Number(span.endNanos / 1000n) / 1000;
  const code = span.statusCode === 2 ? "error" : span.statusCode === 1 ? "ok" : "unset";
  return {
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId === "" ? null : span.parentSpanId,
    service_name: serviceName,
    name: span.name,
    kind: SPAN_KINDS[span.kind] ?? "unspecified",
    start: new Date(Math.floor(startMs)).toISOString(),
    start_ms: startMs,
    duration_ms: Math.max(0, endMs - startMs),
    status: span.statusMessage === "" ? { code } : { code, message: span.statusMessage },
    attributes: span.attributes,
    links: span.links,
  };
}

function jsonAttributes(value: unknown): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const pair of arrayOf(value)) {
    if (typeof pair.key === "string") attributes[pair.key] = jsonValue(pair.value);
  }
  return attributes;
}

function jsonValue(value: unknown): unknown {
  if (!isObject(value)) return null;
  if ("stringValue" in value) return value.stringValue;
  if ("boolValue" in value) return value.boolValue;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return Number(value.doubleValue);
  if (isObject(value.arrayValue)) return arrayOf(value.arrayValue.values).map(jsonValue);
  if ("bytesValue" in value) return value.bytesValue;
  return null;
}

const HEX_IDS: Record<number, RegExp> = { 16: /^[0-9a-f]{16}$/, 32: /^[0-9a-f]{32}$/ };

function hexId(value: unknown, digits: 16 | 32, name: string): string {
  if (typeof value === "string") {
    const lower = value.toLowerCase();
    if (HEX_IDS[digits]!.test(lower)) return lower;
  }
  throw new TypeError(`Cannot parse OTLP/JSON: "${name}" must be ${digits} hex digits`);
}

function bigintOf(value: unknown): bigint {
  try {
    return BigInt(typeof value === "number" ? Math.round(value) : String(value ?? "0"));
  } catch {
    throw new TypeError(`Cannot parse OTLP/JSON: "${value}" is not a time in nanoseconds`);
  }
}

function arrayOf(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
