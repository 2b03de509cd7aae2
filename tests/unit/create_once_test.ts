import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createItemOnce, createObjectOnce } from "../../lib/create_once.ts";
import { laptopToItem } from "../../lib/item_codec.ts";
import { makeLaptop } from "../../lib/laptop.ts";
import { conditionalBucket, conditionalTable } from "../_helpers/conditional_fakes.ts";
import { awsError, fakeClient, uuid } from "../_helpers/fakes.ts";

const OBJECT = {
  bucket: "laptops",
  key: "a.json",
  body: '{"uuid":"x"}\n',
  contentType: "application/json",
};

Deno.test("createObjectOnce() creates with If-None-Match: *", async () => {
  const { s3, objects } = conditionalBucket();
  assert.equal(await createObjectOnce(s3, OBJECT), "created");
  assert.equal(s3.callsOf("PutObject")[0]?.input.IfNoneMatch, "*");
  assert.equal(objects.get("a.json"), OBJECT.body);
});

Deno.test("createObjectOnce() takes an object with its own bytes, with If-Match on their MD5", async () => {
  const { s3 } = conditionalBucket(new Map([["a.json", OBJECT.body]]));
  assert.equal(await createObjectOnce(s3, OBJECT), "found-own");
  const [, again] = s3.callsOf("PutObject");
  assert.equal(again?.input.IfMatch, `"${createHash("md5").update(OBJECT.body).digest("hex")}"`);
  assert.equal(again?.input.IfNoneMatch, undefined);
});

Deno.test("createObjectOnce() keeps the first 412 for another object, which it leaves alone", async () => {
  const { s3, objects } = conditionalBucket(new Map([["a.json", '{"uuid":"y"}\n']]));
  await assert.rejects(createObjectOnce(s3, OBJECT), { name: "PreconditionFailed" });
  assert.equal(s3.callsOf("PutObject").length, 2);
  assert.equal(objects.get("a.json"), '{"uuid":"y"}\n');
});

Deno.test("createObjectOnce() throws a transient error of the second put, to be tried again", async () => {
  let calls = 0;
  const s3 = fakeClient({
    PutObject: () => {
      if (++calls === 1) throw awsError("PreconditionFailed", 412);
      throw awsError("SlowDown", 503);
    },
  });
  await assert.rejects(createObjectOnce(s3, OBJECT), { name: "SlowDown" });
});

Deno.test("createObjectOnce() passes other errors on", async () => {
  const s3 = fakeClient({
    PutObject: () => {
      throw awsError("NoSuchBucket", 404);
    },
  });
  await assert.rejects(createObjectOnce(s3, OBJECT), { name: "NoSuchBucket" });
  assert.equal(s3.calls.length, 1);
});

Deno.test("createItemOnce() puts on condition that the key is new or the item is the same", async () => {
  const item = laptopToItem(makeLaptop({ randomUuid: () => uuid(1) }));
  const { dynamodb } = conditionalTable();
  assert.equal(await createItemOnce(dynamodb, "laptops", item), "created");
  const input = dynamodb.callsOf("PutItem")[0]?.input;
  assert.equal(
    input?.ConditionExpression,
    "attribute_not_exists(#uuid) OR (#a0 = :a0 AND #a1 = :a1 AND #a2 = :a2 AND #a3 = :a3)",
  );
  assert.deepEqual(input?.ExpressionAttributeNames, {
    "#uuid": "uuid",
    "#a0": "constructor",
    "#a1": "model",
    "#a2": "year",
    "#a3": "timestamp",
  });
  assert.equal(input?.ReturnValues, "ALL_OLD");
});

Deno.test("createItemOnce() takes an equal item for its own lost attempt", async () => {
  const item = laptopToItem(makeLaptop({ randomUuid: () => uuid(1) }));
  const { dynamodb } = conditionalTable(new Map([[uuid(1), item]]));
  assert.equal(await createItemOnce(dynamodb, "laptops", item), "found-own");
});

Deno.test("createItemOnce() keeps the conflict for another item with the key", async () => {
  const item = laptopToItem(makeLaptop({ randomUuid: () => uuid(1) }));
  const other = { ...item, timestamp: { S: "2020-01-01T00:00:00.000Z" } };
  const { dynamodb, items } = conditionalTable(new Map([[uuid(1), other]]));
  await assert.rejects(createItemOnce(dynamodb, "laptops", item), {
    name: "ConditionalCheckFailedException",
  });
  assert.equal(items.get(uuid(1)), other);
});
