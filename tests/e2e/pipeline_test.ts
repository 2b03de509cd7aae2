/**
 * The whole pipeline as real processes: the generator and the service run
 * through their `deno task`s (the permissions a user has), the bundled
 * handler runs under Node.js in the Lambda runner, against the local AWS on
 * a free port.
 */

import assert from "node:assert/strict";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import {
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { laptopToItem } from "../../lib/item_codec.ts";
import { makeLaptop, parseLaptop } from "../../lib/laptop.ts";
import { RESOURCES } from "../../lib/resources.ts";
import { startLambdaRunner } from "../../local/lambda/mod.ts";
import { type LocalAws, startLocalAws } from "../../local/local_aws.ts";
import {
  buildBundle,
  generateLines,
  ownIdentityEnv,
  readItem,
  runTask,
  serviceLines,
  tempDir,
  testClients,
} from "../_helpers/e2e.ts";
import { PIPELINE_QUEUES, queueDepth, queueUrl, sendTo } from "../_helpers/sqs.ts";
import { waitFor } from "../_helpers/wait.ts";

const QUEUES = PIPELINE_QUEUES;

/** Messages visible plus in flight, per queue name. */
async function depths(sqs: SQSClient): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const name of QUEUES) result[name] = await queueDepth(sqs, name);
  return result;
}

/** How long a received message stays hidden, and how long the Lambda may run. */
interface PipelineTimeouts {
  readonly visibilityTimeoutSeconds: number;
  readonly lambdaTimeoutSeconds: number;
}

/**
 * Short timeouts, for the cases that wait for a message to come back: a
 * redelivery after 1 s. A cold start on a loaded machine can take longer
 * than that, so the case where nothing should fail uses {@linkcode ROOMY}.
 */
const SHORT: PipelineTimeouts = { visibilityTimeoutSeconds: 1, lambdaTimeoutSeconds: 1 };

/** Lambda's own defaults (30 s visibility, 3 s timeout): nothing is redelivered by a slow start. */
const ROOMY: PipelineTimeouts = { visibilityTimeoutSeconds: 30, lambdaTimeoutSeconds: 3 };

/**
 * A local AWS with the given visibility timeout, the runner on the bundle
 * (built in a temporary folder) and admin clients; disposing stops them all
 * and removes the folder.
 */
async function startPipeline(timeouts: PipelineTimeouts = SHORT) {
  const dir = await tempDir("pipeline-");
  let aws: LocalAws | undefined;
  try {
    aws = await startLocalAws({
      port: 0,
      inMemory: true,
      visibilityTimeoutSeconds: timeouts.visibilityTimeoutSeconds,
    });
    const code = await buildBundle(dir);
    const runner = await startLambdaRunner({
      endpoint: aws.endpoint,
      code,
      timeoutSeconds: timeouts.lambdaTimeoutSeconds,
    });
    const clients = testClients(aws.endpoint);
    const local = aws;
    return {
      aws,
      runner,
      clients,
      async [Symbol.asyncDispose]() {
        clients[Symbol.dispose]();
        await runner.close();
        await local.close();
        await Deno.remove(dir, { recursive: true });
      },
    };
  } catch (error) {
    await aws?.close();
    await Deno.remove(dir, { recursive: true });
    throw error;
  }
}

Deno.test("pipeline: the file stays the original while the item's state changes", async () => {
  const stem = `e2e-${crypto.randomUUID().slice(0, 8)}`;
  await using pipeline = await startPipeline(ROOMY);
  const { clients } = pipeline;
  try {
    const env = ownIdentityEnv(pipeline.aws.endpoint);

    const report = { generated: await generateLines(env, stem, 3) };
    assert.equal(report.generated.length, 3);

    const lines = await serviceLines(env, 3);
    assert.deepEqual(
      lines.map((l) => l.s3_key).sort(),
      report.generated.map((g) => g.s3_key).sort(),
    );

    for (const entry of report.generated) {
      const line = lines.find((l) => l.s3_key === entry.s3_key);
      assert.ok(line, `the service did not show ${entry.s3_key}`);
      assert.equal(line.uuid, entry.uuid);
      assert.equal(line.same_record, true);
      assert.equal(line.state_changed, true);
      assert.ok(line.item_timestamp > line.file_timestamp);

      // The local file, the S3 object and the generated record are the same bytes.
      const local = await Deno.readTextFile(entry.file);
      const object = await clients.s3.send(
        new GetObjectCommand({ Bucket: RESOURCES.bucket.name, Key: entry.s3_key }),
      );
      assert.equal(await object.Body?.transformToString(), local);
      const original = parseLaptop(JSON.parse(local));
      assert.equal(original.timestamp, line.file_timestamp);

      const item = await readItem(clients.dynamodb, RESOURCES.table.name, entry.uuid);
      assert.equal(item?.timestamp?.S, line.item_timestamp);
      assert.equal(item?.model?.S, original.model);
    }
    await waitFor(
      "every queue to drain",
      async () => Object.values(await depths(clients.sqs)).every((n) => n === 0),
    );
    assert.equal(pipeline.runner.stats().invocations >= 1, true);
  } finally {
    for (let i = 1; i <= 3; i++) await Deno.remove(`out/${stem}-${i}.json`).catch(() => {});
  }
});

Deno.test("pipeline: a partial batch failure forwards the good records and sends the bad one to the upload DLQ", async () => {
  await using pipeline = await startPipeline();
  const { clients } = pipeline;
  const good = [makeLaptop(), makeLaptop()];
  for (const laptop of good) {
    await clients.dynamodb.send(
      new PutItemCommand({ TableName: RESOURCES.table.name, Item: laptopToItem(laptop) }),
    );
  }
  const missing = makeLaptop(); // never stored: its update fails every time
  const bodies = [...good, missing].map((l) =>
    JSON.stringify({ dynamodb_key: l.uuid, s3_key: `${l.uuid.slice(0, 8)}.json` })
  );
  await clients.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: await queueUrl(clients.sqs, RESOURCES.uploadQueue.name),
      Entries: bodies.map((body, i) => ({ Id: String(i), MessageBody: body })),
    }),
  );

  const dlq = await queueUrl(clients.sqs, RESOURCES.uploadQueue.deadLetterQueueName);
  await waitFor("the bad record in the upload DLQ", async () =>
    (await depths(clients.sqs))[
      RESOURCES.uploadQueue.deadLetterQueueName
    ] === 1, { timeoutMs: 30_000 });
  const dead = await clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: dlq,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ["ApproximateReceiveCount"],
    }),
  );
  assert.deepEqual(dead.Messages?.map((m) => m.Body), [bodies[2]]);

  const forwarded = await clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: await queueUrl(clients.sqs, RESOURCES.updateQueue.name),
      MaxNumberOfMessages: 10,
    }),
  );
  assert.deepEqual(forwarded.Messages?.map((m) => m.Body).sort(), bodies.slice(0, 2).sort());
  const left = await depths(clients.sqs);
  assert.equal(left[RESOURCES.uploadQueue.name], 0, "nothing left on the upload queue");
  assert.equal(left[RESOURCES.updateQueue.deadLetterQueueName], 0);
  const stats = pipeline.runner.stats();
  console.log(`runner: ${JSON.stringify(stats)}`);
});

Deno.test("pipeline: a poison message on the update queue ends in its DLQ after maxReceiveCount, and nowhere else", async () => {
  await using pipeline = await startPipeline();
  const { clients } = pipeline;
  await sendTo(clients.sqs, RESOURCES.updateQueue.name, '{"dynamodb_key": 42}');
  const max = RESOURCES.updateQueue.maxReceiveCount;
  const service = await runTask("service", [
    "--json",
    "--max-messages",
    String(max),
  ], ownIdentityEnv(pipeline.aws.endpoint));
  assert.equal(service.code, 1, "the service reports failures");
  const failures = service.stderr.trim().split("\n").filter((l) => l.startsWith("{")).map((l) =>
    JSON.parse(l)
  );
  assert.equal(failures.length, max);
  assert.deepEqual(
    failures.map((f) => f.receive_count),
    Array.from({ length: max }, (_, i) => i + 1),
  );
  assert.match(failures[0].error, /"dynamodb_key" is not a string/);
  await waitFor("the poison message in the update DLQ", async () => {
    // A receive moves a message past maxReceiveCount to the DLQ.
    await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: await queueUrl(clients.sqs, RESOURCES.updateQueue.name),
        WaitTimeSeconds: 1,
        VisibilityTimeout: 0,
      }),
    );
    return (await depths(clients.sqs))[RESOURCES.updateQueue.deadLetterQueueName] === 1;
  });
  const left = await depths(clients.sqs);
  assert.deepEqual(left, {
    [RESOURCES.uploadQueue.name]: 0,
    [RESOURCES.uploadQueue.deadLetterQueueName]: 0,
    [RESOURCES.updateQueue.name]: 0,
    [RESOURCES.updateQueue.deadLetterQueueName]: 1,
  });
});
