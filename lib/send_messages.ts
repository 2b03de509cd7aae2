/**
 * Sending many messages with `SendMessageBatch`, ten at a time, retrying the
 * entries SQS reports as failed through no fault of the sender.
 *
 * @module
 */

import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { delay } from "./delay.ts";
import { asError } from "./as_error.ts";

/** One message to send. */
export interface OutgoingMessage {
  /** Caller's id, unique within one call: letters, digits, `-`, `_`, at most 80. */
  readonly id: string;
  /** Message body. */
  readonly body: string;
  /**
   * X-Ray trace header (`Root=…;Parent=…;Sampled=1`), sent as the
   * `AWSTraceHeader` system attribute, which SQS hands on to Lambda.
   */
  readonly traceHeader?: string | undefined;
}

/** Outcome of {@linkcode sendMessages}. */
export interface SendMessagesResult {
  /** SQS message ids by caller's id, for the messages sent. */
  readonly sent: Map<string, string>;
  /** Errors by caller's id, for the messages not sent. */
  readonly failed: Map<string, Error>;
}

/** Options of {@linkcode sendMessages}. */
export interface SendMessagesOptions {
  /** Attempts per entry that SQS fails with `SenderFault: false`. Defaults to 3. */
  readonly attempts?: number;
  /** Waits before a retry; defaults to 50 ms times the attempt number. */
  readonly sleep?: (attempt: number) => Promise<void>;
}

/** Most entries AWS accepts in one `SendMessageBatch`. */
export const SQS_BATCH_LIMIT = 10;

/**
 * Sends messages in batches of ten. An entry that fails through SQS's fault
 * is sent again; one that fails through the sender's, or after the last
 * attempt, is reported in `failed`. A batch call that throws after the SDK's
 * own retries fails all of its entries.
 *
 * @example Usage
 * ```ts
 * // Needs SQS: type-checked by `deno task ok`, not run.
 * import { SQSClient } from "@aws-sdk/client-sqs";
 * import { sendMessages } from "./send_messages.ts";
 *
 * const { sent, failed } = await sendMessages(new SQSClient({}), "https://…/updated-laptops", [
 *   { id: "a", body: "{}" },
 * ]);
 * ```
 *
 * @param sqs The SQS client.
 * @param queueUrl The queue's URL.
 * @param messages The messages; ids unique.
 * @param options Retry settings.
 * @returns Which messages were sent and which were not.
 */
export async function sendMessages(
  sqs: Pick<SQSClient, "send">,
  queueUrl: string,
  messages: readonly OutgoingMessage[],
  options: SendMessagesOptions = {},
): Promise<SendMessagesResult> {
  const { attempts = 3, sleep = (n: number) => delay(50 * n) } = options;
  const sent = new Map<string, string>();
  const failed = new Map<string, Error>();
  const chunks: OutgoingMessage[][] = [];
  for (let i = 0; i < messages.length; i += SQS_BATCH_LIMIT) {
    chunks.push(messages.slice(i, i + SQS_BATCH_LIMIT));
  }
  await Promise.all(chunks.map(async (chunk) => {
    let pending = chunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const retry: OutgoingMessage[] = [];
      try {
        const output = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: pending.map((m) => ({
              Id: m.id,
              MessageBody: m.body,
              ...traceAttribute(m.traceHeader),
            })),
          }),
        );
        for (const entry of output.Successful ?? []) {
          if (entry.Id !== undefined) sent.set(entry.Id, entry.MessageId ?? "");
        }
        for (const entry of output.Failed ?? []) {
          const message = pending.find((m) => m.id === entry.Id);
          if (message === undefined) continue;
          const error = new Error(
            `Cannot send message ${entry.Id}: ${entry.Code ?? "error"}: ${entry.Message ?? ""}`
              .trimEnd(),
          );
          if (!entry.SenderFault && attempt < attempts) retry.push(message);
          else failed.set(message.id, error);
        }
        for (const message of pending) {
          if (!sent.has(message.id) && !failed.has(message.id) && !retry.includes(message)) {
            failed.set(message.id, new Error(`Cannot send message ${message.id}: no result`));
          }
        }
      } catch (error) {
        for (const message of pending) failed.set(message.id, asError(error));
      }
      pending = retry;
      if (pending.length > 0) await sleep(attempt);
    }
  }));
  return { sent, failed };
}

/**
 * The `MessageSystemAttributes` entry that carries an X-Ray trace header, or
 * nothing when there is none.
 *
 * @param traceHeader The header.
 * @returns Fields to spread into a `SendMessage` request or batch entry.
 */
export function traceAttribute(
  traceHeader: string | undefined,
): { MessageSystemAttributes?: { AWSTraceHeader: { DataType: "String"; StringValue: string } } } {
  return traceHeader === undefined ? {} : {
    MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: traceHeader } },
  };
}
