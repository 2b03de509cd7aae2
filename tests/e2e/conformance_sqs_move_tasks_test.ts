/**
 * Conformance of the local AWS's SQS with AWS's own dead-letter queue
 * redrive, through the JS SDK (boto3 runs the same cases in
 * tests/conformance/boto3_sqs.py; Debian's AWS CLI 2.9 predates these
 * actions). Pages:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasks.html
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasksResultEntry.html
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CancelMessageMoveTask.html
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html
 * ("A new messageID and enqueueTime are assigned to redriven messages").
 */

import assert from "node:assert/strict";
import {
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { expectError, sqsClient, startWithClient } from "./_conformance.ts";

interface Queue {
  readonly url: string;
  readonly arn: string;
}

async function queue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}) {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  return { url: QueueUrl as string, arn: Attributes?.QueueArn as string };
}

/** A source queue and its dead-letter queue holding `bodies`; returns their ids too. */
async function redrivePair(sqs: SQSClient, prefix: string, bodies: string[]) {
  const dlq = await queue(sqs, `${prefix}-dlq`);
  const source = await queue(sqs, prefix, {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
  });
  const ids: string[] = [];
  for (const body of bodies) {
    const { MessageId } = await sqs.send(
      new SendMessageCommand({
        QueueUrl: dlq.url,
        MessageBody: body,
        MessageAttributes: { kind: { DataType: "String", StringValue: `of ${body}` } },
      }),
    );
    ids.push(MessageId as string);
  }
  return { dlq, source, ids };
}

async function visible(sqs: SQSClient, q: Queue): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: q.url,
      AttributeNames: ["ApproximateNumberOfMessages"],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages);
}

/** Lists the source's tasks until the newest has `status` (2 s at most). */
async function newestTask(
  sqs: SQSClient,
  sourceArn: string,
  status: string,
): Promise<ListMessageMoveTasksResultEntry> {
  for (let i = 0; i < 40; i++) {
    const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn }));
    if (Results?.[0]?.Status === status) return Results[0];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`no ${status} task of ${sourceArn}`);
}

Deno.test("StartMessageMoveTask moves a DLQ's messages back to its source queue as new messages", async () => {
  await using aws = await startWithClient(sqsClient);
  const sqs = aws.client;
  const { dlq, source, ids } = await redrivePair(sqs, "redrive-back", ["a", "b", "c"]);
  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
  assert.equal(typeof TaskHandle, "string");
  const done = await newestTask(sqs, dlq.arn, "COMPLETED");
  assert.equal(done.SourceArn, dlq.arn);
  assert.equal(done.ApproximateNumberOfMessagesMoved, 3);
  assert.equal(done.ApproximateNumberOfMessagesToMove, 3);
  assert.equal(typeof done.StartedTimestamp, "number");
  // Only a running task shows its handle; unspecified fields are absent.
  assert.equal(done.TaskHandle, undefined);
  assert.equal(done.DestinationArn, undefined);
  assert.equal(done.MaxNumberOfMessagesPerSecond, undefined);
  assert.equal(await visible(sqs, dlq), 0);
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: source.url,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ["All"],
    }),
  );
  assert.deepEqual(Messages.map((m) => m.Body).sort(), ["a", "b", "c"]);
  for (const message of Messages) {
    assert.equal(message.MessageAttributes?.kind?.StringValue, `of ${message.Body}`);
    assert.ok(!ids.includes(message.MessageId as string), "a redriven message gets a new id");
  }
});

Deno.test("StartMessageMoveTask at a rate: one active task per source, cancelled, listed newest first", async () => {
  await using aws = await startWithClient(sqsClient);
  const sqs = aws.client;
  const { dlq } = await redrivePair(sqs, "redrive-rate", ["a", "b", "c", "d"]);
  const custom = await queue(sqs, "redrive-custom");
  const { TaskHandle } = await sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: dlq.arn,
      DestinationArn: custom.arn,
      MaxNumberOfMessagesPerSecond: 1,
    }),
  );
  const running = await newestTask(sqs, dlq.arn, "RUNNING");
  assert.equal(running.TaskHandle, TaskHandle);
  assert.equal(running.DestinationArn, custom.arn);
  assert.equal(running.MaxNumberOfMessagesPerSecond, 1);
  assert.equal(running.ApproximateNumberOfMessagesToMove, 4);
  await expectError(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn })), {
    name: "InvalidParameterValue",
    status: 400,
    code: "InvalidParameterValue",
  });
  const cancelled = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
  const moved = cancelled.ApproximateNumberOfMessagesMoved ?? -1;
  assert.ok(moved >= 1 && moved < 4, `moved ${moved}`);
  const stopped = await newestTask(sqs, dlq.arn, "CANCELLED");
  assert.equal(stopped.ApproximateNumberOfMessagesMoved, moved);
  assert.equal(await visible(sqs, custom), moved);
  assert.equal(await visible(sqs, dlq), 4 - moved);
  await expectError(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle })), {
    name: "ResourceNotFoundException",
    status: 404,
    code: "ResourceNotFoundException",
  });
  // A new task may start once none is active; it moves what is left.
  await sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: custom.arn }),
  );
  await newestTask(sqs, dlq.arn, "COMPLETED");
  const { Results = [] } = await sqs.send(
    new ListMessageMoveTasksCommand({ SourceArn: dlq.arn, MaxResults: 10 }),
  );
  assert.deepEqual(Results.map((r) => r.Status), ["COMPLETED", "CANCELLED"]);
  assert.equal(Results[0]?.ApproximateNumberOfMessagesMoved, 4 - moved);
  assert.equal(await visible(sqs, custom), 4);
});

Deno.test("StartMessageMoveTask, ListMessageMoveTasks and CancelMessageMoveTask refuse bad input", async () => {
  await using aws = await startWithClient(sqsClient);
  const sqs = aws.client;
  const { dlq, source } = await redrivePair(sqs, "redrive-bad", ["a"]);
  const missing = "arn:aws:sqs:us-east-1:000000000000:no-such-queue";
  const notFound = { name: "ResourceNotFoundException", status: 404 };
  const invalid = { name: "InvalidParameterValue", status: 400 };
  await expectError(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: missing })), notFound);
  await expectError(
    sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: missing })),
    notFound,
  );
  // The source must be a dead-letter queue of some queue.
  await expectError(
    sqs.send(new StartMessageMoveTaskCommand({ SourceArn: source.arn })),
    invalid,
  );
  for (const rate of [0, 501]) {
    await expectError(
      sqs.send(
        new StartMessageMoveTaskCommand({
          SourceArn: dlq.arn,
          MaxNumberOfMessagesPerSecond: rate,
        }),
      ),
      {
        ...invalid,
        message:
          `Value ${rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.`,
      },
    );
  }
  await expectError(
    sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn, MaxResults: 11 })),
    invalid,
  );
  await expectError(sqs.send(new ListMessageMoveTasksCommand({ SourceArn: missing })), notFound);
  await expectError(
    sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: "no-such-task" })),
    notFound,
  );
  await expectError(
    sqs.send(new StartMessageMoveTaskCommand({} as { SourceArn: string })),
    {
      name: "MissingParameter",
      status: 400,
      message: "The request must contain the parameter SourceArn.",
    },
  );
  // Nothing moved, no task listed.
  assert.equal(await visible(sqs, dlq), 1);
  const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }));
  assert.deepEqual(Results ?? [], []);
});
