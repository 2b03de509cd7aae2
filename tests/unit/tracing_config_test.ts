import assert from "node:assert/strict";
import { readTraceExport, startTracing } from "../../lib/tracing_config.ts";

function env(values: Record<string, string>) {
  return (name: string) => values[name];
}

const LOCAL = { serviceName: "generator", localEndpoint: "http://127.0.0.1:4566" };

Deno.test("readTraceExport() sends to the local AWS when nothing is set and the endpoint is local", () => {
  assert.deepEqual(readTraceExport(env({}), LOCAL), {
    url: "http://127.0.0.1:4566/v1/traces",
    headers: {},
    serviceName: "generator",
  });
});

Deno.test("readTraceExport() exports nothing when nothing is set against AWS", () => {
  assert.equal(readTraceExport(env({}), { serviceName: "service" }), undefined);
  assert.equal(startTracing(env({}), { serviceName: "service" }).enabled, false);
});

Deno.test("readTraceExport() follows OTEL_EXPORTER_OTLP_ENDPOINT and its traces-only variant", () => {
  assert.equal(
    readTraceExport(env({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4318/" }), {
      serviceName: "service",
    })?.url,
    "http://localhost:4318/v1/traces",
  );
  assert.equal(
    readTraceExport(
      env({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4318",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://xray.us-east-1.amazonaws.com/v1/traces",
      }),
      LOCAL,
    )?.url,
    "https://xray.us-east-1.amazonaws.com/v1/traces",
  );
});

Deno.test("readTraceExport() reads headers and the service name, and turns off on request", () => {
  const target = readTraceExport(
    env({
      OTEL_EXPORTER_OTLP_HEADERS: "api-key=a%20b, x-team=pipeline,broken",
      OTEL_SERVICE_NAME: "my-generator",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    }),
    LOCAL,
  );
  assert.deepEqual(target?.headers, { "api-key": "a b", "x-team": "pipeline" });
  assert.equal(target?.serviceName, "my-generator");
  assert.equal(readTraceExport(env({ OTEL_TRACES_EXPORTER: "none" }), LOCAL), undefined);
  assert.equal(readTraceExport(env({ OTEL_SDK_DISABLED: "true" }), LOCAL), undefined);
  assert.equal(startTracing(env({}), LOCAL).enabled, true);
});

Deno.test("readTraceExport() rejects a protocol, exporter or endpoint it cannot honour", () => {
  assert.throws(
    () => readTraceExport(env({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }), LOCAL),
    {
      name: "ConfigError",
      message: 'Cannot start generator: OTEL_EXPORTER_OTLP_PROTOCOL "grpc" is not supported: ' +
        "these programs export http/json only",
    },
  );
  assert.throws(
    () => readTraceExport(env({ OTEL_TRACES_EXPORTER: "zipkin" }), LOCAL),
    /Cannot start generator: OTEL_TRACES_EXPORTER "zipkin" is not supported: give otlp or none/,
  );
  assert.throws(
    () =>
      readTraceExport(env({ OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318" }), {
        ...LOCAL,
        program: "generate",
      }),
    /Cannot start generate: OTEL_EXPORTER_OTLP_ENDPOINT "localhost:4318" is not an http\(s\) URL/,
  );
});
