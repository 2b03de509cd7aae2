/**
 * Conditional creates that can be repeated: an object with
 * `If-None-Match: *`, an item on condition `attribute_not_exists`. When the
 * condition fails, the existing object or item is read: if it is exactly
 * what this call writes, the failure was this call's own earlier attempt
 * (its answer was lost, the SDK or the caller sent it again), and the
 * create succeeded. Anything else is a real conflict, and the error stands;
 * when the read fails with a transient error, that error is thrown, for the
 * caller to try the whole create again.
 *
 * @module
 */

import { type DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Item } from "./item_codec.ts";
import { isTransient } from "./retry.ts";

/** What a create found. */
export type CreateOutcome = "created" | "found-own";

/** An object to create. */
export interface NewObject {
  /** Bucket. */
  readonly bucket: string;
  /** Key. */
  readonly key: string;
  /** Content, compared byte for byte on a conflict. */
  readonly body: string;
  /** Content type. */
  readonly contentType: string;
}

/**
 * Creates an object that must not exist (`If-None-Match: *`). On a 412, the
 * object is read back: the same bytes mean it is this call's own, created
 * by an attempt whose answer was lost.
 *
 * @example Usage
 * ```ts ignore
 * await createObjectOnce(s3, { bucket: "laptops", key: "a.json", body, contentType: "application/json" });
 * ```
 *
 * @param s3 The S3 client.
 * @param object Bucket, key and content.
 * @returns `created`, or `found-own` when the object was this call's already.
 * @throws The `PreconditionFailed` error when another object holds the key.
 */
export async function createObjectOnce(
  s3: Pick<S3Client, "send">,
  object: NewObject,
): Promise<CreateOutcome> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        Body: object.body,
        ContentType: object.contentType,
        IfNoneMatch: "*",
      }),
    );
    return "created";
  } catch (error) {
    const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (name !== "PreconditionFailed" && $metadata?.httpStatusCode !== 412) throw error;
    let own = false;
    try {
      const existing = await s3.send(
        new GetObjectCommand({ Bucket: object.bucket, Key: object.key }),
      );
      if (existing.ContentLength === new TextEncoder().encode(object.body).length) {
        own = await existing.Body?.transformToString() === object.body;
      } else {
        await existing.Body?.transformToWebStream().cancel();
      }
    } catch (readError) {
      // Unreachable now: try the whole create again later. Else the conflict stands.
      if (isTransient(readError)) throw readError;
    }
    if (own) return "found-own";
    throw error;
  }
}

/**
 * Puts an item on condition that its key is new. When the condition fails,
 * the item is read back (consistent read): every attribute equal means it is
 * this call's own, put by an attempt whose answer was lost.
 *
 * @example Usage
 * ```ts ignore
 * await createItemOnce(dynamodb, "laptops", laptopToItem(laptop));
 * ```
 *
 * @param dynamodb The DynamoDB client.
 * @param tableName The table (hash key `uuid`).
 * @param item The item.
 * @returns `created`, or `found-own` when the item was this call's already.
 * @throws The `ConditionalCheckFailedException` when another item holds the key.
 */
export async function createItemOnce(
  dynamodb: Pick<DynamoDBClient, "send">,
  tableName: string,
  item: Item,
): Promise<CreateOutcome> {
  try {
    await dynamodb.send(
      new PutItemCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: "attribute_not_exists(#uuid)",
        ExpressionAttributeNames: { "#uuid": "uuid" },
      }),
    );
    return "created";
  } catch (error) {
    const key = item.uuid;
    if ((error as { name?: string }).name !== "ConditionalCheckFailedException" || !key) {
      throw error;
    }
    let existing: Item | undefined;
    try {
      ({ Item: existing } = await dynamodb.send(
        new GetItemCommand({ TableName: tableName, Key: { uuid: key }, ConsistentRead: true }),
      ));
    } catch (readError) {
      // Unreachable now: try the whole create again later. Else the conflict stands.
      if (isTransient(readError)) throw readError;
    }
    if (existing !== undefined && canonical(existing) === canonical(item)) return "found-own";
    throw error;
  }
}

function canonical(item: Item): string {
  return JSON.stringify(Object.keys(item).sort().map((key) => [key, item[key]]));
}
