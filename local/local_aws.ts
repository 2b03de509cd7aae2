/**
 * The local AWS: S3, DynamoDB and SQS on one port of 127.0.0.1, speaking
 * AWS's wire protocols, so that any AWS client works with only its endpoint
 * set. Built from two emulators that run in this process: dynalite
 * (DynamoDB) and fauxqs (SQS and S3), behind one router.
 *
 * @module
 */

import { type ResourceDefinition, RESOURCES } from "../lib/resources.ts";
import { type DynaliteService, startDynalite } from "./engines/mod.ts";
import { type FauxqsService, startFauxqs } from "./engines/mod.ts";
import { urlPath } from "./core/mod.ts";
import { provisionResources } from "./_provision.ts";
import { createIamInterceptor, type PolicySet } from "./iam/mod.ts";
import { createRouter } from "./_router.ts";
import type { AwsService, Interceptor, LocalAwsRequest } from "./core/mod.ts";
import {
  createFaultInjector,
  type FaultController,
  type FaultOptions,
  FAULTS_PATH,
} from "./faults/mod.ts";
import { createDashboard, type DashboardFeed } from "./dashboard/mod.ts";
import { messageMoveTasks } from "./sqs/mod.ts";
import { createTraceEndpoint, createTraceStore, type TraceStore } from "./traces/mod.ts";

export type { LocalAwsRequest, RequestAnnotations } from "./core/mod.ts";
export type { PolicySet } from "./iam/mod.ts";
export type { FaultConfig, FaultController, FaultOptions, FaultStats } from "./faults/mod.ts";
export type { AwsService } from "./core/mod.ts";

/** The port the local AWS listens on unless told otherwise (LocalStack's). */
export const DEFAULT_PORT = 4566;

/** The directory the local AWS keeps its data in unless told otherwise. */
export const DEFAULT_DATA_DIR = ".local";

/** Options of {@linkcode startLocalAws}. */
export interface LocalAwsOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default {@linkcode DEFAULT_PORT}. */
  readonly port?: number;
  /**
   * Directory of the persistent data (created if missing). Default
   * {@linkcode DEFAULT_DATA_DIR}. Ignored when `inMemory` is true.
   */
  readonly dataDir?: string;
  /** Keep everything in memory and lose it on close. Default false. */
  readonly inMemory?: boolean;
  /** The resources to create on start. Default {@linkcode RESOURCES}. */
  readonly resources?: ResourceDefinition;
  /**
   * For tests and development: the visibility timeout of the upload and
   * update queues, in seconds, instead of the definition's (so that a failed
   * message comes back in a second, not in a minute). Their dead-letter
   * queues keep SQS's default.
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Milliseconds between two sweeps that delete expired DynamoDB items (of
   * tables whose time to live is enabled). Default a minute; tests shorten it.
   */
  readonly ttlSweepMs?: number;
  /**
   * IAM enforcement. `"on"` (the default) verifies each request's SigV4
   * signature against the local identities of `lib/local_identities.ts` and
   * allows only what the principal's policy in `lib/policies.ts` allows, as
   * the template deploys it; the admin identity `test`/`test` may do
   * everything, so any client with those keys works as before. `"off"`
   * accepts any request, signed or not.
   */
  readonly iam?: "on" | "off";
  /**
   * For tests: the policies to enforce instead of `POLICIES` (a copy with a
   * permission removed or added). Ignored when `iam` is `"off"`.
   */
  readonly policies?: PolicySet;
  /**
   * Fault injection: errors, throttling, dropped connections and latency in
   * each service's shapes (see `local/faults/_config.ts`). Default none. Changed at
   * run time through {@linkcode LocalAws.faults} or `/_local/faults`.
   */
  readonly faults?: FaultOptions;
  /**
   * Serve the dashboard at `/_dashboard` on the same port: the pipeline with
   * live counts, a trace per laptop, the dead-letter queues. Default false.
   */
  readonly dashboard?: boolean;
  /**
   * For benchmarks: milliseconds to hold each call of a client before it is
   * dispatched (the network and service time of AWS, as `bench --aws-latency`
   * draws it), after the fault injector and before IAM. Default none.
   */
  readonly callLatencyMs?: (service: AwsService, operation: string) => number;
}

/** Request counts since start (or the last {@linkcode LocalAws.resetStats}). */
export interface LocalAwsStats {
  /** Requests answered. */
  readonly total: number;
  /** Requests answered with a status of 400 or more, or whose connection was cut. */
  readonly errors: number;
  /** Requests by `service:Operation` (`sqs:SendMessageBatch`). */
  readonly byOperation: Readonly<Record<string, number>>;
}

/** A running local AWS. */
export interface LocalAws extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`: the value for `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  /** The port it listens on. */
  readonly port: number;
  /** Directory of the persistent data, or null when in memory. */
  readonly dataDir: string | null;
  /** Milliseconds from the call of {@linkcode startLocalAws} to ready. */
  readonly readyMs: number;
  /**
   * Calls `listener` after each answered request (not for the local AWS's
   * own set-up requests). Returns a function that removes the listener.
   * A listener that throws is reported on stderr and otherwise ignored.
   */
  onRequest(listener: (request: LocalAwsRequest) => void): () => void;
  /** Request counts by operation. */
  stats(): LocalAwsStats;
  /** Sets the request counts back to zero. */
  resetStats(): void;
  /** The faults injected: read and change them, and their counts. */
  readonly faults: FaultController;
  /** The programs' spans, received at `/v1/traces` and served at `/_local/traces/<id>`. */
  readonly traces: TraceStore;
  /** The dashboard, when `dashboard` is on: its URL, and what feeds it the Lambda's invocations. */
  readonly dashboard: DashboardFeed | undefined;
  /**
   * Stops listening, ends pending long polls, waits for the requests in
   * flight, and closes the emulators and their files. Safe to call twice.
   */
  close(): Promise<void>;
}

/**
 * Starts the local AWS and creates (or reconciles) the pipeline's resources.
 * Resolves once it answers requests.
 *
 * @example Usage
 * ```ts
 * // Needs the network and the engines' permissions (see `deno task local`): type-checked by `deno task ok`, not run.
 * import { startLocalAws } from "./local_aws.ts";
 *
 * await using aws = await startLocalAws({ port: 0, inMemory: true });
 * console.log(aws.endpoint); // http://127.0.0.1:41563
 * ```
 *
 * @throws {RangeError} When `port`, `visibilityTimeoutSeconds`, `ttlSweepMs` or `iam` is out of range.
 * @throws {TypeError} When `policies` uses an element the local IAM evaluator does not model.
 * @throws {Error} When the port is in use, or the data directory is in use or
 * cannot be read or written.
 */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const started = performance.now();
  const { requestedPort, timeout, ttlSweepMs, resources, iam } = checkOptions(options);
  const iamInterceptor = iam === "off" ? undefined : createIamInterceptor({
    region: resources.region,
    bucketName: resources.bucket.name,
    ...(options.policies === undefined ? {} : { policies: options.policies }),
  });
  let faults;
  try {
    faults = createFaultInjector(options.faults);
  } catch (error) {
    throw new RangeError(`Cannot start local AWS: ${messageOf(error)}`, { cause: error });
  }
  const dataDir = options.inMemory ? null : options.dataDir ?? DEFAULT_DATA_DIR;

  // Bind first: a busy port is the likeliest failure, and it must not touch data.
  // Requests that arrive while the emulators start wait for them; once they
  // run, each request goes straight to the handler.
  const ready = Promise.withResolvers<Deno.ServeHandler<Deno.NetAddr>>();
  ready.promise.catch(() => {});
  let handler: Deno.ServeHandler<Deno.NetAddr> = (request, info) =>
    ready.promise.then((serve) => serve(request, info));
  let closing = false;
  const server = listen(requestedPort, (request, info) => handler(request, info));
  const port = server.addr.port;

  const traces = createTraceStore();
  let engines: Engines | undefined;
  try {
    engines = await startEngines(dataDir, resources);
    await provisionResources({
      ...engines,
      resources,
      ...(timeout === undefined ? {} : { visibilityTimeoutSeconds: timeout }),
    });
  } catch (error) {
    ready.reject(error);
    if (engines !== undefined) {
      await Promise.allSettled([engines.dynamodb.close(), engines.fauxqs.close()]);
    }
    await server.shutdown();
    throw new Error(`Cannot start local AWS: ${messageOf(error)}`, { cause: error });
  }
  const { dynamodb, fauxqs } = engines;

  const requests = requestStats();
  const dashboard = options.dashboard
    ? createDashboard({
      dynamodb,
      fauxqs,
      moveTasks: messageMoveTasks(fauxqs.queues),
      resources,
      port,
      traces,
    })
    : undefined;
  if (dashboard !== undefined) requests.listen(dashboard.observeRequest);
  const sweeps = new AbortController();
  const awsRouter = createRouter({
    dynamodb,
    fauxqs,
    region: resources.region,
    dynamoDbSweeps: {
      signal: sweeps.signal,
      ...(ttlSweepMs === undefined ? {} : { intervalMs: ttlSweepMs }),
    },
    interceptors: [
      faults.intercept,
      ...(options.callLatencyMs === undefined ? [] : [delayInterceptor(options.callLatencyMs)]),
      ...(iamInterceptor === undefined ? [] : [iamInterceptor]),
    ],
    isClosing: () => closing,
    onRequest: requests.record,
    finish: faults.finish,
  });
  const traceEndpoint = createTraceEndpoint(traces);
  // The path is read once, without parsing the URL; the router parses it.
  handler = (request, info) => {
    const pathname = urlPath(request.url);
    if (pathname === FAULTS_PATH) return faults.admin(request, info);
    if (traceEndpoint.owns(pathname)) return traceEndpoint.handle(request);
    if (dashboard?.owns(pathname)) return dashboard.handle(request);
    return awsRouter(request);
  };
  ready.resolve(handler);

  let closed: Promise<void> | undefined;
  const readyMs = performance.now() - started;
  const local: LocalAws = {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    readyMs,
    onRequest: requests.listen,
    stats: requests.stats,
    resetStats: requests.reset,
    faults: { config: faults.config, set: faults.set, clear: faults.clear, stats: faults.stats },
    traces,
    dashboard: dashboard?.feed(`http://127.0.0.1:${port}`),
    close() {
      closed ??= (async () => {
        closing = true;
        sweeps.abort();
        // Its event streams would keep shutdown() waiting.
        await dashboard?.close();
        // End pending long polls, or shutdown() would wait for them; keep
        // ending them until it is done, for a poll that was just arriving.
        fauxqs.interruptPolls();
        const interrupting = setInterval(() => fauxqs.interruptPolls(), 50);
        try {
          await server.shutdown();
        } finally {
          clearInterval(interrupting);
        }
        await Promise.all([fauxqs.close(), dynamodb.close()]);
      })();
      return closed;
    },
    [Symbol.asyncDispose]() {
      return local.close();
    },
  };
  return local;
}

/** The options of {@linkcode startLocalAws}, checked, with their defaults. */
function checkOptions(options: LocalAwsOptions) {
  const requestedPort = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new RangeError(`Cannot start local AWS: port must be 0 to 65535, got ${requestedPort}`);
  }
  const timeout = options.visibilityTimeoutSeconds;
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 0 || timeout > 43200)) {
    throw new RangeError(
      `Cannot start local AWS: visibilityTimeoutSeconds must be 0 to 43200, got ${timeout}`,
    );
  }
  const ttlSweepMs = options.ttlSweepMs;
  if (ttlSweepMs !== undefined && !(Number.isFinite(ttlSweepMs) && ttlSweepMs > 0)) {
    throw new RangeError(
      `Cannot start local AWS: ttlSweepMs must be a positive number, got ${ttlSweepMs}`,
    );
  }
  const resources = options.resources ?? RESOURCES;
  const iam = options.iam ?? "on";
  if (iam !== "on" && iam !== "off") {
    throw new RangeError(`Cannot start local AWS: iam must be "on" or "off", got "${iam}"`);
  }
  return { requestedPort, timeout, ttlSweepMs, resources, iam };
}

/** Binds 127.0.0.1:`port`, with a clear error when the port is in use. */
function listen(
  port: number,
  handler: Deno.ServeHandler<Deno.NetAddr>,
): Deno.HttpServer<Deno.NetAddr> {
  try {
    return Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, handler);
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new Error(`Cannot start local AWS: port ${port} is in use`, { cause: error });
    }
    throw new Error(`Cannot start local AWS: ${messageOf(error)}`, { cause: error });
  }
}

/** The two emulators. */
interface Engines {
  readonly dynamodb: DynaliteService;
  readonly fauxqs: FauxqsService;
}

/** Starts dynalite and fauxqs together; when either fails, closes the other and throws. */
async function startEngines(
  dataDir: string | null,
  resources: ResourceDefinition,
): Promise<Engines> {
  const [dynamoStart, fauxqsStart] = await Promise.allSettled([
    startDynalite(dataDir === null ? {} : { path: `${dataDir}/dynamodb` }),
    startFauxqs({
      region: resources.region,
      ...(dataDir === null ? {} : { dataDir: `${dataDir}/fauxqs` }),
    }),
  ]);
  const closeStarted = () =>
    Promise.allSettled(
      [dynamoStart, fauxqsStart].flatMap((start) =>
        start.status === "fulfilled" ? [start.value.close()] : []
      ),
    );
  if (dynamoStart.status === "rejected") {
    await closeStarted();
    throw dynamoStart.reason;
  }
  if (fauxqsStart.status === "rejected") {
    await closeStarted();
    throw fauxqsStart.reason;
  }
  return { dynamodb: dynamoStart.value, fauxqs: fauxqsStart.value };
}

/** Counts of the requests served, and the listeners that see each one. */
function requestStats() {
  const listeners = new Set<(request: LocalAwsRequest) => void>();
  let counts = new Map<string, number>();
  let total = 0;
  let errors = 0;
  return {
    record(request: LocalAwsRequest): void {
      total++;
      if (request.status >= 400 || request.fault === "drop-after") errors++;
      counts.set(request.name, (counts.get(request.name) ?? 0) + 1);
      for (const listener of listeners) {
        try {
          listener(request);
        } catch (error) {
          console.error("local AWS: a request listener failed:", error);
        }
      }
    },
    listen(listener: (request: LocalAwsRequest) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stats(): LocalAwsStats {
      return { total, errors, byOperation: Object.fromEntries(counts) };
    },
    reset(): void {
      counts = new Map();
      total = 0;
      errors = 0;
    },
  };
}

/** An interceptor that holds each call for the milliseconds `latencyMs` gives it. */
function delayInterceptor(
  latencyMs: (service: AwsService, operation: string) => number,
): Interceptor {
  return (request) => {
    const ms = latencyMs(request.service, request.operation);
    if (!(ms > 0)) return undefined;
    return new Promise((resolve) => setTimeout(() => resolve(undefined), ms));
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
