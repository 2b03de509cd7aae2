import assert from "node:assert/strict";
import { createOtlpExporter } from "../../lib/otlp_exporter.ts";
import { xrayEndpointRegion, xraySigner } from "../../lib/sign_otlp.ts";
import { startTracing } from "../../lib/tracing_config.ts";

const CREDENTIALS = () =>
  Promise.resolve({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "tok" });

Deno.test("xrayEndpointRegion() finds the region of X-Ray's OTLP endpoint only", () => {
  assert.equal(xrayEndpointRegion("https://xray.eu-west-1.amazonaws.com/v1/traces"), "eu-west-1");
  assert.equal(
    xrayEndpointRegion("https://xray.cn-north-1.amazonaws.com.cn/v1/traces"),
    "cn-north-1",
  );
  assert.equal(xrayEndpointRegion("http://127.0.0.1:4318/v1/traces"), undefined);
  assert.equal(xrayEndpointRegion("https://logs.eu-west-1.amazonaws.com/v1/logs"), undefined);
  assert.equal(xrayEndpointRegion("not a url"), undefined);
});

Deno.test("xraySigner() signs an export with SigV4 for the xray service of its region", async () => {
  const sign = xraySigner("eu-west-1", CREDENTIALS);
  const headers = await sign({
    url: "https://xray.eu-west-1.amazonaws.com/v1/traces",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  assert.match(
    headers.authorization ?? "",
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/xray\/aws4_request, SignedHeaders=[^,]*content-type[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
  );
  assert.match(headers["x-amz-date"] ?? "", /^\d{8}T\d{6}Z$/);
  assert.equal(headers["x-amz-security-token"], "tok");
  assert.equal(headers["content-type"], "application/json");
});

Deno.test("createOtlpExporter() sends the headers its signer gives", async () => {
  const seen: Headers[] = [];
  const exporter = createOtlpExporter({
    url: "https://xray.eu-west-1.amazonaws.com/v1/traces",
    serviceName: "generator",
    delayMs: 0,
    sign: ({ headers }) => Promise.resolve({ ...headers, authorization: "signed" }),
    fetch: ((_url: string, init: RequestInit) => {
      seen.push(new Headers(init.headers));
      return Promise.resolve(new Response("{}"));
    }) as typeof fetch,
  });
  exporter.add({
    context: {
      traceId: "5759e988bd862e3fe1be46a994272793",
      spanId: "53995c3f42cd8ad8",
      sampled: true,
    },
    name: "x",
    kind: "internal",
    startMs: 1,
    endMs: 2,
    attributes: {},
    links: [],
  });
  await exporter.flush();
  assert.equal(seen[0]?.get("authorization"), "signed");
  assert.equal(seen[0]?.get("content-type"), "application/json");
  const env: Record<string, string> = {
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://xray.eu-west-1.amazonaws.com/v1/traces",
  };
  assert.equal(
    startTracing((name) => env[name], { serviceName: "s", credentials: CREDENTIALS }).enabled,
    true,
  );
});
