import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { startDynalite } from "../../local/engines/mod.ts";

// startDynalite() replaces memory-level's MemoryLevel (loaded from
// node_modules, hence an end-to-end test) in the one shared instance of the
// module that dynalite uses; a store made from it afterwards is the one
// dynalite's in-memory store is.

interface Level {
  readonly status: string;
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: string, options?: unknown): Promise<unknown>;
  put(key: string, value: unknown, options?: unknown): Promise<void>;
  del(key: string): Promise<void>;
  batch(operations: unknown[]): Promise<void>;
  clear(options?: unknown): Promise<void>;
  iterator(): AsyncIterable<[string, unknown]>;
}

/** What startDynalite() adds to memory-level's store: an exact-key read from its Map. */
interface MirroredStore {
  readNow(key: string): unknown;
}

await (await startDynalite()).close();
const require = createRequire(import.meta.resolve("dynalite"));
const memoryLevel = require("memory-level") as {
  MemoryLevel: new (options: unknown) => Level & MirroredStore;
};

async function openStore(): Promise<Level & MirroredStore> {
  const db = new memoryLevel.MemoryLevel({ valueEncoding: "json" });
  await db.open();
  return db;
}

/** Every key's exact read (from the Map) against the tree's ordered entries. */
async function assertInStep(db: Level & MirroredStore, keys: string[]): Promise<void> {
  const tree = new Map<string, unknown>();
  for await (const [key, value] of db.iterator()) tree.set(key, value);
  for (const key of new Set([...keys, ...tree.keys()])) {
    assert.deepEqual(db.readNow(key), tree.get(key), key);
    assert.deepEqual(await db.get(key), tree.get(key), key);
    assert.deepEqual(await db.get(key, {}), tree.get(key), `${key} through abstract-level`);
  }
}

Deno.test("startDynalite() keeps exact-key reads in step with the tree under put, del, batch and clear", async () => {
  const db = await openStore();
  assert.equal(typeof db.readNow, "function");
  const keys = ["a~1", "a~2", "a~3", "b~1", "b~2", "c~1"];
  for (const [index, key] of keys.entries()) await db.put(key, { n: index });
  await assertInStep(db, keys);
  await db.put("a~2", { n: "again" });
  await db.del("b~1");
  await db.del("missing");
  await assertInStep(db, keys);
  await db.batch([
    { type: "put", key: "d~1", value: { n: 1 } },
    { type: "del", key: "a~1" },
    { type: "put", key: "a~1", value: { n: "back" } },
    { type: "del", key: "c~1" },
  ]);
  await assertInStep(db, [...keys, "d~1"]);
  await db.clear({ gte: "a~", lt: "a~\xff", limit: 2 });
  assert.deepEqual(db.readNow("a~1"), undefined, "cleared");
  assert.deepEqual(db.readNow("a~3"), { n: 2 }, "past the limit");
  await assertInStep(db, [...keys, "d~1"]);
  await db.clear({ gt: "b~" });
  await assertInStep(db, [...keys, "d~1"]);
  await db.clear();
  await assertInStep(db, [...keys, "d~1"]);
  assert.equal(db.readNow("a~3"), undefined);
  await db.close();
});

Deno.test("startDynalite() keeps exact-key reads of a closed and reopened store", async () => {
  const db = await openStore();
  await db.put("k~1", { n: 1 });
  await db.close();
  const notRead = db.readNow("k~1");
  assert.equal(typeof notRead, "symbol", "not read from a closed store");
  await assert.rejects(db.get("k~1"), { code: "LEVEL_DATABASE_NOT_OPEN" });
  const opened = db.open();
  assert.equal(db.readNow("k~1"), notRead, "still opening");
  const deferred = db.get("k~1");
  await opened;
  assert.deepEqual(await deferred, { n: 1 });
  await db.put("k~2", { n: 2 });
  await assertInStep(db, ["k~1", "k~2"]);
  await db.close();
});

Deno.test("startDynalite() refuses a value it cannot decode as abstract-level does", async () => {
  const db = await openStore();
  await db.put("bad", "{not json", { valueEncoding: "utf8" });
  const fromTree = await db.get("bad", {}).catch((error: { code?: unknown; message: string }) => ({
    code: error.code,
    message: error.message,
  }));
  assert.deepEqual(fromTree, { code: "LEVEL_DECODE_ERROR", message: "Could not decode value" });
  await assert.rejects(db.get("bad"), fromTree);
  assert.throws(() => db.readNow("bad"), fromTree);
  assert.deepEqual(await db.get("bad", { valueEncoding: "utf8" }), "{not json");
  await db.close();
});

Deno.test("startDynalite() returns a fresh value on every read", async () => {
  const db = await openStore();
  await db.put("item", { list: [1] });
  const first = await db.get("item") as { list: number[] };
  first.list.push(2);
  assert.deepEqual(await db.get("item"), { list: [1] });
  await db.close();
});
