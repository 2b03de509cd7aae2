/**
 * Fault injection in the local AWS: errors, throttling, dropped connections
 * and latency, in each service's own shapes, from a seeded sequence, changed
 * at run time through `/_local/faults` on the same port (loopback only).
 *
 * It takes three places in the server: an interceptor of the router (before
 * dispatch: latency, errors, throttling, and the choice of the connections
 * to cut), the router's last step (cutting connections: before processing,
 * or after it, when the effect happened and only the answer is lost), and
 * the admin endpoint. Each fault is written in the request's annotations
 * (`fault`), so the router's report carries it, and the last step reads it
 * there: with no fault configured, no part of it does more than a check.
 *
 * @module
 */

import {
  describeFaults,
  type FaultConfig,
  type FaultOptions,
  faultsActive,
  NO_FAULTS,
  resolveFaultConfig,
  targets,
} from "./_config.ts";
import { createRandom, decideFault, type FaultDecision, type Random } from "./_plan.ts";
import {
  droppedAnswer,
  droppedResponse,
  faultError,
  renderFaultError,
  wireProtocol,
} from "./_responses.ts";
import type {
  InterceptedRequest,
  Interceptor,
  LocalAwsRequest,
  RequestAnnotations,
} from "../core/mod.ts";

export type { FaultConfig, FaultOptions } from "./_config.ts";

/** The path of the admin endpoint. */
export const FAULTS_PATH = "/_local/faults";

/** Counts of the fault injector since start. */
export interface FaultStats {
  /** Requests targeted while faults were on. */
  readonly requests: number;
  /** Requests that failed by a fault (errors + throttled + dropped). */
  readonly faults: number;
  /** Requests answered 500 or 503. */
  readonly errors: number;
  /** Requests answered with a throttling error. */
  readonly throttled: number;
  /** Requests whose connection was cut before they were processed. */
  readonly droppedBefore: number;
  /** Requests processed whose connection was then cut (the answer is lost). */
  readonly droppedAfter: number;
  /** Requests delayed. */
  readonly delayed: number;
  /** Faults by `service:Operation`. */
  readonly byOperation: Readonly<Record<string, number>>;
}

/** Reads and changes the faults of a running local AWS. */
export interface FaultController {
  /** The configuration in force. */
  config(): FaultConfig;
  /**
   * Changes the settings given and keeps the others; a `seed` restarts the
   * sequence.
   *
   * @throws {TypeError | RangeError} For an invalid setting; nothing changes.
   */
  set(options: FaultOptions): FaultConfig;
  /** Turns every fault off (rates and latency to 0), keeping scope and seed. */
  clear(): FaultConfig;
  /** Counts since start. */
  stats(): FaultStats;
}

/** The injector: the controller and the three places it takes in the server. */
export interface FaultInjector extends FaultController {
  /** The router's interceptor. */
  readonly intercept: Interceptor;
  /**
   * The router's last step: the response to send for a request answered as
   * `report` says; the response itself unless the interceptor chose to cut
   * its connection (`report.fault` is `drop-before` or `drop-after`).
   */
  finish(report: LocalAwsRequest, response: Response): Response;
  /** Answers a request to {@linkcode FAULTS_PATH}, the admin endpoint. */
  admin(request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>): Promise<Response>;
  /** One line describing the faults in force, for the start-up message. */
  describe(): string;
}

/**
 * Creates a fault injector.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createFaultInjector } from "./_faults.ts";
 *
 * // The local AWS puts `faults.intercept` first among the router's interceptors,
 * // `faults.finish` as the router's last step, and sends `/_local/faults` to `faults.admin`.
 * const faults = createFaultInjector({ faultRate: 0.1, seed: 7 });
 * assert.equal(faults.stats().delayed, 0);
 * ```
 *
 * @param options Initial settings (default none: no fault).
 * @returns The injector.
 * @throws {TypeError | RangeError} For an invalid setting.
 */
export function createFaultInjector(options: FaultOptions = {}): FaultInjector {
  let config = resolveFaultConfig(options, NO_FAULTS);
  let random: Random = createRandom(config.seed);
  const counts = {
    requests: 0,
    errors: 0,
    throttled: 0,
    droppedBefore: 0,
    droppedAfter: 0,
    delayed: 0,
  };
  const byOperation = new Map<string, number>();
  const count = (service: string, operation: string) => {
    const name = `${service}:${operation}`;
    byOperation.set(name, (byOperation.get(name) ?? 0) + 1);
  };

  const controller: FaultController = {
    config: () => config,
    set(patch) {
      const next = resolveFaultConfig(patch, config);
      if (Object.hasOwn(patch, "seed")) random = createRandom(next.seed);
      config = next;
      return config;
    },
    clear() {
      config = resolveFaultConfig(
        { errorRate: 0, throttleRate: 0, dropRate: 0, latencyMs: 0, latencyJitterMs: 0 },
        config,
      );
      return config;
    },
    stats: () => ({
      ...counts,
      faults: counts.errors + counts.throttled + counts.droppedBefore + counts.droppedAfter,
      byOperation: Object.fromEntries(byOperation),
    }),
  };

  // Off (the usual case), it returns at once, with no promise to wait for.
  const intercept: Interceptor = (request) => {
    const current = config;
    if (!faultsActive(current) || !targets(current, request.service, request.operation)) {
      return undefined;
    }
    counts.requests++;
    const decision = decideFault(current, random);
    if (decision.latencyMs <= 0) return inject(request, decision);
    counts.delayed++;
    return new Promise((resolve) => setTimeout(resolve, decision.latencyMs))
      .then(() => inject(request, decision));
  };

  const inject = (request: InterceptedRequest, decision: FaultDecision) => {
    const { service, operation, inner } = request;
    switch (decision.kind) {
      case undefined:
        return undefined;
      case "drop":
        if (decision.alternate) {
          // Counted when cut (`finish`).
          note(request, "drop-after");
          return undefined;
        }
        count(service, operation);
        counts.droppedBefore++;
        note(request, "drop-before");
        return droppedAnswer();
      default:
        count(service, operation);
        note(request, decision.kind);
        if (decision.kind === "error") counts.errors++;
        else counts.throttled++;
        return renderFaultError(
          faultError(service, decision.kind, decision.alternate),
          wireProtocol(inner),
        );
    }
  };

  return {
    ...controller,
    intercept,
    finish(report, response) {
      switch (report.fault) {
        case "drop-after":
          // Processed, answer lost: its status line and headers go out, half its body.
          counts.droppedAfter++;
          count(report.service, report.operation);
          return droppedResponse(
            response.status,
            response.headers,
            response.body === null ? undefined : report.answer.body,
          );
        case "drop-before":
          return droppedResponse(response.status);
        default:
          return response;
      }
    },
    admin: (request, info) => admin(controller, request, info),
    describe: () => describeFaults(config),
  };
}

/** The fault of a request, as the router's report carries it. */
export type FaultNote = NonNullable<RequestAnnotations["fault"]>;

/** Writes the fault in the request's annotations, which the router copies to its report. */
function note(request: InterceptedRequest, fault: FaultNote): void {
  request.annotations.fault = fault;
}

const MAX_ADMIN_BODY = 64 * 1024;

async function admin(
  controller: FaultController,
  request: Request,
  info: Deno.ServeHandlerInfo<Deno.NetAddr>,
): Promise<Response> {
  const refuse = (status: number, message: string, headers: Record<string, string> = {}) =>
    Response.json({ error: message }, { status, headers });
  if (!isLoopback(info.remoteAddr.hostname)) {
    return refuse(403, "Cannot change faults: only loopback clients may");
  }
  // A web page may send requests to 127.0.0.1; browsers mark them with an Origin.
  if (request.headers.has("origin")) {
    return refuse(403, "Cannot change faults: cross-origin requests are refused");
  }
  const state = () => Response.json({ config: controller.config(), stats: controller.stats() });
  switch (request.method) {
    case "GET":
      return state();
    case "DELETE":
      controller.clear();
      return state();
    case "POST": {
      if (!(request.headers.get("content-type") ?? "").startsWith("application/json")) {
        return refuse(
          415,
          "Cannot change faults: send a JSON body (Content-Type: application/json)",
        );
      }
      const text = await request.text();
      if (text.length > MAX_ADMIN_BODY) {
        return refuse(413, `Cannot change faults: the body is over ${MAX_ADMIN_BODY} bytes`);
      }
      let patch: unknown;
      try {
        patch = JSON.parse(text);
      } catch {
        return refuse(400, "Cannot change faults: the body is not JSON");
      }
      try {
        controller.set(patch as FaultOptions);
      } catch (error) {
        return refuse(400, `Cannot change faults: ${(error as Error).message}`);
      }
      return state();
    }
    default:
      await request.body?.cancel();
      return refuse(405, `Cannot ${request.method} ${FAULTS_PATH}: use GET, POST or DELETE`, {
        allow: "GET, POST, DELETE",
      });
  }
}

function isLoopback(hostname: string): boolean {
  return /^127\./.test(hostname) || hostname === "::1" || hostname === "::ffff:127.0.0.1";
}
