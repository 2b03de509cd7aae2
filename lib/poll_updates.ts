/**
 * The service's loop: long-poll the update queue, compare each message's
 * item and file, and delete a message only once it was fully handled.
 *
 * @module
 */

import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { type ComparePorts, compareUpdate, type Comparison } from "./compare_update.ts";
import { delay } from "./delay.ts";
import { asError } from "./as_error.ts";
import type { Item } from "./item_codec.ts";
import { parsePipelineMessage } from "./message.ts";
import { readItems } from "./read_items.ts";
import { parseXrayHeader } from "./trace_context.ts";
import { NOOP_TRACER, type Span, traced, type Tracer } from "./tracer.ts";

/** The clients the service uses. */
export interface PollPorts extends ComparePorts {
  /** SQS client. */
  readonly sqs: Pick<SQSClient, "send">;
}

/** A message handled (then deleted). */
export interface HandledMessage {
  /** SQS message id. */
  readonly messageId: string;
  /** How many times SQS delivered it, this time included. */
  readonly receiveCount: number;
  /** What the service found. */
  readonly comparison: Comparison;
  /** The message's trace (W3C form), when it carried one or tracing is on. */
  readonly traceId?: string;
}

/** A message that failed; it stays on the queue for redelivery (and the DLQ). */
export interface FailedMessage {
  /** SQS message id. */
  readonly messageId: string;
  /** How many times SQS delivered it, this time included. */
  readonly receiveCount: number;
  /** Why it failed. */
  readonly error: Error;
  /** The message's trace (W3C form), when it carried one or tracing is on. */
  readonly traceId?: string;
}

/** Options of {@linkcode pollUpdates}. */
export interface PollOptions {
  /** URL of the update queue. */
  readonly queueUrl: string;
  /** DynamoDB table. */
  readonly tableName: string;
  /** S3 bucket. */
  readonly bucketName: string;
  /** Stop polling when aborted; messages in hand are finished first. */
  readonly signal?: AbortSignal;
  /** Stop after this many messages handled or failed. Unlimited by default. */
  readonly maxMessages?: number;
  /** Stop after one poll. */
  readonly once?: boolean;
  /** Long-poll wait, seconds (0 to 20). Defaults to 20. */
  readonly waitTimeSeconds?: number;
  /** Messages per receive (1 to 10). Defaults to 10. */
  readonly batchSize?: number;
  /**
   * Read the items of a received batch with one `BatchGetItem` (the
   * default) instead of one `GetItem` per message.
   */
  readonly batchGet?: boolean;
  /**
   * Called for each message handled, before it is deleted: a process killed
   * in between has shown it and gets it again (at least once), never the
   * reverse. A failed delete is reported to `onPollError`.
   */
  readonly onHandled?: (handled: HandledMessage) => void;
  /** Called for each message that failed (left on the queue). */
  readonly onFailed?: (failed: FailedMessage) => void;
  /** Called when a receive or delete call fails; the loop waits and goes on. */
  readonly onPollError?: (error: Error) => void;
  /** Waits after a failed receive. Defaults to 1 s, cut short by the signal. */
  readonly backoff?: (signal: AbortSignal | undefined) => Promise<void>;
  /**
   * Records a span per message, continuing the trace of its
   * `AWSTraceHeader`, with the receive, the item and file reads and the
   * delete as children. Defaults to {@linkcode NOOP_TRACER}.
   */
  readonly tracer?: Tracer;
}

/** Counts of {@linkcode pollUpdates}. */
export interface PollResult {
  /** Messages handled (and deleted, unless `onPollError` said otherwise). */
  readonly handled: number;
  /** Messages that failed and were left on the queue. */
  readonly failed: number;
  /** Receive calls made. */
  readonly polls: number;
}

/**
 * Polls the update queue until the signal is aborted, `maxMessages` are
 * done, or after one poll with `once`. Each message is compared
 * ({@linkcode compareUpdate}); those handled are reported, then deleted
 * together with `DeleteMessageBatch` (failed deletes retried once; one that
 * still fails is delivered again, a duplicate); those that fail are
 * left, so SQS delivers them again and, after the queue's maxReceiveCount,
 * moves them to the dead-letter queue.
 *
 * @example Usage
 * ```ts
 * // Needs S3, DynamoDB and SQS: type-checked by `deno task ok`, not run.
 * import { S3Client } from "@aws-sdk/client-s3";
 * import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
 * import { SQSClient } from "@aws-sdk/client-sqs";
 * import { pollUpdates } from "./poll_updates.ts";
 *
 * const [s3, dynamodb, sqs] = [new S3Client({}), new DynamoDBClient({}), new SQSClient({})];
 * const queueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/updated-laptops";
 * const controller = new AbortController();
 * Deno.addSignalListener("SIGINT", () => controller.abort());
 * await pollUpdates({ s3, dynamodb, sqs }, {
 *   queueUrl, tableName: "laptops", bucketName: "laptops", signal: controller.signal,
 *   onHandled: ({ comparison }) => console.log(comparison.uuid),
 * });
 * ```
 *
 * @param ports The clients.
 * @param options Queue, table, bucket, limits and callbacks.
 * @returns How many messages were handled and failed.
 */
export async function pollUpdates(ports: PollPorts, options: PollOptions): Promise<PollResult> {
  const {
    queueUrl,
    tableName,
    bucketName,
    signal,
    maxMessages = Infinity,
    once = false,
    waitTimeSeconds = 20,
    batchSize = 10,
    batchGet = true,
    onHandled = () => {},
    onFailed = () => {},
    onPollError = () => {},
    backoff = (signal) => delay(1_000, { signal, onAbort: "resolve" }),
    tracer = NOOP_TRACER,
  } = options;
  let handled = 0;
  let failed = 0;
  let polls = 0;
  while (!signal?.aborted && handled + failed < maxMessages) {
    const wanted = Math.min(batchSize, maxMessages - handled - failed);
    let messages: Message[];
    const receiveStart = Date.now();
    try {
      polls++;
      const output = await ports.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: wanted,
          WaitTimeSeconds: waitTimeSeconds,
          MessageSystemAttributeNames: ["ApproximateReceiveCount", "AWSTraceHeader"],
        }),
        // The answer of a long poll takes up to its wait, plus transit.
        {
          requestTimeout: (waitTimeSeconds + 10) * 1000,
          ...(signal ? { abortSignal: signal } : {}),
        },
      );
      messages = output.Messages ?? [];
    } catch (error) {
      if (signal?.aborted) break;
      onPollError(asError(error));
      if (once) break;
      await backoff(signal);
      continue;
    }

    // The messages in hand are finished even if the signal is aborted now.
    const spans = messageSpans(tracer, messages, receiveStart);
    const getItem = batchGet
      ? batchItemReader(ports, tableName, messages, tracer, spans)
      : undefined;
    const results = await Promise.all(messages.map(async (message) => {
      const messageId = message.MessageId ?? "";
      const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
      const span = spans.get(message);
      const traceId = span?.context?.traceId;
      const trace = traceId === undefined ? {} : { traceId };
      try {
        const comparison = await compareUpdate(
          message.Body ?? "",
          tracedPorts(ports, tracer, span),
          {
            tableName,
            bucketName,
            ...(getItem ? { getItem } : {}),
          },
        );
        return { message, handled: { messageId, receiveCount, comparison, ...trace } };
      } catch (error) {
        span?.end({ error });
        return { message, failed: { messageId, receiveCount, error: asError(error), ...trace } };
      }
    }));

    // Report, then delete: a process killed in between has shown the
    // message and gets it again, where the other order would lose it.
    for (const result of results) {
      if (result.handled) {
        handled++;
        onHandled(result.handled);
      } else if (result.failed) {
        failed++;
        onFailed(result.failed);
      }
    }
    const handledMessages = results.flatMap((r) => r.handled ? [r.message] : []);
    const deleteStart = Date.now();
    const notDeleted = await deleteMessages(ports.sqs, queueUrl, handledMessages);
    const deleteEnd = Date.now();
    for (const message of handledMessages) {
      const span = spans.get(message);
      const error = notDeleted.get(message.MessageId ?? "");
      tracer.startSpan("SQS DeleteMessageBatch", {
        kind: "client",
        parent: span?.context,
        startMs: deleteStart,
      }).end({ endMs: deleteEnd, ...(error ? { error } : {}) });
      span?.end(error ? { error } : {});
    }
    const byError = new Map<Error, string[]>();
    for (const [id, error] of notDeleted) byError.set(error, [...byError.get(error) ?? [], id]);
    for (const [error, ids] of byError) {
      onPollError(
        new Error(
          `Cannot delete handled message(s) ${ids.join(", ")}: ${error.message}; ` +
            "SQS will deliver them again",
          { cause: error },
        ),
      );
    }
    if (once) break;
  }
  return { handled, failed, polls };
}

/**
 * One span per received message, continuing its `AWSTraceHeader`, from the
 * start of the receive; the receive itself as its first child.
 */
function messageSpans(
  tracer: Tracer,
  messages: readonly Message[],
  receiveStart: number,
): Map<Message, Span> {
  const spans = new Map<Message, Span>();
  if (!tracer.enabled) {
    // No spans: the messages' own contexts, for their trace ids.
    for (const message of messages) {
      spans.set(message, tracer.startSpan("", { parent: traceOf(message) }));
    }
    return spans;
  }
  const receiveEnd = Date.now();
  for (const message of messages) {
    const span = tracer.startSpan("service message", {
      kind: "consumer",
      parent: traceOf(message),
      startMs: receiveStart,
      attributes: { "messaging.message.id": message.MessageId ?? "" },
    });
    tracer.startSpan("SQS ReceiveMessage", {
      kind: "client",
      parent: span.context,
      startMs: receiveStart,
    }).end({ endMs: receiveEnd });
    spans.set(message, span);
  }
  return spans;
}

function traceOf(message: Message) {
  return parseXrayHeader(message.Attributes?.AWSTraceHeader);
}

/** The ports, each call a child span of the message's span. */
function tracedPorts(ports: PollPorts, tracer: Tracer, span: Span | undefined): PollPorts {
  if (!tracer.enabled || span === undefined) return ports;
  const wrap = <C extends { send: (command: never) => Promise<unknown> }>(
    client: C,
    service: string,
  ): C =>
    ({
      send: (command: { constructor: { name: string } }) =>
        traced(
          tracer,
          `${service} ${command.constructor.name.replace(/Command$/, "")}`,
          span.context,
          () => client.send(command as never),
          { kind: "client" },
        ),
    }) as unknown as C;
  return { s3: wrap(ports.s3, "S3"), dynamodb: wrap(ports.dynamodb, "DynamoDB"), sqs: ports.sqs };
}

/** One `BatchGetItem` for the valid keys of a batch, made on first use. */
function batchItemReader(
  ports: PollPorts,
  tableName: string,
  messages: Message[],
  tracer: Tracer,
  spans: Map<Message, Span>,
) {
  let items: Promise<Map<string, Item>> | undefined;
  let start = 0;
  return (uuid: string) => {
    start ||= Date.now();
    items ??= readItems(
      ports.dynamodb,
      tableName,
      messages.flatMap((m) => {
        try {
          return [parsePipelineMessage(m.Body ?? "").dynamodb_key];
        } catch {
          return [];
        }
      }),
    );
    const message = messages.find((m) => m.Body?.includes(uuid));
    const parent = message && spans.get(message)?.context;
    return items.then(
      (found: Map<string, Item>) => {
        if (tracer.enabled) {
          tracer.startSpan("DynamoDB BatchGetItem", { kind: "client", parent, startMs: start })
            .end();
        }
        return found.get(uuid);
      },
      (error: unknown) => {
        if (tracer.enabled) {
          tracer.startSpan("DynamoDB BatchGetItem", { kind: "client", parent, startMs: start })
            .end({ error });
        }
        throw error;
      },
    );
  };
}

async function deleteMessages(
  sqs: Pick<SQSClient, "send">,
  queueUrl: string,
  messages: Message[],
): Promise<Map<string, Error>> {
  const errors = new Map<string, Error>();
  let pending = messages;
  for (let attempt = 1; attempt <= 2 && pending.length > 0; attempt++) {
    const retry: Message[] = [];
    for (let i = 0; i < pending.length; i += 10) {
      const chunk = pending.slice(i, i + 10);
      try {
        const output = await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
        for (const entry of output.Failed ?? []) {
          const message = chunk[Number(entry.Id)];
          if (!message) continue;
          const error = new Error(`${entry.Code}: ${entry.Message ?? ""}`.trimEnd());
          errors.set(message.MessageId ?? "", error);
          if (!entry.SenderFault) retry.push(message);
        }
      } catch (error) {
        for (const message of chunk) {
          errors.set(message.MessageId ?? "", asError(error));
          retry.push(message);
        }
      }
    }
    if (attempt < 2) { for (const message of retry) errors.delete(message.MessageId ?? ""); }
    pending = retry;
  }
  return errors;
}
