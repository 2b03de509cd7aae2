import assert from "node:assert/strict";
import { SharedLock } from "../../local/dynamodb/_shared_lock.ts";

/** A task that runs until its gate opens, logging when it starts and ends. */
function gated(log: string[], name: string) {
  const gate = Promise.withResolvers<void>();
  return {
    open: () => gate.resolve(),
    task: async () => {
      log.push(`${name} starts`);
      await gate.promise;
      log.push(`${name} ends`);
      return name;
    },
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

Deno.test("SharedLock.shared() runs shared tasks at once", async () => {
  const lock = new SharedLock();
  const log: string[] = [];
  const a = gated(log, "a");
  const b = gated(log, "b");
  const running = [lock.shared(a.task), lock.shared(b.task)];
  await settle();
  assert.deepEqual(log, ["a starts", "b starts"]);
  assert.equal(lock.sharedCount, 2);
  b.open();
  a.open();
  assert.deepEqual(await Promise.all(running), ["a", "b"]);
  assert.equal(lock.sharedCount, 0);
});

Deno.test("SharedLock.exclusive() waits for running shared tasks and runs alone", async () => {
  const lock = new SharedLock();
  const log: string[] = [];
  const read = gated(log, "read");
  const transaction = gated(log, "transaction");
  const later = gated(log, "later");
  const running = [
    lock.shared(read.task),
    lock.exclusive(transaction.task),
    lock.shared(later.task),
  ];
  await settle();
  assert.deepEqual(log, ["read starts"]);
  read.open();
  await settle();
  assert.deepEqual(log, ["read starts", "read ends", "transaction starts"]);
  assert.equal(lock.exclusiveHeld, true);
  later.open();
  await settle();
  // The shared task that arrived after the exclusive one still waits.
  assert.deepEqual(log, ["read starts", "read ends", "transaction starts"]);
  transaction.open();
  assert.deepEqual(await Promise.all(running), ["read", "transaction", "later"]);
  assert.deepEqual(log.slice(3), ["transaction ends", "later starts", "later ends"]);
});

Deno.test("SharedLock grants every waiting shared task together after an exclusive one", async () => {
  const lock = new SharedLock();
  const log: string[] = [];
  const transaction = gated(log, "transaction");
  const first = lock.exclusive(transaction.task);
  const readers = [gated(log, "r1"), gated(log, "r2")];
  const reads = readers.map((reader) => lock.shared(reader.task));
  const second = gated(log, "second");
  const next = lock.exclusive(second.task);
  transaction.open();
  await settle();
  assert.deepEqual(log, ["transaction starts", "transaction ends", "r1 starts", "r2 starts"]);
  for (const reader of readers) reader.open();
  second.open();
  await Promise.all([first, ...reads, next]);
  assert.deepEqual(log.slice(-2), ["second starts", "second ends"]);
});

Deno.test("SharedLock releases its holder when a task fails", async () => {
  const lock = new SharedLock();
  await assert.rejects(lock.exclusive(() => Promise.reject(new Error("boom"))), /boom/);
  await assert.rejects(lock.shared(() => Promise.reject(new Error("bang"))), /bang/);
  assert.equal(lock.exclusiveHeld, false);
  assert.equal(lock.sharedCount, 0);
  assert.equal(await lock.exclusive(() => Promise.resolve(7)), 7);
});
