/**
 * dynalite's item keys with the MD5 done in this isolate.
 *
 * dynalite stores an item under `<hash prefix>/<key>/...`, the prefix being
 * the first six hex digits of MD5("Outliers" + hash key) (`db/index.js`
 * `hashPrefix`, through `node:crypto`: about 5 µs a key, twice per item of
 * a BatchWriteItem). {@linkcode hashKeysInIsolate} replaces the module's
 * exported `createKey` and `hashPrefix`, which the operations call, with
 * versions that hash a string hash key with {@linkcode md5Hex} and leave
 * every other case (numbers, binaries, a range key) to dynalite's own. The
 * last few thousand string keys' prefixes are kept: a BatchWriteItem makes
 * each item's key twice, and an item is often read or updated soon after it
 * is written.
 *
 * @module
 */

import { md5Hex } from "./_md5.ts";
import { KeptValues } from "../core/mod.ts";

type Item = Record<string, Record<string, unknown>>;
type KeyVisitor = (attr: string, type: string, isHash: boolean) => unknown;

/** What this module uses of dynalite's `db/index.js`. */
export interface DynaliteKeyModule {
  createKey(item: Item, table: unknown, keySchema?: unknown): string | undefined;
  hashPrefix(hashKey: unknown, hashType: unknown, rangeKey?: unknown, rangeType?: unknown): string;
  traverseKey(table: unknown, keySchema: unknown, visitKey: KeyVisitor): unknown;
  toRangeStr(keyPiece: unknown, type: string): string;
  [ORIGINALS]?: OriginalKeyFunctions;
}

/** dynalite's own `createKey` and `hashPrefix`, kept when they are replaced. */
export interface OriginalKeyFunctions {
  readonly createKey: DynaliteKeyModule["createKey"];
  readonly hashPrefix: DynaliteKeyModule["hashPrefix"];
}

const ORIGINALS = Symbol("dynalite's key functions");

/** dynalite's salt (`hashPrefix`). */
const SALT = "Outliers";

/** How many string hash keys' prefixes are kept (an item is often read or updated soon after it is written). */
const KEPT_PREFIXES = 4_096;

/**
 * Replaces `db.createKey` and `db.hashPrefix` (once) with versions that
 * give the same strings and throw the same errors.
 *
 * @returns dynalite's own functions.
 */
export function hashKeysInIsolate(db: DynaliteKeyModule): OriginalKeyFunctions {
  const known = db[ORIGINALS];
  if (known !== undefined) return known;
  const originals = { createKey: db.createKey, hashPrefix: db.hashPrefix };
  const prefixes = new KeptValues<string, string>(KEPT_PREFIXES);
  const hashPrefix: DynaliteKeyModule["hashPrefix"] = (hashKey, hashType, rangeKey, rangeType) => {
    if (hashType !== "S" || typeof hashKey !== "string" || rangeKey) {
      return originals.hashPrefix(hashKey, hashType, rangeKey, rangeType);
    }
    return prefixes.get(hashKey) ?? prefixes.keep(hashKey, md5Hex(SALT + hashKey).slice(0, 6));
  };
  db.hashPrefix = hashPrefix;
  db.createKey = (item, table, keySchema) => {
    let key: string | undefined;
    const schema = keySchema ?? (table as { KeySchema: unknown }).KeySchema;
    db.traverseKey(table, schema, (attr, type, isHash) => {
      if (isHash) key = hashPrefix(item[attr]![type], type) + "/";
      key += db.toRangeStr(item[attr]![type], type) + "/";
    });
    return key;
  };
  db[ORIGINALS] = originals;
  return originals;
}
