/**
 * dynalite's table descriptions, read once rather than once per item.
 *
 * dynalite reads a table's description (`store.getTable`: a store read and
 * a JSON parse) at the start of every item operation, and BatchGetItem and
 * BatchWriteItem read it again for each item. The item operations only read
 * it. {@linkcode TableDescriptions.forRequest} gives one such operation a
 * store whose `getTable` reads each table once per request and, on the
 * in-memory store, keeps the parsed description for the next requests for
 * as long as the stored string is the same. A table being created or
 * deleted, and one that cannot be read, go through dynalite's own each time.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import type { MirroredStore, NOT_READ } from "./_dynalite_memory.ts";

/** A table's description as dynalite stores it. */
export interface TableDescription {
  readonly TableStatus?: unknown;
}

/** dynalite's `getTable` callback. */
export type TableCallback = (error: unknown, table?: TableDescription) => void;

/** What this module uses of dynalite's store (`db/index.js`). */
export interface TableStore {
  readonly db: unknown;
  getTable(name: string, checkStatus: unknown, callback?: TableCallback): void;
}

/** Where dynalite keeps a table's description in its main store (`getSubDb('table')`). */
const TABLE_PREFIX = "table~";

/** Parsed table descriptions of one dynalite store. */
export class TableDescriptions {
  readonly #stored?: (key: string) => string | undefined | typeof NOT_READ;
  readonly #kept = new Map<string, { stored: string; table: TableDescription }>();

  /** @param db dynalite's main store: one that `_dynalite_memory.ts` made, or any other. */
  constructor(db: MirroredStore | unknown) {
    const mirrored = db as Partial<MirroredStore> | null;
    if (typeof mirrored?.storedNow === "function") {
      this.#stored = (key) => mirrored.storedNow!(key);
    }
  }

  /** `store` for one item operation, which only reads table descriptions. */
  forRequest<S extends TableStore>(store: S): S {
    const read = new Map<string, TableDescription>();
    const getTable: TableStore["getTable"] = (name, checkStatus, callback) => {
      const answer = (typeof checkStatus === "function" ? checkStatus : callback) as TableCallback;
      const stored = this.#stored?.(TABLE_PREFIX + name);
      const kept = this.#kept.get(name);
      const table = read.get(name) ??
        (kept !== undefined && kept.stored === stored ? kept.table : undefined);
      if (table !== undefined) {
        read.set(name, table);
        return void setImmediate(answer, null, table);
      }
      const keep: TableCallback = (error, table) => {
        const settled = table?.TableStatus !== "CREATING" && table?.TableStatus !== "DELETING";
        if (!error && table !== undefined && settled) {
          read.set(name, table);
          if (typeof stored === "string") this.#kept.set(name, { stored, table });
        }
        answer(error, table);
      };
      // dynalite's getTable tells (name, callback) from (name, checkStatus, callback).
      if (answer === checkStatus) store.getTable(name, keep);
      else store.getTable(name, checkStatus, keep);
    };
    return Object.assign(Object.create(store) as S, { getTable });
  }
}
