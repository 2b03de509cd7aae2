import assert from "node:assert/strict";
import {
  formatTraceparent,
  formatXrayHeader,
  newSpanId,
  newTraceId,
  parseTraceparent,
  parseXrayHeader,
  xrayTraceId,
} from "../../lib/trace_context.ts";

// The tracing header of AWS's X-Ray developer guide, "Tracing header":
// https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader
const AWS_HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
// The trace id of "X-Ray trace ID format", whose first digits are 10:00 AM,
// December 1st 2016 PST (1480615200 s, 58406520 in hex):
// https://docs.aws.amazon.com/xray/latest/devguide/xray-services-elb.html
const AWS_TRACE_ID = "1-58406520-a006649127e371903a2de979";

Deno.test("parseXrayHeader() reads the X-Ray guide's header into a W3C trace id", () => {
  assert.deepEqual(parseXrayHeader(AWS_HEADER), {
    traceId: "5759e988bd862e3fe1be46a994272793",
    spanId: "53995c3f42cd8ad8",
    sampled: true,
  });
});

Deno.test("formatXrayHeader() writes the X-Ray guide's header back exactly", () => {
  const context = parseXrayHeader(AWS_HEADER);
  assert.ok(context);
  assert.equal(formatXrayHeader(context), AWS_HEADER);
  assert.equal(
    formatXrayHeader({ ...context, sampled: false }),
    AWS_HEADER.replace("Sampled=1", "Sampled=0"),
  );
});

Deno.test("xrayTraceId() turns W3C's 32 digits into X-Ray's form and back", () => {
  assert.equal(xrayTraceId("58406520a006649127e371903a2de979"), AWS_TRACE_ID);
  const parsed = parseXrayHeader(`Root=${AWS_TRACE_ID};Parent=53995c3f42cd8ad8`);
  assert.equal(parsed?.traceId, "58406520a006649127e371903a2de979");
  assert.throws(() => xrayTraceId("5759e988"), TypeError);
});

Deno.test("parseXrayHeader() takes fields in any order and ignores unknown ones", () => {
  assert.deepEqual(
    parseXrayHeader(
      "Sampled=0;Lineage=a87bd80c:1|68fd508a:5;Parent=53995c3f42cd8ad8;Root=1-5759e988-bd862e3fe1be46a994272793",
    ),
    { traceId: "5759e988bd862e3fe1be46a994272793", spanId: "53995c3f42cd8ad8", sampled: false },
  );
});

Deno.test("parseXrayHeader() gives nothing to continue for a header without a valid root and parent", () => {
  for (
    const header of [
      undefined,
      "",
      "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
      "Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8",
      "Root=1-5759e988-bd862e3fe1be46a99427279;Parent=53995c3f42cd8ad8",
      "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000",
      "Root=1-00000000-000000000000000000000000;Parent=53995c3f42cd8ad8",
      "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad",
    ]
  ) {
    assert.equal(parseXrayHeader(header), undefined, String(header));
  }
});

Deno.test("formatTraceparent() and parseTraceparent() carry the same context as X-Ray's header", () => {
  const context = parseXrayHeader(AWS_HEADER);
  assert.ok(context);
  const traceparent = formatTraceparent(context);
  assert.equal(traceparent, "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01");
  assert.deepEqual(parseTraceparent(traceparent), context);
  assert.equal(
    parseTraceparent("00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-00")?.sampled,
    false,
  );
  assert.equal(
    parseTraceparent("01-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01"),
    undefined,
  );
  assert.equal(parseTraceparent("garbage"), undefined);
});

Deno.test("formatXrayHeader() rejects a malformed context", () => {
  assert.throws(
    () => formatXrayHeader({ traceId: "xyz", spanId: "53995c3f42cd8ad8", sampled: true }),
    TypeError,
  );
  assert.throws(
    () =>
      formatXrayHeader({ traceId: "5759e988bd862e3fe1be46a994272793", spanId: "1", sampled: true }),
    TypeError,
  );
});

Deno.test("newTraceId() starts with the epoch seconds X-Ray expects; newSpanId() is 16 digits", () => {
  const id = newTraceId(1480615200_000);
  assert.match(id, /^58406520[0-9a-f]{24}$/);
  assert.match(xrayTraceId(id), /^1-58406520-[0-9a-f]{24}$/);
  assert.notEqual(newTraceId(1480615200_000), id);
  assert.match(newSpanId(), /^[0-9a-f]{16}$/);
});
