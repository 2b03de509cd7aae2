/**
 * What the dashboard reads inside one request to the local AWS: the queue,
 * bucket, key or table it touched, the item keys (uuids) it named, and the
 * messages it sent, received or deleted with the keys in their bodies. It
 * parses only the small JSON, form and XML bodies of the pipeline's calls,
 * so it costs little per request. Pure.
 *
 * @module
 */

import type { InnerRequest, InnerResponse } from "../core/mod.ts";
import { type AwsService, jsonBody, s3Target } from "../core/mod.ts";

/** What {@linkcode describeCall} looks at: a subset of the router's report. */
export interface ObservedCall {
  /** Service (`sqs`). */
  readonly service: AwsService;
  /** Operation (`SendMessageBatch`). */
  readonly operation: string;
  /** HTTP status of the answer. */
  readonly status: number;
  /** The request as dispatched. */
  readonly inner: InnerRequest;
  /** The answer as sent. */
  readonly answer: InnerResponse;
}

/** A message a call sent, received or named. */
export interface CallMessage {
  /** SQS message id, when the call showed it. */
  readonly messageId?: string;
  /** The `dynamodb_key` of the body, when it has one. */
  readonly uuid?: string;
  /** The `s3_key` of the body, when it has one. */
  readonly s3Key?: string;
  /** Receipt handle (received messages). */
  readonly receiptHandle?: string;
  /** `ApproximateReceiveCount` (received messages). */
  readonly receiveCount?: number;
}

/** An item a call put, with its attributes as plain text. */
export interface PutItem {
  /** Its hash key value. */
  readonly uuid: string;
  /** Attributes as text (`year` → `"2021"`), at most {@linkcode MAX_ATTRIBUTES}. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** What one call touched. Absent fields were not part of the call. */
export interface CallDetail {
  /** SQS queue name. */
  readonly queue?: string;
  /** S3 bucket. */
  readonly bucket?: string;
  /** S3 key. */
  readonly key?: string;
  /** The `uuid` in the JSON body of an uploaded object. */
  readonly objectUuid?: string;
  /** DynamoDB table (the first, for batch calls). */
  readonly table?: string;
  /** Hash key values the call named (read, updated, deleted or put). */
  readonly uuids: readonly string[];
  /** Items written (`PutItem`, `BatchWriteItem` minus its unprocessed items). */
  readonly putItems: readonly PutItem[];
  /** `UpdateItem`: its update expression with names and values filled in. */
  readonly update?: string;
  /** Messages sent and accepted (with the ids SQS gave them). */
  readonly sent: readonly CallMessage[];
  /** Messages received. */
  readonly received: readonly CallMessage[];
  /** Receipt handles of the messages deleted. */
  readonly deleted: readonly string[];
}

/** Attributes kept per put item. */
export const MAX_ATTRIBUTES = 16;

/** Attribute values and update texts are cut to this many characters. */
export const MAX_TEXT = 200;

/** Bodies larger than this are not parsed. */
const MAX_BODY_BYTES = 256 * 1024;

/** Objects larger than this are not searched for a `uuid`. */
const MAX_OBJECT_BYTES = 8 * 1024;

const NOTHING: CallDetail = Object.freeze({
  uuids: [],
  putItems: [],
  sent: [],
  received: [],
  deleted: [],
});

const decoder = new TextDecoder();

/**
 * Reads what a call touched.
 *
 * @example Usage
 * ```ts
 * // Needs a call the router reported (`aws.onRequest`): type-checked by `deno task ok`, not run.
 * import { describeCall, type ObservedCall } from "./_call_detail.ts";
 *
 * declare const request: ObservedCall;
 * const detail = describeCall(request, "uuid");
 * for (const message of detail.sent) console.log(message.messageId, message.uuid);
 * ```
 *
 * @param call The router's report of the call.
 * @param hashKey The table's hash key attribute (`uuid`).
 * @returns What it touched; empty lists for anything else.
 */
export function describeCall(call: ObservedCall, hashKey: string): CallDetail {
  try {
    switch (call.service) {
      case "sqs":
        return describeSqs(call);
      case "dynamodb":
        return describeDynamodb(call, hashKey);
      case "s3":
        return describeS3(call);
      default:
        return NOTHING;
    }
  } catch {
    // A body that is not what the protocol says: nothing to show.
    return NOTHING;
  }
}

function describeS3(call: ObservedCall): CallDetail {
  const [path = ""] = call.inner.url.split("?");
  const { bucket, key } = s3Target(path, call.inner.headers.host ?? null);
  if (bucket === undefined) return NOTHING;
  let objectUuid: string | undefined;
  if (
    call.operation === "PutObject" && call.status === 200 && key !== undefined &&
    call.inner.body.length > 0 && call.inner.body.length <= MAX_OBJECT_BYTES
  ) {
    const value = parseJson(call.inner.body);
    if (isRecord(value) && typeof value.uuid === "string") objectUuid = value.uuid;
  }
  return {
    ...NOTHING,
    bucket,
    ...(key === undefined ? {} : { key }),
    ...(objectUuid === undefined ? {} : { objectUuid }),
  };
}

// --- SQS -------------------------------------------------------------------

/** A request's parameters, from a JSON body or a query-protocol form. */
interface SqsParams {
  readonly queueUrl: string | undefined;
  /** Entries of a batch, or the single message's fields as one entry. */
  readonly entries: readonly { id: string; body?: string; receiptHandle?: string }[];
}

function describeSqs(call: ObservedCall): CallDetail {
  const { operation } = call;
  const relevant = operation === "SendMessage" || operation === "SendMessageBatch" ||
    operation === "ReceiveMessage" || operation === "DeleteMessage" ||
    operation === "DeleteMessageBatch" || operation === "PurgeQueue";
  if (!relevant) return NOTHING;
  const form = isForm(call.inner);
  const params = form ? formParams(call.inner, operation) : jsonParams(call.inner, operation);
  if (params === undefined) return NOTHING;
  const queue = params.queueUrl === undefined ? undefined : queueNameOf(params.queueUrl);
  const base: CallDetail = { ...NOTHING, ...(queue === undefined ? {} : { queue }) };
  if (call.status !== 200 || call.answer.body.length > MAX_BODY_BYTES) return base;
  const text = decoder.decode(call.answer.body);
  const xml = text.trimStart().startsWith("<");
  switch (operation) {
    case "SendMessage": {
      const messageId = xml ? xmlText(text, "MessageId") : jsonField(text, "MessageId");
      const body = params.entries[0]?.body;
      if (messageId === undefined || body === undefined) return base;
      return { ...base, sent: [{ messageId, ...messageKeys(body) }] };
    }
    case "SendMessageBatch": {
      const ids = xml ? xmlBatchIds(text, "SendMessageBatchResultEntry") : jsonBatchIds(text);
      const sent: CallMessage[] = [];
      for (const entry of params.entries) {
        const messageId = ids.get(entry.id);
        if (messageId === undefined || entry.body === undefined) continue;
        sent.push({ messageId, ...messageKeys(entry.body) });
      }
      return { ...base, sent };
    }
    case "ReceiveMessage":
      return { ...base, received: xml ? xmlReceived(text) : jsonReceived(text) };
    case "DeleteMessage": {
      const handle = params.entries[0]?.receiptHandle;
      return handle === undefined ? base : { ...base, deleted: [handle] };
    }
    case "DeleteMessageBatch": {
      const ok = xml
        ? new Set(xmlBatchIds(text, "DeleteMessageBatchResultEntry").keys())
        : new Set(jsonSuccessfulIds(text));
      const deleted = params.entries
        .filter((entry) => ok.has(entry.id) && entry.receiptHandle !== undefined)
        .map((entry) => entry.receiptHandle as string);
      return { ...base, deleted };
    }
    default:
      return base;
  }
}

function jsonParams(inner: InnerRequest, operation: string): SqsParams | undefined {
  const value = parseJson(inner.body);
  if (!isRecord(value)) return undefined;
  const queueUrl = typeof value.QueueUrl === "string" ? value.QueueUrl : undefined;
  if (operation === "SendMessageBatch" || operation === "DeleteMessageBatch") {
    const entries = Array.isArray(value.Entries) ? value.Entries : [];
    return {
      queueUrl,
      entries: entries.filter(isRecord).map((entry) => ({
        id: String(entry.Id ?? ""),
        ...(typeof entry.MessageBody === "string" ? { body: entry.MessageBody } : {}),
        ...(typeof entry.ReceiptHandle === "string" ? { receiptHandle: entry.ReceiptHandle } : {}),
      })),
    };
  }
  return {
    queueUrl,
    entries: [{
      id: "",
      ...(typeof value.MessageBody === "string" ? { body: value.MessageBody } : {}),
      ...(typeof value.ReceiptHandle === "string" ? { receiptHandle: value.ReceiptHandle } : {}),
    }],
  };
}

function formParams(inner: InnerRequest, operation: string): SqsParams {
  const [, query = ""] = inner.url.split("?");
  const form = new URLSearchParams(query);
  for (const [name, value] of new URLSearchParams(decoder.decode(inner.body))) {
    form.append(name, value);
  }
  const queueUrl = form.get("QueueUrl") ?? undefined;
  if (operation === "SendMessageBatch" || operation === "DeleteMessageBatch") {
    const prefix = operation === "SendMessageBatch"
      ? "SendMessageBatchRequestEntry"
      : "DeleteMessageBatchRequestEntry";
    const entries: { id: string; body?: string; receiptHandle?: string }[] = [];
    for (let n = 1; n <= 10; n++) {
      const id = form.get(`${prefix}.${n}.Id`);
      if (id === null) continue;
      const body = form.get(`${prefix}.${n}.MessageBody`);
      const handle = form.get(`${prefix}.${n}.ReceiptHandle`);
      entries.push({
        id,
        ...(body === null ? {} : { body }),
        ...(handle === null ? {} : { receiptHandle: handle }),
      });
    }
    return { queueUrl, entries };
  }
  const body = form.get("MessageBody");
  const handle = form.get("ReceiptHandle");
  return {
    queueUrl,
    entries: [{
      id: "",
      ...(body === null ? {} : { body }),
      ...(handle === null ? {} : { receiptHandle: handle }),
    }],
  };
}

function jsonBatchIds(text: string): Map<string, string> {
  const value = JSON.parse(text) as unknown;
  const ids = new Map<string, string>();
  if (!isRecord(value) || !Array.isArray(value.Successful)) return ids;
  for (const entry of value.Successful) {
    if (isRecord(entry) && typeof entry.Id === "string" && typeof entry.MessageId === "string") {
      ids.set(entry.Id, entry.MessageId);
    }
  }
  return ids;
}

function jsonSuccessfulIds(text: string): string[] {
  const value = JSON.parse(text) as unknown;
  if (!isRecord(value) || !Array.isArray(value.Successful)) return [];
  return value.Successful.filter(isRecord).map((entry) => String(entry.Id ?? ""));
}

function jsonReceived(text: string): CallMessage[] {
  const value = JSON.parse(text) as unknown;
  if (!isRecord(value) || !Array.isArray(value.Messages)) return [];
  return value.Messages.filter(isRecord).map((message) => {
    const attributes = isRecord(message.Attributes) ? message.Attributes : {};
    const count = Number(attributes.ApproximateReceiveCount);
    return {
      ...(typeof message.MessageId === "string" ? { messageId: message.MessageId } : {}),
      ...(typeof message.ReceiptHandle === "string"
        ? { receiptHandle: message.ReceiptHandle }
        : {}),
      ...(Number.isFinite(count) && count > 0 ? { receiveCount: count } : {}),
      ...(typeof message.Body === "string" ? messageKeys(message.Body) : {}),
    };
  });
}

function xmlReceived(text: string): CallMessage[] {
  return xmlElements(text, "Message").map((message) => {
    const messageId = xmlText(message, "MessageId");
    const receiptHandle = xmlText(message, "ReceiptHandle");
    const body = xmlText(message, "Body");
    let receiveCount: number | undefined;
    for (const attribute of xmlElements(message, "Attribute")) {
      if (xmlText(attribute, "Name") === "ApproximateReceiveCount") {
        receiveCount = Number(xmlText(attribute, "Value"));
      }
    }
    return {
      ...(messageId === undefined ? {} : { messageId }),
      ...(receiptHandle === undefined ? {} : { receiptHandle }),
      ...(receiveCount !== undefined && receiveCount > 0 ? { receiveCount } : {}),
      ...(body === undefined ? {} : messageKeys(body)),
    };
  });
}

function xmlBatchIds(text: string, entryName: string): Map<string, string> {
  const ids = new Map<string, string>();
  for (const entry of xmlElements(text, entryName)) {
    const id = xmlText(entry, "Id");
    if (id !== undefined) ids.set(id, xmlText(entry, "MessageId") ?? "");
  }
  return ids;
}

/** The pipeline keys of a message body, when it is the pipeline's JSON. */
function messageKeys(body: string): { uuid?: string; s3Key?: string } {
  if (body.length > 4096 || !body.startsWith("{")) return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return {};
  }
  if (!isRecord(value)) return {};
  return {
    ...(typeof value.dynamodb_key === "string" ? { uuid: value.dynamodb_key } : {}),
    ...(typeof value.s3_key === "string" ? { s3Key: value.s3_key } : {}),
  };
}

/** A queue's name from its URL (`http://host/000000000000/name` → `name`). */
export function queueNameOf(queueUrl: string): string {
  const trimmed = queueUrl.endsWith("/") ? queueUrl.slice(0, -1) : queueUrl;
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

// --- DynamoDB ----------------------------------------------------------------

function describeDynamodb(call: ObservedCall, hashKey: string): CallDetail {
  const { operation } = call;
  const interesting = operation === "PutItem" || operation === "UpdateItem" ||
    operation === "GetItem" || operation === "DeleteItem" || operation === "BatchWriteItem" ||
    operation === "BatchGetItem";
  if (!interesting || call.inner.body.length > MAX_BODY_BYTES) return NOTHING;
  const request = parseJson(call.inner.body);
  if (!isRecord(request)) return NOTHING;
  const ok = call.status === 200;
  if (operation === "BatchWriteItem" || operation === "BatchGetItem") {
    return describeBatch(call, request, hashKey, ok);
  }
  const table = typeof request.TableName === "string" ? request.TableName : undefined;
  const base = { ...NOTHING, ...(table === undefined ? {} : { table }) };
  if (operation === "PutItem") {
    const item = isRecord(request.Item) ? request.Item : {};
    const uuid = keyOf(item, hashKey);
    if (uuid === undefined) return base;
    return { ...base, uuids: [uuid], putItems: ok ? [{ uuid, attributes: plain(item) }] : [] };
  }
  const uuid = keyOf(isRecord(request.Key) ? request.Key : {}, hashKey);
  if (uuid === undefined) return base;
  if (operation === "UpdateItem") {
    return { ...base, uuids: [uuid], update: describeUpdate(request) };
  }
  return { ...base, uuids: [uuid] };
}

function describeBatch(
  call: ObservedCall,
  request: Record<string, unknown>,
  hashKey: string,
  ok: boolean,
): CallDetail {
  const requestItems = isRecord(request.RequestItems) ? request.RequestItems : {};
  const tables = Object.keys(requestItems);
  const uuids: string[] = [];
  const putItems: PutItem[] = [];
  let unprocessed = new Set<string>();
  if (ok && call.answer.body.length <= MAX_BODY_BYTES) {
    const answer = parseJson(call.answer.body);
    const field = call.operation === "BatchWriteItem" ? "UnprocessedItems" : "UnprocessedKeys";
    if (isRecord(answer) && isRecord(answer[field])) {
      unprocessed = new Set(batchKeys(answer[field], hashKey, call.operation).map((k) => k.uuid));
    }
  }
  for (const { uuid, item } of batchKeys(requestItems, hashKey, call.operation)) {
    uuids.push(uuid);
    if (ok && item !== undefined && !unprocessed.has(uuid)) {
      putItems.push({ uuid, attributes: plain(item) });
    }
  }
  const table = tables[0];
  return { ...NOTHING, ...(table === undefined ? {} : { table }), uuids, putItems };
}

/** Keys (and put items) of a `RequestItems` map of either batch operation. */
function batchKeys(
  requestItems: Record<string, unknown>,
  hashKey: string,
  operation: string,
): { uuid: string; item?: Record<string, unknown> }[] {
  const found: { uuid: string; item?: Record<string, unknown> }[] = [];
  for (const value of Object.values(requestItems)) {
    if (operation === "BatchGetItem") {
      const keys = isRecord(value) && Array.isArray(value.Keys) ? value.Keys : [];
      for (const key of keys) {
        const uuid = isRecord(key) ? keyOf(key, hashKey) : undefined;
        if (uuid !== undefined) found.push({ uuid });
      }
      continue;
    }
    for (const write of Array.isArray(value) ? value : []) {
      if (!isRecord(write)) continue;
      const put = isRecord(write.PutRequest) && isRecord(write.PutRequest.Item)
        ? write.PutRequest.Item
        : undefined;
      const key = isRecord(write.DeleteRequest) && isRecord(write.DeleteRequest.Key)
        ? write.DeleteRequest.Key
        : undefined;
      const uuid = keyOf(put ?? key ?? {}, hashKey);
      if (uuid !== undefined) found.push(put === undefined ? { uuid } : { uuid, item: put });
    }
  }
  return found;
}

function keyOf(item: Record<string, unknown>, hashKey: string): string | undefined {
  const value = item[hashKey];
  if (!isRecord(value)) return undefined;
  if (typeof value.S === "string") return value.S;
  if (typeof value.N === "string") return value.N;
  return undefined;
}

/**
 * An item's attributes (DynamoDB JSON) as short text: `{"year": {"N": "2021"}}`
 * → `{"year": "2021"}`, at most {@linkcode MAX_ATTRIBUTES} of them.
 */
export function plainItem(item: Record<string, unknown>): Record<string, string> {
  return plain(item);
}

function plain(item: Record<string, unknown>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of Object.keys(item).slice(0, MAX_ATTRIBUTES)) {
    result[name] = cut(attributeText(item[name]));
  }
  return result;
}

function attributeText(value: unknown): string {
  if (!isRecord(value)) return String(value);
  if (typeof value.S === "string") return value.S;
  if (typeof value.N === "string") return value.N;
  if (typeof value.BOOL === "boolean") return String(value.BOOL);
  if (value.NULL === true) return "null";
  return JSON.stringify(value);
}

/** `SET #timestamp = :now` → `SET timestamp = 2026-01-01T00:00:00.000Z`. */
function describeUpdate(request: Record<string, unknown>): string {
  const expression = typeof request.UpdateExpression === "string" ? request.UpdateExpression : "";
  const names = isRecord(request.ExpressionAttributeNames) ? request.ExpressionAttributeNames : {};
  const values = isRecord(request.ExpressionAttributeValues)
    ? request.ExpressionAttributeValues
    : {};
  const filled = expression.replace(/[#:][A-Za-z0-9_]+/g, (token) => {
    if (token.startsWith("#")) {
      const name = names[token];
      return typeof name === "string" ? name : token;
    }
    return token in values ? attributeText(values[token]) : token;
  });
  return cut(filled.trim());
}

// --- helpers -------------------------------------------------------------------

function isForm(inner: InnerRequest): boolean {
  return (inner.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded") ||
    inner.url.includes("Action=");
}

/** A body's JSON value, parsed once for IAM, the layers and the dashboard: read, never change it. */
function parseJson(bytes: Uint8Array): unknown {
  if (bytes.length > MAX_BODY_BYTES) return undefined;
  return jsonBody(bytes);
}

function jsonField(text: string, field: string): string | undefined {
  const value = JSON.parse(text) as unknown;
  return isRecord(value) && typeof value[field] === "string" ? value[field] as string : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** The raw inner XML of every `<name>` element (no nesting of the same name). */
function xmlElements(xml: string, name: string): string[] {
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, "g");
  return Array.from(xml.matchAll(pattern), (match) => match[1] ?? "");
}

/** The unescaped text of the first `<name>` element. */
function xmlText(xml: string, name: string): string | undefined {
  const inner = xmlElements(xml, name)[0];
  return inner === undefined ? undefined : unescapeXml(inner);
}

const XML_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith("#x")) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith("#")) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return XML_ENTITIES[lower] ?? whole;
  });
}
