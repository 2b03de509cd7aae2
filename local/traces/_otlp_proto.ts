/**
 * Reading an OTLP/HTTP protobuf `ExportTraceServiceRequest` into stored
 * spans: a small decoder of the protobuf wire format for the fields of
 * `opentelemetry/proto/trace/v1/trace.proto` the store keeps (others are
 * skipped by their wire type).
 *
 * @module
 */

import type { StoredSpan } from "./_store.ts";
import { type DecodedSpan, toStoredSpan } from "./_otlp_json.ts";

/** One field of a message: its number and its value by wire type. */
type Field =
  | { readonly number: number; readonly type: 0; readonly value: bigint }
  | { readonly number: number; readonly type: 1; readonly value: bigint }
  | { readonly number: number; readonly type: 2; readonly value: Uint8Array }
  | { readonly number: number; readonly type: 5; readonly value: number };

const decoder = new TextDecoder();

/**
 * Parses an OTLP/protobuf trace export.
 *
 * @param bytes The request body.
 * @returns The spans.
 * @throws {TypeError} When the body is not valid protobuf.
 */
export function parseOtlpProtobuf(bytes: Uint8Array): StoredSpan[] {
  const spans: StoredSpan[] = [];
  for (const resourceSpans of messages(bytes, 1)) {
    let serviceName = "unknown";
    for (const resource of messages(resourceSpans, 1)) {
      const name = attributesOf(resource, 1)["service.name"];
      if (name !== undefined) serviceName = String(name);
    }
    for (const scopeSpans of messages(resourceSpans, 2)) {
      for (const span of messages(scopeSpans, 2)) {
        spans.push(toStoredSpan(serviceName, decodeSpan(span)));
      }
    }
  }
  return spans;
}

function decodeSpan(bytes: Uint8Array): DecodedSpan {
  const span: DecodedSpan = {
    traceId: "",
    spanId: "",
    parentSpanId: "",
    name: "",
    kind: 0,
    startNanos: 0n,
    endNanos: 0n,
    attributes: {},
    links: [],
    statusCode: 0,
    statusMessage: "",
  };
  for (const field of fields(bytes)) {
    if (field.type === 2) {
      if (field.number === 1) span.traceId = hex(field.value);
      else if (field.number === 2) span.spanId = hex(field.value);
      else if (field.number === 4) span.parentSpanId = hex(field.value);
      else if (field.number === 5) span.name = decoder.decode(field.value);
      else if (field.number === 9) Object.assign(span.attributes, keyValue(field.value));
      else if (field.number === 13) span.links.push(link(field.value));
      else if (field.number === 15) {
        for (const status of fields(field.value)) {
          if (status.number === 2 && status.type === 2) {
            span.statusMessage = decoder.decode(status.value);
          } else if (status.number === 3 && status.type === 0) {
            span.statusCode = Number(status.value);
          }
        }
      }
    } else if (field.number === 6 && field.type === 0) span.kind = Number(field.value);
    else if (field.number === 7 && field.type === 1) span.startNanos = field.value;
    else if (field.number === 8 && field.type === 1) span.endNanos = field.value;
  }
  if (span.traceId.length !== 32 || span.spanId.length !== 16) {
    throw new TypeError("Cannot parse OTLP/protobuf: a span lacks a trace id or span id");
  }
  return span;
}

function link(bytes: Uint8Array): { trace_id: string; span_id: string } {
  let traceId = "";
  let spanId = "";
  for (const field of fields(bytes)) {
    if (field.type !== 2) continue;
    if (field.number === 1) traceId = hex(field.value);
    else if (field.number === 2) spanId = hex(field.value);
  }
  return { trace_id: traceId, span_id: spanId };
}

function attributesOf(bytes: Uint8Array, number: number): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const pair of messages(bytes, number)) Object.assign(attributes, keyValue(pair));
  return attributes;
}

/** A `KeyValue`: `key` (1) and an `AnyValue` (2). */
function keyValue(bytes: Uint8Array): Record<string, unknown> {
  let key = "";
  let value: unknown = null;
  for (const field of fields(bytes)) {
    if (field.number === 1 && field.type === 2) key = decoder.decode(field.value);
    else if (field.number === 2 && field.type === 2) value = anyValue(field.value);
  }
  return key === "" ? {} : { [key]: value };
}

function anyValue(bytes: Uint8Array): unknown {
  for (const field of fields(bytes)) {
    if (field.number === 1 && field.type === 2) return decoder.decode(field.value);
    if (field.number === 2 && field.type === 0) return field.value !== 0n;
    if (field.number === 3 && field.type === 0) return Number(BigInt.asIntN(64, field.value));
    if (field.number === 4 && field.type === 1) {
      const view = new DataView(new ArrayBuffer(8));
      view.setBigUint64(0, field.value, true);
      return view.getFloat64(0, true);
    }
  }
  return null;
}

/** The embedded messages of field `number`. */
function* messages(bytes: Uint8Array, number: number): Generator<Uint8Array> {
  for (const field of fields(bytes)) {
    if (field.number === number && field.type === 2) yield field.value;
  }
}

/** The fields of one message, in order. */
function* fields(bytes: Uint8Array): Generator<Field> {
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (at >= bytes.length) throw new TypeError("Cannot parse OTLP/protobuf: truncated varint");
      const byte = bytes[at++] ?? 0;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new TypeError("Cannot parse OTLP/protobuf: varint too long");
  };
  const take = (length: number): Uint8Array => {
    if (at + length > bytes.length) {
      throw new TypeError("Cannot parse OTLP/protobuf: a field runs past the end");
    }
    const value = bytes.subarray(at, at + length);
    at += length;
    return value;
  };
  const fixed = (size: 4 | 8): DataView => {
    const value = take(size);
    return new DataView(value.buffer, value.byteOffset, size);
  };
  while (at < bytes.length) {
    const tag = Number(varint());
    const number = tag >>> 3;
    const type = tag & 7;
    if (type === 0) yield { number, type, value: varint() };
    else if (type === 1) yield { number, type, value: fixed(8).getBigUint64(0, true) };
    else if (type === 2) yield { number, type, value: take(Number(varint())) };
    else if (type === 5) yield { number, type, value: fixed(4).getUint32(0, true) };
    else throw new TypeError(`Cannot parse OTLP/protobuf: wire type ${type} is not supported`);
  }
}

function hex(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += byte.toString(16).padStart(2, "0");
  return text;
}
