import assert from "node:assert/strict";
import { createItemOnce, createObjectOnce } from "../../lib/create_once.ts";
import { laptopToItem } from "../../lib/item_codec.ts";
import { makeLaptop } from "../../lib/laptop.ts";
import { awsError, fakeClient, uuid } from "./_fakes.ts";

const OBJECT = {
  bucket: "laptops",
  key: "a.json",
  body: '{"uuid":"x"}\n',
  contentType: "application/json",
};

function bucket(existing: string | undefined) {
  return fakeClient({
    PutObject: () => {
      if (existing !== undefined) throw awsError("PreconditionFailed", 412);
      return {};
    },
    GetObject: () => ({
      ContentLength: new TextEncoder().encode(existing ?? "").length,
      Body: {
        transformToString: () => Promise.resolve(existing),
        transformToWebStream: () => new ReadableStream(),
      },
    }),
  });
}

Deno.test("createObjectOnce() creates with If-None-Match: *", async () => {
  const s3 = bucket(undefined);
  assert.equal(await createObjectOnce(s3, OBJECT), "created");
  assert.equal(s3.callsOf("PutObject")[0]?.input.IfNoneMatch, "*");
  assert.equal(s3.callsOf("GetObject").length, 0);
});

Deno.test("createObjectOnce() takes an object with its own bytes for its own lost attempt", async () => {
  const s3 = bucket(OBJECT.body);
  assert.equal(await createObjectOnce(s3, OBJECT), "found-own");
});

Deno.test("createObjectOnce() keeps the conflict for another object", async () => {
  await assert.rejects(createObjectOnce(bucket('{"uuid":"y"}\n'), OBJECT), {
    name: "PreconditionFailed",
  });
  await assert.rejects(createObjectOnce(bucket("much longer content"), OBJECT), {
    name: "PreconditionFailed",
  });
});

Deno.test("createObjectOnce() passes other errors on", async () => {
  const s3 = fakeClient({
    PutObject: () => {
      throw awsError("NoSuchBucket", 404);
    },
  });
  await assert.rejects(createObjectOnce(s3, OBJECT), { name: "NoSuchBucket" });
});

function table(existing: Record<string, unknown> | undefined) {
  return fakeClient({
    PutItem: () => {
      if (existing !== undefined) throw awsError("ConditionalCheckFailedException", 400);
      return {};
    },
    GetItem: () => (existing === undefined ? {} : { Item: existing }),
  });
}

Deno.test("createItemOnce() puts on condition that the key is new", async () => {
  const item = laptopToItem(makeLaptop({ randomUuid: () => uuid(1) }));
  const dynamodb = table(undefined);
  assert.equal(await createItemOnce(dynamodb, "laptops", item), "created");
  const input = dynamodb.callsOf("PutItem")[0]?.input;
  assert.equal(input?.ConditionExpression, "attribute_not_exists(#uuid)");
  assert.deepEqual(input?.ExpressionAttributeNames, { "#uuid": "uuid" });
});

Deno.test("createItemOnce() takes an equal item, in any key order, for its own lost attempt", async () => {
  const item = laptopToItem(makeLaptop({ randomUuid: () => uuid(1) }));
  const reordered = Object.fromEntries(Object.entries(item).reverse());
  const dynamodb = table(reordered);
  assert.equal(await createItemOnce(dynamodb, "laptops", item), "found-own");
  assert.equal(dynamodb.callsOf("GetItem")[0]?.input.ConsistentRead, true);
});

Deno.test("createItemOnce() keeps the conflict for another item with the key", async () => {
  const item = laptopToItem(makeLaptop({ randomUuid: () => uuid(1) }));
  const other = { ...item, timestamp: { S: "2020-01-01T00:00:00.000Z" } };
  await assert.rejects(createItemOnce(table(other), "laptops", item), {
    name: "ConditionalCheckFailedException",
  });
});

Deno.test("createObjectOnce() and createItemOnce() throw a transient error of the read-back, to be tried again", async () => {
  const reset = () => Object.assign(new TypeError("body cut"), { code: "ECONNRESET" });
  const s3 = fakeClient({
    PutObject: () => {
      throw awsError("PreconditionFailed", 412);
    },
    GetObject: () => ({
      ContentLength: new TextEncoder().encode(OBJECT.body).length,
      Body: { transformToString: () => Promise.reject(reset()) },
    }),
  });
  await assert.rejects(createObjectOnce(s3, OBJECT), { code: "ECONNRESET" });
  const item = laptopToItem(makeLaptop({ randomUuid: () => uuid(1) }));
  const dynamodb = fakeClient({
    PutItem: () => {
      throw awsError("ConditionalCheckFailedException", 400);
    },
    GetItem: () => {
      throw awsError("InternalServerError", 500);
    },
  });
  await assert.rejects(createItemOnce(dynamodb, "laptops", item), { name: "InternalServerError" });
});
