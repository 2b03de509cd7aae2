/**
 * The local AWS's traces: an OTLP/HTTP receiver (`POST /v1/traces`, JSON and
 * protobuf) for the programs' spans, kept in bounded memory by trace, and
 * `GET /_local/traces/<trace-id>` to read one.
 *
 * @module
 */

export {
  createTraceEndpoint,
  normalizeTraceId,
  OTLP_TRACES_PATH,
  type TraceAnswer,
  type TraceEndpoint,
  TRACES_PATH,
} from "./_endpoint.ts";
export {
  createTraceStore,
  type StoredSpan,
  type TraceStore,
  type TraceStoreOptions,
} from "./_store.ts";
