/**
 * The service's pipeline step for one message: fetch the item and the file
 * it names and compare them.
 *
 * @module
 */

import { type DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { InvalidRecordError, MissingRecordError } from "./errors.ts";
import { type Item, itemToLaptop } from "./item_codec.ts";
import { type Laptop, parseLaptop, timestampMillis } from "./laptop.ts";
import { parsePipelineMessage } from "./message.ts";

/** The clients the comparison reads with. */
export interface ComparePorts {
  /** S3 client. */
  readonly s3: Pick<S3Client, "send">;
  /** DynamoDB client. */
  readonly dynamodb: Pick<DynamoDBClient, "send">;
}

/** What the service found for one message: the point of the project. */
export interface Comparison {
  /** The record's uuid. */
  readonly uuid: string;
  /** The file's key. */
  readonly s3Key: string;
  /** The record as the file in S3 holds it: the original. */
  readonly file: Laptop;
  /** The record as the DynamoDB item holds it now. */
  readonly item: Laptop;
  /** Whether every key but `timestamp` is equal in file and item. */
  readonly sameRecord: boolean;
  /** Whether the item's timestamp is later than the file's. */
  readonly stateChanged: boolean;
}

/** Options of {@linkcode compareUpdate}. */
export interface CompareOptions {
  /** DynamoDB table. */
  readonly tableName: string;
  /** S3 bucket. */
  readonly bucketName: string;
  /**
   * Reads the item of a key (consistent read), `undefined` when there is
   * none. Defaults to one `GetItem`; the service passes a reader backed by
   * one `BatchGetItem` per received batch.
   */
  readonly getItem?: (uuid: string) => Promise<Item | undefined>;
}

/** Largest file read, in bytes; a record is about 150. */
export const MAX_FILE_BYTES = 64 * 1024;

/**
 * Parses a message body, reads the item (consistent read) and the file it
 * names, and compares them.
 *
 * @example Usage
 * ```ts
 * // Needs S3 and DynamoDB: type-checked by `deno task ok`, not run.
 * import { S3Client } from "@aws-sdk/client-s3";
 * import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
 * import { compareUpdate } from "./compare_update.ts";
 *
 * const [s3, dynamodb] = [new S3Client({}), new DynamoDBClient({})];
 * const message = { Body: '{"uuid":"…","s3_key":"…"}' }; // one received from the update queue
 * const comparison = await compareUpdate(message.Body, { s3, dynamodb }, {
 *   tableName: "laptops",
 *   bucketName: "laptops",
 * });
 * console.log(comparison.file.timestamp, "->", comparison.item.timestamp);
 * ```
 *
 * @param body The message body.
 * @param ports The clients.
 * @param options Table and bucket.
 * @returns The comparison.
 * @throws {TypeError} When the body is malformed.
 * @throws {MissingRecordError} When the item or the file is missing.
 * @throws {InvalidRecordError} When the item or the file is not this record
 * (not a record, too large, another record's).
 */
export async function compareUpdate(
  body: string,
  ports: ComparePorts,
  options: CompareOptions,
): Promise<Comparison> {
  const { tableName, bucketName } = options;
  const getItem = options.getItem ?? (async (uuid: string) => {
    const output = await ports.dynamodb.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { uuid: { S: uuid } },
        ConsistentRead: true,
      }),
    );
    return output.Item;
  });
  const message = parsePipelineMessage(body);
  const [found, fileText] = await Promise.all([
    getItem(message.dynamodb_key),
    readObject(ports.s3, bucketName, message.s3_key),
  ]);
  if (!found) {
    throw new MissingRecordError(
      `Cannot compare: no item ${message.dynamodb_key} in table ${tableName}`,
      { store: "item", key: message.dynamodb_key },
    );
  }
  let item: Laptop;
  try {
    item = itemToLaptop(found);
  } catch (error) {
    throw new InvalidRecordError(
      `Cannot compare: item ${message.dynamodb_key} is not a laptop record`,
      { store: "item", key: message.dynamodb_key, cause: error },
    );
  }
  let file: Laptop;
  try {
    file = parseLaptop(JSON.parse(fileText));
  } catch (error) {
    throw new InvalidRecordError(
      `Cannot compare: s3://${bucketName}/${message.s3_key} is not a laptop record's JSON`,
      { store: "file", key: message.s3_key, cause: error },
    );
  }
  if (file.uuid !== message.dynamodb_key) {
    throw new InvalidRecordError(
      `Cannot compare: s3://${bucketName}/${message.s3_key} holds record ${file.uuid}, ` +
        `not ${message.dynamodb_key}`,
      { store: "file", key: message.s3_key },
    );
  }
  return {
    uuid: file.uuid,
    s3Key: message.s3_key,
    file,
    item,
    sameRecord: file.constructor === item.constructor && file.model === item.model &&
      file.year === item.year,
    stateChanged: timestampMillis(item.timestamp) > timestampMillis(file.timestamp),
  };
}

async function readObject(s3: Pick<S3Client, "send">, bucket: string, key: string) {
  let output;
  try {
    output = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if ((error as { name?: string }).name === "NoSuchKey") {
      throw new MissingRecordError(`Cannot compare: no object ${key} in bucket ${bucket}`, {
        store: "file",
        key,
        cause: error,
      });
    }
    throw error;
  }
  if ((output.ContentLength ?? 0) > MAX_FILE_BYTES) {
    (output.Body as { destroy?: () => void } | undefined)?.destroy?.();
    throw new InvalidRecordError(
      `Cannot compare: s3://${bucket}/${key} has ${output.ContentLength} bytes, ` +
        `more than a record's ${MAX_FILE_BYTES}`,
      { store: "file", key },
    );
  }
  return await output.Body?.transformToString() ?? "";
}
