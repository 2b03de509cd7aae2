/**
 * Creates the pipeline's resources in the emulators, or brings existing ones
 * back to their definition: the bucket, the table, and each queue with its
 * dead-letter queue and redrive policy.
 *
 * It speaks the emulators' wire protocols directly (no SDK: it would add
 * start-up time), so the resources are made exactly as a client would make
 * them.
 *
 * @module
 */

import type { QueueDefinition, ResourceDefinition } from "../lib/resources.ts";
import type { InnerService } from "./core/mod.ts";
import { callInnerJson, type InnerJsonAnswer } from "./core/mod.ts";

/** Options of {@linkcode provisionResources}. */
export interface ProvisionOptions {
  /** DynamoDB. */
  readonly dynamodb: InnerService;
  /** SQS and S3. */
  readonly fauxqs: InnerService;
  /** What to create. */
  readonly resources: ResourceDefinition;
  /** Overrides both queues' visibility timeout (tests and development). */
  readonly visibilityTimeoutSeconds?: number;
}

/** Creates or reconciles every resource; throws when one cannot be made to match. */
export async function provisionResources(options: ProvisionOptions): Promise<void> {
  const { resources } = options;
  const call = jsonCaller(resources.region);
  await Promise.all([
    ensureTable(call, options.dynamodb, resources),
    ensureBucket(options.fauxqs, resources),
    ensureQueues(call, options.fauxqs, resources.uploadQueue, options.visibilityTimeoutSeconds),
    ensureQueues(call, options.fauxqs, resources.updateQueue, options.visibilityTimeoutSeconds),
  ]);
}

type JsonCaller = (
  service: InnerService,
  target: string,
  body: Record<string, unknown>,
) => Promise<InnerJsonAnswer>;

function jsonCaller(region: string): JsonCaller {
  return (service, target, body) =>
    callInnerJson(service, target, body, { region, caller: "local" });
}

async function ensureTable(
  call: JsonCaller,
  dynamodb: InnerService,
  resources: ResourceDefinition,
): Promise<void> {
  const { name, hashKey } = resources.table;
  const described = await call(dynamodb, "DynamoDB_20120810.DescribeTable", { TableName: name });
  if (described.status === 200) {
    const table = described.json.Table as { KeySchema?: { AttributeName: string }[] } | undefined;
    const keys = (table?.KeySchema ?? []).map((key) => key.AttributeName);
    if (keys.length !== 1 || keys[0] !== hashKey) {
      throw new Error(
        `Cannot use table ${name}: its key is (${keys.join(", ")}), not (${hashKey}); ` +
          "delete the data directory or run in memory",
      );
    }
  } else if (errorCode(described.json) === "ResourceNotFoundException") {
    const created = await call(dynamodb, "DynamoDB_20120810.CreateTable", {
      TableName: name,
      AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: "S" }],
      KeySchema: [{ AttributeName: hashKey, KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    });
    expectOk(created, `create table ${name}`);
  } else {
    expectOk(described, `describe table ${name}`);
  }
  // dynalite makes a table ACTIVE on the next turn of the event loop.
  for (let attempt = 0; attempt < 100; attempt++) {
    const { json } = await call(dynamodb, "DynamoDB_20120810.DescribeTable", { TableName: name });
    if ((json.Table as { TableStatus?: string } | undefined)?.TableStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`Cannot create table ${name}: it did not become ACTIVE`);
}

async function ensureBucket(fauxqs: InnerService, resources: ResourceDefinition): Promise<void> {
  const { name } = resources.bucket;
  const answer = await fauxqs.handle({
    method: "PUT",
    url: `/${encodeURIComponent(name)}`,
    headers: { host: "127.0.0.1" },
    body: new Uint8Array(),
  });
  const text = new TextDecoder().decode(answer.body);
  if (answer.status === 200 || text.includes("<Code>BucketAlreadyOwnedByYou</Code>")) return;
  throw new Error(`Cannot create bucket ${name}: ${answer.status} ${text}`);
}

async function ensureQueues(
  call: JsonCaller,
  fauxqs: InnerService,
  queue: QueueDefinition,
  visibilityTimeoutSeconds: number | undefined,
): Promise<void> {
  const deadLetterArn = await ensureQueue(call, fauxqs, queue.deadLetterQueueName, {
    MessageRetentionPeriod: String(queue.deadLetterRetentionSeconds),
  });
  await ensureQueue(call, fauxqs, queue.name, {
    VisibilityTimeout: String(visibilityTimeoutSeconds ?? queue.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(queue.messageRetentionSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetterArn,
      maxReceiveCount: queue.maxReceiveCount,
    }),
  });
}

/** Creates the queue or sets its attributes; returns its ARN. */
async function ensureQueue(
  call: JsonCaller,
  fauxqs: InnerService,
  name: string,
  attributes: Record<string, string>,
): Promise<string> {
  const found = await call(fauxqs, "AmazonSQS.GetQueueUrl", { QueueName: name });
  let queueUrl: unknown;
  if (found.status === 200) {
    queueUrl = found.json.QueueUrl;
    const set = await call(fauxqs, "AmazonSQS.SetQueueAttributes", {
      QueueUrl: queueUrl,
      Attributes: attributes,
    });
    expectOk(set, `set the attributes of queue ${name}`);
  } else {
    const created = await call(fauxqs, "AmazonSQS.CreateQueue", {
      QueueName: name,
      Attributes: attributes,
    });
    expectOk(created, `create queue ${name}`);
    queueUrl = created.json.QueueUrl;
  }
  const described = await call(fauxqs, "AmazonSQS.GetQueueAttributes", {
    QueueUrl: queueUrl,
    AttributeNames: ["QueueArn"],
  });
  expectOk(described, `read the ARN of queue ${name}`);
  const arn = (described.json.Attributes as Record<string, unknown> | undefined)?.QueueArn;
  if (typeof arn !== "string") throw new Error(`Cannot read the ARN of queue ${name}`);
  return arn;
}

function errorCode(json: Record<string, unknown>): string {
  const type = typeof json.__type === "string" ? json.__type : "";
  return type.slice(type.lastIndexOf("#") + 1);
}

function expectOk(answer: { status: number; json: Record<string, unknown> }, what: string): void {
  if (answer.status === 200) return;
  const message = typeof answer.json.message === "string" ? answer.json.message : "";
  throw new Error(`Cannot ${what}: ${errorCode(answer.json) || answer.status} ${message}`.trim());
}
