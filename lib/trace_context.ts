/**
 * The trace context that travels with a laptop's messages, in X-Ray's
 * `AWSTraceHeader` form (the SQS system attribute that Lambda continues) and
 * W3C's `traceparent` form (OpenTelemetry's).
 *
 * An X-Ray trace id `1-5759e988-bd862e3fe1be46a994272793` is W3C's
 * `5759e988bd862e3fe1be46a994272793`: the same 32 hex digits without the
 * version and the dash; its first 8 are the trace's start in epoch seconds.
 *
 * @module
 */

/** Which trace a span belongs to, and which span is the parent of the next one. */
export interface TraceContext {
  /** W3C trace id: 32 lower-case hex digits, not all zero. */
  readonly traceId: string;
  /** Span id: 16 lower-case hex digits, not all zero. */
  readonly spanId: string;
  /** Whether the trace is recorded. */
  readonly sampled: boolean;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const XRAY_ROOT = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/;

/**
 * Formats a context as X-Ray's trace header,
 * `Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=1`.
 *
 * @example Usage
 * ```ts
 * import { formatXrayHeader } from "./trace_context.ts";
 *
 * formatXrayHeader({
 *   traceId: "5759e988bd862e3fe1be46a994272793",
 *   spanId: "53995c3f42cd8ad8",
 *   sampled: true,
 * }); // "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
 * ```
 *
 * @param context A valid context.
 * @returns The header's value.
 */
export function formatXrayHeader(context: TraceContext): string {
  checkContext(context);
  return `Root=${xrayTraceId(context.traceId)};Parent=${context.spanId};Sampled=${
    context.sampled ? 1 : 0
  }`;
}

/**
 * Parses X-Ray's trace header. Fields may come in any order, unknown ones
 * (`Lineage`, `Self`) are ignored; `Sampled` other than `0` counts as sampled.
 *
 * @param header The header's value.
 * @returns The context, or `undefined` when the header has no valid `Root`
 * and `Parent` (a header without a parent starts no tree to continue).
 */
export function parseXrayHeader(header: string | undefined): TraceContext | undefined {
  if (header === undefined) return undefined;
  const fields = new Map<string, string>();
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at > 0) fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const root = XRAY_ROOT.exec(fields.get("Root")?.toLowerCase() ?? "");
  const parent = fields.get("Parent")?.toLowerCase() ?? "";
  if (root === null || !SPAN_ID.test(parent)) return undefined;
  const traceId = `${root[1]}${root[2]}`;
  if (/^0+$/.test(traceId) || /^0+$/.test(parent)) return undefined;
  return { traceId, spanId: parent, sampled: fields.get("Sampled") !== "0" };
}

/**
 * The X-Ray form of a W3C trace id: `1-` and a dash after the first 8 digits.
 *
 * @param traceId 32 hex digits.
 * @returns `1-<8 hex>-<24 hex>`.
 */
export function xrayTraceId(traceId: string): string {
  if (!TRACE_ID.test(traceId)) {
    throw new TypeError(`Invalid trace id "${traceId}": give 32 lower-case hex digits`);
  }
  return `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
}

/**
 * Formats a context as W3C's `traceparent`: `00-<trace id>-<span id>-<flags>`.
 *
 * @param context A valid context.
 * @returns The header's value.
 */
export function formatTraceparent(context: TraceContext): string {
  checkContext(context);
  return `00-${context.traceId}-${context.spanId}-${context.sampled ? "01" : "00"}`;
}

/**
 * Parses W3C's `traceparent` (version 00).
 *
 * @param header The header's value.
 * @returns The context, or `undefined` when it is not a valid `traceparent`.
 */
export function parseTraceparent(header: string | undefined): TraceContext | undefined {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(header?.trim() ?? "");
  if (match === null) return undefined;
  const [, traceId = "", spanId = "", flags = "00"] = match;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

/**
 * A new trace id that X-Ray accepts: the first 8 hex digits are the epoch
 * seconds `nowMs` falls in, the other 24 random.
 *
 * @param nowMs Epoch milliseconds.
 * @returns 32 hex digits.
 */
export function newTraceId(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000).toString(16).padStart(8, "0").slice(-8);
  return seconds + randomHex(12);
}

/**
 * A new random span id.
 *
 * @returns 16 hex digits, not all zero.
 */
export function newSpanId(): string {
  let id = randomHex(8);
  while (id === "0000000000000000") id = randomHex(8);
  return id;
}

// Random bytes are drawn 4 KiB at a time: one `getRandomValues` call per id
// costs more than the id (most under Node.js, the Lambda's runtime).
const RANDOM_POOL_BYTES = 4096;
const randomPool = new Uint8Array(RANDOM_POOL_BYTES);
let randomUsed = RANDOM_POOL_BYTES;
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

function randomHex(bytes: number): string {
  if (randomUsed + bytes > RANDOM_POOL_BYTES) {
    crypto.getRandomValues(randomPool);
    randomUsed = 0;
  }
  let hex = "";
  for (const end = randomUsed + bytes; randomUsed < end; randomUsed++) {
    hex += HEX_BYTES[randomPool[randomUsed]!];
  }
  return hex;
}

function checkContext(context: TraceContext): void {
  if (!TRACE_ID.test(context.traceId)) {
    throw new TypeError(`Invalid trace id "${context.traceId}": give 32 lower-case hex digits`);
  }
  if (!SPAN_ID.test(context.spanId)) {
    throw new TypeError(`Invalid span id "${context.spanId}": give 16 lower-case hex digits`);
  }
}
