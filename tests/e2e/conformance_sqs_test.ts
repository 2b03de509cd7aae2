/**
 * Conformance of the local AWS's SQS with AWS's documented behaviour: the
 * JSON protocol through the JS SDK, and the query protocol through Debian's
 * AWS CLI 2.9 (`/usr/bin/aws`, installed by .ci/run). Each test names the AWS
 * documentation page it follows. boto3 runs the JSON cases too, in
 * conformance_boto3_test.ts.
 */

import assert from "node:assert/strict";
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import {
  CLI,
  cli,
  cliJson,
  cliTest,
  cliVersion,
  expectError,
  sqsClient,
  startWithClient,
} from "./_conformance.ts";

// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessageBatch.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html
Deno.test("SQS batch errors carry AWS's codes, query codes and messages", async () => {
  await using aws = await startWithClient(sqsClient);
  const sqs = aws.client;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "batches" }));
  await expectError(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [] })), {
    name: "EmptyBatchRequest",
    status: 400,
    code: "AWS.SimpleQueueService.EmptyBatchRequest",
    message: "There should be at least one SendMessageBatchRequestEntry in the request.",
  });
  await expectError(sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: [] })), {
    name: "EmptyBatchRequest",
    message: "There should be at least one DeleteMessageBatchRequestEntry in the request.",
  });
  await expectError(
    sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries: [] })),
    {
      name: "EmptyBatchRequest",
      message:
        "There should be at least one ChangeMessageVisibilityBatchRequestEntry in the request.",
    },
  );
  const eleven = Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: "x" }));
  await expectError(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: eleven })), {
    name: "TooManyEntriesInBatchRequest",
    code: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
    message: "Maximum number of entries per request are 10. You have sent 11.",
  });
  await expectError(
    sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [{ Id: "a", MessageBody: "x" }, { Id: "a", MessageBody: "y" }],
      }),
    ),
    { name: "BatchEntryIdsNotDistinct", message: "Id a repeated." },
  );
  await expectError(
    sqs.send(
      new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: "not ok", MessageBody: "x" }] }),
    ),
    { name: "InvalidBatchEntryId", code: "AWS.SimpleQueueService.InvalidBatchEntryId" },
  );
  const mixed = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl,
      Entries: [{ Id: "ok", MessageBody: "x" }, {
        Id: "late",
        MessageBody: "y",
        DelaySeconds: 901,
      }],
    }),
  );
  assert.deepEqual(mixed.Successful?.map((s) => s.Id), ["ok"]);
  assert.deepEqual(mixed.Failed?.map((f) => [f.Id, f.Code, f.SenderFault]), [[
    "late",
    "InvalidParameterValue",
    true,
  ]]);
  const deletes = await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl,
      Entries: [{ Id: "bad", ReceiptHandle: "not-a-handle" }],
    }),
  );
  assert.equal(deletes.Failed?.[0]?.Code, "ReceiptHandleIsInvalid");
});

// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueUrl.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html
Deno.test("SQS parameter errors and queue URLs on the public endpoint", async () => {
  await using aws = await startWithClient(sqsClient);
  const sqs = aws.client;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "params" }));
  assert.equal(QueueUrl, `${aws.endpoint}/000000000000/params`);
  const listed = await sqs.send(new ListQueuesCommand({}));
  for (const url of listed.QueueUrls ?? []) assert.ok(url.startsWith(`${aws.endpoint}/`), url);
  await expectError(
    sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x", DelaySeconds: 901 })),
    {
      name: "InvalidParameterValue",
      code: "InvalidParameterValue",
      message:
        "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.",
    },
  );
  await expectError(sqs.send(new GetQueueUrlCommand({ QueueName: "missing" })), {
    name: "QueueDoesNotExist",
    status: 400,
    code: "AWS.SimpleQueueService.NonExistentQueue",
    message: "The specified queue does not exist.",
  });
  await expectError(sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: "nope" })), {
    name: "ReceiptHandleIsInvalid",
    message: 'The input receipt handle "nope" is not a valid receipt handle.',
  });
  await expectError(
    sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 11 })),
    { name: "InvalidParameterValue" },
  );
  await expectError(
    sqs.send(new CreateQueueCommand({ QueueName: "params", Attributes: { DelaySeconds: "5" } })),
    { name: "QueueNameExists", code: "QueueAlreadyExists" },
  );
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "emoji 😀" }));
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
  assert.equal(Messages?.[0]?.Body, "emoji 😀");
});

// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListDeadLetterSourceQueues.html
Deno.test("SQS ListDeadLetterSourceQueues names the queues that redrive to a queue", async () => {
  await using aws = await startWithClient(sqsClient);
  const sqs = aws.client;
  const dlq = await sqs.send(new GetQueueUrlCommand({ QueueName: "uploaded-laptops-dlq" }));
  const source = await sqs.send(new GetQueueUrlCommand({ QueueName: "uploaded-laptops" }));
  const { queueUrls } = await sqs.send(
    new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.QueueUrl }),
  );
  assert.deepEqual(queueUrls, [source.QueueUrl]);
});

// ── the query protocol, with Debian's AWS CLI 2.9 ───────────────────────────

const version = cliVersion();
if (version === undefined) {
  console.warn(
    `SKIPPED: SQS query-protocol conformance needs Debian's awscli at ${CLI} (apt-get install awscli)`,
  );
}

// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-xml-api-responses.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
cliTest("SQS query protocol serves every call of a queue's life to the AWS CLI 2.9", async (e) => {
  // The CLI really speaks the query protocol: its request is form-encoded.
  const listed = await cli(e, "--debug", "sqs", "list-queues");
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stderr, /application\/x-www-form-urlencoded/);
  assert.match(listed.stderr, /'body': \{'Action': 'ListQueues', 'Version': '2012-11-05'\}/);
  for (const url of JSON.parse(listed.stdout).QueueUrls) assert.ok(url.startsWith(`${e}/`));

  const created = await cliJson(
    e,
    "sqs",
    "create-queue",
    "--queue-name",
    "cli-queue",
    "--attributes",
    "VisibilityTimeout=40,DelaySeconds=0",
    "--tags",
    "team=pipeline",
  );
  const url = `${e}/000000000000/cli-queue`;
  assert.equal(created.QueueUrl, url);
  assert.deepEqual(await cliJson(e, "sqs", "get-queue-url", "--queue-name", "cli-queue"), {
    QueueUrl: url,
  });
  const attributes = await cliJson(
    e,
    "sqs",
    "get-queue-attributes",
    "--queue-url",
    url,
    "--attribute-names",
    "All",
  );
  assert.equal((attributes.Attributes as Record<string, string>).VisibilityTimeout, "40");
  assert.deepEqual(await cliJson(e, "sqs", "list-queue-tags", "--queue-url", url), {
    Tags: { team: "pipeline" },
  });

  const sent = await cliJson(
    e,
    "sqs",
    "send-message",
    "--queue-url",
    url,
    "--message-body",
    "hello 😀",
    "--message-attributes",
    '{"n":{"DataType":"Number","StringValue":"5"},"b":{"DataType":"Binary","BinaryValue":"AQI="}}',
  );
  assert.equal(sent.MD5OfMessageBody, await md5("hello 😀"));
  const batch = await cliJson(
    e,
    "sqs",
    "send-message-batch",
    "--queue-url",
    url,
    "--entries",
    "Id=a,MessageBody=one",
    "Id=b,MessageBody=two",
  );
  assert.deepEqual((batch.Successful as { Id: string }[]).map((s) => s.Id), ["a", "b"]);
  const received = await cliJson(
    e,
    "sqs",
    "receive-message",
    "--queue-url",
    url,
    "--max-number-of-messages",
    "10",
    "--attribute-names",
    "All",
    "--message-attribute-names",
    "All",
  );
  const messages = received.Messages as {
    Body: string;
    ReceiptHandle: string;
    Attributes: Record<string, string>;
    MessageAttributes?: Record<string, { StringValue?: string; BinaryValue?: string }>;
  }[];
  assert.deepEqual(messages.map((m) => m.Body).sort(), ["hello 😀", "one", "two"]);
  const hello = messages.find((m) => m.Body === "hello 😀");
  assert.equal(hello?.MessageAttributes?.n?.StringValue, "5");
  assert.equal(hello?.MessageAttributes?.b?.BinaryValue, "AQI=");
  assert.equal(hello?.Attributes.ApproximateReceiveCount, "1");
  const deleted = await cliJson(
    e,
    "sqs",
    "delete-message-batch",
    "--queue-url",
    url,
    "--entries",
    ...messages.map((m, i) => `Id=m${i},ReceiptHandle=${m.ReceiptHandle}`),
  );
  assert.equal((deleted.Successful as unknown[]).length, 3);
  await cliJson(e, "sqs", "purge-queue", "--queue-url", url);
  await cliJson(e, "sqs", "delete-queue", "--queue-url", url);
});

// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-xml-api-responses.html (ErrorResponse)
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html
cliTest(
  "SQS query protocol returns AWS's error codes and messages to the AWS CLI 2.9",
  async (e) => {
    const url = `${e}/000000000000/updated-laptops`;
    const cases: [string[], string][] = [
      [
        ["send-message-batch", "--queue-url", url, "--entries", "[]"],
        "An error occurred (AWS.SimpleQueueService.EmptyBatchRequest) when calling the SendMessageBatch operation: There should be at least one SendMessageBatchRequestEntry in the request.",
      ],
      [
        ["delete-message-batch", "--queue-url", url, "--entries", "[]"],
        "An error occurred (AWS.SimpleQueueService.EmptyBatchRequest) when calling the DeleteMessageBatch operation: There should be at least one DeleteMessageBatchRequestEntry in the request.",
      ],
      [
        ["send-message", "--queue-url", url, "--message-body", "x", "--delay-seconds", "901"],
        "An error occurred (InvalidParameterValue) when calling the SendMessage operation: Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.",
      ],
      [
        ["get-queue-url", "--queue-name", "missing"],
        "An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the GetQueueUrl operation: The specified queue does not exist.",
      ],
      [
        ["delete-message", "--queue-url", url, "--receipt-handle", "fake"],
        'An error occurred (ReceiptHandleIsInvalid) when calling the DeleteMessage operation: The input receipt handle "fake" is not a valid receipt handle.',
      ],
    ];
    for (const [args, expected] of cases) {
      const result = await cli(e, "sqs", ...args);
      assert.notEqual(result.code, 0, args.join(" "));
      assert.equal(result.stderr.trim(), expected);
    }
    const sources = await cliJson(
      e,
      "sqs",
      "list-dead-letter-source-queues",
      "--queue-url",
      `${e}/000000000000/updated-laptops-dlq`,
    );
    assert.deepEqual(sources.queueUrls, [url]);
  },
);

async function md5(text: string): Promise<string> {
  const { createHash } = await import("node:crypto");
  return createHash("md5").update(text).digest("hex");
}
