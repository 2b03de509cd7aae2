/**
 * One trace per laptop across the three programs, as separate processes:
 * `deno task local`, the Lambda runner (`deno task lambda`, the bundle under
 * Node.js), the generator and the service, each exporting its spans to the
 * local AWS by default.
 */

import assert from "node:assert/strict";
import type { ComparisonLine } from "../../lib/format_comparison.ts";
import type { GenerateJson } from "../../lib/format_generate.ts";
import { RESOURCES } from "../../lib/resources.ts";
import type { StoredSpan } from "../../local/traces/mod.ts";
import { GetQueueUrlCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import {
  formatXrayHeader,
  newSpanId,
  newTraceId,
  type TraceContext,
} from "../../lib/trace_context.ts";
import {
  buildBundle,
  ownIdentityEnv,
  run,
  serviceLines,
  tempDir,
  testClients,
} from "../_helpers/e2e.ts";
import { startTask } from "../_helpers/processes.ts";

const LAPTOPS = 3;
const FUNCTION = RESOURCES.updateFunction.name;

/** The trace's spans once all three programs' are in, or what is there at the deadline. */
async function traceSpans(endpoint: string, traceId: string): Promise<StoredSpan[]> {
  const deadline = Date.now() + 15_000;
  let spans: StoredSpan[] = [];
  while (Date.now() < deadline) {
    const response = await fetch(`${endpoint}/_local/traces/${traceId}`);
    if (response.ok) {
      spans = ((await response.json()) as { spans: StoredSpan[] }).spans;
      const services = new Set(spans.map((span) => span.service_name));
      if (["generator", FUNCTION, "service"].every((name) => services.has(name))) return spans;
    } else await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return spans;
}

function only(spans: StoredSpan[], service: string, name: string): StoredSpan {
  const found = spans.filter((span) => span.service_name === service && span.name === name);
  assert.equal(found.length, 1, `one ${service} span "${name}" in ${JSON.stringify(spans)}`);
  return found[0] as StoredSpan;
}

/** Sends a message whose item does not exist, with a trace of its own: it ends in the DLQ. */
async function sendLostMessage(endpoint: string): Promise<TraceContext> {
  const lost = { traceId: newTraceId(Date.now()), spanId: newSpanId(), sampled: true };
  using clients = testClients(endpoint);
  const { QueueUrl } = await clients.sqs.send(
    new GetQueueUrlCommand({ QueueName: RESOURCES.uploadQueue.name }),
  );
  await clients.sqs.send(
    new SendMessageCommand({
      QueueUrl,
      MessageBody: JSON.stringify({ dynamodb_key: crypto.randomUUID(), s3_key: "lost.json" }),
      MessageSystemAttributes: {
        AWSTraceHeader: { DataType: "String", StringValue: formatXrayHeader(lost) },
      },
    }),
  );
  return lost;
}

/** A laptop's trace: one tree from the generator's root, each program's spans where they belong. */
async function checkLaptopTrace(
  endpoint: string,
  laptop: GenerateJson["generated"][number],
  lines: readonly ComparisonLine[],
): Promise<void> {
  const traceId = laptop.trace_id;
  assert.match(traceId ?? "", /^[0-9a-f]{32}$/);
  const handled = lines.filter((line) => line.uuid === laptop.uuid);
  assert.deepEqual(handled.map((line) => line.trace_id), [traceId]);

  const spans = await traceSpans(endpoint, traceId ?? "");
  assert.ok(spans.every((span) => span.trace_id === traceId));
  const ids = new Set(spans.map((span) => span.span_id));
  const roots = spans.filter((span) => span.parent_span_id === null);
  assert.deepEqual(roots.map((span) => [span.service_name, span.name]), [
    ["generator", `generate ${laptop.s3_key}`],
  ]);
  for (const span of spans) {
    if (span.parent_span_id !== null) {
      assert.ok(ids.has(span.parent_span_id), `parent of ${span.name} in the trace`);
    }
    assert.equal(span.status.code, "unset", `${span.service_name} ${span.name} succeeded`);
  }
  const send = only(spans, "generator", "SQS SendMessageBatch");
  const record = only(spans, FUNCTION, "update_item record");
  assert.equal(record.parent_span_id, send.span_id, "record span under the generator's send");
  const update = only(spans, FUNCTION, "DynamoDB UpdateItem");
  assert.equal(update.parent_span_id, record.span_id);
  const forward = only(spans, FUNCTION, "SQS SendMessageBatch");
  assert.equal(forward.parent_span_id, record.span_id);
  const message = only(spans, "service", "service message");
  assert.equal(message.parent_span_id, forward.span_id, "service span under the forward");
  for (const name of ["SQS ReceiveMessage", "DynamoDB BatchGetItem", "S3 GetObject"]) {
    assert.equal(only(spans, "service", name).parent_span_id, message.span_id, name);
  }
  assert.equal(only(spans, "service", "SQS DeleteMessageBatch").parent_span_id, message.span_id);
  assert.equal(only(spans, "generator", "S3 PutObject").parent_span_id, roots[0]?.span_id);

  // The same trace under its X-Ray id.
  const xray = `1-${traceId?.slice(0, 8)}-${traceId?.slice(8)}`;
  const byXray = await fetch(`${endpoint}/_local/traces/${xray}`);
  assert.equal(((await byXray.json()) as { trace_id: string }).trace_id, traceId);
}

/** The dead-lettered message: one record span per delivery, the last span failed. */
async function checkDeadLetteredTrace(endpoint: string, lost: TraceContext): Promise<void> {
  const deadline = Date.now() + 30_000;
  let records: StoredSpan[] = [];
  let spans: StoredSpan[] = [];
  while (records.length < RESOURCES.uploadQueue.maxReceiveCount && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const response = await fetch(`${endpoint}/_local/traces/${lost.traceId}`);
    spans = response.ok ? ((await response.json()) as { spans: StoredSpan[] }).spans : [];
    if (!response.ok) await response.body?.cancel();
    records = spans.filter((span) => span.name === "update_item record");
  }
  assert.equal(records.length, RESOURCES.uploadQueue.maxReceiveCount, JSON.stringify(spans));
  assert.ok(records.every((span) => span.parent_span_id === lost.spanId));
  const last = spans.at(-1);
  assert.equal(last?.status.code, "error");
  assert.match(last?.status.message ?? "", /Cannot update item .*: no such item in table/);
}

Deno.test("tracing: a laptop's spans from the three programs form one tree; a dead-lettered one ends with the error", async () => {
  const dir = await tempDir("tracing");
  const code = await buildBundle(dir);
  await using local = startTask("local", [
    "--port",
    "0",
    "--in-memory",
    "--no-lambda",
    "--visibility-timeout",
    "1",
  ]);
  const ready = await local.waitFor(/local AWS ready on (http:\/\/127\.0\.0\.1:\d+)/);
  const endpoint = /(http:\/\/127\.0\.0\.1:\d+)/.exec(ready)?.[1] ?? "";
  await using lambda = startTask("lambda", [
    "--endpoint",
    endpoint,
    "--code",
    code,
    "--timeout",
    "1",
  ]);
  await lambda.waitFor(/Lambda runner ready/);

  const env = ownIdentityEnv(endpoint);
  const lost = await sendLostMessage(endpoint);
  const generated = await run("deno", [
    "task",
    "--quiet",
    "generate",
    `traced-${crypto.randomUUID()}.json`,
    "--count",
    String(LAPTOPS),
    "--json",
  ], { env });
  assert.equal(generated.code, 0, generated.stderr + generated.stdout);
  const generatorLine = JSON.parse(generated.stdout) as GenerateJson;
  const lines: ComparisonLine[] = await serviceLines(env, LAPTOPS);
  assert.equal(generatorLine.generated.length, LAPTOPS);
  for (const laptop of generatorLine.generated) await checkLaptopTrace(endpoint, laptop, lines);
  await checkDeadLetteredTrace(endpoint, lost);

  lambda.kill("SIGTERM");
  local.kill("SIGTERM");
  await Promise.all([lambda.status, local.status]);
});
