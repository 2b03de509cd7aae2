/**
 * End-to-end tests of the local Lambda event source mapping: a real SQS
 * emulator on an ephemeral port (the local AWS, and moto for a second
 * opinion), the fixture handlers of `tests/fixtures/lambda/` run in Node.js
 * (or `deno run`) child processes. Timings are printed, not asserted.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { startLocalAws } from "../../local/local_aws.ts";
import {
  type LambdaInvocationReport,
  type LambdaLogEntry,
  type LambdaRunner,
  type LambdaRunnerOptions,
  startLambdaRunner,
} from "../../local/lambda/mod.ts";
import { pythonHas, startMoto, testClients } from "../_helpers/e2e.ts";
import { delay, pacedWaitFor } from "../_helpers/wait.ts";

/** Polls every 20 ms, for 15 s unless told otherwise (this file's pace). */
const waitFor = pacedWaitFor({ intervalMs: 20, timeoutMs: 15_000 });

const MOTO = await pythonHas(["moto", "moto.server"], "lambda_runner_test");

const FIXTURES = "tests/fixtures/lambda";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
const REGION = "us-east-1";

/** An SQS endpoint that a test started and stops. */
interface SqsBackend extends AsyncDisposable {
  readonly name: string;
  readonly endpoint: string;
  readonly sqs: SQSClient;
}

async function startBackend(kind: "local" | "moto" = "local"): Promise<SqsBackend> {
  if (kind === "local") {
    const aws = await startLocalAws({ port: 0, inMemory: true });
    const { sqs } = testClients(aws.endpoint, { credentials: CREDENTIALS });
    return {
      name: "local AWS",
      endpoint: aws.endpoint,
      sqs,
      async [Symbol.asyncDispose]() {
        sqs.destroy();
        await aws.close();
      },
    };
  }
  const moto = await startMoto();
  const { sqs } = testClients(moto.endpoint, { credentials: CREDENTIALS });
  return {
    name: "moto",
    endpoint: moto.endpoint,
    sqs,
    async [Symbol.asyncDispose]() {
      sqs.destroy();
      await moto.close();
    },
  };
}

interface TestQueue {
  readonly url: string;
  readonly arn: string;
  readonly name: string;
  readonly dlqUrl: string;
}

let queueCounter = 0;

/** Creates a queue with a DLQ and a redrive policy. */
async function createQueue(
  sqs: SQSClient,
  options: { visibilityTimeoutSeconds: number; maxReceiveCount?: number },
): Promise<TestQueue> {
  const name = `runner-test-${++queueCounter}-${crypto.randomUUID().slice(0, 8)}`;
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  assert.ok(dlq.QueueUrl);
  const dlqArn = (await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }),
  )).Attributes?.QueueArn;
  const created = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: options.maxReceiveCount ?? 3,
        }),
      },
    }),
  );
  assert.ok(created.QueueUrl);
  const arn = (await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ["QueueArn"] }),
  )).Attributes?.QueueArn;
  assert.ok(arn);
  return { url: created.QueueUrl, arn, name, dlqUrl: dlq.QueueUrl };
}

/** Visible and in-flight message counts of a queue. */
async function counts(sqs: SQSClient, url: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes: a = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/** Receives (and leaves) every message of a queue, e.g. a DLQ. */
async function peekAll(sqs: SQSClient, url: string): Promise<{ id: string; body: string }[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return Messages.map((m) => ({ id: m.MessageId ?? "", body: m.Body ?? "" }));
}

async function send(sqs: SQSClient, url: string, bodies: readonly unknown[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < bodies.length; i += 10) {
    const chunk = bodies.slice(i, i + 10);
    const { Successful = [], Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: chunk.map((body, j) => ({ Id: String(j), MessageBody: JSON.stringify(body) })),
      }),
    );
    assert.deepEqual(Failed, []);
    const byId = new Map(Successful.map((s) => [s.Id, s.MessageId ?? ""]));
    chunk.forEach((_, j) => ids.push(byId.get(String(j)) ?? ""));
  }
  return ids;
}

/** A runner whose logs and reports the test can read. */
interface Observed extends AsyncDisposable {
  readonly runner: LambdaRunner;
  readonly logs: LambdaLogEntry[];
  readonly reports: LambdaInvocationReport[];
}

async function observe(
  backend: SqsBackend,
  queue: TestQueue,
  options: LambdaRunnerOptions,
): Promise<Observed> {
  const logs: LambdaLogEntry[] = [];
  const reports: LambdaInvocationReport[] = [];
  const runner = await startLambdaRunner({
    endpoint: backend.endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    queue: queue.name,
    environment: { FIXTURE_SETTING: "on" },
    logger: (entry) => logs.push(entry),
    onInvoke: (report) => reports.push(report),
    ...options,
  });
  return { runner, logs, reports, [Symbol.asyncDispose]: () => runner.close() };
}

interface Echo {
  at: number;
  end: number;
  pid: number;
  invocations: number;
  event: { Records: Record<string, unknown>[] };
  context: Record<string, unknown>;
  env: Record<string, string | null>;
}

function echoes(logs: readonly LambdaLogEntry[]): Echo[] {
  return logs.flatMap((entry) => {
    const json = entry.line.split("\tINFO\tEVENT ")[1];
    return json === undefined ? [] : [JSON.parse(json) as Echo];
  });
}

function md5(text: string): string {
  return createHash("md5").update(text).digest("hex");
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? NaN;
}

Deno.test("startLambdaRunner() hands the handler AWS's SQSEvent and a Lambda context", async () => {
  await using backend = await startBackend();
  const queue = await createQueue(backend.sqs, { visibilityTimeoutSeconds: 30 });
  await using observed = await observe(backend, queue, {
    code: `${FIXTURES}/echo.mjs`,
    functionName: "echo-fn",
    timeoutSeconds: 7,
    memoryMb: 512,
  });
  const body = JSON.stringify({ hello: "world" });
  const sent = await backend.sqs.send(
    new SendMessageCommand({
      QueueUrl: queue.url,
      MessageBody: body,
      MessageAttributes: {
        kind: { DataType: "String", StringValue: "laptop" },
        count: { DataType: "Number", StringValue: "42" },
        blob: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2, 3, 250]) },
      },
    }),
  );
  await waitFor("the invocation", () => observed.reports.length === 1);
  await waitFor("the deletion", async () => {
    const c = await counts(backend.sqs, queue.url);
    return c.visible === 0 && c.inFlight === 0;
  });

  const [echo] = echoes(observed.logs);
  assert.ok(echo);
  assert.deepEqual(Object.keys(echo.event), ["Records"]);
  assert.equal(echo.event.Records.length, 1);
  const record = echo.event.Records[0] as Record<string, unknown>;
  assert.deepEqual(Object.keys(record), [
    "messageId",
    "receiptHandle",
    "body",
    "attributes",
    "messageAttributes",
    "md5OfBody",
    "eventSource",
    "eventSourceARN",
    "awsRegion",
  ]);
  assert.equal(record.messageId, sent.MessageId);
  assert.equal(typeof record.receiptHandle, "string");
  assert.equal(record.body, body);
  assert.equal(record.md5OfBody, md5(body));
  assert.equal(record.eventSource, "aws:sqs");
  assert.equal(record.eventSourceARN, queue.arn);
  assert.match(queue.arn, new RegExp(`^arn:aws:sqs:${REGION}:\\d{12}:${queue.name}$`));
  assert.equal(record.awsRegion, REGION);
  const attributes = record.attributes as Record<string, string>;
  assert.deepEqual(Object.keys(attributes).slice(0, 4), [
    "ApproximateReceiveCount",
    "SentTimestamp",
    "SenderId",
    "ApproximateFirstReceiveTimestamp",
  ]);
  assert.equal(attributes.ApproximateReceiveCount, "1");
  assert.match(attributes.SentTimestamp ?? "", /^\d{13}$/);
  assert.match(attributes.ApproximateFirstReceiveTimestamp ?? "", /^\d{13}$/);
  assert.ok((attributes.SenderId ?? "") !== "");
  assert.deepEqual(record.messageAttributes, {
    kind: {
      stringValue: "laptop",
      stringListValues: [],
      binaryListValues: [],
      dataType: "String",
    },
    count: { stringValue: "42", stringListValues: [], binaryListValues: [], dataType: "Number" },
    blob: {
      binaryValue: btoa(String.fromCharCode(1, 2, 3, 250)),
      stringListValues: [],
      binaryListValues: [],
      dataType: "Binary",
    },
  });

  const context = echo.context;
  const [report] = observed.reports;
  assert.ok(report);
  assert.equal(context.awsRequestId, report.requestId);
  assert.match(String(context.awsRequestId), /^[0-9a-f-]{36}$/);
  assert.equal(context.functionName, "echo-fn");
  assert.equal(context.functionVersion, "$LATEST");
  assert.equal(context.invokedFunctionArn, observed.runner.functionArn);
  assert.match(
    String(context.invokedFunctionArn),
    /^arn:aws:lambda:us-east-1:\d{12}:function:echo-fn$/,
  );
  assert.equal(context.memoryLimitInMB, "512");
  assert.equal(context.logGroupName, "/aws/lambda/echo-fn");
  assert.match(String(context.logStreamName), /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  assert.equal(context.callbackWaitsForEmptyEventLoop, true);
  assert.equal(context.getRemainingTimeInMillisType, "function");
  const remaining = Number(context.remainingMs);
  assert.ok(remaining > 6000 && remaining <= 7000, `remaining ${remaining}`);

  assert.deepEqual(echo.env, {
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: backend.endpoint,
    AWS_LAMBDA_FUNCTION_NAME: "echo-fn",
    AWS_ACCESS_KEY_ID: "test",
    FIXTURE_SETTING: "on",
    // The child gets the Lambda environment only, not the runner's.
    HOME: null,
  });

  // The console output comes back as CloudWatch-like lines with the request id.
  const lines = observed.logs.map((entry) => entry.line);
  assert.ok(lines.some((l) => /\tundefined\tINFO\tinit of echo\.mjs$/.test(l)));
  assert.ok(lines.includes(`START RequestId: ${report.requestId} Version: $LATEST`));
  assert.ok(lines.some((l) => l.includes(`\t${report.requestId}\tINFO\tEVENT `)));
  assert.ok(lines.includes(`END RequestId: ${report.requestId}`));
  assert.ok(lines.some((l) => l.startsWith(`REPORT RequestId: ${report.requestId}\tDuration: `)));
  assert.equal(report.outcome, "success");
  assert.deepEqual(report.records.map((r) => [r.messageId, r.outcome]), [[
    sent.MessageId,
    "deleted",
  ]]);
});

Deno.test("startLambdaRunner() deletes all but the reported failures, which reach the DLQ after maxReceiveCount", async (t) => {
  for (const kind of ["local", "moto"] as const) {
    await t.step({
      name: kind,
      ignore: kind === "moto" && !MOTO,
      fn: async () => {
        await using backend = await startBackend(kind);
        const queue = await createQueue(backend.sqs, {
          visibilityTimeoutSeconds: 2,
          maxReceiveCount: 2,
        });
        await using observed = await observe(backend, queue, {
          code: `${FIXTURES}/fail_ids.mjs`,
          timeoutSeconds: 1,
          batchSize: 10,
        });
        const ids = await send(backend.sqs, queue.url, [
          { n: 1, fail: true },
          { n: 2 },
          { n: 3, fail: true },
          { n: 4 },
        ]);
        const failing = new Set([ids[0], ids[2]]);
        await waitFor("the failures in the DLQ", async () => {
          const dlq = await counts(backend.sqs, queue.dlqUrl);
          return dlq.visible + dlq.inFlight === 2;
        }, 20_000);
        const inDlq = await peekAll(backend.sqs, queue.dlqUrl);
        assert.deepEqual(new Set(inDlq.map((m) => m.id)), failing);
        assert.deepEqual(await counts(backend.sqs, queue.url), { visible: 0, inFlight: 0 });

        const outcomes = observed.reports.flatMap((r) => r.records);
        for (const id of ids) {
          const mine = outcomes.filter((o) => o.messageId === id);
          if (failing.has(id)) {
            // Handed over maxReceiveCount times, never deleted, then moved by the queue.
            assert.deepEqual(mine.map((o) => [o.receiveCount, o.outcome]), [[1, "retry"], [
              2,
              "retry",
            ]]);
          } else {
            assert.deepEqual(mine.map((o) => [o.receiveCount, o.outcome]), [[1, "deleted"]]);
          }
        }
        // A receive may hand over only some of the four: a batch with a
        // reported failure is partial, one without is a success.
        for (const report of observed.reports) {
          const kept = report.records.some((o) => o.outcome === "retry");
          assert.equal(report.outcome, kept ? "partial" : "success");
        }
        console.log(
          `${backend.name}: batches ${observed.reports.map((r) => r.batchSize).join(", ")}`,
        );
      },
    });
  }
});

Deno.test("startLambdaRunner() fails the whole batch when the handler throws", async () => {
  await using backend = await startBackend();
  const queue = await createQueue(backend.sqs, { visibilityTimeoutSeconds: 2, maxReceiveCount: 2 });
  await using observed = await observe(backend, queue, {
    code: `${FIXTURES}/throws.mjs`,
    timeoutSeconds: 1,
  });
  const ids = await send(backend.sqs, queue.url, [{ n: 1 }, { n: 2 }, { n: 3 }]);
  await waitFor("every message in the DLQ", async () => {
    const dlq = await counts(backend.sqs, queue.dlqUrl);
    return dlq.visible + dlq.inFlight === 3;
  }, 20_000);
  assert.deepEqual(await counts(backend.sqs, queue.url), { visible: 0, inFlight: 0 });
  assert.ok(observed.reports.length >= 2);
  for (const report of observed.reports) {
    assert.equal(report.outcome, "failure");
    assert.equal(report.failure?.kind, "error");
    assert.equal(report.failure?.errorType, "TypeError");
    assert.match(report.failure?.message ?? "", /^boom on \d records$/);
    assert.ok(report.records.every((r) => r.outcome === "retry"));
  }
  const handed = new Set(observed.reports.flatMap((r) => r.records.map((o) => o.messageId)));
  assert.deepEqual(handed, new Set(ids));
  const lines = observed.logs.map((e) => e.line);
  assert.ok(lines.some((l) => /\tERROR\tInvoke Error \t\{"errorType":"TypeError"/.test(l)));
  assert.equal(observed.runner.stats().failures.error, observed.reports.length);
});

Deno.test("startLambdaRunner() fails the whole batch on a malformed partial batch response", async () => {
  await using backend = await startBackend();
  const queue = await createQueue(backend.sqs, { visibilityTimeoutSeconds: 60 });
  await using observed = await observe(backend, queue, {
    code: `${FIXTURES}/malformed.mjs`,
    timeoutSeconds: 2,
    batchSize: 1,
  });
  const kinds = ["unknown-id", "empty-id", "null-id", "bad-key", "not-an-array", "string", "null"];
  const ids = await send(backend.sqs, queue.url, kinds.map((kind) => ({ kind })));
  await waitFor("every kind invoked", () => observed.reports.length === kinds.length);
  for (const [i, kind] of kinds.entries()) {
    const report = observed.reports.find((r) => r.records[0]?.messageId === ids[i]);
    assert.ok(report, kind);
    if (kind === "null") {
      // A null response is a complete success.
      assert.equal(report.outcome, "success", kind);
      assert.equal(report.records[0]?.outcome, "deleted", kind);
    } else {
      assert.equal(report.outcome, "failure", kind);
      assert.equal(report.failure?.kind, "malformed", kind);
      assert.equal(report.records[0]?.outcome, "retry", kind);
    }
  }
  // Nothing of the malformed ones was deleted: they wait out their visibility timeout.
  assert.deepEqual(await counts(backend.sqs, queue.url), {
    visible: 0,
    inFlight: kinds.length - 1,
  });
  assert.equal(observed.runner.stats().failures.malformed, kinds.length - 1);
});

Deno.test("startLambdaRunner() kills a handler past the function timeout and restarts its container cold", async () => {
  await using backend = await startBackend();
  const queue = await createQueue(backend.sqs, { visibilityTimeoutSeconds: 30 });
  await using observed = await observe(backend, queue, {
    code: `${FIXTURES}/sleeps.mjs`,
    timeoutSeconds: 1,
    batchSize: 1,
    prewarm: true,
  });
  const [slow] = await send(backend.sqs, queue.url, [{ ms: 60_000 }]);
  await waitFor("the timeout", () => observed.reports.length === 1, 5_000);
  const [timedOut] = observed.reports;
  assert.ok(timedOut);
  assert.equal(timedOut.records[0]?.messageId, slow);
  assert.equal(timedOut.outcome, "failure");
  assert.equal(timedOut.failure?.kind, "timeout");
  assert.equal(timedOut.failure?.message, "Task timed out after 1.00 seconds");
  assert.ok(timedOut.durationMs >= 1000 && timedOut.durationMs < 1500, `${timedOut.durationMs}`);
  assert.equal(timedOut.coldStart, false);
  assert.ok(
    observed.logs.some((e) =>
      e.line.endsWith(`${timedOut.requestId} Task timed out after 1.00 seconds`)
    ),
  );
  assert.deepEqual(await counts(backend.sqs, queue.url), { visible: 0, inFlight: 1 });

  // The next invocation on that container starts it again.
  for (let i = 0; i < 20; i++) {
    await send(backend.sqs, queue.url, [{ ms: 1 }]);
    await waitFor("the quick one", () => observed.reports.length === i + 2);
    if (observed.reports.at(-1)?.container === timedOut.container) break;
  }
  const again = observed.reports.slice(1).find((r) => r.container === timedOut.container);
  assert.ok(again, "no invocation reached the restarted container");
  assert.equal(again.outcome, "success");
  assert.equal(again.coldStart, true);
  assert.ok(
    observed.reports.slice(1).every((r) => r.container === again.container ? true : !r.coldStart),
  );
});

Deno.test("startLambdaRunner() runs up to MaximumConcurrency batches at once", async () => {
  await using backend = await startBackend();
  const queue = await createQueue(backend.sqs, { visibilityTimeoutSeconds: 30 });
  await using observed = await observe(backend, queue, {
    code: `${FIXTURES}/echo.mjs`,
    timeoutSeconds: 5,
    batchSize: 1,
    maximumConcurrency: 3,
    prewarm: true,
  });
  await send(backend.sqs, queue.url, Array.from({ length: 6 }, () => ({ sleepMs: 400 })));
  await waitFor("six invocations", () => observed.reports.length === 6);
  const runs = echoes(observed.logs);
  const pids = new Set(runs.map((r) => r.pid));
  let maxOverlap = 0;
  // Handlers running at the moment each one starts (the most at once is
  // reached at some start): a pairwise overlap count would also count runs
  // that overlap this one at different times, never together.
  for (const run of runs) {
    const overlap = runs.filter((o) => o.at <= run.at && run.at < o.end).length;
    maxOverlap = Math.max(maxOverlap, overlap);
  }
  console.log(`concurrency: ${pids.size} processes, at most ${maxOverlap} handlers at once`);
  assert.ok(maxOverlap >= 2 && maxOverlap <= 3, `overlap ${maxOverlap}`);
  assert.ok(pids.size >= 2 && pids.size <= 3);
  assert.deepEqual(
    new Set(observed.reports.map((r) => r.container)).size,
    pids.size,
  );
});

Deno.test("startLambdaRunner() gathers records for the batching window, up to BatchSize and 6 MB", async (t) => {
  await using backend = await startBackend();
  await t.step("one record waits for the window", async () => {
    const queue = await createQueue(backend.sqs, { visibilityTimeoutSeconds: 30 });
    await using observed = await observe(backend, queue, {
      code: `${FIXTURES}/echo.mjs`,
      timeoutSeconds: 5,
      batchSize: 50,
      maximumBatchingWindowSeconds: 1,
      prewarm: true,
    });
    await send(backend.sqs, queue.url, [{ n: 1 }]);
    await waitFor("the invocation", () => observed.reports.length === 1);
    const [report] = observed.reports;
    assert.ok(report);
    const waited = report.startedAt - (report.records[0]?.receivedAt ?? 0);
    console.log(`window 1 s: invoked ${waited} ms after the receive`);
    assert.ok(waited >= 950 && waited < 1500, `${waited}`);
  });
  await t.step("more than ten records in one batch", async () => {
    const queue = await createQueue(backend.sqs, { visibilityTimeoutSeconds: 30 });
    await using observed = await observe(backend, queue, {
      code: `${FIXTURES}/echo.mjs`,
      timeoutSeconds: 5,
      batchSize: 25,
      maximumBatchingWindowSeconds: 2,
    });
    await send(backend.sqs, queue.url, Array.from({ length: 25 }, (_, n) => ({ n })));
    await waitFor("25 records", () => observed.runner.stats().records === 25);
    const sizes = observed.reports.map((r) => r.batchSize);
    console.log(`BatchSize 25, window 2 s: batches ${sizes.join(", ")}`);
    // Two pollers share the queue, so the records may split in two batches,
    // but one batch must hold more than one ReceiveMessage (10) gives.
    assert.ok(sizes.length <= 2, sizes.join());
    assert.ok(Math.max(...sizes) > 10, sizes.join());
    assert.ok(sizes.every((s) => s <= 25));
  });
  await t.step("a batch stays under the 6 MB payload limit", async () => {
    const queue = await createQueue(backend.sqs, { visibilityTimeoutSeconds: 30 });
    await using observed = await observe(backend, queue, {
      code: `${FIXTURES}/echo.mjs`,
      timeoutSeconds: 10,
      batchSize: 100,
      maximumBatchingWindowSeconds: 2,
      logger: () => {},
    });
    const big = "x".repeat(250_000);
    for (let i = 0; i < 60; i++) {
      await backend.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: big }));
    }
    await waitFor("60 records", () => observed.runner.stats().records === 60, 30_000);
    const sizes = observed.reports.map((r) => `${r.batchSize} (${r.payloadBytes} B)`);
    console.log(`60 x 250 kB, BatchSize 100: batches ${sizes.join(", ")}`);
    // 15 MB in all: two pollers cannot take it in two batches of at most 6 MB.
    assert.ok(observed.reports.length >= 3, sizes.join());
    assert.ok(observed.reports.every((r) => r.payloadBytes <= 6 * 1024 * 1024), sizes.join());
    assert.ok(observed.reports.some((r) => r.payloadBytes > 5.5 * 1024 * 1024), sizes.join());
    assert.ok(observed.reports.every((r) => r.outcome === "success"));
  });
});

Deno.test("startLambdaRunner() restarts a container whose process exits mid-invocation", async () => {
  await using backend = await startBackend();
  const queue = await createQueue(backend.sqs, { visibilityTimeoutSeconds: 1 });
  await using observed = await observe(backend, queue, {
    code: `${FIXTURES}/crash.mjs`,
    timeoutSeconds: 1,
    batchSize: 1,
  });
  const [id] = await send(backend.sqs, queue.url, [{ n: 1 }]);
  await waitFor(
    "the message deleted",
    () => observed.reports.some((r) => r.records[0]?.messageId === id && r.outcome === "success"),
  );
  const crash = observed.reports.find((r) => r.failure?.kind === "crash");
  assert.ok(crash);
  assert.equal(crash.failure?.errorType, "Runtime.ExitError");
  assert.match(crash.failure?.message ?? "", /Runtime exited with error: exit status 3$/);
});

Deno.test("startLambdaRunner() fails the batch when the handler cannot be loaded", async () => {
  await using backend = await startBackend();
  const queue = await createQueue(backend.sqs, { visibilityTimeoutSeconds: 30 });
  await using observed = await observe(backend, queue, {
    code: `${FIXTURES}/echo.mjs`,
    handlerExport: "missing",
    timeoutSeconds: 1,
  });
  await send(backend.sqs, queue.url, [{ n: 1 }]);
  await waitFor("the invocation", () => observed.reports.length === 1);
  const [report] = observed.reports;
  assert.equal(report?.outcome, "failure");
  assert.deepEqual(report?.failure, {
    kind: "init",
    errorType: "Runtime.HandlerNotFound",
    message: "echo.missing is undefined or not exported",
  });
  assert.ok(
    observed.logs.some((e) =>
      e.line.includes('\tERROR\tInit Error \t{"errorType":"Runtime.HandlerNotFound"')
    ),
  );
  assert.deepEqual(await counts(backend.sqs, queue.url), { visible: 0, inFlight: 1 });
});

Deno.test("startLambdaRunner() close() waits for the batch in flight and deletes it", async () => {
  await using backend = await startBackend();
  const queue = await createQueue(backend.sqs, { visibilityTimeoutSeconds: 30 });
  const observed = await observe(backend, queue, {
    code: `${FIXTURES}/sleeps.mjs`,
    timeoutSeconds: 3,
  });
  await send(backend.sqs, queue.url, [{ ms: 500 }]);
  await waitFor("the invocation to start", () => observed.runner.stats().inFlight === 1);
  const started = performance.now();
  await observed.runner.close();
  const closeMs = performance.now() - started;
  console.log(`close() with a batch in flight took ${closeMs.toFixed(0)} ms`);
  assert.equal(observed.reports.length, 1);
  assert.equal(observed.reports[0]?.outcome, "success");
  assert.deepEqual(await counts(backend.sqs, queue.url), { visible: 0, inFlight: 0 });
  await observed.runner.close(); // twice is fine
});

Deno.test("startLambdaRunner() runs a TypeScript source in a deno child", async () => {
  await using backend = await startBackend();
  const queue = await createQueue(backend.sqs, { visibilityTimeoutSeconds: 30 });
  await using observed = await observe(backend, queue, {
    code: `${FIXTURES}/echo_source.ts`,
    timeoutSeconds: 10,
    functionName: "source-fn",
  });
  await send(backend.sqs, queue.url, ["from source"]);
  await waitFor("the invocation", () => observed.reports.length === 1, 30_000);
  const line = observed.logs.map((e) => e.line).find((l) => l.includes("\tINFO\tSOURCE "));
  assert.ok(line, observed.logs.map((e) => e.line).join("\n"));
  assert.deepEqual(JSON.parse(line.split("\tINFO\tSOURCE ")[1] ?? ""), {
    bodies: ['"from source"'],
    functionName: "source-fn",
    region: REGION,
    table: "laptops",
    deno: "object",
  });
  assert.equal(observed.reports[0]?.outcome, "success");
});

Deno.test("startLambdaRunner() rejects a queue whose visibility timeout is below the function timeout", async () => {
  await using backend = await startBackend();
  const queue = await createQueue(backend.sqs, { visibilityTimeoutSeconds: 5 });
  await assert.rejects(
    () =>
      startLambdaRunner({
        endpoint: backend.endpoint,
        // The test's own queue: not the role's, so the admin's keys.
        credentials: CREDENTIALS,
        queue: queue.url,
        code: `${FIXTURES}/echo.mjs`,
        timeoutSeconds: 6,
      }),
    new RangeError(
      `Cannot start Lambda runner: queue ${queue.name} has a visibility timeout of 5 s, below the function timeout of 6 s`,
    ),
  );
  await assert.rejects(
    () =>
      startLambdaRunner({
        endpoint: backend.endpoint,
        queue: "no-such-queue",
        code: `${FIXTURES}/echo.mjs`,
      }),
    /Cannot start Lambda runner: queue "no-such-queue" is not reachable/,
  );
  await assert.rejects(
    () =>
      startLambdaRunner({
        endpoint: backend.endpoint,
        queue: queue.url,
        code: `${FIXTURES}/missing.mjs`,
        timeoutSeconds: 5,
      }),
    /Cannot start Lambda runner: code "tests\/fixtures\/lambda\/missing\.mjs" does not exist/,
  );
});

Deno.test("startLambdaRunner() delivers a message sent to an idle queue to the handler quickly (figures printed)", async () => {
  await using backend = await startBackend();
  const queue = await createQueue(backend.sqs, { visibilityTimeoutSeconds: 30 });
  await using observed = await observe(backend, queue, {
    code: `${FIXTURES}/echo.mjs`,
    timeoutSeconds: 5,
  });
  const latencies: number[] = [];
  const coldLatencies: number[] = [];
  for (let i = 0; i < 25; i++) {
    // Idle: every poller is waiting in a long poll.
    await delay(100);
    const before = Date.now();
    await backend.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: `${i}` }));
    await waitFor("the invocation", () => echoes(observed.logs).length === i + 1);
    await waitFor("the report", () => observed.reports.length === i + 1);
    const echo = echoes(observed.logs)[i];
    assert.ok(echo);
    (observed.reports[i]?.coldStart ? coldLatencies : latencies).push(echo.at - before);
  }
  const warm = observed.reports.filter((r) => !r.coldStart);
  const overheads = warm.map((r) => r.durationMs - (r.handlerDurationMs ?? 0));
  console.log(
    `polling latency (${backend.name}), send to handler: warm p50 ${
      percentile(latencies, 0.5)
    } ms, ` +
      `p95 ${percentile(latencies, 0.95)} ms, max ${
        Math.max(...latencies)
      } ms (n=${latencies.length}); ` +
      `cold ${coldLatencies.join(", ")} ms`,
  );
  console.log(
    `invocation overhead (runner round trip minus handler time): p50 ${
      percentile(overheads, 0.5).toFixed(2)
    } ms, p95 ${percentile(overheads, 0.95).toFixed(2)} ms; init ${
      observed.reports.filter((r) => r.coldStart).map((r) => r.initDurationMs?.toFixed(0)).join(
        ", ",
      )
    } ms`,
  );
});
