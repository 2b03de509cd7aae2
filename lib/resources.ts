/**
 * The one definition of the pipeline's AWS resources: names, keys and queue
 * settings. The local AWS (`local/`) creates exactly these, and the
 * CloudFormation template (`infra/`) declares exactly these, so a setting
 * changed here changes both.
 *
 * @module
 */

/** Settings of one SQS queue and the dead-letter queue behind it. */
export interface QueueDefinition {
  /** Queue name (not URL). */
  readonly name: string;
  /** Name of the dead-letter queue that receives this queue's poison messages. */
  readonly deadLetterQueueName: string;
  /** Receives after which SQS moves a message to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Seconds a received message stays invisible to other consumers. */
  readonly visibilityTimeoutSeconds: number;
  /** Seconds SQS keeps a message in the queue. */
  readonly messageRetentionSeconds: number;
  /** Seconds SQS keeps a message in the dead-letter queue (AWS's maximum, 14 days). */
  readonly deadLetterRetentionSeconds: number;
}

/** Settings of the Lambda function and its SQS event source mapping. */
export interface FunctionDefinition {
  /** Function name. */
  readonly name: string;
  /** Lambda runtime identifier. */
  readonly runtime: string;
  /** Handler in `file.export` form, relative to the bundle's root. */
  readonly handler: string;
  /** Function timeout in seconds. */
  readonly timeoutSeconds: number;
  /** Memory in MiB. */
  readonly memoryMb: number;
  /** Records per invocation (event source mapping `BatchSize`). */
  readonly batchSize: number;
  /** Event source mapping `MaximumBatchingWindowInSeconds`. */
  readonly maximumBatchingWindowSeconds: number;
  /** Event source mapping `ScalingConfig.MaximumConcurrency` (AWS's minimum is 2). */
  readonly maximumConcurrency: number;
}

/** Every resource of the pipeline. */
export interface ResourceDefinition {
  /** Region used when none is configured. */
  readonly region: string;
  /** Endpoint used when neither `AWS_ENDPOINT_URL` nor a target of `aws` is configured. */
  readonly localEndpoint: string;
  /** The DynamoDB table of laptop items. */
  readonly table: { readonly name: string; readonly hashKey: string };
  /** The S3 bucket of laptop files. */
  readonly bucket: { readonly name: string };
  /** Queue the generator sends to and the Lambda is triggered by. */
  readonly uploadQueue: QueueDefinition;
  /** Queue the Lambda forwards to and the service polls. */
  readonly updateQueue: QueueDefinition;
  /** The Lambda function that updates items. */
  readonly updateFunction: FunctionDefinition;
}

const LAMBDA_TIMEOUT_SECONDS = 10;
const FOURTEEN_DAYS = 14 * 24 * 60 * 60;
const FOUR_DAYS = 4 * 24 * 60 * 60;

/**
 * The pipeline's resources with their default names.
 *
 * @example Usage
 * ```ts
 * import { RESOURCES } from "./resources.ts";
 *
 * console.log(RESOURCES.updateQueue.deadLetterQueueName); // "updated-laptops-dlq"
 * ```
 */
export const RESOURCES: ResourceDefinition = Object.freeze({
  region: "us-east-1",
  localEndpoint: "http://127.0.0.1:4566",
  table: Object.freeze({ name: "laptops", hashKey: "uuid" }),
  bucket: Object.freeze({ name: "laptops" }),
  uploadQueue: Object.freeze({
    name: "uploaded-laptops",
    deadLetterQueueName: "uploaded-laptops-dlq",
    // AWS's guidance for a queue that triggers a Lambda: at least 5, so that
    // throttling, a failed invocation or a consumer that died holding a batch
    // does not send a good message to the dead-letter queue.
    maxReceiveCount: 5,
    // AWS's guidance for a queue that triggers a Lambda: at least 6 times
    // the function timeout, so a batch being retried is not handed out twice.
    visibilityTimeoutSeconds: 6 * LAMBDA_TIMEOUT_SECONDS,
    messageRetentionSeconds: FOUR_DAYS,
    deadLetterRetentionSeconds: FOURTEEN_DAYS,
  }),
  updateQueue: Object.freeze({
    name: "updated-laptops",
    deadLetterQueueName: "updated-laptops-dlq",
    // As above: a service killed holding messages, or a receive whose answer
    // was lost, uses up one receive of each message it held.
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 30,
    messageRetentionSeconds: FOUR_DAYS,
    deadLetterRetentionSeconds: FOURTEEN_DAYS,
  }),
  updateFunction: Object.freeze({
    name: "update-item",
    runtime: "nodejs22.x",
    handler: "update_item.handler",
    timeoutSeconds: LAMBDA_TIMEOUT_SECONDS,
    memoryMb: 256,
    batchSize: 10,
    maximumBatchingWindowSeconds: 0,
    maximumConcurrency: 2,
  }),
});
