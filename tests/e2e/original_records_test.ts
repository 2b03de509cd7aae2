/**
 * A record of the original Python project goes through this pipeline: its
 * generator wrote `timestamp` as Python's `str(datetime.now())` (local time,
 * no zone) and made its calls in this order: the DynamoDB item, the S3 file,
 * then `{dynamodb_key, s3_key}` on the upload queue. Sent once with boto3
 * (skipped, saying so, where python3 lacks it) and once with the JS SDK, each
 * goes through the local AWS, the Lambda runner (the bundle under Node.js)
 * and `deno task service`, which must show the comparison with the file's
 * timestamp as the original wrote it.
 */

import assert from "node:assert/strict";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { GetQueueUrlCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { makeLaptop, timestampMillis } from "../../lib/laptop.ts";
import { LOCAL_IDENTITIES } from "../../lib/local_identities.ts";
import { RESOURCES } from "../../lib/resources.ts";
import { startLambdaRunner } from "../../local/lambda/mod.ts";
import { startLocalAws } from "../../local/local_aws.ts";
import {
  buildBundle,
  ownIdentityEnv,
  pythonHas,
  readItem,
  run,
  serviceLines,
  tempDir,
  testClients,
} from "../_helpers/e2e.ts";

const BOTO3 = await pythonHas(["boto3"], "original_records_test");

/** The original generator's steps, with boto3, as the generator's identity. */
const BOTO3_GENERATOR = `
import json, sys, uuid
from datetime import datetime
import boto3

endpoint, table, bucket, queue, key_id, secret = sys.argv[1:7]
session = boto3.session.Session(
    aws_access_key_id=key_id, aws_secret_access_key=secret, region_name="us-east-1")
record = {"uuid": str(uuid.uuid4()), "constructor": "Dell", "model": "XPS 13",
          "year": 2021, "timestamp": str(datetime.now())}
s3_key = "original-" + record["uuid"][:8] + ".json"
session.resource("dynamodb", endpoint_url=endpoint).Table(table).put_item(Item=record)
session.client("s3", endpoint_url=endpoint).put_object(
    Bucket=bucket, Key=s3_key, Body=json.dumps(record).encode())
sqs = session.client("sqs", endpoint_url=endpoint)
url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"dynamodb_key": record["uuid"], "s3_key": s3_key}))
print(json.dumps({"s3_key": s3_key, "uuid": record["uuid"], "file": json.dumps(record)}))
`;

interface Sent {
  readonly s3_key: string;
  readonly uuid: string;
  /** The file's bytes as sent. */
  readonly file: string;
}

/** `str(datetime.now())`: local time, six fraction digits, no zone. */
function pythonNow(now = new Date()): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())} ` +
    `${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}.` +
    `${String(now.getMilliseconds() * 1000 + 123).padStart(6, "0")}`;
}

/** The original generator's steps with the JS SDK: item, file, then the keys. */
async function sendWithJsSdk(endpoint: string): Promise<Sent> {
  const { accessKeyId, secretAccessKey } = LOCAL_IDENTITIES.generator;
  using clients = testClients(endpoint, { credentials: { accessKeyId, secretAccessKey } });
  const record = { ...makeLaptop(), timestamp: pythonNow() };
  const s3_key = `original-${record.uuid.slice(0, 8)}.json`;
  // json.dumps's separators, as the original wrote its file.
  const file = JSON.stringify(record).replaceAll('","', '", "').replaceAll('":', '": ')
    .replace(/,"year/, ', "year');
  await clients.dynamodb.send(
    new PutItemCommand({
      TableName: RESOURCES.table.name,
      Item: {
        uuid: { S: record.uuid },
        constructor: { S: record.constructor },
        model: { S: record.model },
        year: { N: String(record.year) },
        timestamp: { S: record.timestamp },
      },
    }),
  );
  await clients.s3.send(
    new PutObjectCommand({ Bucket: RESOURCES.bucket.name, Key: s3_key, Body: file }),
  );
  const { QueueUrl } = await clients.sqs.send(
    new GetQueueUrlCommand({ QueueName: RESOURCES.uploadQueue.name }),
  );
  await clients.sqs.send(
    new SendMessageCommand({
      QueueUrl,
      MessageBody: JSON.stringify({ dynamodb_key: record.uuid, s3_key }),
    }),
  );
  return { s3_key, uuid: record.uuid, file };
}

async function sendWithBoto3(endpoint: string): Promise<Sent> {
  const { accessKeyId, secretAccessKey } = LOCAL_IDENTITIES.generator;
  const result = await run("python3", [
    "-c",
    BOTO3_GENERATOR,
    endpoint,
    RESOURCES.table.name,
    RESOURCES.bucket.name,
    RESOURCES.uploadQueue.name,
    accessKeyId,
    secretAccessKey,
  ], { env: { AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" } });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Sent;
}

Deno.test("original records: the Python project's records go through the Lambda and the service shows them", async () => {
  const dir = await tempDir("original-");
  try {
    await using aws = await startLocalAws({ port: 0, inMemory: true });
    const runner = await startLambdaRunner({
      endpoint: aws.endpoint,
      code: await buildBundle(dir),
    });
    try {
      const sent = [await sendWithJsSdk(aws.endpoint)];
      if (BOTO3) sent.push(await sendWithBoto3(aws.endpoint));
      const lines = await serviceLines(ownIdentityEnv(aws.endpoint), sent.length);
      const shown = lines.map((line) => JSON.stringify(line)).join("\n");
      using clients = testClients(aws.endpoint);
      for (const entry of sent) {
        const original = JSON.parse(entry.file) as { timestamp: string };
        assert.match(original.timestamp, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
        const line = lines.find((l) => l.s3_key === entry.s3_key);
        assert.ok(line, `the service did not show ${entry.s3_key}:\n${shown}`);
        assert.equal(line.uuid, entry.uuid);
        assert.equal(line.file_timestamp, original.timestamp);
        assert.match(line.item_timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        assert.equal(line.same_record, true);
        assert.equal(line.state_changed, true);
        assert.ok(timestampMillis(line.item_timestamp) > timestampMillis(original.timestamp));

        // The file is kept as the original wrote it; the item has the Lambda's timestamp.
        const object = await clients.s3.send(
          new GetObjectCommand({ Bucket: RESOURCES.bucket.name, Key: entry.s3_key }),
        );
        assert.equal(await object.Body?.transformToString(), entry.file);
        const item = await readItem(clients.dynamodb, RESOURCES.table.name, entry.uuid);
        assert.equal(item?.timestamp?.S, line.item_timestamp);
      }
      assert.equal(runner.stats().retriedRecords, 0);
    } finally {
      await runner.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
