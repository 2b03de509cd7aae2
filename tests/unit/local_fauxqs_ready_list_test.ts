import assert from "node:assert/strict";
import { type ReadyQueue, takeReadyInOneMove } from "../../local/engines/_fauxqs_ready_list.ts";
import { useFakeTime } from "../_helpers/fake_time.ts";

// Twin queues of fauxqs's own store, one changed, one as fauxqs has it, with
// a long backlog: the same receives must give the same messages and leave
// the same list behind.
const BASE = import.meta.resolve("fauxqs");

interface Queue extends ReadyQueue {
  enqueue(message: unknown): void;
  deleteMessage(receiptHandle: string): boolean;
  messages: { body: string }[];
}

interface Received {
  ReceiptHandle: string;
  Body: string;
}

async function twins(backlog: number, attributes: Record<string, string> = {}) {
  const { SqsStore } = await import(new URL("./sqs/sqsStore.js", BASE).href);
  const make = (changed: boolean) => {
    const store = new SqsStore();
    const dlq = store.createQueue(
      "dlq",
      "http://localhost/000000000000/dlq",
      "arn:aws:sqs:us-east-1:000000000000:dlq",
      {},
    ) as Queue;
    const queue = store.createQueue(
      "q",
      "http://localhost/000000000000/q",
      "arn:aws:sqs:us-east-1:000000000000:q",
      attributes,
    ) as Queue;
    if (changed) takeReadyInOneMove(queue);
    for (let i = 0; i < backlog; i++) queue.enqueue(SqsStore.createMessage(`m${i}`, {}));
    const resolveDlq = (arn: string) => arn.endsWith(":dlq") ? dlq : undefined;
    return { queue, dlq, resolveDlq };
  };
  const pair = [make(true), make(false)] as const;
  return {
    changed: pair[0],
    /** Receives on both; asserts they agree and returns the bodies. */
    receive(max: number, visibility?: number): string[] {
      const [a, b] = pair.map(({ queue, resolveDlq }) =>
        queue.dequeue(max, visibility, resolveDlq) as Received[]
      ) as [Received[], Received[]];
      assert.deepEqual(a.map((m) => m.Body), b.map((m) => m.Body));
      for (const twin of pair) {
        assert.ok(Array.isArray(twin.queue.messages), "the list is an array again");
      }
      assert.deepEqual(
        pair[0].queue.messages.map((m) => m.body),
        pair[1].queue.messages.map((m) => m.body),
      );
      assert.deepEqual(
        pair[0].dlq.messages.map((m) => m.body),
        pair[1].dlq.messages.map((m) => m.body),
      );
      return a.map((m) => m.Body);
    },
  };
}

Deno.test("takeReadyInOneMove() receives from a long list as fauxqs does", async () => {
  using time = useFakeTime();
  const q = await twins(5_000);
  assert.deepEqual(q.receive(10, 30), ["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"]);
  assert.deepEqual(q.receive(3, 0), ["m10", "m11", "m12"]);
  await time.tickAsync(1);
  // The three whose visibility timeout was 0 went back to the end of the list.
  assert.deepEqual(q.receive(2, 30), ["m13", "m14"]);
  assert.equal(q.changed.queue.messages.length, 5_000 - 15 + 3);
  assert.deepEqual(q.changed.queue.messages.slice(-3).map((m) => m.body), ["m10", "m11", "m12"]);
  await time.tickAsync(30_000);
  assert.deepEqual(q.receive(10), [
    "m15",
    "m16",
    "m17",
    "m18",
    "m19",
    "m20",
    "m21",
    "m22",
    "m23",
    "m24",
  ]);
});

Deno.test("takeReadyInOneMove() moves messages to the dead-letter queue as fauxqs does", async () => {
  using _time = useFakeTime(); // Date.now() stands still: a timeout of 0 is over at once
  const q = await twins(4_100, {
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:dlq",
      maxReceiveCount: 1,
    }),
  });
  // Each receive puts the previous one's messages back at the end of the list.
  for (let i = 0; i < 410; i++) assert.equal(q.receive(10, 0).length, 10);
  // Received once each: one more receive moves them all, through the view.
  assert.deepEqual(q.receive(10, 0), []);
  assert.equal(q.changed.dlq.messages.length, 4_100);
  assert.equal(q.changed.queue.messages.length, 0);
});

Deno.test("takeReadyInOneMove() leaves a short list to fauxqs as it is", async () => {
  const q = await twins(20);
  const list = q.changed.queue.messages;
  assert.deepEqual(q.receive(10, 30).length, 10);
  assert.equal(q.changed.queue.messages, list, "the same array");
  assert.equal(list.length, 10);
});
