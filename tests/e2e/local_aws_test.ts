/**
 * End-to-end tests of the local AWS: real servers on ephemeral ports, the JS
 * SDK and boto3 as clients, data in temporary directories under `.local/tmp`.
 */

import assert from "node:assert/strict";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import {
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import config from "../../deno.json" with { type: "json" };
import { RESOURCES } from "../../lib/resources.ts";
import { startLocalAws } from "../../local/local_aws.ts";
import { pythonHas, readUntil, type TestClients, testClients } from "../_helpers/e2e.ts";
import { queueUrl, sendTo } from "../_helpers/sqs.ts";
import { delay } from "../_helpers/wait.ts";

const TMP_ROOT = ".local/tmp";

async function tempDir(): Promise<string> {
  await Deno.mkdir(TMP_ROOT, { recursive: true });
  return await Deno.makeTempDir({ dir: TMP_ROOT, prefix: "local_aws_" });
}

async function queueAttributes(sqs: SQSClient, name: string): Promise<Record<string, string>> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: await queueUrl(sqs, name), AttributeNames: ["All"] }),
  );
  return Attributes ?? {};
}

async function bodyOf(s3: S3Client, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: RESOURCES.bucket.name, Key: key }));
  return await object.Body!.transformToString();
}

Deno.test("startLocalAws() creates the bucket, the table and each queue with its DLQ", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  console.log(`startLocalAws() ready in ${aws.readyMs.toFixed(0)} ms (in memory)`);
  assert.match(aws.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  using c = testClients(aws.endpoint);

  await c.s3.send(new HeadBucketCommand({ Bucket: RESOURCES.bucket.name }));
  const { Table } = await c.dynamodb.send(
    new DescribeTableCommand({ TableName: RESOURCES.table.name }),
  );
  assert.equal(Table?.TableStatus, "ACTIVE");
  assert.deepEqual(Table?.KeySchema, [{ AttributeName: "uuid", KeyType: "HASH" }]);
  assert.deepEqual(Table?.AttributeDefinitions, [{ AttributeName: "uuid", AttributeType: "S" }]);

  for (const queue of [RESOURCES.uploadQueue, RESOURCES.updateQueue]) {
    const dlq = await queueAttributes(c.sqs, queue.deadLetterQueueName);
    assert.equal(dlq.MessageRetentionPeriod, String(queue.deadLetterRetentionSeconds));
    const main = await queueAttributes(c.sqs, queue.name);
    assert.equal(main.VisibilityTimeout, String(queue.visibilityTimeoutSeconds));
    assert.equal(main.MessageRetentionPeriod, String(queue.messageRetentionSeconds));
    assert.deepEqual(JSON.parse(main.RedrivePolicy ?? "{}"), {
      deadLetterTargetArn: dlq.QueueArn,
      maxReceiveCount: queue.maxReceiveCount,
    });
  }
});

Deno.test("startLocalAws() serves S3 objects and refuses If-None-Match: * on an existing key", async () => {
  // IAM off: the raw request below is unsigned.
  await using aws = await startLocalAws({ port: 0, inMemory: true, iam: "off" });
  using c = testClients(aws.endpoint);
  const Bucket = RESOURCES.bucket.name;

  await c.s3.send(new PutObjectCommand({ Bucket, Key: "dir/a b.json", Body: '{"a":1}' }));
  assert.equal(await bodyOf(c.s3, "dir/a b.json"), '{"a":1}');

  await c.s3.send(new PutObjectCommand({ Bucket, Key: "once.json", Body: "1", IfNoneMatch: "*" }));
  const refused = await c.s3.send(
    new PutObjectCommand({ Bucket, Key: "once.json", Body: "2", IfNoneMatch: "*" }),
  ).then(() => undefined, (error: unknown) => error);
  assert.ok(refused instanceof S3ServiceException, String(refused));
  assert.equal(refused.name, "PreconditionFailed");
  assert.equal(refused.$metadata.httpStatusCode, 412);
  assert.equal(await bodyOf(c.s3, "once.json"), "1");

  // AWS's error document, as a client that is not the SDK sees it.
  const raw = await fetch(`${aws.endpoint}/${Bucket}/once.json`, {
    method: "PUT",
    headers: { "if-none-match": "*" },
    body: "3",
  });
  assert.equal(raw.status, 412);
  assert.match(raw.headers.get("content-type") ?? "", /xml/);
  const xml = await raw.text();
  assert.match(xml, /<Error><Code>PreconditionFailed<\/Code>/);
  assert.match(xml, /<Condition>If-None-Match<\/Condition>/);

  // Concurrent conditional creates of one key: exactly one wins.
  const racers = 8;
  const results = await Promise.allSettled(
    Array.from({ length: racers }, (_, i) =>
      c.s3.send(
        new PutObjectCommand({ Bucket, Key: "race.json", Body: `racer ${i}`, IfNoneMatch: "*" }),
      )),
  );
  const winners = results.flatMap((result, i) => result.status === "fulfilled" ? [i] : []);
  assert.equal(winners.length, 1);
  for (const result of results) {
    if (result.status === "rejected") {
      assert.equal((result.reason as S3ServiceException).$metadata.httpStatusCode, 412);
    }
  }
  assert.equal(await bodyOf(c.s3, "race.json"), `racer ${winners[0]}`);
  const ops = aws.stats().byOperation;
  assert.equal(ops["s3:PutObject"], 4 + racers);
  assert.equal(ops["s3:GetObject"], 3);
});

Deno.test("startLocalAws() serves DynamoDB put, get and conditional update", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  using c = testClients(aws.endpoint);
  const TableName = RESOURCES.table.name;
  const Key = { uuid: { S: "7d1c" } };

  await c.dynamodb.send(
    new PutItemCommand({
      TableName,
      Item: { ...Key, brand: { S: "Lenovo" }, timestamp: { N: "1" } },
      ConditionExpression: "attribute_not_exists(#uuid)",
      ExpressionAttributeNames: { "#uuid": "uuid" },
    }),
  );
  const updated = await c.dynamodb.send(
    new UpdateItemCommand({
      TableName,
      Key,
      UpdateExpression: "SET #ts = :new",
      ConditionExpression: "attribute_exists(#uuid) AND #ts < :new",
      ExpressionAttributeNames: { "#uuid": "uuid", "#ts": "timestamp" },
      ExpressionAttributeValues: { ":new": { N: "2" } },
      ReturnValues: "ALL_NEW",
    }),
  );
  assert.deepEqual(updated.Attributes?.timestamp, { N: "2" });
  const stale = await c.dynamodb.send(
    new UpdateItemCommand({
      TableName,
      Key,
      UpdateExpression: "SET #ts = :new",
      ConditionExpression: "#ts < :new",
      ExpressionAttributeNames: { "#ts": "timestamp" },
      ExpressionAttributeValues: { ":new": { N: "1" } },
    }),
  ).then(() => undefined, (error: unknown) => error as Error);
  assert.equal(stale?.name, "ConditionalCheckFailedException");
  const { Item } = await c.dynamodb.send(new GetItemCommand({ TableName, Key }));
  assert.deepEqual(Item, { ...Key, brand: { S: "Lenovo" }, timestamp: { N: "2" } });
  assert.equal(aws.stats().byOperation["dynamodb:UpdateItem"], 2);
});

Deno.test("startLocalAws() serves SQS and returns queue URLs on its public endpoint", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  using c = testClients(aws.endpoint);
  const seen: string[] = [];
  const stop = aws.onRequest((request) => seen.push(request.name));

  const created = await c.sqs.send(new CreateQueueCommand({ QueueName: "scratch" }));
  assert.equal(created.QueueUrl, `${aws.endpoint}/000000000000/scratch`);
  const { QueueUrls } = await c.sqs.send(new ListQueuesCommand({}));
  assert.ok(QueueUrls && QueueUrls.length === 5);
  for (const url of QueueUrls) assert.ok(url.startsWith(`${aws.endpoint}/`), url);

  const QueueUrl = await queueUrl(c.sqs, RESOURCES.uploadQueue.name);
  assert.equal(new URL(QueueUrl).host, new URL(aws.endpoint).host);
  await c.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"dynamodb_key":"1"}' }));
  const { Messages } = await c.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ["All"],
    }),
  );
  assert.equal(Messages?.length, 1);
  assert.equal(Messages?.[0]?.Body, '{"dynamodb_key":"1"}');
  assert.equal(Messages?.[0]?.Attributes?.ApproximateReceiveCount, "1");
  await c.sqs.send(
    new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages?.[0]?.ReceiptHandle }),
  );
  const attributes = await queueAttributes(c.sqs, RESOURCES.uploadQueue.name);
  assert.equal(attributes.ApproximateNumberOfMessages, "0");
  assert.equal(attributes.ApproximateNumberOfMessagesNotVisible, "0");
  stop();
  assert.deepEqual(seen.slice(0, 4), [
    "sqs:CreateQueue",
    "sqs:ListQueues",
    "sqs:GetQueueUrl",
    "sqs:SendMessage",
  ]);
});

Deno.test("startLocalAws() moves a message received maxReceiveCount times to the DLQ", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true, visibilityTimeoutSeconds: 1 });
  using c = testClients(aws.endpoint);
  const queue = RESOURCES.uploadQueue;
  assert.equal((await queueAttributes(c.sqs, queue.name)).VisibilityTimeout, "1");
  const QueueUrl = await queueUrl(c.sqs, queue.name);
  const dlqUrl = await queueUrl(c.sqs, queue.deadLetterQueueName);
  await c.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "poison" }));

  for (let receive = 1; receive <= queue.maxReceiveCount; receive++) {
    const { Messages } = await c.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        WaitTimeSeconds: 3,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
    );
    assert.equal(Messages?.length, 1, `receive ${receive}`);
    assert.equal(Messages?.[0]?.Attributes?.ApproximateReceiveCount, String(receive));
    // Not deleted: the consumer "failed", so it comes back after 1 s.
  }
  const after = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }));
  assert.equal(after.Messages?.length ?? 0, 0);
  const dead = await c.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }),
  );
  assert.equal(dead.Messages?.length, 1);
  assert.equal(dead.Messages?.[0]?.Body, "poison");
});

Deno.test("startLocalAws() keeps objects, items and messages across close and start", async () => {
  const dataDir = await tempDir();
  try {
    {
      await using aws = await startLocalAws({ port: 0, dataDir });
      console.log(`startLocalAws() ready in ${aws.readyMs.toFixed(0)} ms (new data directory)`);
      using c = testClients(aws.endpoint);
      await writeSample(c);
    }
    {
      await using aws = await startLocalAws({ port: 0, dataDir, visibilityTimeoutSeconds: 5 });
      console.log(`startLocalAws() ready in ${aws.readyMs.toFixed(0)} ms (existing data)`);
      using c = testClients(aws.endpoint);
      await checkSample(c);
      // Reconciled to the new settings.
      const attributes = await queueAttributes(c.sqs, RESOURCES.updateQueue.name);
      assert.equal(attributes.VisibilityTimeout, "5");
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("startLocalAws() refuses a busy port and a data directory in use", async () => {
  const dataDir = await tempDir();
  try {
    await using first = await startLocalAws({ port: 0, dataDir });
    await assert.rejects(
      startLocalAws({ port: first.port, inMemory: true }),
      new Error(`Cannot start local AWS: port ${first.port} is in use`),
    );
    await assert.rejects(
      startLocalAws({ port: 0, dataDir }),
      /^Error: Cannot start local AWS: Cannot open .*dynamodb: it is in use by another process$/,
    );
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("LocalAws.close() ends a pending long poll at once", async () => {
  const aws = await startLocalAws({ port: 0, inMemory: true });
  using c = testClients(aws.endpoint);
  const QueueUrl = await queueUrl(c.sqs, RESOURCES.updateQueue.name);
  const polling = c.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }))
    .then((answer) => answer.Messages ?? [], (error: unknown) => error);
  await delay(200);
  const started = performance.now();
  await aws.close();
  const closeMs = performance.now() - started;
  console.log(`close() with a pending 20 s long poll took ${closeMs.toFixed(0)} ms`);
  assert.ok(closeMs < 2000, `close() took ${closeMs} ms`);
  assert.deepEqual(await polling, []);
  await aws.close(); // twice is fine
});

Deno.test("startLocalAws() refuses a JSON target it does not serve", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  const answer = await fetch(aws.endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "Kinesis_20131202.ListStreams",
    },
    body: "{}",
  });
  assert.equal(answer.status, 400);
  assert.equal((await answer.json()).__type, "UnknownOperationException");
  assert.deepEqual(aws.stats(), {
    total: 1,
    errors: 1,
    byOperation: { "unknown:ListStreams": 1 },
  });
  aws.resetStats();
  assert.deepEqual(aws.stats(), { total: 0, errors: 0, byOperation: {} });
});

/** Writes an object, an item, a queued message and a dead letter. */
async function writeSample(c: TestClients): Promise<void> {
  await c.s3.send(
    new PutObjectCommand({ Bucket: RESOURCES.bucket.name, Key: "kept.json", Body: "kept" }),
  );
  await c.dynamodb.send(
    new PutItemCommand({
      TableName: RESOURCES.table.name,
      Item: { uuid: { S: "kept" }, n: { N: "1" } },
    }),
  );
  await sendTo(c.sqs, RESOURCES.updateQueue.name, "queued");
  await sendTo(c.sqs, RESOURCES.updateQueue.deadLetterQueueName, "dead");
}

/** Checks what {@linkcode writeSample} wrote. */
async function checkSample(c: TestClients): Promise<void> {
  assert.equal(await bodyOf(c.s3, "kept.json"), "kept");
  const { Item } = await c.dynamodb.send(
    new GetItemCommand({ TableName: RESOURCES.table.name, Key: { uuid: { S: "kept" } } }),
  );
  assert.deepEqual(Item, { uuid: { S: "kept" }, n: { N: "1" } });
  for (
    const [name, body] of [
      [RESOURCES.updateQueue.name, "queued"],
      [RESOURCES.updateQueue.deadLetterQueueName, "dead"],
    ] as const
  ) {
    const { Messages } = await c.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: await queueUrl(c.sqs, name), WaitTimeSeconds: 1 }),
    );
    assert.deepEqual(Messages?.map((m) => m.Body), [body], name);
  }
}

// ── deno task local as a process ───────────────────────────────────────────

/** The `deno run ...` of the `local` task, with $HOME expanded. */
function localTaskArgs(): string[] {
  const task = (config.tasks as Record<string, { command: string }>).local;
  assert.ok(task, "deno.json has a local task");
  const home = Deno.env.get("HOME") ?? "";
  const words = task.command.replaceAll("$HOME", home).split(/\s+/);
  assert.equal(words[0], "deno");
  return words.slice(1);
}

interface LocalProcess extends AsyncDisposable {
  readonly child: Deno.ChildProcess;
  readonly endpoint: string;
  readonly readyLine: string;
}

async function spawnLocal(args: string[]): Promise<LocalProcess> {
  const child = new Deno.Command("deno", {
    args: [...localTaskArgs(), ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const { text, drained } = await readUntil(child.stdout, (read) => read.includes("\n"));
  const readyLine = text.split("\n")[0] ?? "";
  const endpoint = /ready on (http:\/\/127\.0\.0\.1:\d+) /.exec(readyLine)?.[1];
  const process: LocalProcess = {
    child,
    endpoint: endpoint ?? "",
    readyLine,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch { /* already exited */ }
      await child.status;
      await drained;
    },
  };
  if (endpoint === undefined) {
    await process[Symbol.asyncDispose]();
    throw new Error(`local/main.ts did not print a ready line: ${JSON.stringify(text)}`);
  }
  return process;
}

Deno.test("deno task local keeps its data across kill -9 and exits 0 on SIGTERM", async () => {
  const dataDir = await tempDir();
  try {
    {
      await using local = await spawnLocal(["--port", "0", "--data-dir", dataDir, "--no-lambda"]);
      console.log(local.readyLine);
      assert.match(
        local.readyLine,
        new RegExp(`data in ${dataDir}/; listening on 127\\.0\\.0\\.1`),
      );
      using c = testClients(local.endpoint);
      await writeSample(c);
      local.child.kill("SIGKILL");
      assert.equal((await local.child.status).signal, "SIGKILL");
    }
    {
      await using local = await spawnLocal(["--port", "0", "--data-dir", dataDir, "--no-lambda"]);
      console.log(local.readyLine);
      using c = testClients(local.endpoint);
      await checkSample(c);
      local.child.kill("SIGTERM");
      const status = await local.child.status;
      assert.equal(status.code, 0);
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("deno task local exits 2 on a bad flag and 1 on a busy port", async () => {
  const bad = await new Deno.Command("deno", {
    args: [...localTaskArgs(), "--port", "http"],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(bad.code, 2);
  assert.match(new TextDecoder().decode(bad.stderr), /^Invalid --port: expected 0 to 65535/);

  await using aws = await startLocalAws({ port: 0, inMemory: true });
  const busy = await new Deno.Command("deno", {
    args: [...localTaskArgs(), "--port", String(aws.port), "--in-memory"],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(busy.code, 1);
  assert.equal(
    new TextDecoder().decode(busy.stderr).trim(),
    `Cannot start local AWS: port ${aws.port} is in use`,
  );
});

// ── a client that is not the JS SDK ────────────────────────────────────────

const BOTO3_SCRIPT = `
import json, os, boto3
endpoint = os.environ["ENDPOINT"]
kw = dict(endpoint_url=endpoint, region_name="us-east-1",
          aws_access_key_id="test", aws_secret_access_key="test")
s3 = boto3.client("s3", config=boto3.session.Config(s3={"addressing_style": "path"}), **kw)
ddb = boto3.client("dynamodb", **kw)
sqs = boto3.client("sqs", **kw)
out = {}
s3.put_object(Bucket="laptops", Key="boto3.json", Body=b'{"from":"boto3"}')
out["s3"] = s3.get_object(Bucket="laptops", Key="boto3.json")["Body"].read().decode()
try:
    s3.put_object(Bucket="laptops", Key="boto3.json", Body=b"again", IfNoneMatch="*")
    out["s3_conditional"] = "accepted"
except s3.exceptions.ClientError as e:
    out["s3_conditional"] = e.response["Error"]["Code"]
ddb.put_item(TableName="laptops", Item={"uuid": {"S": "b3"}, "n": {"N": "1"}})
ddb.update_item(TableName="laptops", Key={"uuid": {"S": "b3"}},
                UpdateExpression="SET n = n + :one",
                ConditionExpression="attribute_exists(#uuid)",
                ExpressionAttributeNames={"#uuid": "uuid"},
                ExpressionAttributeValues={":one": {"N": "1"}})
out["dynamodb"] = ddb.get_item(TableName="laptops", Key={"uuid": {"S": "b3"}})["Item"]
url = sqs.get_queue_url(QueueName="updated-laptops")["QueueUrl"]
out["queue_url"] = url
sqs.send_message(QueueUrl=url, MessageBody="from boto3")
msgs = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])
out["sqs"] = [m["Body"] for m in msgs]
for m in msgs:
    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
print(json.dumps(out))
`;

const BOTO3 = await pythonHas(["boto3"], "local_aws_test");

Deno.test(
  { name: "startLocalAws() serves boto3 for S3, DynamoDB and SQS", ignore: !BOTO3 },
  async () => {
    await using aws = await startLocalAws({ port: 0, inMemory: true });
    const output = await new Deno.Command("python3", {
      args: ["-c", BOTO3_SCRIPT],
      env: {
        ENDPOINT: aws.endpoint,
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const result = JSON.parse(new TextDecoder().decode(output.stdout));
    assert.deepEqual(result, {
      s3: '{"from":"boto3"}',
      s3_conditional: "PreconditionFailed",
      dynamodb: { uuid: { S: "b3" }, n: { N: "2" } },
      queue_url: `${aws.endpoint}/000000000000/updated-laptops`,
      sqs: ["from boto3"],
    });
    const ops = aws.stats().byOperation;
    assert.equal(ops["sqs:DeleteMessage"], 1);
    assert.equal(ops["dynamodb:UpdateItem"], 1);
  },
);
