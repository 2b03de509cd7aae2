/**
 * SQS records and events as Lambda's event source mapping hands them to a
 * handler, and the order of their keys that AWS documents.
 *
 * @module
 */

import type { SQSEvent, SQSRecord } from "aws-lambda";

/** The keys of an SQS record, in AWS's order. */
export const SQS_RECORD_KEYS: readonly string[] = [
  "messageId",
  "receiptHandle",
  "body",
  "attributes",
  "messageAttributes",
  "md5OfBody",
  "eventSource",
  "eventSourceARN",
  "awsRegion",
];

/** The first keys of an SQS record's `attributes`, in AWS's order. */
export const SQS_RECORD_ATTRIBUTE_KEYS: readonly string[] = [
  "ApproximateReceiveCount",
  "SentTimestamp",
  "SenderId",
  "ApproximateFirstReceiveTimestamp",
];

/** Builds an SQS record of the upload queue, received once, as the event source mapping delivers it. */
export function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "1764091200000",
      SenderId: "000000000000",
      ApproximateFirstReceiveTimestamp: "1764091200001",
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:uploaded-laptops",
    awsRegion: "us-east-1",
  };
}

/** Builds the event of a batch of records. */
export function sqsEvent(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}
