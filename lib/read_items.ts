/**
 * Reading many items with `BatchGetItem`, up to 100 at a time, strongly
 * consistent, retrying the keys DynamoDB leaves unprocessed.
 *
 * @module
 */

import { BatchGetItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { UnprocessedKeysError } from "./errors.ts";
import type { Item } from "./item_codec.ts";
import { UNPROCESSED_ATTEMPTS, unprocessedBackoff, type UnprocessedRetryOptions } from "./retry.ts";

/** Most keys AWS accepts in one `BatchGetItem`. */
export const DYNAMODB_READ_BATCH_LIMIT = 100;

/** Options of {@linkcode readItems}: how unprocessed keys are sent again. */
export type ReadItemsOptions = UnprocessedRetryOptions;

/**
 * Reads the items of the given `uuid` keys with consistent reads. A key with
 * no item is absent from the result; a key still unprocessed after the last
 * attempt makes the call throw.
 *
 * @example Usage
 * ```ts
 * // Needs DynamoDB: type-checked by `deno task ok`, not run.
 * import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
 * import { readItems } from "./read_items.ts";
 *
 * const [uuid1, uuid2] = [crypto.randomUUID(), crypto.randomUUID()];
 * const items = await readItems(new DynamoDBClient({}), "laptops", [uuid1, uuid2]);
 * console.log(items.get(uuid1)?.timestamp?.S);
 * ```
 *
 * @param dynamodb The DynamoDB client.
 * @param tableName The table (hash key `uuid`).
 * @param uuids The keys; duplicates are read once.
 * @param options Retry settings.
 * @returns The items found, by key.
 * @throws {UnprocessedKeysError} When keys are still unprocessed after the last attempt.
 */
export async function readItems(
  dynamodb: Pick<DynamoDBClient, "send">,
  tableName: string,
  uuids: readonly string[],
  options: ReadItemsOptions = {},
): Promise<Map<string, Item>> {
  const {
    attempts = UNPROCESSED_ATTEMPTS,
    sleep = unprocessedBackoff,
  } = options;
  const found = new Map<string, Item>();
  const unique = [...new Set(uuids)];
  for (let i = 0; i < unique.length; i += DYNAMODB_READ_BATCH_LIMIT) {
    let keys = unique.slice(i, i + DYNAMODB_READ_BATCH_LIMIT).map((uuid) => ({
      uuid: { S: uuid },
    }));
    for (let attempt = 1; keys.length > 0; attempt++) {
      const output = await dynamodb.send(
        new BatchGetItemCommand({
          RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } },
        }),
      );
      for (const item of output.Responses?.[tableName] ?? []) {
        const uuid = item.uuid?.S;
        if (uuid !== undefined) found.set(uuid, item);
      }
      keys = (output.UnprocessedKeys?.[tableName]?.Keys ?? []) as typeof keys;
      if (keys.length === 0) break;
      if (attempt >= attempts) {
        throw new UnprocessedKeysError(
          `Cannot read ${keys.length} item(s): still unprocessed after ${attempts} BatchGetItem attempts`,
          { operation: "BatchGetItem", keys: keys.flatMap((key) => key.uuid?.S ?? []) },
        );
      }
      await sleep(attempt);
    }
  }
  return found;
}
