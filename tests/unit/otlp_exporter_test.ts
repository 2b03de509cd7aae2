import assert from "node:assert/strict";
import { createOtlpExporter, otlpJson } from "../../lib/otlp_exporter.ts";
import type { SpanRecord } from "../../lib/tracer.ts";

const SPAN: SpanRecord = {
  context: {
    traceId: "5759e988bd862e3fe1be46a994272793",
    spanId: "53995c3f42cd8ad8",
    sampled: true,
  },
  parentSpanId: "0123456789abcdef",
  name: "S3 PutObject",
  kind: "client",
  startMs: 1_480_615_200_000.25,
  endMs: 1_480_615_200_012.5,
  attributes: { "laptop.file": "a.json", count: 3, ratio: 0.5, ok: true },
  links: [{
    traceId: "58406520a006649127e371903a2de979",
    spanId: "1111111111111111",
    sampled: true,
  }],
  error: "Access denied",
};

Deno.test("otlpJson() writes OTLP/JSON: hex ids, nanoseconds as strings, kinds and status as numbers", () => {
  const resource = { attributes: [{ key: "service.name", value: { stringValue: "generator" } }] };
  assert.deepEqual(otlpJson(resource, [SPAN]), {
    resourceSpans: [{
      resource,
      scopeSpans: [{
        scope: { name: "aws-discovery" },
        spans: [{
          traceId: "5759e988bd862e3fe1be46a994272793",
          spanId: "53995c3f42cd8ad8",
          parentSpanId: "0123456789abcdef",
          name: "S3 PutObject",
          kind: 3,
          startTimeUnixNano: "1480615200000250000",
          endTimeUnixNano: "1480615200012500000",
          attributes: [
            { key: "laptop.file", value: { stringValue: "a.json" } },
            { key: "count", value: { intValue: "3" } },
            { key: "ratio", value: { doubleValue: 0.5 } },
            { key: "ok", value: { boolValue: true } },
          ],
          links: [{ traceId: "58406520a006649127e371903a2de979", spanId: "1111111111111111" }],
          status: { code: 2, message: "Access denied" },
        }],
      }],
    }],
  });
  const { error: _, ...success } = SPAN;
  const written = otlpJson(resource, [success]).resourceSpans[0]?.scopeSpans[0]?.spans[0];
  assert.equal(written && "status" in written, false, "a success leaves the status unset");
});

Deno.test("otlpJson() writes nanoseconds exactly, carrying a fraction that rounds up to a whole millisecond", () => {
  const [written] = otlpJson({ attributes: [] }, [
    { ...SPAN, startMs: 1480615200000.9999999, endMs: 1480615200017.0625 },
  ]).resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
  assert.equal(written?.startTimeUnixNano, "1480615200001000000");
  assert.equal(written?.endTimeUnixNano, "1480615200017062500");
  const [small] = otlpJson({ attributes: [] }, [{ ...SPAN, startMs: 0.5, endMs: 12 }])
    .resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
  assert.equal(small?.startTimeUnixNano, "500000");
  assert.equal(small?.endTimeUnixNano, "12000000");
});

function fakeFetch(status = 200) {
  const posts: { url: string; headers: Headers; body: unknown }[] = [];
  const send = (input: string | URL | Request, init?: RequestInit) => {
    posts.push({
      url: String(input),
      headers: new Headers(init?.headers),
      body: JSON.parse(String(init?.body)),
    });
    return Promise.resolve(new Response("{}", { status }));
  };
  return { posts, send: send as typeof fetch };
}

Deno.test("createOtlpExporter() posts the spans in batches, with the headers given", async () => {
  const { posts, send } = fakeFetch();
  const exporter = createOtlpExporter({
    url: "http://127.0.0.1:4318/v1/traces",
    serviceName: "service",
    headers: { authorization: "Bearer x" },
    batchSize: 2,
    delayMs: 0,
    fetch: send,
  });
  for (let i = 0; i < 3; i++) exporter.add({ ...SPAN, name: `span ${i}` });
  assert.equal(posts.length, 1, "a full batch leaves at once");
  await exporter.flush();
  assert.equal(posts.length, 2);
  assert.equal(posts[0]?.url, "http://127.0.0.1:4318/v1/traces");
  assert.equal(posts[0]?.headers.get("authorization"), "Bearer x");
  assert.equal(posts[0]?.headers.get("content-type"), "application/json");
  const names = posts.flatMap((post) =>
    (post.body as ReturnType<typeof otlpJson>).resourceSpans[0]?.scopeSpans[0]?.spans.map((s) =>
      s.name
    ) ?? []
  );
  assert.deepEqual(names, ["span 0", "span 1", "span 2"]);
  const resource = (posts[0]?.body as ReturnType<typeof otlpJson>).resourceSpans[0]?.resource;
  assert.deepEqual(resource, {
    attributes: [{ key: "service.name", value: { stringValue: "service" } }],
  });
  await exporter.flush();
  assert.equal(posts.length, 2, "nothing left to send");
});

Deno.test("createOtlpExporter() reports a failed send and drops its spans without throwing", async () => {
  const { send } = fakeFetch(503);
  const errors: string[] = [];
  const exporter = createOtlpExporter({
    url: "http://127.0.0.1:1/v1/traces",
    serviceName: "service",
    delayMs: 0,
    fetch: send,
    onError: (error) => errors.push(error.message),
  });
  exporter.add(SPAN);
  await exporter.flush();
  assert.deepEqual(errors, ["Cannot export spans to http://127.0.0.1:1/v1/traces: status 503"]);
});

Deno.test("createOtlpExporter() keeps at most maxQueue spans while none are sent", async () => {
  const { posts, send } = fakeFetch();
  const exporter = createOtlpExporter({
    url: "http://127.0.0.1:4318/v1/traces",
    serviceName: "service",
    delayMs: 0,
    batchSize: 100,
    maxQueue: 5,
    fetch: send,
  });
  for (let i = 0; i < 8; i++) exporter.add(SPAN);
  await exporter.flush();
  const body = posts[0]?.body as ReturnType<typeof otlpJson>;
  assert.equal(body.resourceSpans[0]?.scopeSpans[0]?.spans.length, 5);
});
