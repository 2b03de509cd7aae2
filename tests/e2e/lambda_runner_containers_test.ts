/**
 * End-to-end tests of the local Lambda runner's containers and batches:
 * timeouts and cold restarts, concurrency, the batching window, a process
 * that exits or a handler that cannot load, and a TypeScript handler run by
 * `deno`. Timings are printed, not asserted.
 */

import assert from "node:assert/strict";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import {
  counts,
  createQueue,
  echoes,
  FIXTURES,
  observe,
  REGION,
  runFixture,
  send,
  type SqsBackend,
  startBackend,
} from "../_helpers/lambda_runner.ts";
import { pacedWaitFor } from "../_helpers/wait.ts";
import type { LambdaRunnerOptions } from "../../local/lambda/mod.ts";

/** Polls every 20 ms, for 15 s unless told otherwise (this file's pace). */
const waitFor = pacedWaitFor({ intervalMs: 20, timeoutMs: 15_000 });

/** A fresh queue (30 s visibility) on `backend`, and a runner of `echo.mjs` on it. */
async function observeEcho(backend: SqsBackend, options: Omit<LambdaRunnerOptions, "code">) {
  const queue = await createQueue(backend.sqs, { visibilityTimeoutSeconds: 30 });
  const observed = await observe(backend, queue, { code: `${FIXTURES}/echo.mjs`, ...options });
  return { ...observed, queue };
}

Deno.test("startLambdaRunner() kills a handler past the function timeout and restarts its container cold", async () => {
  await using run = await runFixture("sleeps.mjs", {
    timeoutSeconds: 1,
    batchSize: 1,
    prewarm: true,
  });
  const { backend, queue, observed } = run;
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
  await using run = await runFixture("echo.mjs", {
    timeoutSeconds: 5,
    batchSize: 1,
    maximumConcurrency: 3,
    prewarm: true,
  });
  const { backend, queue, observed } = run;
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
    await using observed = await observeEcho(backend, {
      timeoutSeconds: 5,
      batchSize: 50,
      maximumBatchingWindowSeconds: 1,
      prewarm: true,
    });
    await send(backend.sqs, observed.queue.url, [{ n: 1 }]);
    await waitFor("the invocation", () => observed.reports.length === 1);
    const [report] = observed.reports;
    assert.ok(report);
    const waited = report.startedAt - (report.records[0]?.receivedAt ?? 0);
    console.log(`window 1 s: invoked ${waited} ms after the receive`);
    assert.ok(waited >= 950 && waited < 1500, `${waited}`);
  });
  await t.step("more than ten records in one batch", async () => {
    await using observed = await observeEcho(backend, {
      timeoutSeconds: 5,
      batchSize: 25,
      maximumBatchingWindowSeconds: 2,
    });
    await send(backend.sqs, observed.queue.url, Array.from({ length: 25 }, (_, n) => ({ n })));
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
    await using observed = await observeEcho(backend, {
      timeoutSeconds: 10,
      batchSize: 100,
      maximumBatchingWindowSeconds: 2,
      logger: () => {},
    });
    const big = "x".repeat(250_000);
    for (let i = 0; i < 60; i++) {
      await backend.sqs.send(
        new SendMessageCommand({ QueueUrl: observed.queue.url, MessageBody: big }),
      );
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
  await using run = await runFixture("crash.mjs", {
    visibilityTimeoutSeconds: 1,
    timeoutSeconds: 1,
    batchSize: 1,
  });
  const { backend, queue, observed } = run;
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
  await using run = await runFixture("echo.mjs", {
    handlerExport: "missing",
    timeoutSeconds: 1,
  });
  const { backend, queue, observed } = run;
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

Deno.test("startLambdaRunner() runs a TypeScript source in a deno child", async () => {
  await using run = await runFixture("echo_source.ts", {
    timeoutSeconds: 10,
    functionName: "source-fn",
  });
  const { backend, queue, observed } = run;
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
