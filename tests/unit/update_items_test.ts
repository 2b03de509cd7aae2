import assert from "node:assert/strict";
import { processUploadRecords } from "../../lib/update_items.ts";
import { awsError, fakeClient, recordingTracer, uuid } from "../_helpers/fakes.ts";
import { sqsRecord } from "../_helpers/sqs_events.ts";

const NOW = new Date("2026-11-25T12:00:00.000Z");
const QUEUE = "http://127.0.0.1:4566/000000000000/updated-laptops";

function body(n: number) {
  return JSON.stringify({ dynamodb_key: uuid(n), s3_key: `laptop-${n}.json` });
}

function setup(missing: Set<string> = new Set(), sendFailures: Set<string> = new Set()) {
  return {
    dynamodb: fakeClient({
      UpdateItem: (input) => {
        const key = (input.Key as { uuid: { S: string } }).uuid.S;
        if (missing.has(key)) throw awsError("ConditionalCheckFailedException");
        return {};
      },
    }),
    sqs: fakeClient({
      SendMessageBatch: (input) => {
        const entries = input.Entries as { Id: string; MessageBody: string }[];
        const failed = entries.filter((e) =>
          sendFailures.has(JSON.parse(e.MessageBody).dynamodb_key)
        );
        return {
          Successful: entries.filter((e) => !failed.includes(e)).map((e) => ({
            Id: e.Id,
            MessageId: `m-${e.Id}`,
          })),
          Failed: failed.map((e) => ({ Id: e.Id, Code: "InternalError", SenderFault: true })),
        };
      },
    }),
  };
}

const options = {
  tableName: "laptops",
  updateQueueUrl: () => Promise.resolve(QUEUE),
  now: () => NOW,
};

Deno.test("processUploadRecords() returns exactly the bad record; the others are updated and forwarded", async () => {
  const ports = setup();
  const records = [
    sqsRecord("id-1", body(1)),
    sqsRecord("id-2", "{oops"),
    sqsRecord("id-3", body(3)),
  ];
  const response = await processUploadRecords(records, ports, options);
  assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: "id-2" }] });

  const updates = ports.dynamodb.callsOf("UpdateItem").map((c) => c.input);
  assert.deepEqual(updates.map((u) => (u.Key as { uuid: { S: string } }).uuid.S).sort(), [
    uuid(1),
    uuid(3),
  ]);
  for (const update of updates) {
    assert.equal(update.TableName, "laptops");
    assert.equal(update.UpdateExpression, "SET #timestamp = :now");
    assert.equal(update.ConditionExpression, "attribute_exists(#uuid)");
    assert.deepEqual(update.ExpressionAttributeNames, {
      "#uuid": "uuid",
      "#timestamp": "timestamp",
    });
    assert.deepEqual(update.ExpressionAttributeValues, { ":now": { S: NOW.toISOString() } });
  }
  const sends = ports.sqs.callsOf("SendMessageBatch");
  assert.equal(sends.length, 1, "one batch for the whole invocation");
  assert.equal(sends[0]?.input.QueueUrl, QUEUE);
  const bodies = (sends[0]?.input.Entries as { MessageBody: string }[]).map((e) => e.MessageBody);
  assert.deepEqual(bodies.sort(), [body(1), body(3)]);
});

Deno.test("processUploadRecords() fails a record whose item does not exist, only that one", async () => {
  const ports = setup(new Set([uuid(2)]));
  const outcomes: { messageId: string; ok: boolean; error?: Error }[] = [];
  const response = await processUploadRecords(
    [sqsRecord("a", body(1)), sqsRecord("b", body(2))],
    ports,
    { ...options, onRecord: (o) => outcomes.push(o) },
  );
  assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: "b" }]);
  assert.match(outcomes.find((o) => o.messageId === "b")?.error?.message ?? "", /no such item/);
  assert.equal(outcomes.find((o) => o.messageId === "a")?.ok, true);
  assert.equal(
    (ports.sqs.callsOf("SendMessageBatch")[0]?.input.Entries as unknown[]).length,
    1,
    "the missing item is not forwarded",
  );
});

Deno.test("processUploadRecords() fails a record whose forward was not sent", async () => {
  const ports = setup(new Set(), new Set([uuid(1)]));
  const response = await processUploadRecords(
    [sqsRecord("a", body(1)), sqsRecord("b", body(2))],
    ports,
    options,
  );
  assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: "a" }]);
});

Deno.test("processUploadRecords() fails every updated record when the queue URL cannot be resolved", async () => {
  const ports = setup();
  const response = await processUploadRecords(
    [sqsRecord("a", body(1)), sqsRecord("b", "[]")],
    ports,
    { ...options, updateQueueUrl: () => Promise.reject(awsError("QueueDoesNotExist")) },
  );
  assert.deepEqual(response.batchItemFailures.map((f) => f.itemIdentifier).sort(), ["a", "b"]);
  assert.equal(ports.sqs.calls.length, 0);
});

Deno.test("processUploadRecords() sends 25 forwards in three batches", async () => {
  const ports = setup();
  const records = Array.from({ length: 25 }, (_, i) => sqsRecord(`id-${i}`, body(i + 1)));
  const response = await processUploadRecords(records, ports, options);
  assert.deepEqual(response.batchItemFailures, []);
  assert.deepEqual(
    ports.sqs.callsOf("SendMessageBatch").map((c) => (c.input.Entries as unknown[]).length),
    [10, 10, 5],
  );
});

Deno.test("processUploadRecords() handled twice updates again and forwards again", async () => {
  const ports = setup();
  const record = sqsRecord("a", body(1));
  await processUploadRecords([record], ports, options);
  await processUploadRecords([record], ports, options);
  assert.equal(ports.dynamodb.callsOf("UpdateItem").length, 2);
  assert.equal(ports.sqs.callsOf("SendMessageBatch").length, 2);
});

const HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

function tracedRecord(id: string, n: number, header = HEADER) {
  const record = sqsRecord(id, body(n));
  return { ...record, attributes: { ...record.attributes, AWSTraceHeader: header } };
}

function forwardedHeaders(ports: ReturnType<typeof setup>) {
  const entries = ports.sqs.callsOf("SendMessageBatch")[0]?.input.Entries as {
    MessageSystemAttributes?: { AWSTraceHeader: { StringValue: string } };
  }[];
  return entries.map((e) => e.MessageSystemAttributes?.AWSTraceHeader.StringValue);
}

Deno.test("processUploadRecords() continues each record's trace and forwards the forward's span", async () => {
  const ports = setup(new Set([uuid(2)]));
  const recorder = recordingTracer();
  const response = await processUploadRecords(
    [tracedRecord("id-1", 1), tracedRecord("id-2", 2)],
    ports,
    { ...options, tracer: recorder.tracer, functionName: "update-item" },
  );
  assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: "id-2" }] });
  const batch = recorder.only("update_item batch");
  assert.match(batch.error ?? "", /1 of 2 records failed/);
  const records = recorder.spans.filter((s) => s.name === "update_item record");
  assert.equal(records.length, 2);
  for (const record of records) {
    assert.equal(record.context.traceId, "5759e988bd862e3fe1be46a994272793");
    assert.equal(record.parentSpanId, "53995c3f42cd8ad8", "under the generator's send");
    assert.deepEqual(record.links, [batch.context]);
    assert.equal(record.attributes["faas.name"], "update-item");
  }
  const failed = records.find((s) => s.attributes["messaging.message.id"] === "id-2");
  assert.match(failed?.error ?? "", /no such item/);
  const forward = recorder.only("SQS SendMessageBatch");
  const ok = records.find((s) => s.attributes["messaging.message.id"] === "id-1");
  assert.equal(forward.parentSpanId, ok?.context.spanId);
  assert.deepEqual(forwardedHeaders(ports), [
    `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=${forward.context.spanId};Sampled=1`,
  ]);
  const updates = recorder.spans.filter((s) => s.name === "DynamoDB UpdateItem");
  assert.deepEqual(
    updates.map((s) => s.parentSpanId).sort(),
    records.map((s) => s.context.spanId).sort(),
  );
});

Deno.test("processUploadRecords() without a tracer forwards each record's header as it came", async () => {
  const ports = setup();
  await processUploadRecords([tracedRecord("id-1", 1), sqsRecord("id-2", body(2))], ports, options);
  assert.deepEqual(forwardedHeaders(ports), [HEADER, undefined]);
});
