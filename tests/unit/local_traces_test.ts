import assert from "node:assert/strict";
import { otlpJson } from "../../lib/otlp_exporter.ts";
import type { SpanRecord } from "../../lib/tracer.ts";
import { parseOtlpJson } from "../../local/traces/_otlp_json.ts";
import { parseOtlpProtobuf } from "../../local/traces/_otlp_proto.ts";
import { createTraceEndpoint, createTraceStore, type StoredSpan } from "../../local/traces/mod.ts";

const TRACE = "5759e988bd862e3fe1be46a994272793";

function span(traceId: string, spanId: string, startMs = 1_000): StoredSpan {
  return {
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: null,
    service_name: "generator",
    name: "x",
    kind: "internal",
    start: new Date(startMs).toISOString(),
    start_ms: startMs,
    duration_ms: 1,
    status: { code: "unset" },
    attributes: {},
    links: [],
  };
}

function record(overrides: Partial<SpanRecord> = {}): SpanRecord {
  return {
    context: { traceId: TRACE, spanId: "53995c3f42cd8ad8", sampled: true },
    parentSpanId: "0123456789abcdef",
    name: "update_item record",
    kind: "consumer",
    startMs: 1_480_615_200_000.5,
    endMs: 1_480_615_200_012.75,
    attributes: { "messaging.message.id": "m-1", records: 2 },
    links: [],
    error: "Cannot update item",
    ...overrides,
  };
}

Deno.test("parseOtlpJson() reads what the programs' exporter writes", () => {
  const resource = { attributes: [{ key: "service.name", value: { stringValue: "update-item" } }] };
  const [stored] = parseOtlpJson(JSON.stringify(otlpJson(resource, [record()])));
  assert.deepEqual(stored, {
    trace_id: TRACE,
    span_id: "53995c3f42cd8ad8",
    parent_span_id: "0123456789abcdef",
    service_name: "update-item",
    name: "update_item record",
    kind: "consumer",
    start: "2016-12-01T18:00:00.000Z",
    start_ms: 1_480_615_200_000.5,
    duration_ms: 12.25,
    status: { code: "error", message: "Cannot update item" },
    attributes: { "messaging.message.id": "m-1", records: 2 },
    links: [],
  });
});

Deno.test("parseOtlpJson() rejects a body that is not an OTLP trace export", () => {
  assert.throws(() => parseOtlpJson("{"), /Cannot parse OTLP\/JSON: the body is not JSON/);
  assert.throws(() => parseOtlpJson("{}"), /"resourceSpans" is missing/);
  const bad = otlpJson({ attributes: [] }, [record()]);
  (bad.resourceSpans[0]?.scopeSpans[0]?.spans[0] as { traceId: string }).traceId = "xyz";
  assert.throws(() => parseOtlpJson(JSON.stringify(bad)), /"traceId" must be 32 hex digits/);
});

Deno.test("parseOtlpProtobuf() reads the span Deno's own OpenTelemetry exported for a fetch", async () => {
  // Captured from `OTEL_DENO=true deno run` of one fetch, with OTEL_SERVICE_NAME=probe;
  // the request carried traceparent 00-c967b5584c58b302e5b400036a70be78-5f2c3c533395d36a-01.
  const bytes = await Deno.readFile(
    new URL("../fixtures/otlp_deno_fetch_span.bin", import.meta.url),
  );
  const [stored, ...more] = parseOtlpProtobuf(bytes);
  assert.equal(more.length, 0);
  assert.equal(stored?.trace_id, "c967b5584c58b302e5b400036a70be78");
  assert.equal(stored?.span_id, "5f2c3c533395d36a");
  assert.equal(stored?.parent_span_id, null);
  assert.equal(stored?.service_name, "probe");
  assert.equal(stored?.name, "GET");
  assert.equal(stored?.kind, "client");
  assert.deepEqual(stored?.status, { code: "unset" });
  assert.equal(stored?.attributes["http.request.method"], "GET");
  assert.equal(stored?.attributes["url.path"], "/x");
  assert.ok((stored?.duration_ms ?? 0) > 0 && (stored?.duration_ms ?? 0) < 60_000);
  assert.equal(stored?.start.slice(0, 10), "2026-12-06");
});

Deno.test("parseOtlpProtobuf() rejects truncated input", () => {
  assert.throws(() => parseOtlpProtobuf(new Uint8Array([0x0a, 0x05, 0x01])), /runs past the end/);
  assert.throws(() => parseOtlpProtobuf(new Uint8Array([0x0b])), /wire type 3/);
});

Deno.test("createTraceStore() keeps a trace's spans by start and drops the oldest traces past its bound", () => {
  const store = createTraceStore({ maxSpans: 3 });
  const seen: number[] = [];
  store.onSpans((spans) => seen.push(spans.length));
  store.add([
    span("a".repeat(32), "1".repeat(16), 2_000),
    span("a".repeat(32), "2".repeat(16), 1_000),
  ]);
  store.add([span("b".repeat(32), "3".repeat(16))]);
  assert.deepEqual(store.get("a".repeat(32)).map((s) => s.span_id), [
    "2".repeat(16),
    "1".repeat(16),
  ]);
  store.add([span("c".repeat(32), "4".repeat(16))]);
  assert.deepEqual(store.get("a".repeat(32)), [], "the oldest trace went whole");
  assert.deepEqual(store.size(), { spans: 2, traces: 2 });
  assert.deepEqual(seen, [2, 1, 1]);
  const laptop = { ...span("d".repeat(32), "5".repeat(16)), attributes: { "laptop.uuid": "u-1" } };
  store.add([laptop]);
  assert.equal(store.traceIdOf("u-1"), "d".repeat(32));
  store.add([span("e".repeat(32), "6".repeat(16)), span("f".repeat(32), "7".repeat(16))]);
  store.add([span("0".repeat(31) + "1", "8".repeat(16))]);
  assert.equal(store.traceIdOf("u-1"), undefined, "forgotten with its trace");
  assert.throws(() => createTraceStore({ maxSpans: 0 }), RangeError);
});

Deno.test("createTraceStore() drops the trace least recently added to, however long it has run", () => {
  const maxSpans = 1_000;
  const store = createTraceStore({ maxSpans });
  const id = (n: number) => n.toString(16).padStart(32, "0");
  // A long-lived trace added to now and then stays; the others come and go.
  const kept = id(0);
  let spans = 0;
  for (let n = 1; n <= 50_000; n++) {
    store.add([span(id(n), "1".repeat(16))]);
    if (n % 400 === 0) store.add([span(kept, (++spans).toString(16).padStart(16, "0"))]);
  }
  assert.equal(store.get(kept).length, spans, "added to within the last 1,000 spans: kept");
  assert.deepEqual(store.size(), { spans: maxSpans, traces: maxSpans - spans + 1 });
  assert.equal(store.get(id(50_000 - maxSpans)).length, 0, "older traces are gone");
  assert.equal(store.get(id(50_000)).length, 1);
});

Deno.test("createTraceEndpoint() takes OTLP JSON and protobuf and answers a trace by either id", async () => {
  const store = createTraceStore();
  const endpoint = createTraceEndpoint(store);
  const post = (body: BodyInit, type: string) =>
    endpoint.handle(
      new Request("http://127.0.0.1:4566/v1/traces", {
        method: "POST",
        headers: { "content-type": type },
        body,
      }),
    );
  const json = JSON.stringify(otlpJson({ attributes: [] }, [record()]));
  assert.equal((await post(json, "application/json")).status, 200);
  const protobuf = await Deno.readFile(
    new URL("../fixtures/otlp_deno_fetch_span.bin", import.meta.url),
  );
  const answer = await post(protobuf, "application/x-protobuf");
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get("content-type"), "application/x-protobuf");
  assert.equal((await post("{}", "application/json")).status, 400);
  assert.equal((await post("x", "text/plain")).status, 415);

  const get = (id: string) =>
    endpoint.handle(new Request(`http://127.0.0.1:4566/_local/traces/${id}`));
  const byW3c = await get(TRACE);
  assert.equal(byW3c.status, 200);
  const body = await byW3c.json();
  assert.equal(body.xray_trace_id, "1-5759e988-bd862e3fe1be46a994272793");
  assert.deepEqual(body.spans.map((s: StoredSpan) => s.name), ["update_item record"]);
  assert.equal((await (await get("1-5759e988-bd862e3fe1be46a994272793")).json()).trace_id, TRACE);
  assert.equal((await get("c967b5584c58b302e5b400036a70be78")).status, 200);
  assert.equal((await get("f".repeat(32))).status, 404);
  assert.equal((await get("nope")).status, 400);
  assert.ok(endpoint.owns("/v1/traces") && endpoint.owns("/_local/traces/x"));
  assert.ok(!endpoint.owns("/_dashboard"));
});
