/**
 * SQS's query protocol (form-encoded `Action=...&Version=2012-11-05`, XML
 * answers), which AWS still serves beside the JSON protocol and which older
 * clients speak (Debian 12's AWS CLI 2.9, the JS SDK v2, boto3 before 1.34):
 * requests become the JSON protocol's, and answers and errors go back as
 * XML. Pure.
 *
 * The shapes follow AWS's SQS model: flattened lists named by their member
 * (`AttributeName.1`), maps as `Name.N.Key`/`Name.N.Value` entries
 * (`Attribute.1.Name`, `Tag.1.Key`), batch entries named
 * `SendMessageBatchRequestEntry.N.*`; answers wrap `<ActionResult>` and
 * `<ResponseMetadata>` in `<ActionResponse>` ("Interpreting Amazon SQS XML
 * API responses").
 *
 * @module
 */

import { element, escapeXml } from "../core/mod.ts";
import { queryCode, type SqsErrorSpec } from "./_errors.ts";

/** SQS's XML namespace. */
export const SQS_NS = "http://queue.amazonaws.com/doc/2012-11-05/";

type Json = Record<string, unknown>;

/** A parsed `Name.1.Sub.2` tree: numbered members become arrays in order. */
type ParamTree = { value?: string; children: Map<string, ParamTree> };

const INTEGER_PARAMS = new Set([
  "DelaySeconds",
  "MaxNumberOfMessages",
  "VisibilityTimeout",
  "WaitTimeSeconds",
  "MaxResults",
  "MaxNumberOfMessagesPerSecond",
]);

/** Flattened lists: query name → JSON name. */
const LISTS: Readonly<Record<string, string>> = {
  AttributeName: "AttributeNames",
  MessageAttributeName: "MessageAttributeNames",
  MessageSystemAttributeName: "MessageSystemAttributeNames",
  TagKey: "TagKeys",
  AWSAccountId: "AWSAccountIds",
  ActionName: "Actions",
  SendMessageBatchRequestEntry: "Entries",
  DeleteMessageBatchRequestEntry: "Entries",
  ChangeMessageVisibilityBatchRequestEntry: "Entries",
  StringListValue: "StringListValues",
  BinaryListValue: "BinaryListValues",
};

/** Flattened maps: query name → [JSON name, key element, value element]. */
const MAPS: Readonly<Record<string, readonly [string, string, string]>> = {
  Attribute: ["Attributes", "Name", "Value"],
  MessageAttribute: ["MessageAttributes", "Name", "Value"],
  MessageSystemAttribute: ["MessageSystemAttributes", "Name", "Value"],
  Tag: ["Tags", "Key", "Value"],
};

/**
 * Turns a query-protocol request's parameters into the JSON protocol's body.
 *
 * @example Usage
 * ```ts
 * import { queryToJson } from "./_query.ts";
 *
 * queryToJson("GetQueueAttributes", new URLSearchParams(
 *   "Action=GetQueueAttributes&QueueUrl=u&AttributeName.1=All",
 * ));
 * // { QueueUrl: "u", AttributeNames: ["All"] }
 * ```
 */
export function queryToJson(action: string, params: URLSearchParams): Json {
  const root: ParamTree = { children: new Map() };
  for (const [name, value] of params) {
    if (name === "Action" || name === "Version") continue;
    let node = root;
    for (const part of name.split(".")) {
      let child = node.children.get(part);
      if (child === undefined) {
        child = { children: new Map() };
        node.children.set(part, child);
      }
      node = child;
    }
    node.value = value;
  }
  const body = structure(root);
  // CreateQueue's tags are `tags` in JSON (TagQueue's are `Tags`).
  if (action === "CreateQueue" && body.Tags !== undefined) {
    body.tags = body.Tags;
    delete body.Tags;
  }
  return body;
}

function structure(node: ParamTree): Json {
  const out: Json = {};
  for (const [name, child] of node.children) {
    const map = MAPS[name];
    const list = LISTS[name];
    if (map !== undefined) {
      const [jsonName, keyName, valueName] = map;
      const entries: Json = {};
      for (const item of numbered(child)) {
        const key = item.children.get(keyName)?.value;
        const value = item.children.get(valueName);
        if (key === undefined || value === undefined) continue;
        entries[key] = value.children.size > 0 ? structure(value) : value.value ?? "";
      }
      out[jsonName] = entries;
    } else if (list !== undefined) {
      out[list] = numbered(child).map((item) =>
        item.children.size > 0 ? structure(item) : item.value ?? ""
      );
    } else if (child.children.size > 0) {
      out[name] = structure(child);
    } else {
      out[name] = INTEGER_PARAMS.has(name) ? toInteger(child.value ?? "") : child.value ?? "";
    }
  }
  return out;
}

function numbered(node: ParamTree): ParamTree[] {
  return [...node.children.entries()]
    .filter(([index]) => /^\d+$/.test(index))
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, child]) => child);
}

function toInteger(text: string): number | string {
  return /^-?\d+$/.test(text.trim()) ? Number(text) : text;
}

/** Lists in answers: JSON name → element name of each member (flattened). */
const ANSWER_LISTS: Readonly<Record<string, string>> = {
  QueueUrls: "QueueUrl",
  queueUrls: "QueueUrl",
  Messages: "Message",
  Failed: "BatchResultErrorEntry",
  Results: "ListMessageMoveTasksResultEntry",
  StringListValues: "StringListValue",
  BinaryListValues: "BinaryListValue",
};

/** Maps in answers: JSON name → [entry element, key element, value element]. */
const ANSWER_MAPS: Readonly<Record<string, readonly [string, string, string]>> = {
  Attributes: ["Attribute", "Name", "Value"],
  MessageAttributes: ["MessageAttribute", "Name", "Value"],
  Tags: ["Tag", "Key", "Value"],
};

/** Each batch action's element for a successful entry. */
const SUCCESSFUL_ENTRIES: Readonly<Record<string, string>> = {
  SendMessageBatch: "SendMessageBatchResultEntry",
  DeleteMessageBatch: "DeleteMessageBatchResultEntry",
  ChangeMessageVisibilityBatch: "ChangeMessageVisibilityBatchResultEntry",
};

/**
 * Renders a JSON-protocol answer as the query protocol's
 * `<ActionResponse>`. Actions that return nothing get no `<ActionResult>`.
 */
export function jsonToQueryXml(action: string, answer: Json, requestId: string): string {
  const result = Object.keys(answer).length === 0 && !RESULT_ALWAYS.has(action)
    ? ""
    : `<${action}Result>${fields(answer, action)}</${action}Result>`;
  return `<?xml version="1.0"?><${action}Response xmlns="${SQS_NS}">${result}` +
    `<ResponseMetadata>${element("RequestId", requestId)}</ResponseMetadata></${action}Response>`;
}

/** Actions whose answer has a result element even when it is empty. */
const RESULT_ALWAYS = new Set([
  "ListQueues",
  "ReceiveMessage",
  "GetQueueAttributes",
  "ListQueueTags",
  "SendMessageBatch",
  "DeleteMessageBatch",
  "ChangeMessageVisibilityBatch",
  "ListDeadLetterSourceQueues",
  "ListMessageMoveTasks",
]);

function fields(value: Json, action: string): string {
  let xml = "";
  for (const [name, field] of Object.entries(value)) {
    if (field === undefined || field === null) continue;
    const mapSpec = ANSWER_MAPS[name];
    if (mapSpec !== undefined && typeof field === "object" && !Array.isArray(field)) {
      const [entry, keyName, valueName] = mapSpec;
      for (const [key, item] of Object.entries(field as Json)) {
        const inner = typeof item === "object" && item !== null
          ? fields(item as Json, action)
          : escapeXml(String(item));
        xml += `<${entry}>${element(keyName, key)}<${valueName}>${inner}</${valueName}></${entry}>`;
      }
      continue;
    }
    if (Array.isArray(field)) {
      const member = name === "Successful"
        ? SUCCESSFUL_ENTRIES[action] ?? "Entry"
        : ANSWER_LISTS[name] ?? name;
      for (const item of field) {
        xml += typeof item === "object" && item !== null
          ? `<${member}>${fields(item as Json, action)}</${member}>`
          : element(member, String(item));
      }
      continue;
    }
    if (typeof field === "object") {
      xml += `<${name}>${fields(field as Json, action)}</${name}>`;
      continue;
    }
    xml += element(name, String(field));
  }
  return xml;
}

/** Renders an error as the query protocol's `<ErrorResponse>`. */
export function queryErrorXml(error: SqsErrorSpec, requestId: string): string {
  const type = error.senderFault === false ? "Receiver" : "Sender";
  return `<?xml version="1.0"?><ErrorResponse xmlns="${SQS_NS}"><Error>${element("Type", type)}${
    element("Code", queryCode(error.code))
  }${element("Message", error.message)}<Detail/></Error>${
    element("RequestId", requestId)
  }</ErrorResponse>`;
}
