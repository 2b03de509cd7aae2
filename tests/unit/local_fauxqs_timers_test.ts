import assert from "node:assert/strict";
import { indexVisibilityTimers, type TimedQueue } from "../../local/engines/_fauxqs_timers.ts";
import { useFakeTime } from "../_helpers/fake_time.ts";

// Twin queues of fauxqs's own store, one indexed, one as fauxqs has it, go
// through the same receives, deletes and visibility changes under a fake
// clock: they must give back the same messages at the same times.
const BASE = import.meta.resolve("fauxqs");

interface Queue extends TimedQueue {
  enqueue(message: unknown): void;
  deleteMessage(receiptHandle: string): boolean;
}

interface Received {
  ReceiptHandle: string;
  Body: string;
}

/** Counts the walks of a queue's in-flight messages. */
class CountedMap<K, V> extends Map<K, V> {
  walks = 0;
  override [Symbol.iterator](): MapIterator<[K, V]> {
    this.walks++;
    return super[Symbol.iterator]();
  }
  override values(): MapIterator<V> {
    this.walks++;
    return super.values();
  }
}

async function twins(fifo: boolean) {
  const { SqsStore } = await import(new URL("./sqs/sqsStore.js", BASE).href);
  const make = (indexed: boolean) => {
    const store = new SqsStore();
    const name = fifo ? "q.fifo" : "q";
    const queue = store.createQueue(
      name,
      `http://localhost/000000000000/${name}`,
      `arn:aws:sqs:us-east-1:000000000000:${name}`,
      fifo ? { FifoQueue: "true" } : {},
    ) as Queue;
    const counted = new CountedMap<string, { visibilityDeadline: number }>();
    queue.inflightMessages = counted;
    if (indexed) indexVisibilityTimers(queue);
    return { queue, counted };
  };
  const pair = [make(true), make(false)] as const;
  let group = 0;
  return {
    indexed: pair[0].counted,
    plain: pair[1].counted,
    send(...bodies: string[]) {
      for (const { queue } of pair) {
        for (const body of bodies) {
          const message = SqsStore.createMessage(
            body,
            {},
            undefined,
            fifo ? `g${group}` : undefined,
          );
          queue.enqueue(message);
        }
      }
      group++;
    },
    /** Receives on both; asserts they agree and returns the indexed twin's messages. */
    receive(max: number, visibility?: number): Received[][] {
      const [a, b] = pair.map(({ queue }) =>
        (fifo ? queue.dequeueFifo(max, visibility) : queue.dequeue(max, visibility)) as Received[]
      ) as [Received[], Received[]];
      assert.deepEqual(a.map((m) => m.Body), b.map((m) => m.Body));
      return [a, b];
    },
    changeVisibility(received: Received[][], index: number, seconds: number) {
      pair.forEach(({ queue }, twin) =>
        queue.changeVisibility(received[twin]![index]!.ReceiptHandle, seconds)
      );
    },
    delete(received: Received[][], index: number) {
      pair.forEach(({ queue }, twin) => queue.deleteMessage(received[twin]![index]!.ReceiptHandle));
    },
  };
}

const bodies = (received: Received[][]) => received[0]!.map((m) => m.Body);

Deno.test("indexVisibilityTimers() gives messages back when fauxqs does, without idle walks", async () => {
  using time = useFakeTime();
  const q = await twins(false);
  q.send("a", "b", "c");
  const first = q.receive(2, 30);
  assert.deepEqual(bodies(first), ["a", "b"]);
  assert.deepEqual(bodies(q.receive(10, 30)), ["c"]);
  await time.tickAsync(10_000);
  const walks = q.indexed.walks;
  assert.deepEqual(bodies(q.receive(10)), []);
  assert.equal(q.indexed.walks, walks, "nothing due: no walk");
  assert.ok(q.plain.walks > walks, "fauxqs walks every time");
  q.changeVisibility(first, 1, 5); // b: due at 15 s instead of 30 s
  await time.tickAsync(4_999);
  assert.deepEqual(bodies(q.receive(10)), []);
  await time.tickAsync(1);
  assert.deepEqual(bodies(q.receive(10, 30)), ["b"]);
  q.delete(first, 0); // a
  await time.tickAsync(15_000);
  assert.deepEqual(bodies(q.receive(10, 0)), ["c"]);
  assert.deepEqual(bodies(q.receive(10, 30)), ["c"], "a visibility timeout of 0 is due at once");
  await time.tickAsync(15_000);
  assert.deepEqual(bodies(q.receive(10)), ["b"]);
});

Deno.test("indexVisibilityTimers() gives FIFO messages back when fauxqs does", async () => {
  using time = useFakeTime();
  const q = await twins(true);
  q.send("a1", "a2");
  q.send("b1");
  const first = q.receive(10, 20);
  assert.deepEqual(bodies(first), ["a1", "b1"]);
  await time.tickAsync(10_000);
  assert.deepEqual(bodies(q.receive(10)), []);
  q.changeVisibility(first, 1, 1); // b1: due at 11 s
  await time.tickAsync(1_000);
  assert.deepEqual(bodies(q.receive(10, 20)), ["b1"]);
  q.delete(first, 0); // a1: its group is free
  assert.deepEqual(bodies(q.receive(10, 20)), ["a2"]);
  await time.tickAsync(20_000);
  assert.deepEqual(bodies(q.receive(10)), ["b1", "a2"]);
});

Deno.test("indexVisibilityTimers() leaves a queue indexed once", async () => {
  const q = await twins(false);
  const { SqsStore } = await import(new URL("./sqs/sqsStore.js", BASE).href);
  const store = new SqsStore();
  const queue = store.createQueue("x", "http://localhost/000000000000/x", "arn:x", {}) as Queue;
  indexVisibilityTimers(queue);
  const wrapped = queue.processTimers;
  indexVisibilityTimers(queue);
  assert.equal(queue.processTimers, wrapped);
  q.send("a");
  assert.deepEqual(bodies(q.receive(1, 30)), ["a"]);
});
