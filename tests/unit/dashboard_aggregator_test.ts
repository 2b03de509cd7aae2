import assert from "node:assert/strict";
import { RESOURCES } from "../../lib/resources.ts";
import type { LambdaInvocationReport } from "../../local/lambda/_report.ts";
import type { AwsService } from "../../local/core/_operation.ts";
import {
  DashboardAggregator,
  type LiveCounts,
  type ObservedRequest,
} from "../../local/dashboard/_aggregator.ts";

const encoder = new TextEncoder();
const UPLOAD = `http://127.0.0.1:4566/000000000000/${RESOURCES.uploadQueue.name}`;
const UPDATE = `http://127.0.0.1:4566/000000000000/${RESOURCES.updateQueue.name}`;
const LIVE: LiveCounts = { queues: {}, objects: null, items: null, lambdaRunning: null };

function uuidOf(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
}

function request(
  service: AwsService,
  operation: string,
  body: unknown,
  answer: unknown = {},
  options: { status?: number; url?: string; at?: number; denied?: boolean } = {},
): ObservedRequest {
  const status = options.status ?? 200;
  return {
    service,
    operation,
    name: `${service}:${operation}`,
    status,
    startedAt: options.at ?? 1_000,
    durationMs: 0,
    inner: {
      method: service === "s3" ? "PUT" : "POST",
      url: options.url ?? "/",
      headers: { host: "127.0.0.1:4566" },
      body: encoder.encode(JSON.stringify(body)),
    },
    answer: { status, headers: {}, body: encoder.encode(JSON.stringify(answer)) },
    ...(options.denied
      ? {
        denied: { code: "AccessDenied", message: "not allowed" },
        principal: "arn:aws:iam::000000000000:user/generator",
      }
      : {}),
  };
}

function message(uuid: string): string {
  return JSON.stringify({ dynamodb_key: uuid, s3_key: `${uuid}.json` });
}

/** A ReceiveMessage that got message `id` (receipt handle `rh-<id>`) for the first time. */
function received(QueueUrl: string, id: string, body: string, at: number): ObservedRequest {
  return request("sqs", "ReceiveMessage", { QueueUrl }, {
    Messages: [{
      MessageId: id,
      ReceiptHandle: `rh-${id}`,
      Body: body,
      Attributes: { ApproximateReceiveCount: "1" },
    }],
  }, { at });
}

/** Feeds one laptop's whole way through the pipeline, as the router and runner report it. */
function runThrough(aggregator: DashboardAggregator, n: number, at = 1_000): void {
  const uuid = uuidOf(n);
  const laptop = { uuid, constructor: "Dell", model: "XPS 13", year: 2021, timestamp: "t0" };
  aggregator.observeRequest(
    request("s3", "PutObject", laptop, "", { url: `/laptops/${uuid}.json`, at }),
  );
  aggregator.observeRequest(request(
    "dynamodb",
    "PutItem",
    {
      TableName: "laptops",
      Item: { uuid: { S: uuid }, year: { N: "2021" }, timestamp: { S: "t0" } },
    },
    {},
    { at: at + 1 },
  ));
  aggregator.observeRequest(request(
    "sqs",
    "SendMessage",
    {
      QueueUrl: UPLOAD,
      MessageBody: message(uuid),
    },
    { MessageId: `up-${n}` },
    { at: at + 2 },
  ));
  aggregator.observeRequest(received(UPLOAD, `up-${n}`, message(uuid), at + 3));
  aggregator.observeInvocation(invocation([`up-${n}`], at + 4));
  aggregator.observeRequest(request(
    "dynamodb",
    "UpdateItem",
    {
      TableName: "laptops",
      Key: { uuid: { S: uuid } },
      UpdateExpression: "SET #t = :now",
      ExpressionAttributeNames: { "#t": "timestamp" },
      ExpressionAttributeValues: { ":now": { S: "t1" } },
    },
    {},
    { at: at + 5 },
  ));
  aggregator.observeRequest(request(
    "sqs",
    "SendMessageBatch",
    {
      QueueUrl: UPDATE,
      Entries: [{ Id: "0", MessageBody: message(uuid) }],
    },
    { Successful: [{ Id: "0", MessageId: `down-${n}` }] },
    { at: at + 6 },
  ));
  aggregator.observeRequest(request(
    "sqs",
    "DeleteMessageBatch",
    {
      QueueUrl: UPLOAD,
      Entries: [{ Id: "0", ReceiptHandle: `rh-up-${n}` }],
    },
    { Successful: [{ Id: "0" }] },
    { at: at + 7 },
  ));
  aggregator.observeRequest(received(UPDATE, `down-${n}`, message(uuid), at + 8));
  aggregator.observeRequest(request(
    "dynamodb",
    "BatchGetItem",
    {
      RequestItems: { laptops: { Keys: [{ uuid: { S: uuid } }] } },
    },
    { Responses: {} },
    { at: at + 9 },
  ));
  aggregator.observeRequest(
    request("s3", "GetObject", {}, "", { url: `/laptops/${uuid}.json`, at: at + 10 }),
  );
  aggregator.observeRequest(request(
    "sqs",
    "DeleteMessage",
    {
      QueueUrl: UPDATE,
      ReceiptHandle: `rh-down-${n}`,
    },
    {},
    { at: at + 11 },
  ));
}

function invocation(
  messageIds: string[],
  at: number,
  outcome: "deleted" | "retry" = "deleted",
  durationMs = 40,
): LambdaInvocationReport {
  return {
    requestId: `req-${at}`,
    container: 1,
    coldStart: false,
    initDurationMs: undefined,
    startedAt: at,
    durationMs,
    handlerDurationMs: durationMs,
    batchSize: messageIds.length,
    payloadBytes: 100,
    outcome: outcome === "deleted" ? "success" : "failure",
    failure: outcome === "deleted"
      ? undefined
      : { kind: "error", errorType: "Error", message: "boom" },
    response: undefined,
    records: messageIds.map((messageId) => ({
      messageId,
      receiveCount: 1,
      sentTimestamp: at,
      receivedAt: at,
      outcome,
    })),
  };
}

Deno.test("DashboardAggregator traces a laptop through every stage in order", () => {
  const aggregator = new DashboardAggregator({ resources: RESOURCES, now: () => 5_000 });
  runThrough(aggregator, 1);
  const trace = aggregator.trace(uuidOf(1));
  assert.ok(trace);
  assert.equal(trace.stage, "handled");
  assert.equal(trace.failed, false);
  assert.equal(trace.s3Key, `${uuidOf(1)}.json`);
  assert.deepEqual(trace.putItem, { uuid: uuidOf(1), year: "2021", timestamp: "t0" });
  assert.deepEqual(trace.events.map((event) => event.kind), [
    "object-put",
    "item-put",
    "sent",
    "lambda-received",
    "lambda-invoked",
    "updated",
    "forwarded",
    "lambda-deleted",
    "service-received",
    "item-read",
    "object-read",
    "handled",
  ]);
  assert.equal(
    trace.events.find((event) => event.kind === "updated")?.detail,
    "SET timestamp = t1",
  );
});

Deno.test("DashboardAggregator counts each edge and node of the flow", () => {
  const aggregator = new DashboardAggregator({ resources: RESOURCES, now: () => 5_000 });
  for (let n = 1; n <= 3; n++) runThrough(aggregator, n);
  const snapshot = aggregator.snapshot({
    ...LIVE,
    queues: { [RESOURCES.uploadQueue.name]: { visible: 4, inFlight: 2 } },
    items: 3,
    objects: 3,
    lambdaRunning: 1,
  });
  assert.deepEqual(
    { ...snapshot.queues.upload },
    { name: RESOURCES.uploadQueue.name, visible: 4, inFlight: 2, sent: 3, received: 3, deleted: 3 },
  );
  assert.equal(snapshot.queues.update.sent, 3);
  assert.equal(snapshot.queues.update.deleted, 3);
  assert.equal(snapshot.s3.puts, 3);
  assert.equal(snapshot.s3.gets, 3);
  assert.equal(snapshot.dynamodb.puts, 3);
  assert.equal(snapshot.dynamodb.updates, 3);
  assert.equal(snapshot.dynamodb.reads, 3);
  assert.equal(snapshot.dynamodb.items, 3);
  assert.equal(snapshot.lambda.invocations, 3);
  assert.equal(snapshot.lambda.running, 1);
  assert.deepEqual(snapshot.lambda.batchSizes, [[1, 3]]);
  assert.equal(snapshot.laptops.byStage.handled, 3);
  assert.equal(snapshot.requests.total, 33);
});

Deno.test("DashboardAggregator marks retries as failures and keeps Lambda percentiles", () => {
  const aggregator = new DashboardAggregator({ resources: RESOURCES });
  runThrough(aggregator, 1);
  for (let i = 1; i <= 100; i++) aggregator.observeInvocation(invocation([], i, "deleted", i));
  aggregator.observeInvocation(invocation(["up-1"], 200, "retry", 500));
  const snapshot = aggregator.snapshot(LIVE);
  assert.equal(snapshot.lambda.invocations, 102);
  assert.equal(snapshot.lambda.failure, 1);
  assert.equal(snapshot.lambda.failures.error, 1);
  assert.equal(snapshot.lambda.retriedRecords, 1);
  assert.equal(snapshot.lambda.p50Ms, 50);
  assert.equal(snapshot.lambda.maxMs, 500);
  assert.equal(aggregator.trace(uuidOf(1))?.failed, true);
  assert.equal(snapshot.laptops.failed, 1);
});

Deno.test("DashboardAggregator forgets the oldest laptops beyond maxTraces", () => {
  const aggregator = new DashboardAggregator({ resources: RESOURCES, maxTraces: 100 });
  for (let n = 1; n <= 250; n++) runThrough(aggregator, n, n * 100);
  const snapshot = aggregator.snapshot(LIVE);
  assert.equal(snapshot.laptops.traced, 100);
  assert.equal(snapshot.laptops.forgotten, 150);
  assert.equal(snapshot.laptops.byStage.handled, 100);
  const stages = Object.values(snapshot.laptops.byStage).reduce((a, b) => a + b, 0);
  assert.equal(stages, 100);
  assert.equal(aggregator.trace(uuidOf(1)), undefined);
  assert.ok(aggregator.trace(uuidOf(250)));
});

Deno.test("DashboardAggregator keeps at most maxEventsPerTrace events, first and latest", () => {
  const aggregator = new DashboardAggregator({ resources: RESOURCES, maxEventsPerTrace: 8 });
  runThrough(aggregator, 1);
  for (let i = 0; i < 20; i++) {
    aggregator.observeRequest(request(
      "dynamodb",
      "GetItem",
      {
        TableName: "laptops",
        Key: { uuid: { S: uuidOf(1) } },
      },
      {},
      { at: 5_000 + i },
    ));
  }
  const trace = aggregator.trace(uuidOf(1));
  assert.ok(trace);
  assert.equal(trace.events.length, 8);
  assert.equal(trace.droppedEvents, 24);
  assert.equal(trace.events[0]?.kind, "object-put");
  assert.equal(trace.events.at(-1)?.at, 5_019);
});

Deno.test("DashboardAggregator follows a laptop into a dead-letter queue and back", () => {
  const aggregator = new DashboardAggregator({ resources: RESOURCES, now: () => 9_000 });
  runThrough(aggregator, 1);
  const dlq = RESOURCES.uploadQueue.deadLetterQueueName;
  aggregator.observeDeadLetters(dlq, [{ messageId: "up-1", body: message(uuidOf(1)) }], true);
  aggregator.observeDeadLetters(dlq, [{ messageId: "up-1", body: message(uuidOf(1)) }], true);
  assert.equal(aggregator.trace(uuidOf(1))?.dlq, dlq);
  assert.equal(aggregator.listLaptops({ filter: "dlq" }).total, 1);
  assert.equal(aggregator.trace(uuidOf(1))?.events.filter((e) => e.kind === "dlq").length, 1);

  aggregator.observeRedrive(dlq, RESOURCES.uploadQueue.name, [
    { messageId: "up-1", newMessageId: "again-1", body: message(uuidOf(1)) },
  ]);
  assert.equal(aggregator.trace(uuidOf(1))?.dlq, undefined);
  assert.equal(aggregator.uuidOfMessage("again-1"), uuidOf(1));
  assert.equal(aggregator.snapshot(LIVE).laptops.dlq, 0);

  aggregator.observeDeadLetters(dlq, [{ messageId: "again-1", body: message(uuidOf(1)) }], true);
  aggregator.observeDeadLetters(dlq, [], true);
  assert.equal(aggregator.trace(uuidOf(1))?.dlq, undefined, "gone when no longer listed");
  aggregator.observeDeadLetters(dlq, [{ messageId: "again-1", body: message(uuidOf(1)) }], true);
  aggregator.observePurge(dlq, [{ messageId: "again-1", body: message(uuidOf(1)) }]);
  const trace = aggregator.trace(uuidOf(1));
  assert.equal(trace?.dlq, undefined);
  assert.equal(trace?.events.at(-1)?.kind, "purged");
});

Deno.test("DashboardAggregator lists laptops newest first, filtered, searched and paged", () => {
  const aggregator = new DashboardAggregator({ resources: RESOURCES });
  for (let n = 1; n <= 120; n++) runThrough(aggregator, n, n * 100);
  // One more that only got stored.
  aggregator.observeRequest(request("dynamodb", "PutItem", {
    TableName: "laptops",
    Item: { uuid: { S: uuidOf(999) } },
  }));
  const first = aggregator.listLaptops({ limit: 50 });
  assert.equal(first.total, 121);
  assert.equal(first.rows.length, 50);
  assert.equal(first.rows[0]?.uuid, uuidOf(999));
  assert.equal(first.rows[1]?.uuid, uuidOf(120));
  const last = aggregator.listLaptops({ offset: 100, limit: 50 });
  assert.equal(last.rows.length, 21);
  assert.equal(last.rows.at(-1)?.uuid, uuidOf(1));
  assert.equal(aggregator.listLaptops({ filter: "moving" }).total, 1);
  assert.equal(aggregator.listLaptops({ filter: "handled" }).total, 120);
  assert.deepEqual(
    aggregator.listLaptops({ query: "000000000042" }).rows.map((row) => row.uuid),
    [uuidOf(42)],
  );
});

Deno.test("DashboardAggregator.snapshot() lists touched laptops once", () => {
  const aggregator = new DashboardAggregator({ resources: RESOURCES });
  runThrough(aggregator, 1);
  assert.deepEqual(aggregator.snapshot(LIVE).touched, [uuidOf(1)]);
  assert.deepEqual(aggregator.snapshot(LIVE).touched, []);
  for (let n = 2; n <= 400; n++) runThrough(aggregator, n);
  const snapshot = aggregator.snapshot(LIVE);
  assert.equal(snapshot.touched.length, 256);
  assert.equal(snapshot.touchedMore, true);
});

Deno.test("DashboardAggregator counts refused requests and keeps them out of traces", () => {
  const aggregator = new DashboardAggregator({ resources: RESOURCES });
  aggregator.observeRequest(request(
    "sqs",
    "SendMessage",
    {
      QueueUrl: UPLOAD,
      MessageBody: message(uuidOf(1)),
    },
    { __type: "AccessDenied" },
    { status: 403, denied: true },
  ));
  const snapshot = aggregator.snapshot(LIVE);
  assert.equal(snapshot.requests.denied, 1);
  assert.equal(snapshot.requests.errors, 1);
  assert.equal(snapshot.requests.recentDenied[0]?.target, RESOURCES.uploadQueue.name);
  assert.match(snapshot.requests.recentDenied[0]?.denied ?? "", /AccessDenied/);
  assert.equal(aggregator.trace(uuidOf(1)), undefined);
});

Deno.test("DashboardAggregator counts requests per second over the last minute", () => {
  let now = 100_000;
  const aggregator = new DashboardAggregator({ resources: RESOURCES, now: () => now });
  for (let i = 0; i < 5; i++) aggregator.observeRequest(request("sqs", "ListQueues", {}));
  now += 2_000;
  aggregator.observeRequest(request("sqs", "ListQueues", {}));
  const perSecond = aggregator.snapshot(LIVE).requests.perSecond;
  assert.equal(perSecond.length, 60);
  assert.deepEqual(perSecond.slice(-3), [5, 0, 1]);
  now += 120_000;
  assert.deepEqual(aggregator.snapshot(LIVE).requests.perSecond, new Array(60).fill(0));
});

Deno.test("DashboardAggregator refuses limits out of range", () => {
  assert.throws(() => new DashboardAggregator({ resources: RESOURCES, maxTraces: 0 }), RangeError);
  assert.throws(
    () => new DashboardAggregator({ resources: RESOURCES, maxEventsPerTrace: 2 }),
    RangeError,
  );
});
