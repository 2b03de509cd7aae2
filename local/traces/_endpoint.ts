/**
 * The local AWS's OTLP receiver and trace API on its own port:
 * `POST /v1/traces` takes OTLP/HTTP in JSON or protobuf (gzip or not), and
 * `GET /_local/traces/<trace-id>` answers a trace's spans as JSON.
 *
 * @module
 */

import { parseOtlpJson } from "./_otlp_json.ts";
import { parseOtlpProtobuf } from "./_otlp_proto.ts";
import type { StoredSpan, TraceStore } from "./_store.ts";

/** The path OTLP/HTTP exporters post traces to. */
export const OTLP_TRACES_PATH = "/v1/traces";

/** The prefix of the trace API: `/_local/traces/<trace-id>`. */
export const TRACES_PATH = "/_local/traces/";

/** A trace as `GET /_local/traces/<trace-id>` answers it. */
export interface TraceAnswer {
  /** W3C trace id. */
  readonly trace_id: string;
  /** The same id in X-Ray's form. */
  readonly xray_trace_id: string;
  /** The spans, by start time. */
  readonly spans: readonly StoredSpan[];
}

/** The endpoint: which paths it answers, and how. */
export interface TraceEndpoint {
  /** Whether it answers this path. */
  owns(pathname: string): boolean;
  /** Answers a request to a path it owns. */
  handle(request: Request): Promise<Response>;
}

/**
 * Creates the endpoint over a store.
 *
 * @param store Where spans go and are read from.
 * @returns The endpoint.
 */
export function createTraceEndpoint(store: TraceStore): TraceEndpoint {
  return {
    owns: (pathname) => pathname === OTLP_TRACES_PATH || pathname.startsWith(TRACES_PATH),
    async handle(request) {
      const { pathname } = new URL(request.url);
      if (pathname === OTLP_TRACES_PATH) {
        if (request.method !== "POST") return text(405, "Use POST to export traces");
        return await receive(request);
      }
      if (request.method !== "GET") return text(405, "Use GET to read a trace");
      const id = normalizeTraceId(decodeURIComponent(pathname.slice(TRACES_PATH.length)));
      if (id === undefined) {
        return json(400, {
          message: "Invalid trace id: give 32 hex digits or X-Ray's 1-<8 hex>-<24 hex>",
        });
      }
      const spans = store.get(id);
      if (spans.length === 0) return json(404, { message: `No spans of trace ${id}` });
      const answer: TraceAnswer = {
        trace_id: id,
        xray_trace_id: `1-${id.slice(0, 8)}-${id.slice(8)}`,
        spans,
      };
      return json(200, answer);
    },
  };

  async function receive(request: Request): Promise<Response> {
    const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
    const protobuf = type === "application/x-protobuf" || type === "application/protobuf";
    if (!protobuf && type !== "application/json") {
      return text(415, `Cannot export traces: content type "${type}" is not OTLP/HTTP`);
    }
    let body: Uint8Array;
    try {
      body = await readBody(request);
      store.add(protobuf ? parseOtlpProtobuf(body) : parseOtlpJson(new TextDecoder().decode(body)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return protobuf ? text(400, message) : json(400, { message });
    }
    return protobuf
      ? new Response(new Uint8Array(), { headers: { "content-type": "application/x-protobuf" } })
      : json(200, {});
  }
}

/**
 * A trace id in W3C form, from W3C's or X-Ray's.
 *
 * @param id The id as given.
 * @returns 32 lower-case hex digits, or `undefined` when it is neither form.
 */
export function normalizeTraceId(id: string): string | undefined {
  const lower = id.toLowerCase();
  if (/^[0-9a-f]{32}$/.test(lower)) return lower;
  const xray = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/.exec(lower);
  return xray === null ? undefined : `${xray[1]}${xray[2]}`;
}

async function readBody(request: Request): Promise<Uint8Array> {
  const encoding = request.headers.get("content-encoding")?.toLowerCase();
  if (encoding === undefined || encoding === "identity") return await request.bytes();
  if (encoding !== "gzip") throw new TypeError(`Cannot export traces: encoding "${encoding}"`);
  const stream = request.body?.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { "content-type": "text/plain" } });
}
