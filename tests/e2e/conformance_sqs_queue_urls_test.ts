/**
 * Conformance of the local AWS's SQS with AWS for queue URLs: every action
 * that takes a `QueueUrl` fails as AWS documents for a queue that does not
 * exist, whichever URL form the client sends (the local endpoint's,
 * `https://sqs.<region>.amazonaws.com/…`, the legacy
 * `https://queue.amazonaws.com/…`), in the JSON protocol (JS SDK) and the
 * query protocol (Debian's AWS CLI 2.9); and the same forms all find a queue
 * that exists, in the region the request is signed for. boto3 runs the JSON
 * cases too (tests/conformance/boto3_sqs.py).
 *
 * Pages: each action's page of the SQS API reference lists `QueueDoesNotExist`
 * ("Ensure that the QueueUrl is correct and that the queue has not been
 * deleted", HTTP 400); CommonErrors.html; knowledge-center
 * sqs-queuedoesnotexist-errors ("The SDK and AWS CLI don't get the destination
 * Region from the queue URL").
 */

import assert from "node:assert/strict";
import {
  AddPermissionCommand,
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  RemovePermissionCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
  TagQueueCommand,
  UntagQueueCommand,
} from "@aws-sdk/client-sqs";
import { startLocalAws } from "../../local/local_aws.ts";
import { cli, cliIn, cliTest, expectError, sqsClient, startWithClient } from "./_conformance.ts";

const HANDLE = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

/** Each action that takes a QueueUrl: its call through the JS SDK and through the CLI. */
const ACTIONS: readonly {
  readonly action: string;
  readonly sdk: (sqs: SQSClient, QueueUrl: string) => Promise<unknown>;
  readonly cli: readonly string[];
}[] = [
  {
    action: "AddPermission",
    sdk: (sqs, QueueUrl) =>
      sqs.send(
        new AddPermissionCommand({
          QueueUrl,
          Label: "l",
          AWSAccountIds: ["111122223333"],
          Actions: ["SendMessage"],
        }),
      ),
    cli: [
      "add-permission",
      "--label",
      "l",
      "--aws-account-ids",
      "111122223333",
      "--actions",
      "SendMessage",
    ],
  },
  {
    action: "ChangeMessageVisibility",
    sdk: (sqs, QueueUrl) =>
      sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl,
          ReceiptHandle: HANDLE,
          VisibilityTimeout: 9,
        }),
      ),
    cli: ["change-message-visibility", "--receipt-handle", HANDLE, "--visibility-timeout", "9"],
  },
  {
    action: "ChangeMessageVisibilityBatch",
    sdk: (sqs, QueueUrl) =>
      sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl,
          Entries: [{ Id: "a", ReceiptHandle: HANDLE, VisibilityTimeout: 9 }],
        }),
      ),
    cli: [
      "change-message-visibility-batch",
      "--entries",
      `Id=a,ReceiptHandle=${HANDLE},VisibilityTimeout=9`,
    ],
  },
  {
    action: "DeleteMessage",
    sdk: (sqs, QueueUrl) => sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: HANDLE })),
    cli: ["delete-message", "--receipt-handle", HANDLE],
  },
  {
    action: "DeleteMessageBatch",
    sdk: (sqs, QueueUrl) =>
      sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl, Entries: [{ Id: "a", ReceiptHandle: HANDLE }] }),
      ),
    cli: ["delete-message-batch", "--entries", `Id=a,ReceiptHandle=${HANDLE}`],
  },
  {
    action: "DeleteQueue",
    sdk: (sqs, QueueUrl) => sqs.send(new DeleteQueueCommand({ QueueUrl })),
    cli: ["delete-queue"],
  },
  {
    action: "GetQueueAttributes",
    sdk: (sqs, QueueUrl) =>
      sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] })),
    cli: ["get-queue-attributes", "--attribute-names", "All"],
  },
  {
    action: "ListDeadLetterSourceQueues",
    sdk: (sqs, QueueUrl) => sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl })),
    cli: ["list-dead-letter-source-queues"],
  },
  {
    action: "ListQueueTags",
    sdk: (sqs, QueueUrl) => sqs.send(new ListQueueTagsCommand({ QueueUrl })),
    cli: ["list-queue-tags"],
  },
  {
    action: "PurgeQueue",
    sdk: (sqs, QueueUrl) => sqs.send(new PurgeQueueCommand({ QueueUrl })),
    cli: ["purge-queue"],
  },
  {
    action: "ReceiveMessage",
    sdk: (sqs, QueueUrl) => sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 })),
    cli: ["receive-message", "--wait-time-seconds", "0"],
  },
  {
    action: "RemovePermission",
    sdk: (sqs, QueueUrl) => sqs.send(new RemovePermissionCommand({ QueueUrl, Label: "l" })),
    cli: ["remove-permission", "--label", "l"],
  },
  {
    action: "SendMessage",
    sdk: (sqs, QueueUrl) => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x" })),
    cli: ["send-message", "--message-body", "x"],
  },
  {
    action: "SendMessageBatch",
    sdk: (sqs, QueueUrl) =>
      sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: "a", MessageBody: "x" }] })),
    cli: ["send-message-batch", "--entries", "Id=a,MessageBody=x"],
  },
  {
    action: "SetQueueAttributes",
    sdk: (sqs, QueueUrl) =>
      sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: "9" } })),
    cli: ["set-queue-attributes", "--attributes", "VisibilityTimeout=9"],
  },
  {
    action: "TagQueue",
    sdk: (sqs, QueueUrl) => sqs.send(new TagQueueCommand({ QueueUrl, Tags: { a: "b" } })),
    cli: ["tag-queue", "--tags", "a=b"],
  },
  {
    action: "UntagQueue",
    sdk: (sqs, QueueUrl) => sqs.send(new UntagQueueCommand({ QueueUrl, TagKeys: ["a"] })),
    cli: ["untag-queue", "--tag-keys", "a"],
  },
];

/** The URL forms of queue `name` in the local account that a client may send. */
function urlForms(endpoint: string, name: string): readonly string[] {
  return [
    `${endpoint}/000000000000/${name}`,
    `https://sqs.us-east-1.amazonaws.com/000000000000/${name}`,
    `https://queue.amazonaws.com/000000000000/${name}`,
  ];
}

const MISSING = {
  name: "QueueDoesNotExist",
  status: 400,
  code: "AWS.SimpleQueueService.NonExistentQueue",
  message: "The specified queue does not exist.",
};

Deno.test("SQS actions on a missing queue fail with QueueDoesNotExist for every URL form (JSON, JS SDK)", async () => {
  await using aws = await startWithClient(sqsClient);
  const sqs = aws.client;
  for (const url of urlForms(aws.endpoint, "no-such-queue")) {
    for (const { action, sdk } of ACTIONS) {
      const error = await expectError(sdk(sqs, url), MISSING).catch((cause: Error) => {
        throw new Error(`${action} ${url}: ${cause.message}`, { cause });
      });
      assert.equal(error.name, "QueueDoesNotExist");
    }
  }
  // Nothing was made on the way.
  const { QueueUrls } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "no-such" }));
  assert.deepEqual(QueueUrls ?? [], []);
});

Deno.test("SQS finds a queue by every URL form, only in the request's region and account", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  const sqs = sqsClient(aws.endpoint);
  const elsewhere = sqsClient(aws.endpoint, "eu-west-1");
  try {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "url-forms" }));
    const forms = urlForms(aws.endpoint, "url-forms");
    for (const [i, url] of forms.entries()) {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `form ${i}` }));
    }
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }),
    );
    assert.deepEqual(Messages?.map((m) => m.Body).sort(), ["form 0", "form 1", "form 2"]);
    // The region is the request's: a eu-west-1 client does not see a us-east-1 queue.
    for (const url of forms) {
      await expectError(
        elsewhere.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" })),
        MISSING,
      );
    }
    // Another account's queue of the same name does not exist here.
    await expectError(
      sqs.send(
        new SendMessageCommand({
          QueueUrl: `${aws.endpoint}/111122223333/url-forms`,
          MessageBody: "x",
        }),
      ),
      MISSING,
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    assert.equal(Attributes?.ApproximateNumberOfMessages, "0");
  } finally {
    sqs.destroy();
    elsewhere.destroy();
  }
});

// API reference, every action's Errors: InvalidAddress ("The specified ID is invalid"), 404 in
// AWS's model; the message is not documented (see docs/local_aws_conformance.md).
Deno.test("SQS refuses a QueueUrl that names no queue with InvalidAddress", async () => {
  await using aws = await startWithClient(sqsClient);
  const sqs = aws.client;
  for (const url of ["not-a-queue-url", `${aws.endpoint}/not-an-account/q`]) {
    await expectError(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" })), {
      name: "InvalidAddress",
      status: 404,
      code: "InvalidAddress",
      message: `The address ${url} is not valid for this endpoint.`,
    });
  }
});

// ── the query protocol, with Debian's AWS CLI 2.9 ───────────────────────────

cliTest(
  "SQS actions on a missing queue fail with AWS.SimpleQueueService.NonExistentQueue for every URL form (query, AWS CLI 2.9)",
  async (endpoint) => {
    // Every action, and every URL form, each CLI run being a Python process:
    // action i sends form i % 3.
    const forms = urlForms(endpoint, "no-such-queue");
    const calls = ACTIONS.map(({ action, cli: args }, i) => {
      const url = forms[i % forms.length] as string;
      return { action, url, args: [...args, "--queue-url", url] };
    });
    const failures: string[] = [];
    for (let i = 0; i < calls.length; i += 4) {
      await Promise.all(
        calls.slice(i, i + 4).map(async ({ action, url, args }) => {
          const result = await cli(endpoint, "sqs", ...args);
          const expected =
            `An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the ${action} operation: The specified queue does not exist.`;
          if (result.code === 0 || result.stderr.trim() !== expected) {
            failures.push(`${action} ${url}: exit ${result.code}, ${result.stderr.trim()}`);
          }
        }),
      );
    }
    assert.deepEqual(failures, []);
    const inEu = await cliIn(
      "eu-west-1",
      endpoint,
      "sqs",
      "get-queue-attributes",
      "--queue-url",
      `${endpoint}/000000000000/uploaded-laptops`,
    );
    assert.match(inEu.stderr, /\(AWS\.SimpleQueueService\.NonExistentQueue\)/);
  },
);
