import assert from "node:assert/strict";
import { createBatcher } from "../../lib/batcher.ts";
import { writeItems } from "../../lib/write_items.ts";
import { laptopToItem } from "../../lib/item_codec.ts";
import { makeLaptop } from "../../lib/laptop.ts";
import { awsError, fakeClient, uuid } from "../_helpers/fakes.ts";

Deno.test("createBatcher() sends a full batch at once and the rest after the linger", async () => {
  const calls: number[][] = [];
  const batcher = createBatcher<number, number>({
    size: 3,
    lingerMs: 1,
    send: (xs) => {
      calls.push(xs);
      return Promise.resolve(xs.map((x) =>
        x === 4 ? { ok: false, error: new Error("four") } : {
          ok: true,
          value: x * 10,
        }
      ));
    },
  });
  const results = await Promise.allSettled([1, 2, 3, 4, 5].map((x) => batcher.add(x)));
  assert.deepEqual(calls, [[1, 2, 3], [4, 5]]);
  assert.deepEqual(results.map((r) => r.status === "fulfilled" ? r.value : r.reason.message), [
    10,
    20,
    30,
    "four",
    50,
  ]);
});

Deno.test("createBatcher() fails every entry of a batch whose call threw", async () => {
  const batcher = createBatcher<number, void>({
    size: 2,
    send: () => Promise.reject(new Error("down")),
  });
  const results = await Promise.allSettled([batcher.add(1), batcher.add(2)]);
  assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
  assert.throws(() => createBatcher({ size: 0, send: () => Promise.resolve([]) }), RangeError);
});

const items = Array.from(
  { length: 30 },
  (_, i) => laptopToItem(makeLaptop({ randomUuid: () => uuid(i + 1) })),
);

Deno.test("writeItems() writes 25 per call and retries unprocessed items until done", async () => {
  let calls = 0;
  const dynamodb = fakeClient({
    BatchWriteItem: (input) => {
      calls++;
      const requests = (input.RequestItems as Record<string, unknown[]>).laptops ?? [];
      // The first call of each chunk leaves its first two items unprocessed.
      return { UnprocessedItems: calls <= 2 ? { laptops: requests.slice(0, 2) } : {} };
    },
  });
  const results = await writeItems(dynamodb, "laptops", items, { sleep: () => Promise.resolve() });
  assert.ok(results.every((r) => r.ok));
  const sizes = dynamodb.calls.map((c) =>
    ((c.input.RequestItems as Record<string, unknown[]>).laptops ?? []).length
  );
  assert.deepEqual(sizes.sort((a, b) => a - b), [2, 2, 5, 25]);
});

Deno.test("writeItems() fails the items still unprocessed after the last attempt, only those", async () => {
  const dynamodb = fakeClient({
    BatchWriteItem: (input) => {
      const requests = (input.RequestItems as Record<string, { PutRequest: { Item: unknown } }[]>)
        .laptops ?? [];
      return {
        UnprocessedItems: {
          laptops: requests.filter((r) => JSON.stringify(r.PutRequest.Item).includes(uuid(3))),
        },
      };
    },
  });
  const results = await writeItems(dynamodb, "laptops", items.slice(0, 5), {
    attempts: 3,
    sleep: () => Promise.resolve(),
  });
  assert.deepEqual(results.map((r) => r.ok), [true, true, false, true, true]);
  assert.equal(dynamodb.calls.length, 3);
});

Deno.test("writeItems() fails a chunk whose call threw", async () => {
  const dynamodb = fakeClient({
    BatchWriteItem: () => Promise.reject(awsError("ProvisionedThroughputExceededException")),
  });
  const results = await writeItems(dynamodb, "laptops", items);
  assert.deepEqual(results.map((r) => r.ok).filter((ok) => !ok).length, 30);
});
