/**
 * Memory as Lambda measures and enforces it: `Max Memory Used` is the
 * function process's own peak, at most its `MemorySize`, and a function that
 * goes over its `MemorySize` is killed as Lambda's sandbox kills it; the
 * batch comes back to the queue.
 */

import assert from "node:assert/strict";
import { CreateQueueCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import {
  type LambdaInvocationReport,
  type LambdaLogEntry,
  startLambdaRunner,
} from "../../local/lambda/mod.ts";
import { startLocalAws } from "../../local/local_aws.ts";
import { testClients } from "../_helpers/e2e.ts";

const MEMORY_MB = 128;

Deno.test("startLambdaRunner() reports the function's own peak memory and kills it over MemorySize", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  using clients = testClients(aws.endpoint);
  const name = `memory-${crypto.randomUUID().slice(0, 8)}`;
  const { QueueUrl } = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "1" } }),
  );
  const logs: LambdaLogEntry[] = [];
  const reports: LambdaInvocationReport[] = [];
  const runner = await startLambdaRunner({
    endpoint: aws.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    queue: name,
    code: "tests/fixtures/lambda/hog.mjs",
    memoryMb: MEMORY_MB,
    timeoutSeconds: 1,
    batchSize: 1,
    logger: (entry) => logs.push(entry),
    onInvoke: (report) => reports.push(report),
  });
  try {
    await clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "{}" }));
    const deadline = Date.now() + 20_000;
    while (!reports.some((r) => r.outcome === "success")) {
      if (Date.now() > deadline) throw new Error("Timed out waiting for the second delivery");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await runner.close();
  }
  const [killed, retried] = reports;
  assert.equal(killed?.outcome, "failure");
  assert.equal(killed?.failure?.errorType, "Runtime.ExitError");
  assert.match(killed?.failure?.message ?? "", /Error: Runtime exited with error: signal: killed$/);
  assert.equal(retried?.records[0]?.messageId, killed?.records[0]?.messageId);
  assert.equal(retried?.outcome, "success");
  assert.ok(!logs.some((e) => e.line.includes("still alive")), "the handler ran on");

  const used = logs.flatMap((e) => {
    const m = /Memory Size: (\d+) MB\tMax Memory Used: (\d+) MB/.exec(e.line);
    return m ? [{ size: Number(m[1]), used: Number(m[2]), line: e.line }] : [];
  });
  assert.equal(used.length, 2, logs.map((e) => e.line).join("\n"));
  // Killed: Lambda shows the size itself. Then a fresh process's own peak,
  // well above zero (Node.js alone) and below the size.
  assert.equal(used[0]?.used, MEMORY_MB, used[0]?.line);
  assert.match(used[0]?.line ?? "", /Status: error/);
  assert.ok(used[1]!.used > 20 && used[1]!.used < MEMORY_MB, used[1]?.line);
});
