import assert from "node:assert/strict";
import {
  keepReadyList,
  ReadyList,
  type ReadyQueue,
} from "../../local/engines/_fauxqs_ready_list.ts";
import { useFakeTime } from "../_helpers/fake_time.ts";

// Twin queues of fauxqs's own store, one changed, one as fauxqs has it, with
// a long backlog: the same receives must give the same messages and leave
// the same list behind.
const BASE = import.meta.resolve("fauxqs");

interface Queue extends ReadyQueue {
  enqueue(message: unknown): void;
  dequeue(...args: unknown[]): unknown[];
  purge(): void;
  inspectMessages(): { ready: { body: string }[] };
  messages: Iterable<{ body: string }> & { length: number };
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
    for (let i = 0; i < backlog / 2; i++) queue.enqueue(SqsStore.createMessage(`m${i}`, {}));
    if (changed) keepReadyList(queue); // half before, half after
    for (let i = backlog / 2; i < backlog; i++) {
      queue.enqueue(SqsStore.createMessage(`m${i}`, {}));
    }
    const resolveDlq = (arn: string) => arn.endsWith(":dlq") ? dlq : undefined;
    return { queue, dlq, resolveDlq };
  };
  const pair = [make(true), make(false)] as const;
  const bodies = (queue: Queue) => [...queue.messages].map((m) => m.body);
  return {
    changed: pair[0],
    bodies,
    /** Receives on both; asserts they agree and returns the bodies. */
    receive(max: number, visibility?: number): string[] {
      const [a, b] = pair.map(({ queue, resolveDlq }) =>
        queue.dequeue(max, visibility, resolveDlq) as Received[]
      ) as [Received[], Received[]];
      assert.deepEqual(a.map((m) => m.Body), b.map((m) => m.Body));
      assert.equal(pair[0].queue.messages.length, pair[1].queue.messages.length);
      assert.deepEqual(bodies(pair[0].queue), bodies(pair[1].queue));
      assert.deepEqual(bodies(pair[0].dlq), bodies(pair[1].dlq));
      return a.map((m) => m.Body);
    },
  };
}

Deno.test("keepReadyList() receives from a long list as fauxqs does", async () => {
  using time = useFakeTime();
  const q = await twins(5_000);
  assert.ok(q.changed.queue.messages instanceof ReadyList);
  assert.deepEqual(q.receive(10, 30), ["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"]);
  assert.deepEqual(q.receive(3, 0), ["m10", "m11", "m12"]);
  await time.tickAsync(1);
  // The three whose visibility timeout was 0 went back to the end of the list.
  assert.deepEqual(q.receive(2, 30), ["m13", "m14"]);
  assert.equal(q.changed.queue.messages.length, 5_000 - 15 + 3);
  assert.deepEqual(q.bodies(q.changed.queue).slice(-3), ["m10", "m11", "m12"]);
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
  // Far enough for the list to be cut, more than once.
  for (let i = 0; i < 300; i++) assert.equal(q.receive(10, 30).length, 10);
  assert.deepEqual(
    q.changed.queue.inspectMessages().ready.map((m) => m.body).slice(0, 2),
    ["m3025", "m3026"],
  );
});

Deno.test("keepReadyList() moves messages to the dead-letter queue as fauxqs does", async () => {
  using _time = useFakeTime(); // Date.now() stands still: a timeout of 0 is over at once
  const q = await twins(4_100, {
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:dlq",
      maxReceiveCount: 1,
    }),
  });
  // Each receive puts the previous one's messages back at the end of the list.
  for (let i = 0; i < 410; i++) assert.equal(q.receive(10, 0).length, 10);
  // Received once each: one more receive moves them all.
  assert.deepEqual(q.receive(10, 0), []);
  assert.equal(q.changed.dlq.messages.length, 4_100);
  assert.equal(q.changed.queue.messages.length, 0);
});

Deno.test("keepReadyList() keeps a list fauxqs assigns, as when a queue is purged", async () => {
  const q = await twins(20);
  q.changed.queue.purge();
  assert.ok(q.changed.queue.messages instanceof ReadyList);
  assert.equal(q.changed.queue.messages.length, 0);
  q.changed.queue.messages = ["x" as unknown as { body: string }];
  assert.ok(q.changed.queue.messages instanceof ReadyList);
  assert.equal(q.changed.queue.messages.length, 1);
});

Deno.test("ReadyList takes, adds and lists as an array does", () => {
  const list = new ReadyList<number>();
  const array: number[] = [];
  let next = 0;
  // A fixed mix of adds and takes that drains the list now and then.
  for (let step = 0; step < 20_000; step++) {
    const take = (step * 7919) % 10 < (step % 3000 < 1500 ? 4 : 6);
    if (take) assert.equal(list.shift(), array.shift());
    else {
      const items = [next++, next++];
      assert.equal(list.push(...items), array.push(...items));
    }
    assert.equal(list.length, array.length);
  }
  assert.deepEqual([...list], array);
  assert.equal(new ReadyList<number>().shift(), undefined);
});
