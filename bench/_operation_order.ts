/**
 * The order operations are listed in: the path of an item through the
 * pipeline.
 *
 * @module
 */

const ORDER = [
  "sqs:GetQueueUrl",
  "sqs:GetQueueAttributes",
  "s3:PutObject",
  "dynamodb:PutItem",
  "dynamodb:BatchWriteItem",
  "sqs:SendMessage",
  "sqs:SendMessageBatch",
  "sqs:ReceiveMessage",
  "dynamodb:UpdateItem",
  "sqs:DeleteMessage",
  "sqs:DeleteMessageBatch",
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "s3:GetObject",
];

/** Position of `service:Operation` in the pipeline order; unknown ones last. */
export function operationOrder(name: string): number {
  const index = ORDER.indexOf(name);
  return index < 0 ? ORDER.length : index;
}
