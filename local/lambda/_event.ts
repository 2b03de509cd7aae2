/**
 * Builds the `SQSEvent` that Lambda's SQS event source mapping hands to a
 * function, from messages as `ReceiveMessage` returns them. Pure: no I/O.
 *
 * @module
 */

import { createHash } from "node:crypto";

/** A message attribute as SQS returns it (the AWS SDK's shape). */
export interface ReceivedMessageAttribute {
  /** `String`, `Number`, `Binary`, optionally with a `.custom` suffix. */
  readonly DataType?: string | undefined;
  /** Value of a `String` or `Number` attribute. */
  readonly StringValue?: string | undefined;
  /** Value of a `Binary` attribute. */
  readonly BinaryValue?: Uint8Array | undefined;
  /** Reserved by SQS. */
  readonly StringListValues?: readonly string[] | undefined;
  /** Reserved by SQS. */
  readonly BinaryListValues?: readonly Uint8Array[] | undefined;
}

/** A message as `ReceiveMessage` returns it (the AWS SDK's shape). */
export interface ReceivedMessage {
  /** Message id. */
  readonly MessageId?: string | undefined;
  /** Receipt handle of this receive. */
  readonly ReceiptHandle?: string | undefined;
  /** MD5 of the body, hex. */
  readonly MD5OfBody?: string | undefined;
  /** Body. */
  readonly Body?: string | undefined;
  /** System attributes (`ApproximateReceiveCount`, `SentTimestamp`, ...). */
  readonly Attributes?: Readonly<Record<string, string | undefined>> | undefined;
  /** Message attributes. */
  readonly MessageAttributes?: Readonly<Record<string, ReceivedMessageAttribute>> | undefined;
}

/** A message attribute in Lambda's event shape. */
export interface SqsRecordMessageAttribute {
  /** Value of a `String` or `Number` attribute. */
  stringValue?: string;
  /** Value of a `Binary` attribute, base64. */
  binaryValue?: string;
  /** Reserved, always present. */
  stringListValues: string[];
  /** Reserved, always present. */
  binaryListValues: string[];
  /** Data type. */
  dataType: string;
}

/** System attributes of a record, as strings, in Lambda's order. */
export interface SqsRecordAttributes {
  /** X-Ray trace header, when the message carries one. */
  AWSTraceHeader?: string;
  /** Times the message was received, this receive included. */
  ApproximateReceiveCount: string;
  /** Epoch milliseconds when the queue accepted the message. */
  SentTimestamp: string;
  /** Who sent it. */
  SenderId: string;
  /** Epoch milliseconds of the first receive. */
  ApproximateFirstReceiveTimestamp: string;
  /** Any other attribute the queue returned (FIFO: `SequenceNumber`, ...). */
  [name: string]: string | undefined;
}

/** One record of an `SQSEvent`, in AWS's exact shape. */
export interface SqsRecord {
  /** Message id. */
  messageId: string;
  /** Receipt handle of this receive. */
  receiptHandle: string;
  /** Body. */
  body: string;
  /** System attributes. */
  attributes: SqsRecordAttributes;
  /** Message attributes, in Lambda's lower-case shape. */
  messageAttributes: Record<string, SqsRecordMessageAttribute>;
  /** MD5 of the body, hex. */
  md5OfBody: string;
  /** Always `aws:sqs`. */
  eventSource: "aws:sqs";
  /** ARN of the queue. */
  eventSourceARN: string;
  /** Region of the queue. */
  awsRegion: string;
}

/** The event an SQS event source mapping invokes a function with. */
export interface SqsEvent {
  /** The batch. */
  Records: SqsRecord[];
}

/** Where the records come from. */
export interface RecordSource {
  /** ARN of the queue. */
  readonly queueArn: string;
  /** Region of the queue. */
  readonly region: string;
}

/** The four system attributes every record carries, in the order AWS writes them. */
const STANDARD_ATTRIBUTES = [
  "ApproximateReceiveCount",
  "SentTimestamp",
  "SenderId",
  "ApproximateFirstReceiveTimestamp",
] as const;

/**
 * Converts one received message to a record of Lambda's `SQSEvent`.
 *
 * Throws a `TypeError` when the message lacks an id, a receipt handle or a
 * body. Attributes an emulator leaves out are filled in: `SenderId` with the
 * queue's account, `ApproximateFirstReceiveTimestamp` with `SentTimestamp`,
 * and `md5OfBody` is computed when missing.
 */
export function toSqsRecord(message: ReceivedMessage, source: RecordSource): SqsRecord {
  const { MessageId: messageId, ReceiptHandle: receiptHandle, Body: body } = message;
  if (messageId === undefined || receiptHandle === undefined || body === undefined) {
    throw new TypeError(
      `Cannot build SQS record: message ${
        messageId ?? "(no id)"
      } lacks an id, receipt handle or body`,
    );
  }
  const received = message.Attributes ?? {};
  const sent = received.SentTimestamp ?? String(Date.now());
  const attributes: SqsRecordAttributes = {
    ...(received.AWSTraceHeader === undefined ? {} : { AWSTraceHeader: received.AWSTraceHeader }),
    ApproximateReceiveCount: received.ApproximateReceiveCount ?? "1",
    SentTimestamp: sent,
    SenderId: received.SenderId ?? accountOf(source.queueArn),
    ApproximateFirstReceiveTimestamp: received.ApproximateFirstReceiveTimestamp ?? sent,
  };
  for (const [name, value] of Object.entries(received)) {
    if (value === undefined || name === "AWSTraceHeader") continue;
    if ((STANDARD_ATTRIBUTES as readonly string[]).includes(name)) continue;
    attributes[name] = value;
  }
  return {
    messageId,
    receiptHandle,
    body,
    attributes,
    messageAttributes: toRecordMessageAttributes(message.MessageAttributes ?? {}),
    md5OfBody: message.MD5OfBody ?? createHash("md5").update(body, "utf8").digest("hex"),
    eventSource: "aws:sqs",
    eventSourceARN: source.queueArn,
    awsRegion: source.region,
  };
}

/** Converts SQS's message attributes to Lambda's lower-case shape. */
export function toRecordMessageAttributes(
  attributes: Readonly<Record<string, ReceivedMessageAttribute>>,
): Record<string, SqsRecordMessageAttribute> {
  const converted: Record<string, SqsRecordMessageAttribute> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    converted[name] = {
      ...(attribute.StringValue === undefined ? {} : { stringValue: attribute.StringValue }),
      ...(attribute.BinaryValue === undefined
        ? {}
        : { binaryValue: toBase64(attribute.BinaryValue) }),
      stringListValues: [...(attribute.StringListValues ?? [])],
      binaryListValues: (attribute.BinaryListValues ?? []).map(toBase64),
      dataType: attribute.DataType ?? "String",
    };
  }
  return converted;
}

/** Size in bytes of a record once serialized into an event. */
export function recordPayloadBytes(record: SqsRecord): number {
  return new TextEncoder().encode(JSON.stringify(record)).byteLength;
}

/** Size in bytes of `{"Records":[]}`, the event around the records. */
export const EVENT_ENVELOPE_BYTES = '{"Records":[]}'.length;

/**
 * Size in bytes of an event made of records of the given sizes: the envelope,
 * the records and the commas between them.
 */
export function eventPayloadBytes(recordSizes: readonly number[]): number {
  const records = recordSizes.reduce((sum, size) => sum + size, 0);
  return EVENT_ENVELOPE_BYTES + records + Math.max(0, recordSizes.length - 1);
}

/** The 12-digit account of an ARN, or `000000000000` when it has none. */
export function accountOf(arn: string): string {
  return arn.split(":")[4] || "000000000000";
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
