/**
 * The local AWS's `callLatencyMs` (the benchmark's AWS latency): each call of
 * a client is held for what the function draws for its service and operation,
 * before IAM and dispatch.
 */

import assert from "node:assert/strict";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { RESOURCES } from "../../lib/resources.ts";
import { startLocalAws } from "../../local/local_aws.ts";
import { testClients } from "../_helpers/e2e.ts";

Deno.test("startLocalAws() asks callLatencyMs for every call of a client, by service and operation", async () => {
  const asked: string[] = [];
  await using aws = await startLocalAws({
    port: 0,
    inMemory: true,
    callLatencyMs: (service, operation) => {
      asked.push(`${service}:${operation}`);
      return service === "s3" ? 5 : 0;
    },
  });
  using c = testClients(aws.endpoint);
  await c.s3.send(
    new PutObjectCommand({ Bucket: RESOURCES.bucket.name, Key: "k.json", Body: "{}" }),
  );
  await c.dynamodb.send(
    new GetItemCommand({ TableName: RESOURCES.table.name, Key: { uuid: { S: "x" } } }),
  );
  await c.sqs.send(new GetQueueUrlCommand({ QueueName: RESOURCES.uploadQueue.name }));
  assert.deepEqual(asked, ["s3:PutObject", "dynamodb:GetItem", "sqs:GetQueueUrl"]);
  // The local AWS's own set-up calls are not clients' calls.
  assert.equal(aws.stats().total, 3);
});
