/**
 * The Lambda's pipeline step: for every SQS record of a batch, update the
 * item's timestamp and forward the same keys to the update queue, reporting
 * the records that failed as a partial batch response.
 *
 * @module
 */

import { type DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { asError } from "./as_error.ts";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSRecord } from "aws-lambda";
import { formatPipelineMessage, parsePipelineMessage, type PipelineMessage } from "./message.ts";
import { sendMessages } from "./send_messages.ts";
import { formatXrayHeader, parseXrayHeader } from "./trace_context.ts";
import { NOOP_TRACER, type Span, traced, type Tracer } from "./tracer.ts";

export type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

/** The clients the Lambda uses. */
export interface UpdatePorts {
  /** DynamoDB client. */
  readonly dynamodb: Pick<DynamoDBClient, "send">;
  /** SQS client. */
  readonly sqs: Pick<SQSClient, "send">;
}

/** How one record ended. */
export interface RecordOutcome {
  /** The record's SQS message id. */
  readonly messageId: string;
  /** Whether it was updated and forwarded. */
  readonly ok: boolean;
  /** Why not, when it failed. */
  readonly error?: Error;
}

/** Options of {@linkcode processUploadRecords}. */
export interface ProcessUploadOptions {
  /** DynamoDB table. */
  readonly tableName: string;
  /** Gives the update queue's URL (resolved once per container). */
  readonly updateQueueUrl: () => Promise<string>;
  /** Current time, for the new timestamp. Defaults to `new Date()`. */
  readonly now?: () => Date;
  /** Records updated at once. Defaults to 10. */
  readonly concurrency?: number;
  /** Called once per record with its outcome (for logs). */
  readonly onRecord?: (outcome: RecordOutcome) => void;
  /**
   * Records a span for the batch and one per record, continuing the trace of
   * its `AWSTraceHeader` (linked to the batch's), with the `UpdateItem` and
   * the forward as children; the forward's span goes with the forwarded
   * message as its `AWSTraceHeader`. Defaults to {@linkcode NOOP_TRACER},
   * which forwards each record's header as it came.
   */
  readonly tracer?: Tracer;
  /** `faas.name` of the spans. Defaults to `update_item`. */
  readonly functionName?: string;
}

/**
 * Processes a batch of upload-queue records. Each record's body is parsed
 * and validated; its item gets `SET #timestamp = :now` on condition that it
 * exists; then the keys of all updated records are forwarded to the update
 * queue, ten per `SendMessageBatch`. A record that fails at any step (bad
 * body, missing item, send failed) is returned in `batchItemFailures` and
 * does not affect the others.
 *
 * Idempotent enough for at-least-once delivery: handling a record twice sets
 * the timestamp again (to a newer time) and forwards the keys again; the
 * service only reads, so a duplicate costs a second comparison, nothing more.
 *
 * @example Usage
 * ```ts
 * // Needs DynamoDB and SQS: type-checked by `deno task ok`, not run.
 * import type { SQSEvent } from "aws-lambda";
 * import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
 * import { SQSClient } from "@aws-sdk/client-sqs";
 * import { createQueueUrlResolver } from "./queue_urls.ts";
 * import { processUploadRecords } from "./update_items.ts";
 *
 * const [dynamodb, sqs] = [new DynamoDBClient({}), new SQSClient({})];
 * const queueUrl = createQueueUrlResolver(sqs);
 * const event: SQSEvent = { Records: [] }; // what the event source mapping hands the handler
 * const response = await processUploadRecords(event.Records, { dynamodb, sqs }, {
 *   tableName: "laptops",
 *   updateQueueUrl: () => queueUrl("updated-laptops"),
 * });
 * ```
 *
 * @param records The batch's records.
 * @param ports The clients.
 * @param options Table, queue and clock.
 * @returns The ids of the records that failed.
 */
export async function processUploadRecords(
  records: readonly SQSRecord[],
  ports: UpdatePorts,
  options: ProcessUploadOptions,
): Promise<SQSBatchResponse> {
  const {
    tableName,
    updateQueueUrl,
    now = () => new Date(),
    concurrency = 10,
    onRecord,
    tracer = NOOP_TRACER,
  } = options;
  const failures = new Map<string, Error>();
  const updated: { record: SQSRecord; message: PipelineMessage }[] = [];
  const attributes = { "faas.name": options.functionName ?? "update_item" };
  const batch = tracer.startSpan("update_item batch", {
    kind: "consumer",
    attributes: { ...attributes, "messaging.batch.message_count": records.length },
  });
  const spans = new Map<string, Span>();
  for (const record of records) {
    spans.set(
      record.messageId,
      tracer.startSpan("update_item record", {
        kind: "consumer",
        parent: parseXrayHeader(record.attributes?.AWSTraceHeader),
        attributes: { ...attributes, "messaging.message.id": record.messageId },
        ...(batch.context ? { links: [batch.context] } : {}),
      }),
    );
  }

  let next = 0;
  const worker = async () => {
    for (let record = records[next++]; record !== undefined; record = records[next++]) {
      try {
        const message = parsePipelineMessage(record.body);
        await traced(
          tracer,
          "DynamoDB UpdateItem",
          spans.get(record.messageId)?.context,
          () => updateTimestamp(ports.dynamodb, tableName, message.dynamodb_key, now()),
          { kind: "client" },
        );
        updated.push({ record, message });
      } catch (error) {
        failures.set(record.messageId, asError(error));
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, records.length)) }, worker),
  );

  if (updated.length > 0) {
    let queueUrl: string | undefined;
    try {
      queueUrl = await updateQueueUrl();
    } catch (error) {
      for (const { record } of updated) failures.set(record.messageId, asError(error));
    }
    if (queueUrl !== undefined) {
      const forwards = updated.map(({ record }) =>
        tracer.startSpan("SQS SendMessageBatch", {
          kind: "producer",
          parent: spans.get(record.messageId)?.context,
        })
      );
      const { failed } = await sendMessages(
        ports.sqs,
        queueUrl,
        updated.map(({ message }, i) => {
          // The service's span continues from the forward's.
          const context = forwards[i]?.context;
          return {
            id: String(i),
            body: formatPipelineMessage(message),
            ...(context ? { traceHeader: formatXrayHeader(context) } : {}),
          };
        }),
      );
      updated.forEach(({ record }, i) => {
        const error = failed.get(String(i));
        if (error) failures.set(record.messageId, error);
        forwards[i]?.end(error ? { error } : {});
      });
    }
  }

  for (const record of records) {
    const error = failures.get(record.messageId);
    spans.get(record.messageId)?.end(error ? { error } : {});
    onRecord?.(
      error ? { messageId: record.messageId, ok: false, error } : {
        messageId: record.messageId,
        ok: true,
      },
    );
  }
  batch.end(
    failures.size > 0 ? { error: `${failures.size} of ${records.length} records failed` } : {},
  );
  return {
    batchItemFailures: records
      .filter((record) => failures.has(record.messageId))
      .map((record) => ({ itemIdentifier: record.messageId })),
  };
}

async function updateTimestamp(
  dynamodb: Pick<DynamoDBClient, "send">,
  tableName: string,
  uuid: string,
  now: Date,
): Promise<void> {
  try {
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { uuid: { S: uuid } },
        UpdateExpression: "SET #timestamp = :now",
        ConditionExpression: "attribute_exists(#uuid)",
        ExpressionAttributeNames: { "#uuid": "uuid", "#timestamp": "timestamp" },
        ExpressionAttributeValues: { ":now": { S: now.toISOString() } },
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name === "ConditionalCheckFailedException") {
      throw new Error(`Cannot update item ${uuid}: no such item in table ${tableName}`, {
        cause: error,
      });
    }
    throw error;
  }
}
