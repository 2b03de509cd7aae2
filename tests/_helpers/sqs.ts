/**
 * SQS in the end-to-end tests: a queue's URL by name, sending to it, how
 * many messages it holds, and receiving all of them.
 *
 * @module
 */

import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { RESOURCES } from "../../lib/resources.ts";

/** The pipeline's four queues: each queue, then its dead-letter queue. */
export const PIPELINE_QUEUES: readonly string[] = [
  RESOURCES.uploadQueue.name,
  RESOURCES.uploadQueue.deadLetterQueueName,
  RESOURCES.updateQueue.name,
  RESOURCES.updateQueue.deadLetterQueueName,
];

/** The URL of queue `name`; throws if SQS answers none. */
export async function queueUrl(sqs: SQSClient, name: string): Promise<string> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  if (QueueUrl === undefined) throw new Error(`Cannot find queue ${name}: no QueueUrl`);
  return QueueUrl;
}

/** Sends `body` to queue `name`; returns the message id. */
export async function sendTo(sqs: SQSClient, name: string, body: string): Promise<string> {
  const { MessageId } = await sqs.send(
    new SendMessageCommand({ QueueUrl: await queueUrl(sqs, name), MessageBody: body }),
  );
  if (MessageId === undefined) throw new Error(`Cannot send to queue ${name}: no MessageId`);
  return MessageId;
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

/** Options of {@linkcode receiveAll}. */
export interface ReceiveAllOptions {
  /** Long-poll seconds per receive. Default: the queue's own setting. */
  readonly waitTimeSeconds?: number;
}

/**
 * Receives every message of queue `name` once (each stays invisible for 60 s),
 * until a receive comes back empty; returns the bodies by message id.
 */
export async function receiveAll(
  sqs: SQSClient,
  name: string,
  options: ReceiveAllOptions = {},
): Promise<Map<string, string>> {
  const url = await queueUrl(sqs, name);
  const found = new Map<string, string>();
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        ...(options.waitTimeSeconds === undefined
          ? {}
          : { WaitTimeSeconds: options.waitTimeSeconds }),
      }),
    );
    if (Messages.length === 0) return found;
    for (const m of Messages) found.set(m.MessageId ?? "", m.Body ?? "");
  }
}
