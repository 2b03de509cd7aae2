/**
 * The dashboard of the local AWS: a page at `/_dashboard` on the local AWS's
 * own port that draws the pipeline with live counts, a trace per laptop, and
 * the dead-letter queues with redrive and purge actions.
 *
 * Its data is what the local AWS already sees: every request the router
 * answers (`observeRequest`), every report of the Lambda runner
 * (`observeInvocation`), and the emulators' own state (queue depths, counts,
 * a laptop's file and item), read directly. Figures are pushed to the page
 * with server-sent events, at most four times a second and only while a page
 * is open.
 *
 * Routes (all under `/_dashboard`; only `Host: 127.0.0.1:<port>` or
 * `localhost:<port>`):
 * - `GET /_dashboard`, `/app.js`, `/app.css`: the page.
 * - `GET /events`: server-sent events, `snapshot` (JSON).
 * - `GET /api/snapshot`, `/api/laptops?filter=&q=&offset=&limit=`,
 *   `/api/laptops/<uuid>`, `/api/dlq/<queue>?offset=&limit=`.
 * - `POST /api/dlq/<queue>/redrive` (`{"messageId"?}`) and
 *   `POST /api/dlq/<queue>/purge` (`{"confirm": "<queue>"}`): JSON, and
 *   refused when a browser says it comes from another site.
 *
 * @module
 */

import type { ResourceDefinition } from "../../lib/resources.ts";
import type { InnerService } from "../core/mod.ts";
import type { LambdaInvocationReport } from "../lambda/mod.ts";
import type { MoveTasks } from "../sqs/mod.ts";
import {
  DashboardAggregator,
  type DashboardSnapshot,
  type LaptopFilter,
  type LiveCounts,
  type ObservedRequest,
} from "./_aggregator.ts";
import { dashboardClient } from "./_client.ts";
import { checkDashboardRequest } from "./_guard.ts";
import { DASHBOARD_CSS, dashboardHtml } from "./_page.ts";
import { createPipelineStores, type PipelineStores, StoreError } from "./_stores.ts";

export type { DashboardSnapshot, ObservedRequest } from "./_aggregator.ts";

/** Where the dashboard is served. */
export const DASHBOARD_PATH = "/_dashboard";

/** Options of {@linkcode createDashboard}. */
export interface DashboardOptions {
  /** DynamoDB, as the router reaches it. */
  readonly dynamodb: InnerService;
  /** SQS and S3 (fauxqs), as the router reaches it. */
  readonly fauxqs: InnerService;
  /** SQS's message move tasks, which "Redrive all" starts (AWS's own DLQ redrive). */
  readonly moveTasks?: MoveTasks;
  /** The pipeline's resources. */
  readonly resources: ResourceDefinition;
  /** The port the local AWS listens on (requests must name it in `Host`). */
  readonly port: number;
  /** Laptops traced at most (the oldest are forgotten). Default 20,000. */
  readonly maxTraces?: number;
  /** Shortest time between two pushes, milliseconds. Default 250. */
  readonly pushIntervalMs?: number;
}

/** What the dashboard shows of a running Lambda runner. */
export interface LambdaSource {
  /** Its running totals (only `inFlight` is read). */
  stats(): { readonly inFlight: number };
}

/** What the local AWS hands out of its dashboard. */
export interface DashboardFeed {
  /** The page's address (`http://127.0.0.1:4566/_dashboard/`). */
  readonly url: string;
  /** Takes one Lambda invocation report (a runner's `onInvoke`). */
  observeInvocation(report: LambdaInvocationReport): void;
  /** Shows how many invocations a Lambda runner has running. */
  attachLambda(source: LambdaSource): void;
}

/** A running dashboard. */
export interface Dashboard {
  /** `/_dashboard`. */
  readonly path: string;
  /** Whether a request's path is the dashboard's. */
  owns(pathname: string): boolean;
  /** Answers a request for one of its paths. */
  handle(request: Request): Promise<Response>;
  /** Takes one request the router answered. */
  observeRequest(request: ObservedRequest): void;
  /** Takes one Lambda invocation report. */
  observeInvocation(report: LambdaInvocationReport): void;
  /** Shows how many invocations a Lambda runner has running. */
  attachLambda(source: LambdaSource): void;
  /** The part to hand out, with the page's address under `origin`. */
  feed(origin: string): DashboardFeed;
  /** Ends the event streams and stops its timers. Safe to call twice. */
  close(): Promise<void>;
}

interface Client {
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
}

const encoder = new TextEncoder();
const HEARTBEAT_MS = 15_000;
const RECOUNT_MS = 3_000;
const DLQ_LIST_LIMIT = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FILTERS = new Set<LaptopFilter>(["all", "moving", "handled", "failed", "dlq"]);

const SECURITY_HEADERS: Record<string, string> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; " +
    "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; " +
    "frame-ancestors 'none'",
};

/**
 * Makes the dashboard. It does nothing until a page connects, except count
 * what it is told.
 *
 * @example Usage
 * ```ts ignore
 * const dashboard = createDashboard({ dynamodb, fauxqs, resources: RESOURCES, port });
 * // in the server's handler:
 * if (dashboard.owns(new URL(request.url).pathname)) return dashboard.handle(request);
 * ```
 */
export function createDashboard(options: DashboardOptions): Dashboard {
  const { resources, port } = options;
  const aggregator = new DashboardAggregator({
    resources,
    ...(options.maxTraces === undefined ? {} : { maxTraces: options.maxTraces }),
  });
  const stores: PipelineStores = createPipelineStores({
    dynamodb: options.dynamodb,
    fauxqs: options.fauxqs,
    region: resources.region,
    ...(options.moveTasks === undefined ? {} : { moveTasks: options.moveTasks }),
  });
  const pushIntervalMs = options.pushIntervalMs ?? 250;
  const script = `"use strict";\n(${dashboardClient.toString()})();\n`;
  const dlqSources = new Map([
    [resources.uploadQueue.deadLetterQueueName, resources.uploadQueue.name],
    [resources.updateQueue.deadLetterQueueName, resources.updateQueue.name],
  ]);

  const clients = new Set<Client>();
  let lambda: LambdaSource | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let ticking: Promise<void> | undefined;
  let closed = false;
  const pending = new Set<Promise<unknown>>();

  // Live figures read from the emulators.
  let depths: Record<string, { visible: number; inFlight: number }> = {};
  let items: number | null = null;
  let objects: number | null = null;
  let countedWrites = -1;
  let countedNet = { objects: 0, items: 0 };
  let countedAt = 0;
  let counting = false;
  const dlqSeen = new Map<string, string>();
  let lastPushed = "";
  let lastVersion = -1;
  let lastSnapshot: DashboardSnapshot | undefined;

  function live(): LiveCounts {
    // The last count, plus what was written since.
    const net = aggregator.netWrites;
    return {
      queues: depths,
      items: items === null ? null : Math.max(0, items + net.items - countedNet.items),
      objects: objects === null ? null : Math.max(0, objects + net.objects - countedNet.objects),
      lambdaRunning: lambda === undefined ? null : lambda.stats().inFlight,
    };
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    pending.add(promise);
    promise.finally(() => pending.delete(promise)).catch(() => {});
    return promise;
  }

  /** Counts items and objects again when they may have changed (in the background). */
  function recount(): void {
    const writes = aggregator.writes;
    if (counting || (writes === countedWrites && items !== null)) return;
    if (Date.now() - countedAt < RECOUNT_MS && items !== null) return;
    counting = true;
    const startedWrites = writes;
    const startedNet = aggregator.netWrites;
    track((async () => {
      try {
        const [itemCount, objectCount] = await Promise.all([
          stores.countItems(resources.table.name),
          stores.countObjects(resources.bucket.name),
        ]);
        items = itemCount;
        objects = objectCount;
        countedWrites = startedWrites;
        countedNet = startedNet;
      } catch (error) {
        console.error(`dashboard: cannot count items and objects: ${messageOf(error)}`);
      } finally {
        countedAt = Date.now();
        counting = false;
      }
    })());
  }

  /** Lists a dead-letter queue whose depth changed, to mark its laptops. */
  async function watchDeadLetters(): Promise<void> {
    for (const queue of dlqSources.keys()) {
      const depth = depths[queue];
      const signature = depth === undefined ? "0/0" : `${depth.visible}/${depth.inFlight}`;
      if (dlqSeen.get(queue) === signature) continue;
      dlqSeen.set(queue, signature);
      const list = await stores.deadLetters(queue, DLQ_LIST_LIMIT);
      aggregator.observeDeadLetters(queue, list.messages, list.total <= list.messages.length);
    }
  }

  async function tick(force: boolean): Promise<void> {
    try {
      depths = await stores.queueDepths();
      await watchDeadLetters();
    } catch (error) {
      if (!closed) console.error(`dashboard: cannot read the queues: ${messageOf(error)}`);
    }
    recount();
    const figures = live();
    const signature = JSON.stringify(figures);
    if (!force && aggregator.version === lastVersion && signature === lastPushed) return;
    lastVersion = aggregator.version;
    lastPushed = signature;
    lastSnapshot = aggregator.snapshot(figures);
    broadcast(`event: snapshot\ndata: ${JSON.stringify(lastSnapshot)}\n\n`);
  }

  function scheduleTick(force = false): Promise<void> {
    if (closed) return Promise.resolve();
    if (ticking !== undefined) return ticking;
    ticking = track(tick(force).finally(() => ticking = undefined));
    return ticking;
  }

  function broadcast(text: string): void {
    const bytes = encoder.encode(text);
    for (const client of clients) {
      // A page that does not keep up skips pushes: each one is complete.
      if ((client.controller.desiredSize ?? 1) <= 0) continue;
      try {
        client.controller.enqueue(bytes);
      } catch {
        clients.delete(client);
      }
    }
  }

  function startTimers(): void {
    ticker ??= setInterval(() => void scheduleTick(), pushIntervalMs);
    heartbeat ??= setInterval(() => broadcast(": keep-alive\n\n"), HEARTBEAT_MS);
  }

  function stopTimersIfIdle(): void {
    if (clients.size > 0) return;
    clearInterval(ticker);
    clearInterval(heartbeat);
    ticker = undefined;
    heartbeat = undefined;
  }

  function events(): Response {
    let client: Client | undefined;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        client = { controller };
        clients.add(client);
        controller.enqueue(encoder.encode("retry: 1000\n\n"));
        if (lastSnapshot !== undefined) {
          controller.enqueue(
            encoder.encode(
              `event: snapshot\ndata: ${
                JSON.stringify({ ...lastSnapshot, sentAt: Date.now(), touched: [] })
              }\n\n`,
            ),
          );
        }
        startTimers();
        void scheduleTick(true);
      },
      cancel() {
        if (client !== undefined) clients.delete(client);
        stopTimersIfIdle();
      },
    });
    return new Response(stream, {
      headers: {
        ...SECURITY_HEADERS,
        "content-type": "text/event-stream; charset=utf-8",
        "x-accel-buffering": "no",
      },
    });
  }

  async function laptop(uuid: string): Promise<Response> {
    if (!UUID.test(uuid)) return json(400, { error: `Not a uuid: ${uuid.slice(0, 60)}` });
    const trace = aggregator.trace(uuid);
    const [item, file] = await Promise.all([
      stores.readItem(resources.table.name, resources.table.hashKey, uuid),
      trace?.s3Key === undefined
        ? Promise.resolve(undefined)
        : stores.readObject(resources.bucket.name, trace.s3Key),
    ]);
    if (trace === undefined && item === undefined) {
      return json(404, { error: `No laptop ${uuid} seen since the local AWS started` });
    }
    return json(200, {
      uuid,
      trace: trace ?? null,
      item: item ?? null,
      file: file === undefined
        ? null
        : { bucket: resources.bucket.name, key: trace?.s3Key, text: file },
    });
  }

  async function deadLetters(queue: string, url: URL): Promise<Response> {
    const source = dlqSources.get(queue);
    if (source === undefined) return json(404, { error: `Not a dead-letter queue: ${queue}` });
    const offset = intParam(url, "offset", 0, 0, DLQ_LIST_LIMIT);
    const limit = intParam(url, "limit", 50, 1, 200);
    const list = await stores.deadLetters(queue, DLQ_LIST_LIMIT);
    return json(200, {
      queue,
      source,
      total: list.total,
      listed: list.messages.length,
      offset,
      messages: list.messages.slice(offset, offset + limit).map((message) => {
        const keys = keysOf(message.body);
        const uuid = keys.uuid ?? aggregator.uuidOfMessage(message.messageId);
        return { ...message, ...keys, ...(uuid === undefined ? {} : { uuid }) };
      }),
    });
  }

  async function act(queue: string, action: string, request: Request): Promise<Response> {
    const source = dlqSources.get(queue);
    if (source === undefined) return json(404, { error: `Not a dead-letter queue: ${queue}` });
    let body: Record<string, unknown>;
    try {
      const value = await request.json() as unknown;
      body = typeof value === "object" && value !== null ? value as Record<string, unknown> : {};
    } catch {
      return json(400, { error: "Cannot read the request: its body is not JSON" });
    }
    if (action === "redrive") {
      const messageId = body.messageId;
      if (messageId !== undefined && typeof messageId !== "string") {
        return json(400, { error: "messageId must be a string" });
      }
      const moved = await stores.redrive(queue, source, messageId);
      aggregator.observeRedrive(queue, source, moved);
      dlqSeen.delete(queue);
      await scheduleTick(true);
      if (messageId !== undefined && moved.length === 0) {
        return json(409, { error: `Message ${messageId} is not waiting in ${queue}` });
      }
      return json(200, { moved: moved.length, from: queue, to: source });
    }
    if (body.confirm !== queue) {
      return json(400, { error: `Confirm the purge: send {"confirm": "${queue}"}` });
    }
    const purged = await stores.purge(queue);
    aggregator.observePurge(queue, purged);
    dlqSeen.delete(queue);
    await scheduleTick(true);
    return json(200, { purged: purged.length, queue });
  }

  async function route(request: Request, url: URL): Promise<Response> {
    const sub = url.pathname.slice(DASHBOARD_PATH.length) || "/";
    const action = /^\/api\/dlq\/([^/]+)\/(redrive|purge)$/.exec(sub);
    const refusal = checkDashboardRequest(request.method, request.headers, {
      port,
      mutating: action !== null,
    });
    if (refusal !== undefined) {
      return json(
        refusal.status,
        { error: refusal.message },
        refusal.status === 405 ? { allow: action === null ? "GET, HEAD" : "POST" } : {},
      );
    }
    if (action !== null) {
      return await act(decodeURIComponent(action[1] ?? ""), action[2] ?? "", request);
    }
    switch (sub) {
      case "/":
        return asset(dashboardHtml(resources), "text/html; charset=utf-8");
      case "/app.js":
        return asset(script, "text/javascript; charset=utf-8");
      case "/app.css":
        return asset(DASHBOARD_CSS, "text/css; charset=utf-8");
      case "/events":
        if (closed) return json(503, { error: "The dashboard is closing" });
        return events();
      case "/api/snapshot":
        return json(200, lastSnapshot ?? aggregator.snapshot(live()));
      case "/api/laptops": {
        const filter = (url.searchParams.get("filter") ?? "all") as LaptopFilter;
        if (!FILTERS.has(filter)) return json(400, { error: `Unknown filter: ${filter}` });
        return json(
          200,
          aggregator.listLaptops({
            filter,
            query: (url.searchParams.get("q") ?? "").slice(0, 64),
            offset: intParam(url, "offset", 0, 0, 10_000_000),
            limit: intParam(url, "limit", 50, 1, 200),
          }),
        );
      }
    }
    const laptopPath = /^\/api\/laptops\/([^/]+)$/.exec(sub);
    if (laptopPath !== null) return await laptop(decodeURIComponent(laptopPath[1] ?? ""));
    const dlqPath = /^\/api\/dlq\/([^/]+)$/.exec(sub);
    if (dlqPath !== null) return await deadLetters(decodeURIComponent(dlqPath[1] ?? ""), url);
    return json(404, { error: `No such dashboard path: ${url.pathname}` });
  }

  return {
    path: DASHBOARD_PATH,
    owns(pathname) {
      return pathname === DASHBOARD_PATH || pathname.startsWith(`${DASHBOARD_PATH}/`);
    },
    async handle(request) {
      const url = new URL(request.url);
      if (url.pathname === DASHBOARD_PATH && request.method === "GET") {
        // Relative links of the page resolve under /_dashboard/.
        const refusal = checkDashboardRequest("GET", request.headers, { port, mutating: false });
        if (refusal === undefined) {
          return new Response(null, {
            status: 308,
            headers: { ...SECURITY_HEADERS, location: `${DASHBOARD_PATH}/` },
          });
        }
      }
      try {
        return await route(request, url);
      } catch (error) {
        if (error instanceof StoreError) return json(502, { error: error.message });
        console.error("dashboard: request failed:", error);
        return json(500, { error: messageOf(error) });
      }
    },
    observeRequest(request) {
      aggregator.observeRequest(request);
    },
    observeInvocation(report) {
      aggregator.observeInvocation(report);
    },
    attachLambda(source) {
      lambda = source;
    },
    feed(origin) {
      return {
        url: `${origin}${DASHBOARD_PATH}/`,
        observeInvocation: (report) => aggregator.observeInvocation(report),
        attachLambda: (source) => lambda = source,
      };
    },
    async close() {
      closed = true;
      for (const client of clients) {
        try {
          client.controller.close();
        } catch {
          // Already closed by the page.
        }
      }
      clients.clear();
      stopTimersIfIdle();
      await Promise.allSettled(Array.from(pending));
    },
  };
}

function asset(text: string, type: string): Response {
  return new Response(text, { headers: { ...SECURITY_HEADERS, "content-type": type } });
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { ...SECURITY_HEADERS, ...headers, "content-type": "application/json" },
  });
}

function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const value = Number(url.searchParams.get(name) ?? fallback);
  return Number.isInteger(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function keysOf(body: string): { uuid?: string; s3Key?: string } {
  try {
    const value = JSON.parse(body) as { dynamodb_key?: unknown; s3_key?: unknown };
    return {
      ...(typeof value.dynamodb_key === "string" ? { uuid: value.dynamodb_key } : {}),
      ...(typeof value.s3_key === "string" ? { s3Key: value.s3_key } : {}),
    };
  } catch {
    return {};
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
