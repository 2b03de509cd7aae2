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
import type { InnerRequest, InnerResponse, InnerService } from "../core/mod.ts";

/** What this module uses of dynalite's internal store (`db/index.js`). */
interface DynaliteStore {
  readonly db: { open(): Promise<void>; readonly status: string };
  readonly lifecycleManager: { gracefulClose(): Promise<void> };
}

interface DynaliteDbModule {
  create(options: unknown): DynaliteStore;
}

interface NodeRequestListener {
  (request: unknown, response: unknown): void;
}

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
export async function startDynalite(options: DynaliteOptions = {}): Promise<InnerService> {
  // dynalite keeps its store (and so the LevelDB handle) in a closure. Its
  // `server.close()` only closes the store after closing a listening socket,
  // and we never listen. So we take the store as dynalite creates it, through
  // the one shared instance of its `db` module, and close it ourselves.
  // Loaded here, not at module load, so that a load failure (its native
  // LevelDB binding needs --allow-ffi) is a start error the caller reports.
  const { default: dynalite } = await import("dynalite");
  const require = createRequire(import.meta.resolve("dynalite"));
  const dbModule = require("./db/index.js") as DynaliteDbModule;
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
  return {
    handle: (request) => callListener(listener, request),
    close: () => opened.lifecycleManager.gracefulClose(),
  };
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
