/**
 * Putting many items with `BatchWriteItem`, 25 at a time, retrying the
 * items DynamoDB leaves unprocessed.
 *
 * @module
 */

import { BatchWriteItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { EntryResult } from "./batcher.ts";
import { UnprocessedKeysError } from "./errors.ts";
import type { Item } from "./item_codec.ts";
import { UNPROCESSED_ATTEMPTS, unprocessedBackoff, type UnprocessedRetryOptions } from "./retry.ts";

/** Most put requests AWS accepts in one `BatchWriteItem`. */
export const DYNAMODB_WRITE_BATCH_LIMIT = 25;

/** Options of {@linkcode writeItems}: how unprocessed items are sent again. */
export type WriteItemsOptions = UnprocessedRetryOptions;

/**
 * Puts items, 25 per `BatchWriteItem`. Unprocessed items are sent again with
 * exponential backoff (AWS's advice); those still unprocessed after the last
 * attempt, or in a call that threw, fail. Unlike `PutItem`, a batch write
 * cannot carry a condition: use it for items whose keys are new by
 * construction (random UUIDs).
 *
 * @example Usage
 * ```ts
 * // Needs DynamoDB: type-checked by `deno task ok`, not run.
 * import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
 * import { laptopToItem } from "./item_codec.ts";
 * import { makeLaptop } from "./laptop.ts";
 * import { writeItems } from "./write_items.ts";
 *
 * const laptops = [makeLaptop(), makeLaptop()];
 * const results = await writeItems(new DynamoDBClient({}), "laptops", laptops.map(laptopToItem));
 * ```
 *
 * @param dynamodb The DynamoDB client.
 * @param tableName The table.
 * @param items The items; keys unique.
 * @param options Retry settings.
 * @returns One result per item, in order.
 */
export async function writeItems(
  dynamodb: Pick<DynamoDBClient, "send">,
  tableName: string,
  items: readonly Item[],
  options: WriteItemsOptions = {},
): Promise<EntryResult<void>[]> {
  const {
    attempts = UNPROCESSED_ATTEMPTS,
    sleep = unprocessedBackoff,
  } = options;
  const results: EntryResult<void>[] = items.map(() => ({ ok: true, value: undefined }));
  const chunks: number[][] = [];
  for (let i = 0; i < items.length; i += DYNAMODB_WRITE_BATCH_LIMIT) {
    chunks.push(items.slice(i, i + DYNAMODB_WRITE_BATCH_LIMIT).map((_, j) => i + j));
  }
  await Promise.all(chunks.map(async (chunk) => {
    let pending = chunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let unprocessed: number[];
      try {
        const output = await dynamodb.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [tableName]: pending.map((i) => ({ PutRequest: { Item: items[i] } })),
            },
          }),
        );
        const left = output.UnprocessedItems?.[tableName] ?? [];
        const keys = new Set(left.map((r) => JSON.stringify(r.PutRequest?.Item?.uuid)));
        unprocessed = pending.filter((i) => keys.has(JSON.stringify(items[i]?.uuid)));
      } catch (error) {
        const reason = error instanceof Error ? error : new Error(String(error));
        for (const i of pending) results[i] = { ok: false, error: reason };
        return;
      }
      if (unprocessed.length > 0 && attempt >= attempts) {
        for (const i of unprocessed) {
          results[i] = {
            ok: false,
            error: new UnprocessedKeysError(
              `Cannot put item: still unprocessed after ${attempts} BatchWriteItem attempts`,
              { operation: "BatchWriteItem", keys: [items[i]?.uuid?.S ?? ""] },
            ),
          };
        }
        return;
      }
      pending = unprocessed;
      if (pending.length > 0) await sleep(attempt);
    }
  }));
  return results;
}
