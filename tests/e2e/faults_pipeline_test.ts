/**
 * The whole pipeline while one call in ten fails: errors, throttling and
 * cut connections (half of them after the call took effect), injected by
 * the local AWS from a fixed seed. The generator and the service run
 * in-process on `lib/`, with the clients the programs use; the bundled
 * Lambda runs under Node.js in the runner. Every item must come through,
 * and no dead-letter queue may hold anything.
 */

import assert from "node:assert/strict";
import { BatchGetItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { type AwsClients, createClients, destroyClients } from "../../lib/clients.ts";
import { type PipelineConfig, readConfig } from "../../lib/config.ts";
import { denoFiles } from "../../lib/deno_files.ts";
import { fileNamesFor } from "../../lib/file_name.ts";
import { type GeneratedLaptop, generateLaptops } from "../../lib/generate_laptops.ts";
import { pollUpdates } from "../../lib/poll_updates.ts";
import { retryTransient } from "../../lib/retry.ts";
import { RESOURCES } from "../../lib/resources.ts";
import { startLambdaRunner } from "../../local/lambda/mod.ts";
import { startLocalAws } from "../../local/local_aws.ts";
import { buildBundle, tempDir, type TestClients, testClients } from "../_helpers/e2e.ts";
import { PIPELINE_QUEUES, queueDepth, queueUrl } from "../_helpers/sqs.ts";
import { delay } from "../_helpers/wait.ts";

const ITEMS = 1_000;
const SEED = Number(Deno.env.get("AWS_DISCOVERY_FAULT_SEED") ?? 20261125);
function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

const QUEUES = PIPELINE_QUEUES;

/** The service's wait after a failed receive: 200 ms, cut short by its signal. */
function shortBackoff(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 200);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()));
  });
}

/** Waits (2 minutes at most) until the service has handled every generated record. */
async function waitUntilHandled(
  generated: readonly GeneratedLaptop[],
  handled: ReadonlyMap<string, number>,
): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (generated.some((g) => !handled.has(g.laptop.uuid))) {
    if (Date.now() > deadline) {
      const missing = generated.filter((g) => !handled.has(g.laptop.uuid)).length;
      throw new Error(`Timed out: ${missing} items not handled by the service`);
    }
    await delay(100);
  }
}

/**
 * Drains the update queue with the service (duplicates forwarded late reach
 * it) until every queue is empty, and asserts that they are after 100 checks
 * at most.
 */
async function drainUntilEmpty(
  clients: AwsClients,
  config: PipelineConfig,
  check: TestClients,
  handled: Map<string, number>,
): Promise<void> {
  const drain = new AbortController();
  const draining = pollUpdates(clients, {
    queueUrl: await queueUrl(check.sqs, RESOURCES.updateQueue.name),
    tableName: config.tableName,
    bucketName: config.bucketName,
    signal: drain.signal,
    waitTimeSeconds: 1,
    onHandled: ({ comparison }) =>
      handled.set(comparison.uuid, (handled.get(comparison.uuid) ?? 0) + 1),
  });
  let depths: number[] = [];
  for (let i = 0; i < 100; i++) {
    depths = await Promise.all(QUEUES.map((name) => queueDepth(check.sqs, name)));
    if (depths.every((n) => n === 0)) break;
    await delay(200);
  }
  drain.abort();
  await draining;
  assert.deepEqual(
    Object.fromEntries(QUEUES.map((q, i) => [q, depths[i]])),
    Object.fromEntries(QUEUES.map((q) => [q, 0])),
    "every queue and dead-letter queue is empty",
  );
}

/** Every file in S3 (one in ten) is the generated one; every item changed after it. */
async function assertStoredAsGenerated(
  check: TestClients,
  config: PipelineConfig,
  generated: readonly GeneratedLaptop[],
): Promise<void> {
  const sample = generated.filter((_, i) => i % 10 === 0);
  for (const g of sample) {
    const object = await check.s3.send(
      new GetObjectCommand({ Bucket: config.bucketName, Key: g.fileName }),
    );
    assert.equal(await object.Body?.transformToString(), await Deno.readTextFile(g.path));
  }
  for (let i = 0; i < generated.length; i += 100) {
    const batch = generated.slice(i, i + 100);
    const output = await check.dynamodb.send(
      new BatchGetItemCommand({
        RequestItems: {
          [config.tableName]: {
            Keys: batch.map((g) => ({ uuid: { S: g.laptop.uuid } })),
            ConsistentRead: true,
          },
        },
      }),
    );
    const items = output.Responses?.[config.tableName] ?? [];
    assert.equal(items.length, batch.length);
    for (const item of items) {
      const g = batch.find((b) => b.laptop.uuid === item.uuid?.S);
      assert.ok(g && (item.timestamp?.S ?? "") > g.laptop.timestamp);
    }
  }
}

Deno.test("pipeline: 1,000 items with 10% of calls failing all come through, no DLQ holds anything", async () => {
  const dir = await tempDir("faults-pipeline-");
  const started = performance.now();
  try {
    await using aws = await startLocalAws({
      port: 0,
      inMemory: true,
      visibilityTimeoutSeconds: 3,
      faults: { faultRate: 0.1, seed: SEED },
    });
    const code = await buildBundle(dir);
    let invocations = 0;
    let lambdaErrors = 0;
    await using runner = await startLambdaRunner({
      endpoint: aws.endpoint,
      code,
      timeoutSeconds: 3,
      logger: (entry) => {
        if (entry.line.includes('"level":"error"')) lambdaErrors++;
      },
      onInvoke: () => invocations++,
    });

    const config = readConfig(
      (name) => ({ AWS_ENDPOINT_URL: aws.endpoint } as Record<string, string>)[name],
      { program: "test" },
    );
    const clients = createClients(config);
    // As deno task generate runs it: the steps retry, the clients make one attempt per call.
    const generatorClients = createClients(config, { maxAttempts: 1 });
    try {
      const urlOf = (name: string) =>
        retryTransient(async () =>
          (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!
        );

      // The service, in-process, from the start.
      const handled = new Map<string, number>();
      let serviceFailures = 0;
      const stop = new AbortController();
      const service = pollUpdates(clients, {
        queueUrl: await urlOf(RESOURCES.updateQueue.name),
        tableName: config.tableName,
        bucketName: config.bucketName,
        signal: stop.signal,
        waitTimeSeconds: 1,
        onHandled: ({ comparison }) => {
          assert.equal(comparison.sameRecord, true);
          assert.equal(comparison.stateChanged, true);
          handled.set(comparison.uuid, (handled.get(comparison.uuid) ?? 0) + 1);
        },
        onFailed: () => serviceFailures++,
        backoff: shortBackoff,
      });

      const result = await generateLaptops({ ...generatorClients, files: denoFiles() }, {
        fileNames: fileNamesFor("faulty.json", ITEMS),
        outDir: dir,
        tableName: config.tableName,
        bucketName: config.bucketName,
        queueUrl: await urlOf(RESOURCES.uploadQueue.name),
        concurrency: 16,
        itemBatchSize: 25,
      });
      const generatedMs = performance.now() - started;
      assert.deepEqual(
        result.failed.map((f) => `${f.fileName}: ${f.error.message}`),
        [],
        "the generator got every record through",
      );
      assert.equal(result.generated.length, ITEMS);

      await waitUntilHandled(result.generated, handled);
      const handledMs = performance.now() - started;
      stop.abort();
      await service;
      const faults = aws.faults.stats();
      aws.faults.clear();

      // Nothing left anywhere once the redeliveries in flight are done.
      using check = testClients(aws.endpoint);
      await drainUntilEmpty(clients, config, check, handled);
      const drainedMs = performance.now() - started;

      // Every file in S3 is the generated one; every item changed after it.
      await assertStoredAsGenerated(check, config, result.generated);

      const duplicates = [...handled.values()].reduce((sum, n) => sum + n - 1, 0);
      console.log(
        `faults: items=${ITEMS} handled=${handled.size} duplicates=${duplicates} ` +
          `faults=${faults.faults} (errors ${faults.errors}, throttled ${faults.throttled}, ` +
          `cut before ${faults.droppedBefore}, cut after ${faults.droppedAfter}) of ` +
          `${faults.requests} calls; lambda invocations=${invocations} record errors=${lambdaErrors}; ` +
          `service failures=${serviceFailures}; seconds: generated ${seconds(generatedMs)}, ` +
          `handled ${seconds(handledMs)}, queues empty ${seconds(drainedMs)}, ` +
          `checked ${seconds(performance.now() - started)} (seed ${SEED})`,
      );
      const share = faults.faults / faults.requests;
      assert.ok(share > 0.08 && share < 0.12, `about 10% of calls failed: ${share}`);
      void runner;
    } finally {
      destroyClients(clients);
      destroyClients(generatorClients);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
