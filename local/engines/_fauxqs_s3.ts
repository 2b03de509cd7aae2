/**
 * S3's object reads and writes (`PutObject`, `GetObject`, `HeadObject`)
 * answered by fauxqs's own action handlers, without Fastify's `inject()`:
 * for them the inject machinery cost more CPU than the action. The handler
 * gets the request as fauxqs's route gives it (bucket and key parameters, the
 * query, the body as a Buffer) and a reply that records what it sets;
 * the answer is what fauxqs's app would send (its `onSend` hook's headers,
 * Fastify's content type and length). Anything else — a query string other
 * than the SDKs' `x-id`, a
 * virtual-hosted or escaped path, a copy, an empty or JSON or form body —
 * goes through the app as before.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { randomUUID } from "node:crypto";
import type { InnerRequest, InnerResponse } from "../core/mod.ts";
import { httpDate } from "./_http_date.ts";

/** A fauxqs S3 action: `(request, reply, store)`, answering through the reply. */
type S3Action = (request: unknown, reply: RecordingReply, store: unknown) => void;

/** fauxqs's error of an S3 action (`common/errors.js`). */
interface S3ErrorLike extends Error {
  readonly statusCode: number;
  toXml(): string;
}

/** Answers the direct operations; `undefined` for a request that must go through the app. */
export type DirectS3 = (request: InnerRequest) => InnerResponse | undefined;

/** fauxqs's `bodyLimit`: a larger body is refused by its app (413). */
const BODY_LIMIT = 11 * 1_048_576;
/**
 * `/bucket/key` with characters that neither the URL parser nor the router
 * rewrites, and at most the `x-id` query the SDKs add (`?x-id=PutObject`),
 * which fauxqs's routes ignore.
 */
const OBJECT_URL = /^\/([a-z0-9][a-z0-9.-]*)\/([A-Za-z0-9\-_.~!$&'()*+,;=:@/]+)(?:\?x-id=(\w+))?$/;
/** Bodies fauxqs's app parses instead of handing them over as bytes. */
const PARSED_TYPES = /application\/x-amz-json-1\.0|application\/x-www-form-urlencoded/;

/** The reply a handler writes to: status, headers and payload, as Fastify's would hold them. */
class RecordingReply {
  statusCode = 200;
  readonly headers: Record<string, string> = {};
  payload: Uint8Array | string | undefined;

  header(name: string, value: unknown): this {
    this.headers[name.toLowerCase()] = String(value);
    return this;
  }

  hasHeader(name: string): boolean {
    return name.toLowerCase() in this.headers;
  }

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  code(code: number): this {
    return this.status(code);
  }

  send(payload?: Uint8Array | string): this {
    this.payload = payload;
    return this;
  }
}

/**
 * Loads fauxqs's S3 actions and error class (pinned version) and makes the
 * direct path.
 *
 * @param base The URL of fauxqs's entry module.
 * @param store fauxqs's S3 store, as its app holds it.
 */
export async function createDirectS3(base: string, store: unknown): Promise<DirectS3> {
  const load = async (file: string): Promise<S3Action> => {
    const module = await import(new URL(`./s3/actions/${file}.js`, base).href);
    const action = module[file] as S3Action | undefined;
    if (typeof action !== "function") {
      throw new Error(`Cannot start S3: fauxqs's ${file} action is not as expected`);
    }
    return action;
  };
  const [putObject, getObject, headObject] = await Promise.all(
    ["putObject", "getObject", "headObject"].map(load),
  ) as [S3Action, S3Action, S3Action];
  const { S3Error } = await import(new URL("./common/errors.js", base).href) as {
    S3Error: new (...args: never[]) => S3ErrorLike;
  };
  return (request) => {
    const action = request.method === "PUT"
      ? putObject
      : request.method === "GET"
      ? getObject
      : request.method === "HEAD"
      ? headObject
      : undefined;
    if (action === undefined || !pathStyle(request.headers.host)) return undefined;
    const match = OBJECT_URL.exec(request.url);
    if (match === null || match[2]?.includes("//")) return undefined;
    const length = request.body.length;
    if (action === putObject) {
      if (
        length === 0 || length > BODY_LIMIT || request.headers["x-amz-copy-source"] !== undefined ||
        PARSED_TYPES.test(request.headers["content-type"] ?? "")
      ) return undefined;
    } else if (length > 0) return undefined;
    const reply = new RecordingReply();
    const fastifyRequest = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      params: { bucket: match[1], "*": match[2] },
      query: match[3] === undefined ? {} : { "x-id": match[3] },
      // A copy: fauxqs keeps the body as the object's, and a view would keep
      // the whole allocation of the request's bytes alive with it (about 2 KB
      // more than a small body, per object kept; bench/README.md, the soak).
      body: length > 0 ? Buffer.from(request.body) : undefined,
    };
    try {
      action(fastifyRequest, reply, store);
    } catch (error) {
      if (!(error instanceof S3Error)) return internalError(error);
      reply.status(error.statusCode);
      if (request.method === "HEAD") reply.send();
      else reply.header("content-type", "application/xml").send(error.toXml());
    }
    return toAnswer(reply, request.method);
  };
}

/** fauxqs's app takes the bucket from the host when it has a dot and is not an IPv4 address. */
function pathStyle(host: string | undefined): boolean {
  const hostname = (host ?? "").split(":")[0] ?? "";
  return !hostname.includes(".") || /^\d+\.\d+\.\d+\.\d+$/.test(hostname);
}

const encoder = new TextEncoder();

/** What Fastify sends for a reply: its content type and length, and fauxqs's onSend headers. */
function toAnswer(reply: RecordingReply, method: string): InnerResponse {
  const headers = reply.headers;
  let body: Uint8Array;
  if (typeof reply.payload === "string") {
    body = encoder.encode(reply.payload);
    headers["content-type"] ??= "text/plain; charset=utf-8";
  } else if (reply.payload !== undefined) {
    body = reply.payload;
    headers["content-type"] ??= "application/octet-stream";
  } else {
    body = new Uint8Array();
  }
  if (!("x-amz-request-id" in headers)) {
    headers["x-amz-request-id"] = randomUUID().replaceAll("-", "").toUpperCase().slice(0, 16);
    headers["x-amz-id-2"] = "fauxqs";
  }
  // Fastify leaves the length of a HEAD, 204 or 304 answer as the handler set it, or out.
  const bodyless = method === "HEAD" || reply.statusCode === 204 || reply.statusCode === 304;
  if (!bodyless) headers["content-length"] ??= String(body.length);
  headers["date"] = httpDate();
  return { status: reply.statusCode, headers, body: bodyless ? new Uint8Array() : body };
}

/** As Fastify's default error handler answers a handler that throws. */
function internalError(error: unknown): InnerResponse {
  const body = encoder.encode(JSON.stringify({
    statusCode: 500,
    error: "Internal Server Error",
    message: error instanceof Error ? error.message : String(error),
  }));
  return {
    status: 500,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-length": String(body.length),
      "x-amz-request-id": randomUUID().replaceAll("-", "").toUpperCase().slice(0, 16),
      "x-amz-id-2": "fauxqs",
      "date": httpDate(),
    },
    body,
  };
}
