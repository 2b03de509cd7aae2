/**
 * The Lambda handler, triggered by the upload queue through an SQS event
 * source mapping with `ReportBatchItemFailures`. Bundled for the Node.js
 * runtime by `deno task build`.
 *
 * Environment: `AWS_DYNAMODB_TABLE` and `AWS_SQS_UPDATE_QUEUE` (required),
 * `AWS_REGION` and the execution role's `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (set by Lambda, and by the
 * local runner as Lambda does), `AWS_ENDPOINT_URL` (optional, for the local
 * AWS), OpenTelemetry's `OTEL_*` (optional: where its spans go; against the
 * local AWS, to the local AWS by default; on AWS, nowhere unless set). The
 * handler knows no key of its own: the bundle holds none.
 *
 * @module
 */

import process from "node:process";
import type { Context } from "aws-lambda";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { clientConfig } from "../lib/clients.ts";
import { readConfig } from "../lib/config.ts";
import { describeError } from "../lib/describe_error.ts";
import { createQueueUrlResolver } from "../lib/queue_urls.ts";
import { nodePost } from "../lib/node_post.ts";
import { startTracing } from "../lib/tracing_config.ts";
import { processUploadRecords, type SQSBatchResponse, type SQSEvent } from "../lib/update_items.ts";

// Created once per container, on the first invocation, and reused.
let container: ReturnType<typeof init> | undefined;

function init() {
  const config = readConfig((name) => process.env[name], {
    program: "update_item",
    required: ["AWS_DYNAMODB_TABLE", "AWS_SQS_UPDATE_QUEUE"],
    defaultTarget: "aws",
  });
  // The credentials are the execution role's, from the environment Lambda
  // (or the local runner) gives the function, read by the SDK's default chain.
  const common = clientConfig(config, { http: "node" });
  const clients = { dynamodb: new DynamoDBClient(common), sqs: new SQSClient(common) };
  const queueUrl = createQueueUrlResolver(clients.sqs);
  let exportFailed = false;
  const tracer = startTracing((name) => process.env[name], {
    serviceName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? "update_item",
    localEndpoint: config.local ? config.endpoint : undefined,
    // On AWS, sent at the end of each invocation (see the handler), not on a
    // timer. The local runner never freezes a container: there spans wait up
    // to a second for others, so that one export carries many invocations'.
    ...(config.local ? {} : { delayMs: 0 }),
    fetch: nodePost,
    onError: (error) => {
      if (exportFailed) return;
      exportFailed = true;
      console.error(JSON.stringify({ level: "warn", message: error.message }));
    },
  });
  return { config, clients, tracer, updateQueueUrl: () => queueUrl(config.updateQueueName) };
}

/**
 * Updates the item of every record in the batch and forwards its keys to the
 * update queue; returns the records that failed so that only they come back.
 *
 * @param event The SQS event.
 * @param context The invocation's context (its request id goes in the logs).
 * @returns The partial batch response.
 */
export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  container ??= init();
  const { config, clients, tracer, updateQueueUrl } = container;
  const requestId = context?.awsRequestId ?? "-";
  const response = await processUploadRecords(event.Records, clients, {
    tableName: config.tableName,
    updateQueueUrl,
    tracer,
    ...(process.env.AWS_LAMBDA_FUNCTION_NAME
      ? { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME }
      : {}),
    onRecord: ({ messageId, ok, error }) => {
      if (ok) return;
      console.error(JSON.stringify({
        level: "error",
        requestId,
        messageId,
        // One line a person can act on: for a denied call, AWS's message names
        // the role, the action and the resource.
        message: error === undefined ? "failed" : describeError(error, config),
      }));
    },
  });
  console.log(JSON.stringify({
    level: "info",
    requestId,
    records: event.Records.length,
    failed: response.batchItemFailures.length,
  }));
  // Lambda freezes the function once it returns: its spans are sent first.
  // The local runner never freezes one: there they go with the next batch of
  // the exporter, off the invocation's time.
  if (!config.local) await tracer.flush();
  return response;
}
