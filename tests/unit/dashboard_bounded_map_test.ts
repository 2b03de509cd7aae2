import assert from "node:assert/strict";
import { BoundedMap } from "../../local/core/_bounded_map.ts";

Deno.test("BoundedMap.set() forgets the oldest entry beyond its limit and returns it", () => {
  const map = new BoundedMap<string, number>(3);
  assert.equal(map.set("a", 1), undefined);
  map.set("b", 2);
  map.set("c", 3);
  assert.deepEqual(map.set("d", 4), ["a", 1]);
  assert.equal(map.size, 3);
  assert.equal(map.has("a"), false);
  assert.deepEqual([...map.values()], [2, 3, 4]);
  assert.deepEqual([...map.valuesNewestFirst()], [4, 3, 2]);
});

Deno.test("BoundedMap.set() moves a key set again to the newest place", () => {
  const map = new BoundedMap<string, number>(3);
  map.set("a", 1);
  map.set("b", 2);
  map.set("c", 3);
  map.set("a", 10);
  assert.deepEqual(map.set("d", 4), ["b", 2]);
  assert.deepEqual([...map.values()], [3, 10, 4]);
  assert.equal(map.get("a"), 10);
});

Deno.test("BoundedMap.delete() forgets a key, and eviction skips it", () => {
  const map = new BoundedMap<string, number>(2);
  map.set("a", 1);
  map.set("b", 2);
  assert.equal(map.delete("a"), true);
  assert.equal(map.delete("a"), false);
  assert.equal(map.set("c", 3), undefined);
  assert.deepEqual(map.set("d", 4), ["b", 2]);
  assert.deepEqual([...map.valuesNewestFirst()], [4, 3]);
});

Deno.test("BoundedMap keeps its work and memory per operation flat after 200,000 evictions", () => {
  const max = 1_000;
  const map = new BoundedMap<number, number>(max);
  // The same entries in a plain Map, oldest first (slow, but plainly right).
  const model = new Map<number, number>();
  const remember = (target: Map<number, number>, key: number, value: number) => {
    target.delete(key);
    target.set(key, value);
    if (target.size > max) target.delete(target.keys().next().value as number);
  };
  let operations = 0;
  let largestQueue = 0;
  let n = 0;
  for (; map.counts.evicted < 200_000; n++) {
    // Keys set again and deleted leave stale slots behind, as receipts and message ids do.
    if (n % 5 === 0) {
      map.delete(n - 20);
      model.delete(n - 20);
      operations++;
    }
    if (n % 3 === 0) {
      map.set(n - 10, n);
      remember(model, n - 10, n);
      operations++;
    }
    map.set(n, n);
    remember(model, n, n);
    operations++;
    largestQueue = Math.max(largestQueue, map.counts.queued);
  }
  const { visited, evicted } = map.counts;
  assert.equal(map.size, max);
  assert.ok(evicted >= 200_000, `evicted ${evicted}`);
  // Each queue slot is looked at once at most: at most one per operation, however long it runs.
  assert.ok(visited <= operations, `visited ${visited} slots for ${operations} operations`);
  // The insertion queue never holds more than a few times the entries.
  assert.ok(largestQueue <= 4 * max + 2048, `the queue reached ${largestQueue} slots`);
  // And it still forgets in order: it holds what the plain Map holds, in the same order.
  assert.deepEqual([...map.values()], [...model.values()]);
});

Deno.test("BoundedMap refuses a limit below 1", () => {
  assert.throws(() => new BoundedMap(0), RangeError);
  assert.throws(() => new BoundedMap(1.5), RangeError);
});

Deno.test("BoundedMap.getOrAdd() makes a value only for a key not held, and reports what it forgets", () => {
  const forgotten: [string, number][] = [];
  const map = new BoundedMap<string, number>(2, (key, value) => forgotten.push([key, value]));
  let made = 0;
  const make = (key: string) => {
    made++;
    return key.charCodeAt(0);
  };
  assert.equal(map.getOrAdd("a", make), 97);
  assert.equal(map.getOrAdd("a", make), 97);
  assert.equal(made, 1, "a held key is not made again");
  map.set("b", 2);
  map.set("a", 1);
  assert.deepEqual(forgotten, [], "set() returns what it forgets instead");
  assert.equal(map.getOrAdd("c", make), 99);
  assert.deepEqual(forgotten, [["b", 2]], "the oldest set, not the oldest made");
  assert.deepEqual([...map.values()], [1, 99]);
  assert.equal(map.getOrAdd("a", make), 1, "a value set replaces the one made");
});
