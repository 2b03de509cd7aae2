/**
 * DynamoDB: dynalite running in this process, with no port of its own.
 *
 * dynalite is a Node.js HTTP request listener. The router calls that listener
 * directly with a minimal request/response pair, so DynamoDB needs no inner
 * port. Persistence is dynalite's own: LevelDB in `path` (crash-safe: every
 * write goes to LevelDB's log before it is acknowledged).
 *
 * @module
 */

import { EventEmitter } from "node:events";
import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import { mkdir } from "node:fs/promises";
import { setImmediate } from "node:timers";
import type { InnerJsonResponse, InnerRequest, InnerResponse, InnerService } from "../core/mod.ts";
import { parseJsonObject } from "../core/mod.ts";
import { ExpressionMemo } from "./_expression_memo.ts";
import { hashKeysInIsolate } from "./_dynalite_keys.ts";
import { fastCheckTypes } from "./_dynalite_types.ts";
import { isMirroredStore, keepStringsInMemory, NOT_READ } from "./_dynalite_memory.ts";
import type { MemoryLevelModule } from "./_dynalite_memory.ts";
import { TableDescriptions } from "./_dynalite_tables.ts";
import type { TableCallback } from "./_dynalite_tables.ts";
import type { DynaliteKeyModule } from "./_dynalite_keys.ts";
import type { ExpressionParse } from "./_expression_memo.ts";

/** What this module uses of dynalite's internal store (`db/index.js`). */
interface DynaliteStore {
  readonly db: { open(): Promise<void>; readonly status: string; get: CallbackGet };
  readonly lifecycleManager: { gracefulClose(): Promise<void>; getState(): string };
  getTable(name: string, checkStatus: unknown, callback?: TableCallback): void;
}

/** dynalite's callback `get` on its store (`wrapWithCallbacks` in `db/index.js`). */
type CallbackGet = (key: unknown, callback?: (error: unknown, value?: unknown) => void) => unknown;

interface DynaliteDbModule {
  create(options: unknown): DynaliteStore;
}

interface NodeRequestListener {
  (request: unknown, response: unknown): void;
}

/** What this module uses of dynalite's request checks (`validations/index.js`). */
interface DynaliteValidations {
  checkTypes(data: Json, types: unknown): Json;
  checkValidations(data: Json, types: unknown, custom: unknown, store: DynaliteStore): void;
}

/** One operation's checks (`validations/<operation>.js`). */
interface DynaliteOperationChecks {
  readonly types: unknown;
  readonly custom?: unknown;
}

/** One operation (`actions/<operation>.js`). */
type DynaliteAction = (
  store: DynaliteStore,
  data: Json,
  callback: (error: unknown, answer?: Json) => void,
) => void;

type Json = Record<string, unknown>;

/** DynamoDB in this process: dynalite's HTTP listener and its operations below it. */
export interface DynaliteService extends InnerService {
  /**
   * Answers a JSON request (`POST /` with `headers`) as dynalite's listener
   * would, without the listener's serialising: a well-formed signed request
   * goes straight to dynalite's checks and operation, whose answer comes
   * back as an object; anything else goes through the listener. dynalite
   * takes fields it does not know (or that are null) out of the objects
   * nested in `body`, as it did from its own copy; the top level is kept.
   */
  callJson(headers: Record<string, string>, body: Json): Promise<InnerJsonResponse>;
}

/** The operations of dynalite 4 (its `validOperations`). */
const OPERATIONS = [
  "BatchGetItem",
  "BatchWriteItem",
  "CreateTable",
  "DeleteItem",
  "DeleteTable",
  "DescribeTable",
  "DescribeTimeToLive",
  "GetItem",
  "ListTables",
  "PutItem",
  "Query",
  "Scan",
  "TagResource",
  "UntagResource",
  "ListTagsOfResource",
  "UpdateItem",
  "UpdateTable",
];

/** The API versions dynalite answers. */
const TARGET_PREFIXES = ["DynamoDB_20111205.", "DynamoDB_20120810."];

/** The operations that read table descriptions (once per item) and never change them. */
const ITEM_OPERATIONS = new Set([
  "BatchGetItem",
  "BatchWriteItem",
  "DeleteItem",
  "GetItem",
  "PutItem",
  "UpdateItem",
]);

const encoder = new TextEncoder();

/** Options of {@linkcode startDynalite}. */
export interface DynaliteOptions {
  /** LevelDB directory; in memory when absent. */
  readonly path?: string;
}

/**
 * Starts dynalite in this process.
 *
 * Tables are ACTIVE at once (`createTableMs: 0`): a local run has no reason
 * to wait half a second per table.
 */
export async function startDynalite(options: DynaliteOptions = {}): Promise<DynaliteService> {
  // dynalite keeps its store (and so the LevelDB handle) in a closure. Its
  // `server.close()` only closes the store after closing a listening socket,
  // and we never listen. So we take the store as dynalite creates it, through
  // the one shared instance of its `db` module, and close it ourselves.
  // Loaded here, not at module load, so that a load failure (its native
  // LevelDB binding needs --allow-ffi) is a start error the caller reports.
  const require = createRequire(import.meta.resolve("dynalite"));
  keepStringsInMemory(require("memory-level") as MemoryLevelModule);
  memoizeExpressionParses(require);
  const { default: dynalite } = await import("dynalite");
  const dbModule = require("./db/index.js") as DynaliteDbModule;
  hashKeysInIsolate(dbModule as unknown as DynaliteKeyModule);
  const create = dbModule.create;
  let store: DynaliteStore | undefined;
  dbModule.create = (storeOptions: unknown) => (store = create(storeOptions));
  let server: EventEmitter;
  try {
    if (options.path !== undefined) await mkdir(options.path, { recursive: true });
    server = (dynalite as (options: unknown) => EventEmitter)({
      ...(options.path === undefined ? {} : { path: options.path }),
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
    });
  } finally {
    dbModule.create = create;
  }
  const listener = server.listeners("request")[0] as NodeRequestListener | undefined;
  if (store === undefined || listener === undefined) {
    throw new Error("Cannot start DynamoDB: dynalite's internals are not as expected");
  }
  const opened = store;
  try {
    await opened.db.open();
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    if (code === "LEVEL_LOCKED" && options.path !== undefined) {
      throw new Error(`Cannot open ${options.path}: it is in use by another process`, {
        cause: error,
      });
    }
    throw error;
  }
  readExactKeysNow(opened);
  const operations = loadOperations(require);
  const tables = new TableDescriptions(opened.db);
  const handle = (request: InnerRequest) => callListener(listener, request);
  return {
    handle,
    async callJson(headers, body) {
      const operation = directOperation(headers);
      const checks = operation === undefined ? undefined : operations.get(operation);
      if (checks === undefined) {
        const answer = await handle({
          method: "POST",
          url: "/",
          headers,
          body: encoder.encode(JSON.stringify(body)),
        });
        return { status: answer.status, headers: answer.headers, json: parseJsonObject(answer) };
      }
      return await callOperation(opened, checks, { ...body }, tables);
    },
    close: () => opened.lifecycleManager.gracefulClose(),
  };
}

/**
 * Makes dynalite's callback `get` on an in-memory store read at once from
 * its Map (`_dynalite_memory.ts`) and call back on the next turn, as its own
 * does after its promise settles, skipping the promise chain and tracking of
 * a read that is already done. A closed store, a store still opening and a
 * LevelDB store go through dynalite's own.
 */
function readExactKeysNow(store: DynaliteStore): void {
  const db = store.db;
  if (!isMirroredStore(db)) return;
  const lifecycle = store.lifecycleManager;
  const own = db.get;
  db.get = (key, callback) => {
    if (typeof callback !== "function" || typeof key !== "string") return own(key, callback);
    if (lifecycle.getState() === "closed") return own(key, callback);
    let value: unknown;
    try {
      value = db.readNow(key);
    } catch (error) {
      setImmediate(callback, error);
      return;
    }
    if (value === NOT_READ) return own(key, callback);
    setImmediate(callback, null, value);
  };
}

/** One of dynalite's generated expression parsers (`db/<kind>Parser.js`). */
interface DynaliteParser {
  parse: ExpressionParse;
  [MEMOIZED]?: true;
}

const MEMOIZED = Symbol("dynalite's parses memoized");

/**
 * Makes dynalite's expression parsers (update, condition, projection: the
 * last two also parse key conditions and filters) answer a repeated parse
 * from a bounded memo (see `_expression_memo.ts`): a client sends the same
 * few expressions on every request, and the parse was a quarter of the CPU
 * time of a conditional PutItem. dynalite's checks call `parser.parse` on the
 * shared module object, so replacing it there is enough.
 */
function memoizeExpressionParses(require: (id: string) => unknown): void {
  for (const kind of ["condition", "update", "projection"]) {
    const parser = require(`./db/${kind}Parser.js`) as DynaliteParser;
    if (parser[MEMOIZED]) continue;
    const memo = new ExpressionMemo(parser.parse);
    parser.parse = (input, options) => memo.parse(input, options);
    parser[MEMOIZED] = true;
  }
}

interface LoadedOperation {
  readonly validations: DynaliteValidations;
  readonly checks: DynaliteOperationChecks;
  readonly action: DynaliteAction;
  /** Reads table descriptions (once per item), and never changes them. */
  readonly readsTables: boolean;
}

function loadOperations(require: (id: string) => unknown): Map<string, LoadedOperation> {
  const validations = require("./validations/index.js") as DynaliteValidations;
  const operations = new Map<string, LoadedOperation>();
  for (const operation of OPERATIONS) {
    const file = operation[0]?.toLowerCase() + operation.slice(1);
    operations.set(operation, {
      validations,
      checks: require(`./validations/${file}.js`) as DynaliteOperationChecks,
      action: require(`./actions/${file}.js`) as DynaliteAction,
      readsTables: ITEM_OPERATIONS.has(operation),
    });
  }
  return operations;
}

/**
 * The operation of a request that dynalite's listener would pass to its
 * checks: a JSON content type, a known target, and a complete `AWS4-`
 * authorization header with a date. `undefined` for any other, which the
 * listener answers itself (with its own errors).
 */
function directOperation(headers: Record<string, string>): string | undefined {
  const type = (headers["content-type"] ?? "").split(";")[0]?.trim();
  if (type !== "application/json" && type !== "application/x-amz-json-1.0") return undefined;
  if (headers["x-amz-date"] === undefined && headers.date === undefined) return undefined;
  const target = headers["x-amz-target"] ?? "";
  const prefix = TARGET_PREFIXES.find((known) => target.startsWith(known));
  if (prefix === undefined) return undefined;
  const authorization = headers.authorization ?? "";
  if (authorization.trim().slice(0, 5) !== "AWS4-") return undefined;
  const parts = new Map<string, string | undefined>();
  for (const part of authorization.split(/,| /).slice(1)) {
    const [name = "", value] = part.trim().split("=");
    if (name !== "") parts.set(name, value);
  }
  for (const required of ["Credential", "Signature", "SignedHeaders"]) {
    if (!parts.get(required)) return undefined;
  }
  return target.slice(prefix.length);
}

/** Runs dynalite's checks and operation on `data`, as its listener does after parsing. */
function callOperation(
  store: DynaliteStore,
  operation: LoadedOperation,
  data: Json,
  tables: TableDescriptions,
): Promise<InnerJsonResponse> {
  const { validations, checks, action } = operation;
  const headers = { "content-type": "application/x-amz-json-1.0" };
  return new Promise((resolve, reject) => {
    const failed = (error: unknown): boolean => {
      const { statusCode, body } = error as { statusCode?: unknown; body?: unknown };
      if (typeof statusCode !== "number") return false;
      resolve({ status: statusCode, headers, json: body as Json });
      return true;
    };
    let checked: Json;
    try {
      checked = fastCheckTypes(data, checks.types as object, validations.checkTypes);
      validations.checkValidations(checked, checks.types, checks.custom, store);
    } catch (error) {
      if (!failed(error)) reject(error);
      return;
    }
    const reader = operation.readsTables ? tables.forRequest(store) : store;
    action(reader, checked, (error, answer) => {
      if (error) {
        if (!failed(error)) reject(error);
        return;
      }
      resolve({ status: 200, headers, json: answer ?? {} });
    });
  });
}

function callListener(
  listener: NodeRequestListener,
  request: InnerRequest,
): Promise<InnerResponse> {
  return new Promise((resolve) => {
    const req = Object.assign(new EventEmitter(), {
      method: request.method,
      url: request.url,
      headers: request.headers,
    });
    const headers: Record<string, string> = {};
    const res = {
      statusCode: 200,
      contentType: "application/x-amz-json-1.0",
      setHeader(name: string, value: unknown): void {
        headers[name.toLowerCase()] = String(value);
      },
      end(body?: string | Uint8Array): void {
        const bytes = body === undefined
          ? new Uint8Array()
          : typeof body === "string"
          ? new TextEncoder().encode(body)
          : body;
        resolve({ status: res.statusCode, headers, body: bytes });
      },
    };
    listener(req, res);
    if (request.body.length > 0) req.emit("data", Buffer.from(request.body));
    req.emit("end");
  });
}
