/**
 * End-to-end tests of the local Lambda event source mapping: a real SQS
 * emulator on an ephemeral port (the local AWS, and moto for a second
 * opinion), the fixture handlers of `tests/fixtures/lambda/` run in Node.js
 * (or `deno run`) child processes. Timings are printed, not asserted.
 */

import assert from "node:assert/strict";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import {
  type LambdaInvocationReport,
  type LambdaRunner,
  startLambdaRunner,
} from "../../local/lambda/mod.ts";
import {
  counts,
  createQueue,
  CREDENTIALS,
  echoes,
  FIXTURES,
  md5,
  MOTO,
  observe,
  peekAll,
  percentile,
  REGION,
  runFixture,
  send,
  startBackend,
  type TestQueue,
} from "../_helpers/lambda_runner.ts";
import { SQS_RECORD_ATTRIBUTE_KEYS, SQS_RECORD_KEYS } from "../_helpers/sqs_events.ts";
import { delay, pacedWaitFor } from "../_helpers/wait.ts";

/** Polls every 20 ms, for 15 s unless told otherwise (this file's pace). */
const waitFor = pacedWaitFor({ intervalMs: 20, timeoutMs: 15_000 });

/** Checks the record the handler got: AWS's keys in AWS's order, the message as sent. */
function assertRecord(
  record: Record<string, unknown>,
  sent: { messageId: string | undefined; body: string; queue: TestQueue },
): void {
  const { body, queue } = sent;
  assert.deepEqual(Object.keys(record), SQS_RECORD_KEYS);
  assert.equal(record.messageId, sent.messageId);
  assert.equal(typeof record.receiptHandle, "string");
  assert.equal(record.body, body);
  assert.equal(record.md5OfBody, md5(body));
  assert.equal(record.eventSource, "aws:sqs");
  assert.equal(record.eventSourceARN, queue.arn);
  assert.match(queue.arn, new RegExp(`^arn:aws:sqs:${REGION}:\\d{12}:${queue.name}$`));
  assert.equal(record.awsRegion, REGION);
  const attributes = record.attributes as Record<string, string>;
  assert.deepEqual(Object.keys(attributes).slice(0, 4), SQS_RECORD_ATTRIBUTE_KEYS);
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
}

/** Checks the Lambda context the handler got, against the runner's report of the call. */
function assertContext(
  context: Record<string, unknown>,
  report: LambdaInvocationReport,
  runner: LambdaRunner,
): void {
  assert.equal(context.awsRequestId, report.requestId);
  assert.match(String(context.awsRequestId), /^[0-9a-f-]{36}$/);
  assert.equal(context.functionName, "echo-fn");
  assert.equal(context.functionVersion, "$LATEST");
  assert.equal(context.invokedFunctionArn, runner.functionArn);
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
}

Deno.test("startLambdaRunner() hands the handler AWS's SQSEvent and a Lambda context", async () => {
  await using run = await runFixture("echo.mjs", {
    functionName: "echo-fn",
    timeoutSeconds: 7,
    memoryMb: 512,
  });
  const { backend, queue, observed } = run;
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
  assertRecord(echo.event.Records[0] as Record<string, unknown>, {
    messageId: sent.MessageId,
    body,
    queue,
  });
  const [report] = observed.reports;
  assert.ok(report);
  assertContext(echo.context, report, observed.runner);

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
  await using run = await runFixture("malformed.mjs", {
    visibilityTimeoutSeconds: 60,
    timeoutSeconds: 2,
    batchSize: 1,
  });
  const { backend, queue, observed } = run;
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
  await using run = await runFixture("echo.mjs", {
    timeoutSeconds: 5,
  });
  const { backend, queue, observed } = run;
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
