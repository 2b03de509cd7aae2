import assert from "node:assert/strict";
import { NOOP_TRACER, type SpanRecord, traced } from "../../lib/tracer.ts";
import { recordingTracer as recording } from "../_helpers/fakes.ts";

Deno.test("createTracer() records a child under its parent, in the parent's trace", () => {
  const { tracer, spans, tick } = recording(1_480_615_200_000);
  const root = tracer.startSpan("generate a.json", { kind: "producer", attributes: { n: 1 } });
  tick(5);
  const child = tracer.startSpan("S3 PutObject", { parent: root.context, kind: "client" });
  tick(10);
  child.end();
  root.setAttribute("done", true);
  root.end();
  assert.equal(spans.length, 2);
  const [first, second] = spans as [SpanRecord, SpanRecord];
  assert.equal(first.name, "S3 PutObject");
  assert.equal(first.parentSpanId, root.context?.spanId);
  assert.equal(first.context.traceId, root.context?.traceId);
  assert.deepEqual([first.startMs, first.endMs], [1_480_615_200_005, 1_480_615_200_015]);
  assert.equal(second.parentSpanId, undefined);
  assert.deepEqual(second.attributes, { n: 1, done: true });
  assert.match(second.context.traceId, /^58406520/);
});

Deno.test("Span.end() records once, with the error's message and a given end", () => {
  const { tracer, spans } = recording();
  const span = tracer.startSpan("DynamoDB UpdateItem", { startMs: 400 });
  span.end({ error: new Error("Cannot update item"), endMs: 450 });
  span.end();
  assert.equal(spans.length, 1);
  assert.equal(spans[0]?.error, "Cannot update item");
  assert.deepEqual([spans[0]?.startMs, spans[0]?.endMs], [400, 450]);
});

Deno.test("createTracer() records nothing of a trace its parent did not sample, and keeps links", () => {
  const { tracer, spans } = recording();
  const parent = { traceId: "5759e988bd862e3fe1be46a994272793", spanId: "53995c3f42cd8ad8" };
  tracer.startSpan("skipped", { parent: { ...parent, sampled: false } }).end();
  assert.equal(spans.length, 0);
  const batch = tracer.startSpan("batch");
  tracer.startSpan("record", { parent: { ...parent, sampled: true }, links: [batch.context!] })
    .end();
  assert.deepEqual(spans[0]?.links, [batch.context]);
  assert.equal(spans[0]?.context.traceId, parent.traceId);
});

Deno.test("NOOP_TRACER records nothing and carries its parent's context on", () => {
  const parent = {
    traceId: "5759e988bd862e3fe1be46a994272793",
    spanId: "53995c3f42cd8ad8",
    sampled: true,
  };
  assert.equal(NOOP_TRACER.enabled, false);
  assert.equal(NOOP_TRACER.startSpan("x", { parent }).context, parent);
  assert.equal(NOOP_TRACER.startSpan("x").context, undefined);
});

Deno.test("traced() ends its span with the error and throws it on", async () => {
  const { tracer, spans, flushes } = recording();
  assert.equal(await traced(tracer, "ok", undefined, () => Promise.resolve(7)), 7);
  await assert.rejects(
    traced(tracer, "fails", undefined, () => Promise.reject(new Error("boom"))),
    /boom/,
  );
  assert.deepEqual(spans.map((s) => [s.name, s.error]), [["ok", undefined], ["fails", "boom"]]);
  await tracer.flush();
  assert.equal(flushes(), 1);
});
