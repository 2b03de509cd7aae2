/**
 * Time to live, enforced: the background process that deletes expired items
 * from the tables whose TTL is enabled, as DynamoDB's does
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html).
 *
 * - An item is expired when its TTL attribute is a Number (epoch seconds)
 *   less than the current time; an attribute of another type, or a time more
 *   than five years in the past, is left alone, as AWS leaves it.
 * - Expired items stay readable until a sweep deletes them (AWS: "Items that
 *   have expired and not been deleted will still show up in reads, queries,
 *   and scans").
 * - The deletion is the service's own: it goes straight to the engine, so it
 *   is neither a request of the local AWS nor counted in its statistics, and
 *   it holds only if the item still has the expiry the sweep read (an item
 *   updated meanwhile with a new TTL survives).
 *
 * @module
 */

type Json = Record<string, unknown>;

/** An engine call's answer in JSON terms. */
export interface EngineAnswer {
  readonly status: number;
  readonly json: Json;
}

/** Options of {@linkcode sweepExpiredItems}. */
export interface TtlSweepOptions {
  /** Calls the engine (dynalite) with one DynamoDB operation. */
  readonly call: (operation: string, body: Json) => Promise<EngineAnswer>;
  /** The TTL attribute of `table`, or undefined when its TTL is disabled. */
  readonly ttlAttribute: (table: string) => string | undefined;
  /** Runs one deletion the way the layer runs a write (its lock). Default: at once. */
  readonly write?: <T>(task: () => Promise<T>) => Promise<T>;
  /** Current time in epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  /** Stops the sweep between two engine calls. */
  readonly signal?: AbortSignal;
}

/** AWS's TTL leaves items expired more than five years ago alone. */
const FIVE_YEARS_SECONDS = 5 * 365 * 24 * 3600;
const PAGE = 100;

/**
 * Deletes the expired items of every table whose TTL is enabled. Resolves to
 * the number of items deleted.
 *
 * @example Usage
 * ```ts
 * // Needs dynalite behind `call`: type-checked by `deno task ok`, not run.
 * import { sweepExpiredItems, type TtlSweepOptions } from "./_ttl_sweeper.ts";
 *
 * declare const call: TtlSweepOptions["call"];
 * const ttl = new Map([["laptops", "expires_at"]]); // table -> its TTL attribute
 * const deleted = await sweepExpiredItems({ call, ttlAttribute: (t) => ttl.get(t) });
 * ```
 */
export async function sweepExpiredItems(options: TtlSweepOptions): Promise<number> {
  let deleted = 0;
  for (const table of await tableNames(options)) {
    if (options.signal?.aborted) break;
    const attribute = options.ttlAttribute(table);
    if (attribute === undefined) continue;
    deleted += await sweepTable(table, attribute, options);
  }
  return deleted;
}

async function tableNames(options: TtlSweepOptions): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const listed = await options.call(
      "ListTables",
      start === undefined ? {} : {
        ExclusiveStartTableName: start,
      },
    );
    if (listed.status !== 200) break;
    names.push(...(listed.json.TableNames as string[] | undefined ?? []));
    start = listed.json.LastEvaluatedTableName as string | undefined;
  } while (start !== undefined && !options.signal?.aborted);
  return names;
}

/**
 * Whether an item whose TTL attribute is `value` has expired at `nowSeconds`
 * and is due for deletion: a Number of epoch seconds before now, and not more
 * than five years before.
 */
export function isExpired(value: unknown, nowSeconds: number): boolean {
  const number = (value as { N?: unknown } | undefined)?.N;
  if (typeof number !== "string") return false;
  const expires = Number(number);
  return expires < nowSeconds && expires >= nowSeconds - FIVE_YEARS_SECONDS;
}

async function sweepTable(table: string, attribute: string, options: TtlSweepOptions) {
  const described = await options.call("DescribeTable", { TableName: table });
  if (described.status !== 200) return 0;
  const schema = (described.json.Table as { KeySchema?: { AttributeName: string }[] })
    ?.KeySchema ?? [];
  const keyNames = schema.map((key) => key.AttributeName);
  // Only the key and the TTL attribute of each item are read.
  const read = [...new Set([...keyNames, attribute])];
  const names = Object.fromEntries(read.map((name, index) => [`#a${index}`, name]));
  const write = options.write ?? ((task) => task());
  const nowSeconds = (options.now ?? Date.now)() / 1000;
  let deleted = 0;
  let start: Json | undefined;
  do {
    const page = await options.call("Scan", {
      TableName: table,
      Limit: PAGE,
      ProjectionExpression: Object.keys(names).join(", "),
      ExpressionAttributeNames: names,
      ...(start === undefined ? {} : { ExclusiveStartKey: start }),
    });
    if (page.status !== 200) break;
    for (const item of page.json.Items as Json[] | undefined ?? []) {
      if (options.signal?.aborted) return deleted;
      if (!isExpired(item[attribute], nowSeconds)) continue;
      const key = Object.fromEntries(keyNames.map((name) => [name, item[name]]));
      const gone = await write(() =>
        options.call("DeleteItem", {
          TableName: table,
          Key: key,
          ConditionExpression: "#ttl = :seen",
          ExpressionAttributeNames: { "#ttl": attribute },
          ExpressionAttributeValues: { ":seen": item[attribute] },
        })
      );
      if (gone.status === 200) deleted++;
    }
    start = page.json.LastEvaluatedKey as Json | undefined;
  } while (start !== undefined && !options.signal?.aborted);
  return deleted;
}

/** Options of {@linkcode startTtlSweeper}. */
export interface TtlSweeperOptions extends TtlSweepOptions {
  /** Milliseconds between the end of one sweep and the start of the next. */
  readonly intervalMs: number;
  /** Stops the sweeper. */
  readonly signal: AbortSignal;
}

/**
 * Sweeps every `intervalMs` in the background until `signal` aborts. The timer
 * does not keep the process alive.
 */
export function startTtlSweeper(options: TtlSweeperOptions): void {
  const { intervalMs, signal } = options;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new RangeError(
      `Cannot sweep expired items: the interval must be a positive number of milliseconds, got ${intervalMs}`,
    );
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    if (signal.aborted) return;
    const id = setTimeout(async () => {
      try {
        await sweepExpiredItems(options);
      } catch (error) {
        if (!signal.aborted) console.error("local AWS: the TTL sweep failed:", error);
      }
      schedule();
    }, intervalMs);
    timer = id;
    Deno.unrefTimer(id);
  };
  signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  schedule();
}
