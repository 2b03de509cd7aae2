/**
 * SQS's `AWSTraceHeader` system attribute, which fauxqs does not keep: a
 * `SendMessage(Batch)` entry's `MessageSystemAttributes.AWSTraceHeader`
 * travels inside fauxqs as a reserved message attribute (so it persists and
 * moves to a dead-letter queue with the message), and comes back out as
 * AWS gives it: in `Attributes.AWSTraceHeader` of a `ReceiveMessage` that
 * asks for it (`MessageSystemAttributeNames` or `AttributeNames` naming it or
 * `All`), never among the message attributes; `MD5OfMessageAttributes` is of
 * the sender's own attributes and `MD5OfMessageSystemAttributes` of the
 * header, as AWS computes them.
 *
 * @module
 */

import { createHash } from "node:crypto";

type Json = Record<string, unknown>;

/** The message attribute that carries the header inside fauxqs. */
export const TRACE_HEADER_ATTRIBUTE = "local.AWSTraceHeader";

/**
 * The request fauxqs gets: the trace headers of a send moved into the
 * reserved message attribute; a receive that wants them also asks fauxqs for
 * that attribute. Other actions pass unchanged.
 *
 * @param action The SQS action.
 * @param body The request (JSON protocol).
 * @returns The request to forward.
 */
export function hideTraceHeaders(action: string, body: Json): Json {
  if (action === "SendMessage") return hideEntry(body);
  if (action === "SendMessageBatch" && Array.isArray(body.Entries)) {
    if (!body.Entries.some(hasTraceHeader)) return body;
    return { ...body, Entries: body.Entries.map((entry: Json) => hideEntry(entry)) };
  }
  if (action === "ReceiveMessage" && wantsTraceHeader(body)) {
    const names = Array.isArray(body.MessageAttributeNames) ? body.MessageAttributeNames : [];
    return { ...body, MessageAttributeNames: [...names, TRACE_HEADER_ATTRIBUTE] };
  }
  return body;
}

/**
 * fauxqs's answer as AWS gives it: send results with the sender's own
 * attributes' MD5 and the system attributes' MD5; received messages without
 * the reserved attribute, with `Attributes.AWSTraceHeader` when asked for.
 *
 * @param action The SQS action.
 * @param request The request as the client sent it.
 * @param answer fauxqs's answer.
 * @returns The answer to send.
 */
export function revealTraceHeaders(action: string, request: Json, answer: Json): Json {
  if (action === "SendMessage") {
    return hasTraceHeader(request) ? { ...answer, ...sendDigests(request) } : answer;
  }
  if (action === "SendMessageBatch" && Array.isArray(answer.Successful)) {
    if (!Array.isArray(request.Entries) || !request.Entries.some(hasTraceHeader)) return answer;
    const entries = new Map<unknown, Json>(
      (Array.isArray(request.Entries) ? request.Entries : []).map((e: Json) => [e.Id, e]),
    );
    return {
      ...answer,
      Successful: answer.Successful.map((result: Json) => ({
        ...result,
        ...sendDigests(entries.get(result.Id) ?? {}),
      })),
    };
  }
  if (action === "ReceiveMessage" && Array.isArray(answer.Messages)) {
    const wanted = wantsTraceHeader(request);
    return { ...answer, Messages: answer.Messages.map((m: Json) => revealMessage(m, wanted)) };
  }
  return answer;
}

function hideEntry(entry: Json): Json {
  const header = traceHeaderOf(entry);
  if (header === undefined) return entry;
  const { MessageSystemAttributes: _, ...rest } = entry;
  return {
    ...rest,
    MessageAttributes: {
      ...(isObject(entry.MessageAttributes) ? entry.MessageAttributes : {}),
      [TRACE_HEADER_ATTRIBUTE]: { DataType: "String", StringValue: header },
    },
  };
}

function sendDigests(entry: Json): Json {
  const header = traceHeaderOf(entry);
  if (header === undefined) return {};
  const own = isObject(entry.MessageAttributes) ? entry.MessageAttributes : {};
  return {
    MD5OfMessageSystemAttributes: attributesMd5({
      AWSTraceHeader: { DataType: "String", StringValue: header },
    }),
    ...(Object.keys(own).length === 0
      ? { MD5OfMessageAttributes: undefined }
      : { MD5OfMessageAttributes: attributesMd5(own) }),
  };
}

function revealMessage(message: Json, wanted: boolean): Json {
  const attributes = isObject(message.MessageAttributes) ? message.MessageAttributes : {};
  const hidden = attributes[TRACE_HEADER_ATTRIBUTE];
  if (!isObject(hidden)) return message;
  const { [TRACE_HEADER_ATTRIBUTE]: _, ...own } = attributes;
  const { MessageAttributes: _all, MD5OfMessageAttributes: _md5, ...rest } = message;
  return {
    ...rest,
    ...(Object.keys(own).length === 0
      ? {}
      : { MessageAttributes: own, MD5OfMessageAttributes: attributesMd5(own) }),
    ...(wanted && typeof hidden.StringValue === "string"
      ? {
        Attributes: {
          ...(isObject(message.Attributes) ? message.Attributes : {}),
          AWSTraceHeader: hidden.StringValue,
        },
      }
      : {}),
  };
}

function hasTraceHeader(entry: Json): boolean {
  return traceHeaderOf(entry) !== undefined;
}

function traceHeaderOf(entry: Json): string | undefined {
  const system = entry.MessageSystemAttributes;
  if (!isObject(system) || !isObject(system.AWSTraceHeader)) return undefined;
  const value = system.AWSTraceHeader.StringValue;
  return typeof value === "string" ? value : undefined;
}

function wantsTraceHeader(request: Json): boolean {
  return [request.MessageSystemAttributeNames, request.AttributeNames].some((names) =>
    Array.isArray(names) && (names.includes("All") || names.includes("AWSTraceHeader"))
  );
}

/**
 * AWS's MD5 of message attributes: for each attribute by name, the name,
 * the data type, a transport byte (1 string, 2 binary) and the value, each
 * length-prefixed (4 bytes, big-endian).
 *
 * @param attributes Attributes in the JSON protocol's shape.
 * @returns The hex digest.
 */
export function attributesMd5(attributes: Json): string {
  const hash = createHash("md5");
  const field = (bytes: Uint8Array) => {
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  const encoder = new TextEncoder();
  for (const name of Object.keys(attributes).sort()) {
    const attribute = attributes[name];
    if (!isObject(attribute)) continue;
    const type = String(attribute.DataType ?? "String");
    field(encoder.encode(name));
    field(encoder.encode(type));
    if (type.startsWith("Binary")) {
      hash.update(new Uint8Array([2]));
      field(base64Bytes(String(attribute.BinaryValue ?? "")));
    } else {
      hash.update(new Uint8Array([1]));
      field(encoder.encode(String(attribute.StringValue ?? "")));
    }
  }
  return hash.digest("hex");
}

function base64Bytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
