/**
 * Fakes of S3's and DynamoDB's conditional writes, as `lib/create_once.ts`
 * uses them: `If-None-Match: *` and `If-Match` on an ETag that is the MD5 of
 * the bytes, and the condition "the key is new or the item is the same".
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { Item } from "../../lib/item_codec.ts";
import { awsError, fakeClient, type Responder } from "./fakes.ts";

/**
 * `PutObject` with S3's conditional writes, on a map of key to content.
 *
 * @param objects The bucket's objects, changed by successful puts.
 */
export function conditionalPutObject(objects: Map<string, string>): Responder {
  const etag = (body: string) => `"${createHash("md5").update(body).digest("hex")}"`;
  return (input) => {
    const key = input.Key as string;
    const existing = objects.get(key);
    if (input.IfNoneMatch === "*" && existing !== undefined) {
      throw awsError("PreconditionFailed", 412);
    }
    if (input.IfMatch !== undefined) {
      if (existing === undefined) throw awsError("NoSuchKey", 404);
      if (etag(existing) !== input.IfMatch) throw awsError("PreconditionFailed", 412);
    }
    objects.set(key, input.Body as string);
    return { ETag: etag(input.Body as string) };
  };
}

/**
 * `PutItem` that evaluates the condition `createItemOnce` writes, on a map
 * of uuid to item.
 *
 * @param items The table's items, changed by successful puts.
 */
export function conditionalPutItem(items: Map<string, Item>): Responder {
  return (input) => {
    const item = input.Item as Item;
    const key = item.uuid?.S ?? "";
    const existing = items.get(key);
    if (existing !== undefined) {
      const names = input.ExpressionAttributeNames as Record<string, string>;
      const values = (input.ExpressionAttributeValues ?? {}) as Item;
      const same = Object.entries(names).filter(([p]) => p !== "#uuid").every(([p, name]) =>
        JSON.stringify(existing[name]) === JSON.stringify(values[`:${p.slice(1)}`])
      );
      if (!same || !String(input.ConditionExpression).includes(" OR ")) {
        throw awsError("ConditionalCheckFailedException", 400);
      }
    }
    items.set(key, item);
    return input.ReturnValues === "ALL_OLD" && existing ? { Attributes: existing } : {};
  };
}

/**
 * An S3 client whose `PutObject` is {@linkcode conditionalPutObject}.
 *
 * @param objects The bucket's objects.
 */
export function conditionalBucket(objects = new Map<string, string>()) {
  return { s3: fakeClient({ PutObject: conditionalPutObject(objects) }), objects };
}

/**
 * A DynamoDB client whose `PutItem` is {@linkcode conditionalPutItem}.
 *
 * @param items The table's items.
 */
export function conditionalTable(items = new Map<string, Item>()) {
  return { dynamodb: fakeClient({ PutItem: conditionalPutItem(items) }), items };
}
