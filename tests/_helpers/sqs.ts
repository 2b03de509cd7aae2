/**
 * SQS in the end-to-end tests: a queue's URL by name, and how many messages
 * it holds.
 *
 * @module
 */

import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";

/** The URL of queue `name`; throws if SQS answers none. */
export async function queueUrl(sqs: SQSClient, name: string): Promise<string> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  if (QueueUrl === undefined) throw new Error(`Cannot find queue ${name}: no QueueUrl`);
  return QueueUrl;
}

/** Messages in queue `name`, visible plus in flight; throws if SQS leaves either count out. */
export async function queueDepth(sqs: SQSClient, name: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: await queueUrl(sqs, name),
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  const { ApproximateNumberOfMessages: visible, ApproximateNumberOfMessagesNotVisible: inFlight } =
    Attributes;
  if (visible === undefined || inFlight === undefined) {
    throw new Error(`Cannot count messages in queue ${name}: an attribute is missing`);
  }
  return Number(visible) + Number(inFlight);
}
