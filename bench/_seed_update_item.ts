/**
 * The benchmark's baseline Lambda: the project's handler logic
 * ({@linkcode processUploadRecords}) driven with the seed's call pattern:
 * the update queue's URL looked up with `GetQueueUrl` on every invocation,
 * records updated one at a time. Bundled by the benchmark into `bench/out/`
 * exactly as `deno task build` bundles `lambda/update_item.ts`.
 *
 * @module
 */

import process from "node:process";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { clientConfig } from "../lib/clients.ts";
import { readConfig } from "../lib/config.ts";
import { processUploadRecords, type SQSBatchResponse, type SQSEvent } from "../lib/update_items.ts";

let container: ReturnType<typeof init> | undefined;

function init() {
  const config = readConfig((name) => process.env[name], {
    program: "seed_update_item",
    required: ["AWS_DYNAMODB_TABLE", "AWS_SQS_UPDATE_QUEUE"],
    defaultTarget: "aws",
  });
  const common = clientConfig(config, { http: "node" });
  return { config, dynamodb: new DynamoDBClient(common), sqs: new SQSClient(common) };
}

/**
 * Updates and forwards the batch's records, asking SQS for the queue URL
 * each time.
 *
 * @param event The SQS event.
 * @returns The partial batch response.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  container ??= init();
  const { config, dynamodb, sqs } = container;
  return await processUploadRecords(event.Records, { dynamodb, sqs }, {
    tableName: config.tableName,
    concurrency: 1,
    updateQueueUrl: async () => {
      const output = await sqs.send(new GetQueueUrlCommand({ QueueName: config.updateQueueName }));
      if (!output.QueueUrl) throw new Error("Cannot resolve the update queue: no URL returned");
      return output.QueueUrl;
    },
  });
}
