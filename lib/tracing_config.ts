/**
 * Where a program's spans go, from OpenTelemetry's standard variables: with
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (or `…_TRACES_ENDPOINT`) set, there; with
 * none set and a local endpoint, to the local AWS's `/v1/traces`; with none
 * set against AWS, nowhere ({@linkcode NOOP_TRACER}: nothing recorded).
 *
 * @module
 */

import type { EnvReader } from "./config.ts";
import { ConfigError } from "./errors.ts";
import { createOtlpExporter, type OtlpSend } from "./otlp_exporter.ts";
import { type CredentialsProvider, xrayEndpointRegion, xraySigner } from "./sign_otlp.ts";
import { createTracer, NOOP_TRACER, type Tracer } from "./tracer.ts";

/** Where spans are sent. */
export interface TraceExport {
  /** The traces URL. */
  readonly url: string;
  /** Extra request headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** `service.name`. */
  readonly serviceName: string;
}

/** Options of {@linkcode readTraceExport}. */
export interface TraceExportOptions {
  /** The program's own `service.name` (`OTEL_SERVICE_NAME` overrides it). */
  readonly serviceName: string;
  /** Program name in error messages: `Cannot start <program>: ...`. Defaults to `serviceName`. */
  readonly program?: string;
  /** The AWS endpoint the program uses, when it is local (`http://127.0.0.1:4566`). */
  readonly localEndpoint?: string | undefined;
}

/** The OpenTelemetry variables read, for `--allow-env` and help texts. */
export const OTEL_VARIABLES = [
  "OTEL_SDK_DISABLED",
  "OTEL_TRACES_EXPORTER",
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "OTEL_EXPORTER_OTLP_HEADERS",
  "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
  "OTEL_EXPORTER_OTLP_PROTOCOL",
  "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
  "OTEL_SERVICE_NAME",
] as const;

/**
 * Reads where to export spans.
 *
 * @example Usage
 * ```ts
 * import { readTraceExport } from "./tracing_config.ts";
 *
 * const env: Record<string, string> = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" };
 * readTraceExport((name) => env[name], { serviceName: "generator" });
 * // { url: "http://127.0.0.1:4318/v1/traces", headers: {}, serviceName: "generator" }
 * ```
 *
 * @param env Reads a variable.
 * @param options The service name and the local endpoint.
 * @returns The export, or `undefined` when tracing is off.
 * @throws {ConfigError} When a variable is invalid (a protocol other than
 * `http/json`, an endpoint that is not an http(s) URL).
 */
export function readTraceExport(
  env: EnvReader,
  options: TraceExportOptions,
): TraceExport | undefined {
  const read = (name: string) => {
    const value = env(name)?.trim();
    return value === "" ? undefined : value;
  };
  const fail = (variable: string, detail: string): never => {
    throw new ConfigError(
      `Cannot start ${options.program ?? options.serviceName}: ${variable} ${detail}`,
      variable,
    );
  };
  const checkUrl = (variable: string, value: string): string => {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      // Reported below.
    }
    if (url?.protocol !== "http:" && url?.protocol !== "https:") {
      fail(variable, `"${value}" is not an http(s) URL`);
    }
    return value;
  };
  if (read("OTEL_SDK_DISABLED")?.toLowerCase() === "true") return undefined;
  const exporter = read("OTEL_TRACES_EXPORTER")?.toLowerCase();
  if (exporter === "none") return undefined;
  if (exporter !== undefined && exporter !== "otlp") {
    fail("OTEL_TRACES_EXPORTER", `"${exporter}" is not supported: give otlp or none`);
  }
  const protocolName = read("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") !== undefined
    ? "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
    : "OTEL_EXPORTER_OTLP_PROTOCOL";
  const protocol = read(protocolName);
  if (protocol !== undefined && protocol !== "http/json") {
    fail(protocolName, `"${protocol}" is not supported: these programs export http/json only`);
  }
  const serviceName = read("OTEL_SERVICE_NAME") ?? options.serviceName;
  const headers = parseHeaders(
    read("OTEL_EXPORTER_OTLP_TRACES_HEADERS") ?? read("OTEL_EXPORTER_OTLP_HEADERS"),
  );
  const tracesEndpoint = read("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  if (tracesEndpoint !== undefined) {
    return {
      url: checkUrl("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", tracesEndpoint),
      headers,
      serviceName,
    };
  }
  const endpoint = read("OTEL_EXPORTER_OTLP_ENDPOINT") ?? options.localEndpoint;
  if (endpoint === undefined) return undefined;
  const base = checkUrl("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
  return { url: `${base.replace(/\/+$/, "")}/v1/traces`, headers, serviceName };
}

/** Options of {@linkcode startTracing}. */
export interface StartTracingOptions extends TraceExportOptions {
  /** Called when a send fails (once per failed send). Defaults to one line on stderr, once. */
  readonly onError?: (error: Error) => void;
  /** Milliseconds a span waits for its batch. Defaults to the exporter's. */
  readonly delayMs?: number;
  /**
   * The program's AWS credentials: exports to X-Ray's OTLP endpoint
   * (`https://xray.<region>.amazonaws.com/v1/traces`) are signed with them.
   */
  readonly credentials?: CredentialsProvider;
  /** What sends the exports. Defaults to the global `fetch`. */
  readonly fetch?: OtlpSend;
}

/**
 * The program's tracer: exporting where {@linkcode readTraceExport} says, or
 * {@linkcode NOOP_TRACER}.
 *
 * @param env Reads a variable.
 * @param options The service name, the local endpoint and the error callback.
 * @returns The tracer.
 */
export function startTracing(env: EnvReader, options: StartTracingOptions): Tracer {
  const target = readTraceExport(env, options);
  if (target === undefined) return NOOP_TRACER;
  let reported = false;
  const onError = options.onError ?? ((error: Error) => {
    if (reported) return;
    reported = true;
    console.error(`Tracing: ${error.message} (further export errors not shown)`);
  });
  const xrayRegion = xrayEndpointRegion(target.url);
  const sign = xrayRegion && options.credentials
    ? { sign: xraySigner(xrayRegion, options.credentials) }
    : {};
  return createTracer({
    exporter: createOtlpExporter({
      ...sign,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      url: target.url,
      serviceName: target.serviceName,
      headers: target.headers,
      onError,
      ...(options.delayMs === undefined ? {} : { delayMs: options.delayMs }),
    }),
  });
}

/** `key1=value1,key2=value2`, percent-decoded, as the OTLP exporter spec gives them. */
function parseHeaders(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (text ?? "").split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(
      pair.slice(at + 1).trim(),
    );
  }
  return headers;
}
