/**
 * What a local AWS keeps of the pipeline's data, read through its API as any
 * client would: the bucket's objects and their bytes, the table's items and
 * their bytes (as DynamoDB counts an item's size), the messages of every
 * queue. The soak reads it once its items are through, after the run's
 * request counts are taken.
 *
 * @module
 */

import { type AttributeValue, ScanCommand } from "@aws-sdk/client-dynamodb";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, ListQueuesCommand } from "@aws-sdk/client-sqs";
import { createClients } from "../lib/clients.ts";
import { readConfig } from "../lib/config.ts";
import type { StoredData } from "./soak.ts";

const encoder = new TextEncoder();

/**
 * Reads what the local AWS at `endpoint` keeps: objects, items, messages.
 *
 * @param endpoint The local AWS's endpoint.
 * @returns The counts and bytes.
 */
export async function readStoredData(endpoint: string): Promise<StoredData> {
  const env: Record<string, string> = { AWS_ENDPOINT_URL: endpoint, AWS_REGION: "us-east-1" };
  const config = readConfig((name) => env[name], { program: "bench" });
  const { s3, dynamodb, sqs } = createClients(config);
  try {
    let objects = 0;
    let objectBytes = 0;
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: config.bucketName, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        objects++;
        objectBytes += object.Size ?? 0;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);

    let items = 0;
    let itemBytes = 0;
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await dynamodb.send(
        new ScanCommand({ TableName: config.tableName, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) {
        items++;
        itemBytes += itemSizeBytes(item);
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);

    let messages = 0;
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
    for (const url of QueueUrls) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }),
      );
      for (
        const name of [
          "ApproximateNumberOfMessages",
          "ApproximateNumberOfMessagesNotVisible",
          "ApproximateNumberOfMessagesDelayed",
        ] as const
      ) messages += Number(Attributes[name] ?? 0);
    }
    return { objects, object_bytes: objectBytes, items, item_bytes: itemBytes, messages };
  } finally {
    s3.destroy();
    dynamodb.destroy();
    sqs.destroy();
  }
}

/**
 * An item's size as DynamoDB counts it: each attribute's name in UTF-8 plus
 * its value (strings in UTF-8, binaries as their bytes, numbers about one
 * byte per two significant digits plus one, booleans and nulls one byte,
 * lists and maps 3 bytes plus one per element plus their elements).
 *
 * @param item The item, in DynamoDB's JSON.
 * @returns Its size in bytes.
 */
export function itemSizeBytes(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    size += encoder.encode(name).length + valueSizeBytes(value);
  }
  return size;
}

function valueSizeBytes(value: AttributeValue): number {
  if (value.S !== undefined) return encoder.encode(value.S).length;
  if (value.N !== undefined) return numberSizeBytes(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + encoder.encode(s).length, 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSizeBytes(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.length, 0);
  if (value.L !== undefined) {
    return value.L.reduce((sum, element) => sum + 1 + valueSizeBytes(element), 3);
  }
  if (value.M !== undefined) {
    return Object.entries(value.M).reduce(
      (sum, [name, element]) => sum + 1 + encoder.encode(name).length + valueSizeBytes(element),
      3,
    );
  }
  return 0;
}

function numberSizeBytes(text: string): number {
  const digits = text.replace(/^-/, "").replace(/[eE].*$/, "").replace(".", "")
    .replace(/^0+/, "").replace(/0+$/, "");
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}
