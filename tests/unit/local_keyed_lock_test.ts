import assert from "node:assert/strict";
import { KeyedLock } from "../../local/core/_keyed_lock.ts";
import { useFakeTime } from "../_helpers/fake_time.ts";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  const { promise, resolve } = Promise.withResolvers<void>();
  return { promise, resolve: () => resolve() };
}

Deno.test("KeyedLock.run() runs tasks of one key one at a time, in arrival order", async () => {
  const lock = new KeyedLock();
  const log: string[] = [];
  const gate = deferred();
  const first = lock.run("k", async () => {
    log.push("first starts");
    await gate.promise;
    log.push("first ends");
    return 1;
  });
  const second = lock.run("k", () => {
    log.push("second runs");
    return Promise.resolve(2);
  });
  await Promise.resolve();
  assert.deepEqual(log, ["first starts"]);
  gate.resolve();
  assert.deepEqual(await Promise.all([first, second]), [1, 2]);
  assert.deepEqual(log, ["first starts", "first ends", "second runs"]);
});

Deno.test("KeyedLock.run() runs tasks of different keys concurrently", async () => {
  const lock = new KeyedLock();
  const gate = deferred();
  const log: string[] = [];
  const a = lock.run("a", async () => {
    await gate.promise;
    log.push("a");
  });
  const b = lock.run("b", () => {
    log.push("b");
    return Promise.resolve();
  });
  await b;
  assert.deepEqual(log, ["b"]);
  gate.resolve();
  await a;
  assert.deepEqual(log, ["b", "a"]);
});

Deno.test("KeyedLock.run() goes on after a failed task and forgets idle keys", async () => {
  using time = useFakeTime();
  const lock = new KeyedLock();
  const failed = lock.run("k", () => Promise.reject(new Error("boom")));
  const next = lock.run("k", () => Promise.resolve("next"));
  await assert.rejects(failed, /boom/);
  assert.equal(await next, "next");
  await time.runAllAsync(); // lets the lock's clean-up run
  assert.equal(lock.size, 0);
});

Deno.test("KeyedLock.run() lets exactly one of concurrent check-then-create tasks create", async () => {
  using time = useFakeTime();
  const lock = new KeyedLock();
  const store = new Set<string>();
  const all = Promise.all(
    Array.from({ length: 10 }, () =>
      lock.run("key", async () => {
        if (store.has("key")) return "refused";
        await new Promise((resolve) => setTimeout(resolve, 1)); // the gap a race would use
        store.add("key");
        return "created";
      })),
  );
  await time.runAllAsync();
  const outcomes = await all;
  assert.equal(outcomes.filter((outcome) => outcome === "created").length, 1);
});
