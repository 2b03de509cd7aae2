/**
 * Conditional creates that can be repeated: an object with
 * `If-None-Match: *`, an item on condition that its key is new. A retry of
 * a create whose answer was lost (it took effect, the SDK or the caller sent
 * it again) must not fail as a conflict with itself, and a real conflict
 * must still fail. Both are told apart with the write permission alone:
 *
 * - object: after a 412, the same bytes are put again on condition
 *   `If-Match: "<MD5 of the bytes>"`, the ETag S3 gives a single-part object
 *   without KMS encryption: it succeeds only if the object holds exactly
 *   these bytes (rewriting them changes nothing), else 412: a conflict;
 * - item: the condition is "the key is new, or the item holds exactly these
 *   attributes", so a repeat succeeds and a different item fails.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { type DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Item } from "./item_codec.ts";

/** What a create found. */
export type CreateOutcome = "created" | "found-own";

/** An object to create. */
export interface NewObject {
  /** Bucket. */
  readonly bucket: string;
  /** Key. */
  readonly key: string;
  /** Content. */
  readonly body: string;
  /** Content type. */
  readonly contentType: string;
}

/**
 * Creates an object that must not exist (`If-None-Match: *`). After a 412,
 * puts the same bytes on condition that the object is already exactly them
 * (`If-Match` with their MD5): then it is this call's own, created by an
 * attempt whose answer was lost.
 *
 * @example Usage
 * ```ts
 * // Needs S3: type-checked by `deno task ok`, not run.
 * import { S3Client } from "@aws-sdk/client-s3";
 * import { createObjectOnce } from "./create_once.ts";
 *
 * const s3 = new S3Client({});
 * const body = '{"uuid":"…"}\n';
 * await createObjectOnce(s3, { bucket: "laptops", key: "a.json", body, contentType: "application/json" });
 * ```
 *
 * @param s3 The S3 client.
 * @param object Bucket, key and content.
 * @returns `created`, or `found-own` when the object held these bytes already.
 * @throws The first `PreconditionFailed` error when another object holds the key.
 */
export async function createObjectOnce(
  s3: Pick<S3Client, "send">,
  object: NewObject,
): Promise<CreateOutcome> {
  const put = (condition: { IfNoneMatch: string } | { IfMatch: string }) =>
    s3.send(
      new PutObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        Body: object.body,
        ContentType: object.contentType,
        ...condition,
      }),
    );
  try {
    await put({ IfNoneMatch: "*" });
    return "created";
  } catch (error) {
    if (!preconditionFailed(error)) throw error;
    const etag = `"${createHash("md5").update(object.body).digest("hex")}"`;
    try {
      await put({ IfMatch: etag });
      return "found-own";
    } catch (again) {
      // Another object: the first error stands. Anything else (a transient
      // error) is thrown for the caller to try the whole create again.
      throw preconditionFailed(again) ? error : again;
    }
  }
}

/**
 * Puts an item on condition that its key is new, or that the item there
 * holds exactly the same attributes: a repeat of this call's own put, whose
 * answer was lost.
 *
 * @example Usage
 * ```ts
 * // Needs DynamoDB: type-checked by `deno task ok`, not run.
 * import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
 * import { createItemOnce } from "./create_once.ts";
 * import { laptopToItem } from "./item_codec.ts";
 * import { makeLaptop } from "./laptop.ts";
 *
 * const dynamodb = new DynamoDBClient({});
 * await createItemOnce(dynamodb, "laptops", laptopToItem(makeLaptop()));
 * ```
 *
 * @param dynamodb The DynamoDB client.
 * @param tableName The table (hash key `uuid`).
 * @param item The item.
 * @returns `created`, or `found-own` when the item was there already.
 * @throws The `ConditionalCheckFailedException` when another item holds the key.
 */
export async function createItemOnce(
  dynamodb: Pick<DynamoDBClient, "send">,
  tableName: string,
  item: Item,
): Promise<CreateOutcome> {
  const names: Record<string, string> = { "#uuid": "uuid" };
  const values: Item = {};
  const equal: string[] = [];
  Object.entries(item).filter(([name]) => name !== "uuid").forEach(([name, value], i) => {
    names[`#a${i}`] = name;
    values[`:a${i}`] = value;
    equal.push(`#a${i} = :a${i}`);
  });
  const output = await dynamodb.send(
    new PutItemCommand({
      TableName: tableName,
      Item: item,
      ConditionExpression: equal.length === 0
        ? "attribute_not_exists(#uuid)"
        : `attribute_not_exists(#uuid) OR (${equal.join(" AND ")})`,
      ExpressionAttributeNames: names,
      ...(equal.length === 0 ? {} : { ExpressionAttributeValues: values }),
      ReturnValues: "ALL_OLD",
    }),
  );
  return output.Attributes === undefined ? "created" : "found-own";
}

function preconditionFailed(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === "PreconditionFailed" || $metadata?.httpStatusCode === 412;
}
