/**
 * The message both queues carry: the keys of one record in DynamoDB and S3.
 *
 * @module
 */

import { validateFileName } from "./file_name.ts";
import { isUuidV4 } from "./laptop.ts";

/** The body of a pipeline message, as JSON on the wire. */
export interface PipelineMessage {
  /** The item's hash key (its `uuid`). */
  readonly dynamodb_key: string;
  /** The file's key in the bucket. */
  readonly s3_key: string;
}

/** Largest body accepted, in bytes; real ones are about 90. */
export const MAX_MESSAGE_BYTES = 1024;

/**
 * Serializes a message body.
 *
 * @param message The keys.
 * @returns The JSON body, keys in a fixed order.
 */
export function formatPipelineMessage(message: PipelineMessage): string {
  return JSON.stringify({ dynamodb_key: message.dynamodb_key, s3_key: message.s3_key });
}

/**
 * Parses and validates a message body: a JSON object with exactly
 * `dynamodb_key` (a UUID v4) and `s3_key` (a valid `.json` file name).
 *
 * @example Usage
 * ```ts
 * import { parsePipelineMessage } from "./message.ts";
 *
 * const { dynamodb_key, s3_key } = parsePipelineMessage(
 *   '{"dynamodb_key":"6f1c2a9e-3b7d-4c2e-9a51-0d8f4b6e2c11","s3_key":"laptop.json"}',
 * );
 * ```
 *
 * @param body The raw message body.
 * @returns The keys.
 * @throws {TypeError} Naming what is wrong with the body.
 */
export function parsePipelineMessage(body: string): PipelineMessage {
  const fail = (detail: string): never => {
    throw new TypeError(`Cannot parse message body: ${detail}`);
  };
  const bytes = new TextEncoder().encode(body).length;
  if (bytes > MAX_MESSAGE_BYTES) fail(`it has ${bytes} bytes, more than ${MAX_MESSAGE_BYTES}`);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    fail("it is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail("it is not a JSON object");
  }
  const record = value as Record<string, unknown>;
  for (const key of ["dynamodb_key", "s3_key"]) {
    if (!Object.hasOwn(record, key)) fail(`"${key}" is missing`);
    if (typeof record[key] !== "string") fail(`"${key}" is not a string`);
  }
  const extra = Object.keys(record).find((key) => key !== "dynamodb_key" && key !== "s3_key");
  if (extra !== undefined) fail(`unexpected key ${JSON.stringify(extra)}`);
  const dynamodbKey = record.dynamodb_key as string;
  const s3Key = record.s3_key as string;
  if (!isUuidV4(dynamodbKey)) fail('"dynamodb_key" is not a lowercase UUID v4');
  try {
    validateFileName(s3Key);
  } catch (error) {
    fail(`"s3_key" is not a valid file name (${(error as Error).message})`);
  }
  return { dynamodb_key: dynamodbKey, s3_key: s3Key };
}
