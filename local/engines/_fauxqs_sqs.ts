/**
 * SQS's JSON protocol answered by fauxqs's own action handlers, without
 * Fastify's `inject()`: for the calls of the message path (send, receive,
 * delete, visibility, URL and attribute look-ups), the inject machinery
 * (a fake socket, request and response objects, hooks) cost more CPU than
 * the action itself. The answer is the one fauxqs's app gives: the same
 * handler, status, body and headers (those of its `onSend` hook included).
 * Anything else (other actions, a body that is not JSON, a missing target)
 * goes through the app as before.
 *
 * @module
 */

import { randomUUID } from "node:crypto";
import type { InnerRequest, InnerResponse } from "../core/mod.ts";

/** A fauxqs SQS action: `(body, store, request)` → the JSON answer. */
type SqsAction = (body: unknown, store: unknown, request: { headers: unknown }) => unknown;

/** fauxqs's error of an SQS action (`common/errors.js`). */
interface SqsErrorLike extends Error {
  readonly statusCode: number;
  readonly queryErrorHeader: string;
  toJSON(): unknown;
}

/** Answers the direct actions; `undefined` for a request that must go through the app. */
export type DirectSqs = (request: InnerRequest) => Promise<InnerResponse> | undefined;

/** The actions answered directly, by name and fauxqs module. */
const DIRECT_ACTIONS: Readonly<Record<string, string>> = {
  SendMessage: "sendMessage",
  SendMessageBatch: "sendMessageBatch",
  ReceiveMessage: "receiveMessage",
  DeleteMessage: "deleteMessage",
  DeleteMessageBatch: "deleteMessageBatch",
  ChangeMessageVisibility: "changeMessageVisibility",
  ChangeMessageVisibilityBatch: "changeMessageVisibilityBatch",
  GetQueueUrl: "getQueueUrl",
  GetQueueAttributes: "getQueueAttributes",
};

/** fauxqs's `bodyLimit`: a larger body is refused by its app (413). */
const BODY_LIMIT = 11 * 1_048_576;
const JSON_CONTENT_TYPE = "application/x-amz-json-1.0; charset=utf-8";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Loads fauxqs's SQS actions and error class (pinned version) and makes the
 * direct path.
 *
 * @param base The URL of fauxqs's entry module.
 * @param store fauxqs's SQS store, as its app holds it.
 */
export async function createDirectSqs(base: string, store: unknown): Promise<DirectSqs> {
  const actions = new Map<string, SqsAction>();
  await Promise.all(
    Object.entries(DIRECT_ACTIONS).map(async ([action, file]) => {
      const module = await import(new URL(`./sqs/actions/${file}.js`, base).href);
      const handler = module[file] as SqsAction | undefined;
      if (typeof handler !== "function") {
        throw new Error(`Cannot start SQS: fauxqs's ${file} action is not as expected`);
      }
      actions.set(action, handler);
    }),
  );
  const { SqsError } = await import(new URL("./common/errors.js", base).href) as {
    SqsError: new (...args: never[]) => SqsErrorLike;
  };
  return (request) => {
    const target = request.headers["x-amz-target"];
    if (
      request.method !== "POST" || request.url !== "/" || target === undefined ||
      !target.startsWith("AmazonSQS.") ||
      !(request.headers["content-type"] ?? "").includes("application/x-amz-json-1.0") ||
      request.body.length === 0 || request.body.length > BODY_LIMIT
    ) return undefined;
    const action = actions.get(target.slice("AmazonSQS.".length));
    if (action === undefined) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(decoder.decode(request.body));
    } catch {
      return undefined; // the app answers a bad body with its own error
    }
    return answer(action, body, store, request, SqsError);
  };
}

async function answer(
  action: SqsAction,
  body: unknown,
  store: unknown,
  request: InnerRequest,
  SqsError: new (...args: never[]) => SqsErrorLike,
): Promise<InnerResponse> {
  try {
    const result = await action(body, store, request);
    return respond(200, { "content-type": JSON_CONTENT_TYPE }, JSON.stringify(result));
  } catch (error) {
    if (error instanceof SqsError) {
      return respond(error.statusCode, {
        "content-type": JSON_CONTENT_TYPE,
        "x-amzn-query-error": error.queryErrorHeader,
      }, JSON.stringify(error.toJSON()));
    }
    // As Fastify's default error handler answers a handler that throws.
    return respond(
      500,
      { "content-type": "application/json; charset=utf-8" },
      JSON.stringify({
        statusCode: 500,
        error: "Internal Server Error",
        message: error instanceof Error ? error.message : String(error),
      }),
    );
  }
}

function respond(status: number, headers: Record<string, string>, text: string): InnerResponse {
  const body = encoder.encode(text);
  return {
    status,
    headers: {
      ...headers,
      // fauxqs's onSend hook.
      "x-amz-request-id": randomUUID().replaceAll("-", "").toUpperCase().slice(0, 16),
      "x-amz-id-2": "fauxqs",
      "content-length": String(body.length),
      "date": httpDate(),
    },
    body,
  };
}

let dateSecond = 0;
let dateText = "";

/** The `Date` header value, computed once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}
