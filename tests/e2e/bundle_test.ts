/**
 * The bundled Lambda handler, run by Node.js as AWS would run it, against
 * the local AWS.
 */

import assert from "node:assert/strict";
import { unzipSync } from "fflate";
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { laptopToItem } from "../../lib/item_codec.ts";
import { LOCAL_IDENTITIES } from "../../lib/local_identities.ts";
import { makeLaptop } from "../../lib/laptop.ts";
import { RESOURCES } from "../../lib/resources.ts";
import { startLocalAws } from "../../local/local_aws.ts";
import { buildBundle, run, tempDir, testClients } from "../_helpers/e2e.ts";

Deno.test("update_item bundle imports under Node.js and handles a real SQS batch", async () => {
  const dir = await tempDir("bundle-");
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  using clients = testClients(aws.endpoint);
  try {
    const bundle = await buildBundle(dir);
    const bytes = (await Deno.stat(bundle)).size;
    console.log(`bundle: ${bytes} bytes`);

    // Two stored records and one body that is not a message, sent for real.
    const laptops = [makeLaptop(), makeLaptop()];
    for (const laptop of laptops) {
      await clients.dynamodb.send(
        new PutItemCommand({ TableName: RESOURCES.table.name, Item: laptopToItem(laptop) }),
      );
    }
    const { QueueUrl: uploadUrl } = await clients.sqs.send(
      new GetQueueUrlCommand({ QueueName: RESOURCES.uploadQueue.name }),
    );
    const bodies = [
      ...laptops.map((l, i) => JSON.stringify({ dynamodb_key: l.uuid, s3_key: `l-${i}.json` })),
      "not json",
    ];
    for (const body of bodies) {
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: uploadUrl, MessageBody: body }));
    }
    const received = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: uploadUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    const records = (received.Messages ?? []).map((m) => ({
      messageId: m.MessageId,
      receiptHandle: m.ReceiptHandle,
      body: m.Body,
      attributes: m.Attributes ?? {},
      messageAttributes: {},
      md5OfBody: m.MD5OfBody,
      eventSource: "aws:sqs",
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${RESOURCES.uploadQueue.name}`,
      awsRegion: "us-east-1",
    }));
    assert.equal(records.length, 3);
    const badId = records.find((r) => r.body === "not json")?.messageId;

    const script = `${dir}/invoke.mjs`;
    await Deno.writeTextFile(
      script,
      `import { handler } from "./update_item.mjs";
const event = JSON.parse(process.argv[2]);
const response = await handler(event, { awsRequestId: "test-request" });
process.stdout.write("RESULT " + JSON.stringify(response) + "\\n");`,
    );
    const result = await run("node", [script, JSON.stringify({ Records: records })], {
      env: {
        AWS_ENDPOINT_URL: aws.endpoint,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_DYNAMODB_TABLE: RESOURCES.table.name,
        AWS_SQS_UPDATE_QUEUE: RESOURCES.updateQueue.name,
      },
      clearEnv: true,
    });
    assert.equal(result.code, 0, result.stderr);
    const line = result.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    assert.deepEqual(JSON.parse(line?.slice(7) ?? "null"), {
      batchItemFailures: [{ itemIdentifier: badId }],
    });

    for (const laptop of laptops) {
      const { Item } = await clients.dynamodb.send(
        new GetItemCommand({
          TableName: RESOURCES.table.name,
          Key: { uuid: { S: laptop.uuid } },
          ConsistentRead: true,
        }),
      );
      assert.ok(Item?.timestamp?.S && Item.timestamp.S > laptop.timestamp, "timestamp is newer");
      assert.equal(Item?.model?.S, laptop.model);
    }
    const { QueueUrl: updateUrl } = await clients.sqs.send(
      new GetQueueUrlCommand({ QueueName: RESOURCES.updateQueue.name }),
    );
    const forwarded = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: updateUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    assert.deepEqual(
      (forwarded.Messages ?? []).map((m) => m.Body).sort(),
      bodies.slice(0, 2).sort(),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("update_item bundle names its missing configuration under Node.js", async () => {
  const dir = await tempDir("bundle-");
  try {
    await buildBundle(dir);
    await Deno.writeTextFile(
      `${dir}/invoke.mjs`,
      `import { handler } from "./update_item.mjs";
try { await handler({ Records: [] }); } catch (e) { console.log(e.name + ": " + e.message); }`,
    );
    const result = await run("node", [`${dir}/invoke.mjs`], {
      env: { AWS_REGION: "us-east-1" },
      clearEnv: true,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout.trim(),
      "ConfigError: Cannot start update_item: AWS_DYNAMODB_TABLE is not set",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task build writes dist/update_item.mjs and its zip with no local AWS key in them", async () => {
  const build = await run("deno", ["task", "--quiet", "build"]);
  assert.equal(build.code, 0, build.stderr);
  assert.match(build.stdout, /^Wrote dist\/update_item\.zip: \d+ bytes \(bundle \d+ bytes\)/);
  const code = await Deno.readTextFile("dist/update_item.mjs");
  assert.ok(code.includes("handler"), "the bundle is the handler's");
  // The local identities' keys (LKIA… for users, LSIA… for role sessions) and secrets.
  assert.doesNotMatch(code, /L[KS]IA[A-Z0-9]{16}/);
  assert.doesNotMatch(code, /local-[a-z-]+-secret/);
  assert.ok(!code.includes(LOCAL_IDENTITIES.updateFunction.accessKeyId));
  const zipped = unzipSync(await Deno.readFile("dist/update_item.zip"));
  assert.deepEqual(Object.keys(zipped), ["update_item.mjs"]);
  assert.equal(
    new TextDecoder().decode(zipped["update_item.mjs"]),
    code,
    "the zip holds this bundle",
  );
});
