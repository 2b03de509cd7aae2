import assert from "node:assert/strict";
import type { AwsService } from "../../local/core/_operation.ts";
import {
  describeCall,
  type ObservedCall,
  queueNameOf,
} from "../../local/dashboard/_call_detail.ts";

const encoder = new TextEncoder();
const UUID = "6f1c2a9e-3b7d-4c2e-9a51-0d8f4b6e2c11";
const QUEUE_URL = "http://127.0.0.1:4566/000000000000/uploaded-laptops";
const BODY = JSON.stringify({ dynamodb_key: UUID, s3_key: "a.json" });

function call(
  service: AwsService,
  operation: string,
  request: unknown,
  answer: unknown = {},
  options: { status?: number; url?: string; headers?: Record<string, string> } = {},
): ObservedCall {
  const text = (value: unknown) => typeof value === "string" ? value : JSON.stringify(value);
  return {
    service,
    operation,
    status: options.status ?? 200,
    inner: {
      method: service === "s3" ? "PUT" : "POST",
      url: options.url ?? "/",
      headers: { host: "127.0.0.1:4566", ...options.headers },
      body: encoder.encode(text(request)),
    },
    answer: { status: options.status ?? 200, headers: {}, body: encoder.encode(text(answer)) },
  };
}

Deno.test("describeCall() reads the keys and message ids of SendMessageBatch", () => {
  const detail = describeCall(
    call("sqs", "SendMessageBatch", {
      QueueUrl: QUEUE_URL,
      Entries: [{ Id: "0", MessageBody: BODY }, { Id: "1", MessageBody: "not json" }],
    }, { Successful: [{ Id: "0", MessageId: "m-0" }, { Id: "1", MessageId: "m-1" }] }),
    "uuid",
  );
  assert.equal(detail.queue, "uploaded-laptops");
  assert.deepEqual(detail.sent, [
    { messageId: "m-0", uuid: UUID, s3Key: "a.json" },
    { messageId: "m-1" },
  ]);
});

Deno.test("describeCall() leaves out the entries a batch send failed", () => {
  const detail = describeCall(
    call("sqs", "SendMessageBatch", {
      QueueUrl: QUEUE_URL,
      Entries: [{ Id: "0", MessageBody: BODY }],
    }, { Successful: [], Failed: [{ Id: "0", Code: "InternalError" }] }),
    "uuid",
  );
  assert.deepEqual(detail.sent, []);
});

Deno.test("describeCall() reads received messages with their receive counts", () => {
  const detail = describeCall(
    call("sqs", "ReceiveMessage", { QueueUrl: QUEUE_URL }, {
      Messages: [{
        MessageId: "m-0",
        ReceiptHandle: "r-0",
        Body: BODY,
        Attributes: { ApproximateReceiveCount: "2" },
      }],
    }),
    "uuid",
  );
  assert.deepEqual(detail.received, [{
    messageId: "m-0",
    receiptHandle: "r-0",
    receiveCount: 2,
    uuid: UUID,
    s3Key: "a.json",
  }]);
});

Deno.test("describeCall() reads the query protocol's form and XML", () => {
  const form = new URLSearchParams({
    Action: "ReceiveMessage",
    QueueUrl: QUEUE_URL,
  }).toString();
  const xml = `<ReceiveMessageResponse><ReceiveMessageResult><Message><MessageId>m-9</MessageId>
    <ReceiptHandle>r-9</ReceiptHandle><Body>${
    BODY.replaceAll('"', "&quot;")
  }</Body><Attribute><Name>ApproximateReceiveCount</Name><Value>3</Value></Attribute>
    </Message></ReceiveMessageResult></ReceiveMessageResponse>`;
  const detail = describeCall(
    call("sqs", "ReceiveMessage", form, xml, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    }),
    "uuid",
  );
  assert.equal(detail.queue, "uploaded-laptops");
  assert.deepEqual(detail.received, [{
    messageId: "m-9",
    receiptHandle: "r-9",
    receiveCount: 3,
    uuid: UUID,
    s3Key: "a.json",
  }]);
});

Deno.test("describeCall() reads the receipt handles a batch delete removed", () => {
  const detail = describeCall(
    call("sqs", "DeleteMessageBatch", {
      QueueUrl: QUEUE_URL,
      Entries: [{ Id: "a", ReceiptHandle: "r-a" }, { Id: "b", ReceiptHandle: "r-b" }],
    }, { Successful: [{ Id: "b" }], Failed: [{ Id: "a" }] }),
    "uuid",
  );
  assert.deepEqual(detail.deleted, ["r-b"]);
});

Deno.test("describeCall() reads put items, minus a batch's unprocessed ones", () => {
  const item = (uuid: string) => ({ uuid: { S: uuid }, year: { N: "2021" } });
  const detail = describeCall(
    call("dynamodb", "BatchWriteItem", {
      RequestItems: {
        laptops: [{ PutRequest: { Item: item("u-1") } }, { PutRequest: { Item: item("u-2") } }],
      },
    }, { UnprocessedItems: { laptops: [{ PutRequest: { Item: item("u-2") } }] } }),
    "uuid",
  );
  assert.equal(detail.table, "laptops");
  assert.deepEqual(detail.uuids, ["u-1", "u-2"]);
  assert.deepEqual(detail.putItems, [{ uuid: "u-1", attributes: { uuid: "u-1", year: "2021" } }]);
});

Deno.test("describeCall() fills an UpdateItem expression's names and values", () => {
  const detail = describeCall(
    call("dynamodb", "UpdateItem", {
      TableName: "laptops",
      Key: { uuid: { S: UUID } },
      UpdateExpression: "SET #timestamp = :now",
      ExpressionAttributeNames: { "#timestamp": "timestamp", "#uuid": "uuid" },
      ExpressionAttributeValues: { ":now": { S: "2026-01-01T00:00:00.000Z" } },
    }),
    "uuid",
  );
  assert.deepEqual(detail.uuids, [UUID]);
  assert.equal(detail.update, "SET timestamp = 2026-01-01T00:00:00.000Z");
});

Deno.test("describeCall() reads the uuid in an uploaded JSON object", () => {
  const detail = describeCall(
    call("s3", "PutObject", { uuid: UUID, model: "X" }, "", { url: "/laptops/a.json" }),
    "uuid",
  );
  assert.equal(detail.bucket, "laptops");
  assert.equal(detail.key, "a.json");
  assert.equal(detail.objectUuid, UUID);
});

Deno.test("describeCall() gives nothing for a body that is not what the protocol says", () => {
  const detail = describeCall(call("sqs", "SendMessage", "{oops", "<nope"), "uuid");
  assert.deepEqual(detail.sent, []);
  assert.equal(detail.queue, undefined);
});

Deno.test("queueNameOf() takes the last part of a queue URL", () => {
  assert.equal(queueNameOf(QUEUE_URL), "uploaded-laptops");
  assert.equal(queueNameOf(`${QUEUE_URL}/`), "uploaded-laptops");
});
