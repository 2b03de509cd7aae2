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
 * - `GET /_dashboard`, `/app.css`: the page; `/app.js` and the other modules
 *   of `client/` (`/<name>.js`): its script.
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
import { DashboardAggregator, type ObservedRequest } from "./_aggregator.ts";
import type { DashboardSnapshot, LaptopFilter } from "./api_types.ts";
import { createDashboardApi, type ProgramTraces } from "./_api.ts";
import { createClientFiles } from "./_client_files.ts";
import { EventStream } from "./_event_stream.ts";
import { checkDashboardRequest } from "./_guard.ts";
import { asset, intParam, json, messageOf, SECURITY_HEADERS } from "./_http.ts";
import { LiveReader } from "./_live_reader.ts";
import { DASHBOARD_CSS, dashboardHtml } from "./_page.ts";
import { createPipelineStores, type PipelineStores, StoreError } from "./_stores.ts";

export type { ObservedRequest } from "./_aggregator.ts";
export type { DashboardSnapshot } from "./api_types.ts";

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
  /** The programs' spans, shown beside the router's view of a laptop. Default none. */
  readonly traces?: ProgramTraces;
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

const FILTERS = new Set<LaptopFilter>(["all", "moving", "handled", "failed", "dlq"]);

/**
 * Makes the dashboard. It does nothing until a page connects, except count
 * what it is told.
 *
 * @example Usage
 * ```ts
 * // Needs the engines the local AWS starts (dynalite, fauxqs): type-checked by `deno task ok`, not run.
 * import { RESOURCES } from "../../lib/resources.ts";
 * import type { InnerService } from "../core/mod.ts";
 * import { createDashboard } from "./_dashboard.ts";
 *
 * declare const dynamodb: InnerService, fauxqs: InnerService, request: Request;
 * const dashboard = createDashboard({ dynamodb, fauxqs, resources: RESOURCES, port: 4566 });
 * // in the server's handler:
 * if (dashboard.owns(new URL(request.url).pathname)) await dashboard.handle(request);
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
  const clientFiles = createClientFiles();
  let lambda: LambdaSource | undefined;
  let ticking: Promise<void> | undefined;
  let closed = false;
  const pending = new Set<Promise<unknown>>();
  let lastPushed = "";
  let lastVersion = -1;
  let lastSnapshot: DashboardSnapshot | undefined;

  function track<T>(promise: Promise<T>): Promise<T> {
    pending.add(promise);
    promise.finally(() => pending.delete(promise)).catch(() => {});
    return promise;
  }

  const live = new LiveReader({
    stores,
    resources,
    aggregator,
    deadLetterQueues: [
      resources.uploadQueue.deadLetterQueueName,
      resources.updateQueue.deadLetterQueueName,
    ],
    track,
  });
  const stream = new EventStream({
    pushIntervalMs: options.pushIntervalMs ?? 250,
    tick: (force) => void scheduleTick(force),
  });
  const api = createDashboardApi({
    resources,
    aggregator,
    stores,
    live,
    push: () => scheduleTick(true),
    ...(options.traces === undefined ? {} : { traces: options.traces }),
  });
  const figures = () => live.counts(lambda === undefined ? null : lambda.stats().inFlight);

  async function tick(force: boolean): Promise<void> {
    try {
      await live.readQueues();
    } catch (error) {
      if (!closed) console.error(`dashboard: cannot read the queues: ${messageOf(error)}`);
    }
    live.recount();
    const counts = figures();
    const signature = JSON.stringify(counts);
    if (!force && aggregator.version === lastVersion && signature === lastPushed) return;
    lastVersion = aggregator.version;
    lastPushed = signature;
    lastSnapshot = aggregator.snapshot(counts);
    stream.broadcast(`event: snapshot\ndata: ${JSON.stringify(lastSnapshot)}\n\n`);
  }

  function scheduleTick(force = false): Promise<void> {
    if (closed) return Promise.resolve();
    if (ticking !== undefined) return ticking;
    ticking = track(tick(force).finally(() => ticking = undefined));
    return ticking;
  }

  function events(): Response {
    // A new page sees the last figures at once, then the next push.
    const first = lastSnapshot === undefined
      ? undefined
      : `event: snapshot\ndata: ${
        JSON.stringify({ ...lastSnapshot, sentAt: Date.now(), touched: [] })
      }\n\n`;
    return stream.open(first);
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
      return await api.act(decodeURIComponent(action[1] ?? ""), action[2] ?? "", request);
    }
    switch (sub) {
      case "/":
        return asset(dashboardHtml(resources), "text/html; charset=utf-8");
      case "/app.css":
        return asset(DASHBOARD_CSS, "text/css; charset=utf-8");
      case "/events":
        if (closed) return json(503, { error: "The dashboard is closing" });
        return events();
      case "/api/snapshot":
        return json(200, lastSnapshot ?? aggregator.snapshot(figures()));
      case "/api/laptops": {
        const filter = (url.searchParams.get("filter") ?? "all") as LaptopFilter;
        if (!FILTERS.has(filter)) return json(400, { error: `Unknown filter: ${filter}` });
        return json(
          200,
          aggregator.listLaptops({
            filter,
            query: (url.searchParams.get("q") ?? "").slice(0, 64),
            offset: intParam(url, "offset", 0, { min: 0, max: 10_000_000 }),
            limit: intParam(url, "limit", 50, { min: 1, max: 200 }),
          }),
        );
      }
    }
    const name = sub.slice(1);
    if (clientFiles.isName(name)) {
      const file = await clientFiles.answer(name, request, SECURITY_HEADERS);
      if (file !== undefined) return file;
    }
    const laptopPath = /^\/api\/laptops\/([^/]+)$/.exec(sub);
    if (laptopPath !== null) return await api.laptop(decodeURIComponent(laptopPath[1] ?? ""));
    const dlqPath = /^\/api\/dlq\/([^/]+)$/.exec(sub);
    if (dlqPath !== null) return await api.deadLetters(decodeURIComponent(dlqPath[1] ?? ""), url);
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
      stream.close();
      await Promise.allSettled(Array.from(pending));
    },
  };
}
