import assert from "node:assert/strict";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import {
  accountOf,
  EVENT_ENVELOPE_BYTES,
  eventPayloadBytes,
  type ReceivedMessage,
  recordPayloadBytes,
  type SqsEvent,
  toRecordMessageAttributes,
  toSqsRecord,
} from "../../local/lambda/_event.ts";
import { SQS_RECORD_ATTRIBUTE_KEYS, SQS_RECORD_KEYS } from "../_helpers/sqs_events.ts";

const SOURCE = {
  queueArn: "arn:aws:sqs:eu-west-1:000000000000:uploaded-laptops",
  region: "eu-west-1",
};

function message(overrides: Partial<ReceivedMessage> = {}): ReceivedMessage {
  return {
    MessageId: "059f36b4-87a3-44ab-83d2-661975830a7d",
    ReceiptHandle: "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
    MD5OfBody: "e4e68fb7bd0e697a0ae8f1bb342846b3",
    Body: "test",
    Attributes: {
      SenderId: "AIDAIENQZJOLO23YVJ4VO",
      ApproximateFirstReceiveTimestamp: "1545082649185",
      ApproximateReceiveCount: "1",
      SentTimestamp: "1545082649183",
    },
    MessageAttributes: {},
    ...overrides,
  };
}

Deno.test("toSqsRecord() builds AWS's record shape, keys in AWS's order", () => {
  const record = toSqsRecord(message(), SOURCE);
  assert.deepEqual(record, {
    messageId: "059f36b4-87a3-44ab-83d2-661975830a7d",
    receiptHandle: "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
    body: "test",
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "1545082649183",
      SenderId: "AIDAIENQZJOLO23YVJ4VO",
      ApproximateFirstReceiveTimestamp: "1545082649185",
    },
    messageAttributes: {},
    md5OfBody: "e4e68fb7bd0e697a0ae8f1bb342846b3",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:eu-west-1:000000000000:uploaded-laptops",
    awsRegion: "eu-west-1",
  });
  assert.deepEqual(Object.keys(record), SQS_RECORD_KEYS);
  assert.deepEqual(Object.keys(record.attributes), SQS_RECORD_ATTRIBUTE_KEYS);
});

Deno.test("toSqsRecord() output type-checks as @types/aws-lambda's SQSRecord and SQSEvent", () => {
  const record: SQSRecord = toSqsRecord(message(), SOURCE);
  const event: SqsEvent = { Records: [toSqsRecord(message(), SOURCE)] };
  const typed: SQSEvent = event;
  assert.equal(typed.Records[0]?.messageId, record.messageId);
});

Deno.test("toSqsRecord() keeps AWSTraceHeader first and FIFO attributes after the standard four", () => {
  const record = toSqsRecord(
    message({
      Attributes: {
        MessageGroupId: "g1",
        SequenceNumber: "18849496460467696128",
        AWSTraceHeader: "Root=1-5759e988-bd862e3fe1be46a994272793",
        ApproximateReceiveCount: "2",
        SentTimestamp: "1",
        SenderId: "S",
        ApproximateFirstReceiveTimestamp: "2",
        MessageDeduplicationId: "d1",
      },
    }),
    SOURCE,
  );
  assert.deepEqual(Object.keys(record.attributes), [
    "AWSTraceHeader",
    "ApproximateReceiveCount",
    "SentTimestamp",
    "SenderId",
    "ApproximateFirstReceiveTimestamp",
    "MessageGroupId",
    "SequenceNumber",
    "MessageDeduplicationId",
  ]);
});

Deno.test("toSqsRecord() fills attributes and md5OfBody an emulator leaves out", () => {
  const record = toSqsRecord(
    message({ MD5OfBody: undefined, Attributes: { SentTimestamp: "1700000000000" } }),
    SOURCE,
  );
  assert.equal(record.md5OfBody, "098f6bcd4621d373cade4e832627b4f6");
  assert.deepEqual(record.attributes, {
    ApproximateReceiveCount: "1",
    SentTimestamp: "1700000000000",
    SenderId: "000000000000",
    ApproximateFirstReceiveTimestamp: "1700000000000",
  });
});

Deno.test("toSqsRecord() rejects a message without a receipt handle", () => {
  assert.throws(
    () => toSqsRecord(message({ ReceiptHandle: undefined }), SOURCE),
    new TypeError(
      "Cannot build SQS record: message 059f36b4-87a3-44ab-83d2-661975830a7d lacks an id, receipt handle or body",
    ),
  );
});

Deno.test("toRecordMessageAttributes() converts to Lambda's lower-case shape", () => {
  assert.deepEqual(
    toRecordMessageAttributes({
      kind: { DataType: "String", StringValue: "laptop" },
      price: { DataType: "Number.float", StringValue: "9.5" },
      raw: { DataType: "Binary", BinaryValue: new Uint8Array([0, 255, 16]) },
    }),
    {
      kind: {
        stringValue: "laptop",
        stringListValues: [],
        binaryListValues: [],
        dataType: "String",
      },
      price: {
        stringValue: "9.5",
        stringListValues: [],
        binaryListValues: [],
        dataType: "Number.float",
      },
      raw: { binaryValue: "AP8Q", stringListValues: [], binaryListValues: [], dataType: "Binary" },
    },
  );
});

Deno.test("eventPayloadBytes() counts the envelope, the records and the commas", () => {
  const record = toSqsRecord(message({ Body: "é" }), SOURCE);
  const size = recordPayloadBytes(record);
  assert.equal(size, new TextEncoder().encode(JSON.stringify(record)).byteLength);
  assert.equal(
    eventPayloadBytes([size, size]),
    new TextEncoder().encode(JSON.stringify({ Records: [record, record] })).byteLength,
  );
  assert.equal(eventPayloadBytes([]), EVENT_ENVELOPE_BYTES);
});

Deno.test("accountOf() reads the account of an ARN", () => {
  assert.equal(accountOf("arn:aws:sqs:us-east-1:123456789012:q"), "123456789012");
  assert.equal(accountOf("not-an-arn"), "000000000000");
});
