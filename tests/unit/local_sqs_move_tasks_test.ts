import assert from "node:assert/strict";
import type { MovedMessage, SqsQueues } from "../../local/engines/mod.ts";
import { createMoveTasks, messageMoveTasks } from "../../local/sqs/_move_tasks.ts";

const DLQ = "arn:aws:sqs:us-east-1:000000000000:dlq";
const SOURCE = "arn:aws:sqs:us-east-1:000000000000:source";
const OTHER = "arn:aws:sqs:us-east-1:000000000000:other";

/** Queues in memory: `sources` maps a DLQ's ARN to the queues that redrive to it. */
function fakeQueues(sources: Record<string, string[]> = { [DLQ]: [SOURCE] }) {
  const messages = new Map<string, MovedMessage[]>([[DLQ, []], [SOURCE, []], [OTHER, []]]);
  const queues: SqsQueues = {
    queueUrl: (arn) =>
      messages.has(arn) ? `http://local/000000000000/${arn.split(":")[5]}` : undefined,
    isFifo: (arn) => arn.endsWith(".fifo"),
    deadLetterSources: (arn) => sources[arn] ?? [],
    visibleCount: (arn) => messages.get(arn)?.length ?? 0,
    takeVisible: (arn) => messages.get(arn)?.shift(),
    enqueue(arn, message) {
      const list = messages.get(arn);
      if (list === undefined) return undefined;
      const moved = { ...message, messageId: `new-${message.messageId}` };
      list.push(moved);
      return moved.messageId;
    },
  };
  const fill = (arn: string, n: number) => {
    for (let i = 0; i < n; i++) {
      messages.get(arn)?.push({ messageId: `id${i}`, body: `m${i}`, messageAttributes: {} });
    }
  };
  return { queues, messages, fill };
}

/** A sleep the test releases by hand, one wait at a time. */
function manualSleep() {
  const waits: { ms: number; release: () => void }[] = [];
  return {
    waits,
    sleep: (ms: number, signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        waits.push({ ms, release: resolve });
        signal.addEventListener("abort", () => resolve(), { once: true });
      }),
  };
}

const settle = () => new Promise<void>((resolve) => queueMicrotask(resolve));

function handleOf(outcome: ReturnType<ReturnType<typeof createMoveTasks>["start"]>): string {
  assert.ok("ok" in outcome, JSON.stringify(outcome));
  return outcome.ok.TaskHandle as string;
}

Deno.test("createMoveTasks() moves at the given rate per second and completes", async () => {
  const { queues, messages, fill } = fakeQueues();
  fill(DLQ, 5);
  const { waits, sleep } = manualSleep();
  const tasks = createMoveTasks({ queues, sleep, now: () => 1_700_000_000_000 });
  const handle = handleOf(tasks.start({ SourceArn: DLQ, MaxNumberOfMessagesPerSecond: 2 }));
  assert.equal(messages.get(SOURCE)?.length, 2);
  assert.deepEqual(waits.map((w) => w.ms), [1000]);
  assert.deepEqual(tasks.list({ SourceArn: DLQ }), {
    ok: {
      Results: [{
        TaskHandle: handle,
        Status: "RUNNING",
        SourceArn: DLQ,
        MaxNumberOfMessagesPerSecond: 2,
        ApproximateNumberOfMessagesMoved: 2,
        ApproximateNumberOfMessagesToMove: 5,
        StartedTimestamp: 1_700_000_000_000,
      }],
    },
  });
  waits[0]?.release();
  await settle();
  assert.equal(messages.get(SOURCE)?.length, 4);
  waits[1]?.release();
  await settle();
  assert.deepEqual(messages.get(SOURCE)?.map((m) => m.body), ["m0", "m1", "m2", "m3", "m4"]);
  const listed = tasks.list({ SourceArn: DLQ });
  assert.ok("ok" in listed);
  const [done] = listed.ok.Results as Record<string, unknown>[];
  assert.equal(done?.Status, "COMPLETED");
  assert.equal(done?.TaskHandle, undefined);
  assert.equal(done?.ApproximateNumberOfMessagesMoved, 5);
});

Deno.test("createMoveTasks() cancels a running task and allows one active task per source", async () => {
  const { queues, messages, fill } = fakeQueues();
  fill(DLQ, 3);
  const { sleep } = manualSleep();
  const tasks = createMoveTasks({ queues, sleep });
  const handle = handleOf(
    tasks.start({ SourceArn: DLQ, DestinationArn: OTHER, MaxNumberOfMessagesPerSecond: 1 }),
  );
  const again = tasks.start({ SourceArn: DLQ });
  assert.ok("error" in again);
  assert.equal(again.error.code, "InvalidParameterValue");
  assert.deepEqual(tasks.cancel({ TaskHandle: handle }), {
    ok: { ApproximateNumberOfMessagesMoved: 1 },
  });
  await settle();
  const listed = tasks.list({ SourceArn: DLQ, MaxResults: 10 });
  assert.ok("ok" in listed);
  assert.deepEqual((listed.ok.Results as { Status: string }[]).map((r) => r.Status), ["CANCELLED"]);
  assert.equal(messages.get(OTHER)?.length, 1);
  assert.equal(messages.get(DLQ)?.length, 2);
  const cancelledAgain = tasks.cancel({ TaskHandle: handle });
  assert.ok("error" in cancelledAgain);
  assert.equal(cancelledAgain.error.code, "ResourceNotFoundException");
});

Deno.test("createMoveTasks() fails a task whose DLQ has several sources and no destination", () => {
  const { queues, messages, fill } = fakeQueues({ [DLQ]: [SOURCE, OTHER] });
  fill(DLQ, 2);
  const tasks = createMoveTasks({ queues, sleep: () => Promise.resolve() });
  handleOf(tasks.start({ SourceArn: DLQ }));
  const listed = tasks.list({ SourceArn: DLQ });
  assert.ok("ok" in listed);
  const [task] = listed.ok.Results as Record<string, unknown>[];
  assert.equal(task?.Status, "FAILED");
  assert.match(String(task?.FailureReason), /give a DestinationArn/);
  assert.equal(messages.get(DLQ)?.length, 2);
});

Deno.test("createMoveTasks() refuses a source that is no DLQ, missing queues and bad numbers", () => {
  const { queues } = fakeQueues();
  const tasks = createMoveTasks({ queues });
  const codes = [
    tasks.start({}),
    tasks.start({ SourceArn: SOURCE }),
    tasks.start({ SourceArn: `${DLQ}-missing` }),
    tasks.start({ SourceArn: DLQ, DestinationArn: `${OTHER}-missing` }),
    tasks.start({ SourceArn: DLQ, DestinationArn: `${OTHER}.fifo` }),
    tasks.start({ SourceArn: DLQ, MaxNumberOfMessagesPerSecond: 501 }),
    tasks.list({ SourceArn: DLQ, MaxResults: 0 }),
    tasks.cancel({ TaskHandle: "nope" }),
  ].map((outcome) => "error" in outcome ? outcome.error.code : "ok");
  assert.deepEqual(codes, [
    "MissingParameter",
    "InvalidParameterValue",
    "ResourceNotFoundException",
    "ResourceNotFoundException",
    "ResourceNotFoundException",
    "InvalidParameterValue",
    "InvalidParameterValue",
    "ResourceNotFoundException",
  ]);
});

Deno.test("createMoveTasks() reports each move and settles ended() when the task ends", async () => {
  const { queues, fill } = fakeQueues();
  fill(DLQ, 150);
  const tasks = createMoveTasks({ queues, sleep: () => Promise.resolve() });
  const moves: string[] = [];
  const started = tasks.start({ SourceArn: DLQ }, {
    onMove: (move) => moves.push(`${move.messageId}>${move.newMessageId}:${move.body}`),
  });
  const task = await tasks.ended(handleOf(started));
  assert.equal(task.Status, "COMPLETED");
  assert.equal(task.ApproximateNumberOfMessagesMoved, 150);
  assert.equal(moves.length, 150);
  assert.equal(moves[0], "id0>new-id0:m0");
  await assert.rejects(() => tasks.ended("nope"), RangeError);
});

Deno.test("messageMoveTasks() gives every caller over one store the same tasks", () => {
  const { queues, fill } = fakeQueues();
  fill(DLQ, 2);
  const first = messageMoveTasks(queues);
  assert.equal(messageMoveTasks(queues), first);
  assert.notEqual(messageMoveTasks(fakeQueues().queues), first);
});

Deno.test("createMoveTasks() fails a task whose store throws, and says why", async () => {
  const { queues, fill } = fakeQueues();
  fill(DLQ, 1);
  const broken: SqsQueues = {
    ...queues,
    enqueue: () => {
      throw new Error("disk full");
    },
  };
  const tasks = createMoveTasks({ queues: broken, sleep: () => Promise.resolve() });
  const task = await tasks.ended(handleOf(tasks.start({ SourceArn: DLQ })));
  assert.equal(task.Status, "FAILED");
  assert.equal(task.FailureReason, "Error: disk full");
});
