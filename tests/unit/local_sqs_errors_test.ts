import assert from "node:assert/strict";
import {
  awsError,
  checkRequest,
  errorStatus,
  INVALID_BODY_CHARACTER,
  jsonCode,
  queryCode,
} from "../../local/sqs/_errors.ts";

// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html

Deno.test("queryCode() and jsonCode() map AWS's two spellings of a code", () => {
  assert.equal(queryCode("QueueDoesNotExist"), "AWS.SimpleQueueService.NonExistentQueue");
  assert.equal(queryCode("QueueNameExists"), "QueueAlreadyExists");
  assert.equal(queryCode("InvalidParameterValue"), "InvalidParameterValue");
  assert.equal(jsonCode("com.amazonaws.sqs#QueueDoesNotExist"), "QueueDoesNotExist");
  assert.equal(jsonCode("AWS.SimpleQueueService.NonExistentQueue"), "QueueDoesNotExist");
  assert.equal(jsonCode("AWS.SimpleQueueService.EmptyBatchRequest"), "EmptyBatchRequest");
  assert.equal(errorStatus({ code: "PurgeQueueInProgress", message: "" }), 403);
});

// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html

Deno.test("checkRequest() refuses empty, oversized and ill-named batches in AWS's words", () => {
  assert.deepEqual(checkRequest("SendMessageBatch", { Entries: [] }).error, {
    code: "EmptyBatchRequest",
    message: "There should be at least one SendMessageBatchRequestEntry in the request.",
  });
  assert.equal(
    checkRequest("DeleteMessageBatch", {}).error?.message,
    "There should be at least one DeleteMessageBatchRequestEntry in the request.",
  );
  const eleven = Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: "x" }));
  assert.equal(
    checkRequest("SendMessageBatch", { Entries: eleven }).error?.message,
    "Maximum number of entries per request are 10. You have sent 11.",
  );
  assert.equal(
    checkRequest("SendMessageBatch", {
      Entries: [{ Id: "a", MessageBody: "x" }, { Id: "a", MessageBody: "y" }],
    }).error?.code,
    "BatchEntryIdsNotDistinct",
  );
  assert.equal(
    checkRequest("SendMessageBatch", { Entries: [{ Id: "a".repeat(81), MessageBody: "x" }] })
      .error?.code,
    "InvalidBatchEntryId",
  );
  assert.equal(
    checkRequest("SendMessageBatch", {
      Entries: [{ Id: "a", MessageBody: "x".repeat(600_000) }, {
        Id: "b",
        MessageBody: "x".repeat(600_000),
      }],
    }).error?.code,
    "BatchRequestTooLong",
  );
});

Deno.test("checkRequest() fails batch entries on their own for a bad delay or receipt handle", () => {
  const check = checkRequest("SendMessageBatch", {
    Entries: [{ Id: "ok", MessageBody: "x" }, { Id: "late", MessageBody: "x", DelaySeconds: 901 }],
  });
  assert.equal(check.error, undefined);
  assert.deepEqual(check.failed?.map((f) => [f.Id, f.Code]), [["late", "InvalidParameterValue"]]);
  const deletes = checkRequest("DeleteMessageBatch", {
    Entries: [{ Id: "a", ReceiptHandle: "garbage" }],
  });
  assert.equal(deletes.failed?.[0]?.Code, "ReceiptHandleIsInvalid");
});

// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html

Deno.test("checkRequest() refuses an out-of-range DelaySeconds and bad message attributes", () => {
  assert.deepEqual(checkRequest("SendMessage", { MessageBody: "x", DelaySeconds: 901 }).error, {
    code: "InvalidParameterValue",
    message:
      "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.",
  });
  assert.equal(checkRequest("SendMessage", { MessageBody: "" }).error?.code, "MissingParameter");
  assert.equal(
    checkRequest("SendMessage", {
      MessageBody: "x",
      MessageAttributes: { a: { DataType: "Number", StringValue: "x" } },
    }).error?.code,
    "InvalidParameterValue",
  );
  assert.equal(
    checkRequest("SendMessage", {
      MessageBody: "x",
      MessageAttributes: { a: { DataType: "String", StringValue: "v" } },
    }).error,
    undefined,
  );
});

Deno.test("checkRequest() checks receive limits, receipt handles and attribute names", () => {
  assert.match(
    checkRequest("ReceiveMessage", { MaxNumberOfMessages: 11 }).error?.message ?? "",
    /^Value 11 for parameter MaxNumberOfMessages is invalid/,
  );
  assert.equal(
    checkRequest("DeleteMessage", { ReceiptHandle: "nope" }).error?.message,
    'The input receipt handle "nope" is not a valid receipt handle.',
  );
  assert.equal(
    checkRequest("GetQueueAttributes", { AttributeNames: ["Bogus"] }).error?.message,
    "Unknown Attribute Bogus.",
  );
  assert.equal(
    checkRequest("CreateQueue", { QueueName: "bad name" }).error?.code,
    "InvalidParameterValue",
  );
});

Deno.test("INVALID_BODY_CHARACTER allows emoji and refuses control characters", () => {
  assert.ok(!INVALID_BODY_CHARACTER.test("hi 😀\n\t"));
  assert.ok(INVALID_BODY_CHARACTER.test("a\u0000b"));
  assert.ok(INVALID_BODY_CHARACTER.test("\uFFFF"));
});

Deno.test("awsError() puts fauxqs's errors in AWS's words", () => {
  assert.deepEqual(
    awsError({
      code: "com.amazonaws.sqs#InvalidAttributeValue",
      message:
        "Invalid value for the parameter VisibilityTimeout. Reason: Must be between 0 and 43200.",
    }),
    {
      code: "InvalidAttributeValue",
      message: "Invalid value for the parameter VisibilityTimeout.",
    },
  );
});
