import assert from "node:assert/strict";
import { UnprocessedKeysError } from "../../lib/errors.ts";
import { readItems } from "../../lib/read_items.ts";
import { fakeClient, uuid } from "../_helpers/fakes.ts";

type Keys = { uuid: { S: string } }[];

function keysOf(input: Record<string, unknown>): Keys {
  return (input.RequestItems as Record<string, { Keys: Keys }>).laptops?.Keys ?? [];
}

Deno.test("readItems() reads again the keys BatchGetItem left unprocessed, losing none", async () => {
  let call = 0;
  const dynamodb = fakeClient({
    BatchGetItem: (input) => {
      call++;
      const keys = keysOf(input);
      // First call: every other key comes back unprocessed.
      const done = keys.filter((_, i) => call > 1 || i % 2 === 0);
      const left = keys.filter((_, i) => call === 1 && i % 2 === 1);
      return {
        Responses: { laptops: done.map((k) => ({ uuid: k.uuid, model: { S: "m" } })) },
        UnprocessedKeys: left.length > 0 ? { laptops: { Keys: left, ConsistentRead: true } } : {},
      };
    },
  });
  const uuids = Array.from({ length: 10 }, (_, i) => uuid(i + 1));
  const items = await readItems(dynamodb, "laptops", [...uuids, uuid(1)], {
    sleep: () => Promise.resolve(),
  });
  assert.deepEqual([...items.keys()].sort(), [...uuids].sort());
  const calls = dynamodb.callsOf("BatchGetItem");
  assert.equal(calls.length, 2);
  assert.equal(keysOf(calls[0]?.input ?? {}).length, 10, "duplicates are read once");
  assert.equal(keysOf(calls[1]?.input ?? {}).length, 5, "only the unprocessed keys again");
  const consistent = calls.map((c) =>
    (c.input.RequestItems as Record<string, { ConsistentRead: boolean }>).laptops?.ConsistentRead
  );
  assert.deepEqual(consistent, [true, true]);
});

Deno.test("readItems() throws when keys are still unprocessed after the last attempt", async () => {
  const dynamodb = fakeClient({
    BatchGetItem: (input) => ({
      Responses: { laptops: [] },
      UnprocessedKeys: { laptops: { Keys: keysOf(input) } },
    }),
  });
  await assert.rejects(
    readItems(dynamodb, "laptops", [uuid(1), uuid(2)], {
      attempts: 3,
      sleep: () => Promise.resolve(),
    }),
    (error: unknown) => {
      assert.ok(error instanceof UnprocessedKeysError);
      assert.match(
        error.message,
        /Cannot read 2 item\(s\): still unprocessed after 3 BatchGetItem attempts/,
      );
      assert.equal(error.operation, "BatchGetItem");
      assert.deepEqual(error.keys, [uuid(1), uuid(2)]);
      return true;
    },
  );
  assert.equal(dynamodb.callsOf("BatchGetItem").length, 3);
});

Deno.test("readItems() asks for at most 100 keys per call", async () => {
  const dynamodb = fakeClient({
    BatchGetItem: () => ({ Responses: { laptops: [] }, UnprocessedKeys: {} }),
  });
  await readItems(dynamodb, "laptops", Array.from({ length: 250 }, (_, i) => uuid(i)));
  assert.deepEqual(
    dynamodb.callsOf("BatchGetItem").map((c) => keysOf(c.input).length),
    [100, 100, 50],
  );
});
