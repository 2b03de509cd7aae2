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
import { httpDate } from "./_http_date.ts";

/** A fauxqs SQS action: `(body, store, request)` → the JSON answer. */
type SqsAction = (body: unknown, store: unknown, request: { headers: unknown }) => unknown;

/** fauxqs's error of an SQS action (`common/errors.js`). */
interface SqsErrorLike extends Error {
  readonly statusCode: number;
  readonly queryErrorHeader: string;
  toJSON(): unknown;
}

/** fauxqs's answer to an SQS action called with the request as an object. */
export interface SqsAnswer {
  /** HTTP status. */
  readonly status: number;
  /** The answer (on success) or fauxqs's error body (`__type`, `message`). */
  readonly json: Record<string, unknown>;
  /** `x-amzn-query-error` of an error (`code;Sender` or `code;Receiver`). */
  readonly queryError?: string;
}

/** SQS actions called with the request as an object, as the SQS layer calls them. */
export interface SqsActions {
  /**
   * Answers `action` (any SQS action fauxqs knows): the message path
   * directly, the others through fauxqs's app. fauxqs may keep parts of
   * `body` (message attributes) in its store: do not change them.
   *
   * @param action The action (`SendMessage`).
   * @param body The request in the JSON protocol's shape.
   * @param headers The request headers (fauxqs reads `host` and the region of `authorization`).
   */
  callSqs(
    action: string,
    body: Record<string, unknown>,
    headers: Record<string, string>,
  ): Promise<SqsAnswer>;
}

/** fauxqs's SQS message path, without Fastify. */
export interface DirectSqs {
  /**
   * Answers an HTTP request of a direct action; `undefined` for a request
   * that must go through the app.
   */
  handle(request: InnerRequest): Promise<InnerResponse> | undefined;
  /**
   * Calls a direct action with the request as an object (no JSON between
   * the caller and fauxqs); `undefined` for another action. fauxqs may keep
   * parts of `body` (message attributes) in its store: do not change them.
   *
   * @param action The action (`SendMessage`).
   * @param body The request in the JSON protocol's shape.
   * @param headers The request headers (fauxqs reads the region of `authorization`).
   */
  call(
    action: string,
    body: Record<string, unknown>,
    headers: Record<string, string>,
  ): Promise<SqsAnswer> | undefined;
}

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
  const call = (
    action: string,
    body: Record<string, unknown>,
    headers: Record<string, string>,
  ): Promise<SqsAnswer> | undefined => {
    const handler = actions.get(action);
    return handler === undefined ? undefined : answer(handler, body, store, headers, SqsError);
  };
  return {
    call,
    handle(request) {
      const target = request.headers["x-amz-target"];
      if (
        request.method !== "POST" || request.url !== "/" || target === undefined ||
        !target.startsWith("AmazonSQS.") ||
        !(request.headers["content-type"] ?? "").includes("application/x-amz-json-1.0") ||
        request.body.length === 0 || request.body.length > BODY_LIMIT
      ) return undefined;
      const action = target.slice("AmazonSQS.".length);
      if (!actions.has(action)) return undefined;
      let body: unknown;
      try {
        body = JSON.parse(decoder.decode(request.body));
      } catch {
        return undefined; // the app answers a bad body with its own error
      }
      return call(action, body as Record<string, unknown>, request.headers)?.then(toResponse);
    },
  };
}

async function answer(
  action: SqsAction,
  body: unknown,
  store: unknown,
  headers: Record<string, string>,
  SqsError: new (...args: never[]) => SqsErrorLike,
): Promise<SqsAnswer> {
  try {
    return { status: 200, json: await action(body, store, { headers }) as Record<string, unknown> };
  } catch (error) {
    if (error instanceof SqsError) {
      return {
        status: error.statusCode,
        json: error.toJSON() as Record<string, unknown>,
        queryError: error.queryErrorHeader,
      };
    }
    // As Fastify's default error handler answers a handler that throws.
    return {
      status: 500,
      json: {
        statusCode: 500,
        error: "Internal Server Error",
        message: error instanceof Error ? error.message : String(error),
      },
    };
  }
}

/** The HTTP answer fauxqs's app gives for `answer`. */
function toResponse(answer: SqsAnswer): InnerResponse {
  const text = JSON.stringify(answer.json);
  if (answer.status === 500) {
    return respond(500, { "content-type": "application/json; charset=utf-8" }, text);
  }
  return respond(answer.status, {
    "content-type": JSON_CONTENT_TYPE,
    ...(answer.queryError === undefined ? {} : { "x-amzn-query-error": answer.queryError }),
  }, text);
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
