/**
 * dynalite's in-memory store: strings rather than bytes, and exact-key
 * reads from a Map.
 *
 * dynalite keeps an in-memory database in memory-level, a red-black tree
 * behind abstract-level's promise API. {@linkcode keepStringsInMemory}
 * replaces the module's `MemoryLevel` (before dynalite loads it) with a
 * subclass that stores strings and keeps a `Map` from each stored key to
 * its stored value, written in the same step as the tree (`_put`, `_del`,
 * `_batch`, `_clear`). An exact-key read (`get` without options: GetItem,
 * BatchGetItem, every table description) is answered from the Map, decoded
 * by the store's own value encoding, without abstract-level's per-call
 * options, encodings and promise chain; ordered reads (iterators: Query,
 * Scan) stay on the tree. Persistent stores (LevelDB) are not changed.
 *
 * @module
 */

/** What this module uses of memory-level. */
export interface MemoryLevelModule {
  MemoryLevel: new (location?: unknown, options?: unknown) => object;
}

/** What this module uses of an abstract-level store and memory-level's private methods. */
interface LevelBase {
  readonly status: string;
  get(key: unknown, options?: unknown): Promise<unknown>;
  valueEncoding(): { decode(stored: unknown): unknown };
  _put(key: unknown, value: unknown, options: unknown): Promise<void>;
  _del(key: unknown, options: unknown): Promise<void>;
  _batch(operations: StoredOperation[], options: unknown): Promise<void>;
  _clear(options: unknown): Promise<void>;
  _getSync(key: unknown, options: unknown): unknown;
}

interface StoredOperation {
  readonly type: string;
  readonly key: unknown;
  readonly value?: unknown;
}

/** A store made by the replaced `MemoryLevel`. */
export interface MirroredStore {
  /**
   * The value stored under `key`, decoded; `undefined` when there is none;
   * {@linkcode NOT_READ} when the store is not open (the caller then goes
   * through `get`, which waits for or refuses it as abstract-level does).
   * Throws what `get` rejects with when the value cannot be decoded.
   */
  readNow(key: string): unknown;
  /** The string stored under `key`, undecoded; otherwise as {@linkcode MirroredStore.readNow}. */
  storedNow(key: string): string | undefined | typeof NOT_READ;
}

/** {@linkcode MirroredStore.readNow}'s answer when it did not read. */
export const NOT_READ: unique symbol = Symbol("not read");

const REPLACED = Symbol("memory-level replaced");

/** Whether `store` was made by the replaced `MemoryLevel`. */
export function isMirroredStore(store: unknown): store is MirroredStore {
  return typeof (store as Partial<MirroredStore> | null)?.readNow === "function";
}

/**
 * Replaces `memoryLevel.MemoryLevel` (once) with a subclass that stores
 * strings (`storeEncoding: "utf8"`) and answers exact-key reads from a Map.
 *
 * By default memory-level stores bytes: every key dynalite writes or looks
 * up is encoded to a buffer and compared byte by byte in its tree, and
 * every JSON value goes through a buffer both ways. dynalite's keys are
 * ASCII (table and index names, hex digests and hex-encoded key values),
 * whose string order is their byte order, so the store sorts them as before.
 */
export function keepStringsInMemory(memoryLevel: MemoryLevelModule): void {
  const marked = memoryLevel as MemoryLevelModule & { [REPLACED]?: true };
  if (marked[REPLACED]) return;
  const Base = memoryLevel.MemoryLevel as unknown as new (...args: unknown[]) => LevelBase;
  class StringStore extends Base implements MirroredStore {
    #stored = new Map<string, string>();
    #decode?: (stored: unknown) => unknown;

    constructor(location?: unknown, options?: unknown) {
      // memory-level takes its options first or after a location.
      const first = location !== null && typeof location === "object";
      const settings = { storeEncoding: "utf8", ...((first ? location : options) ?? {}) };
      super(...(first ? [settings] : [location, settings]));
    }

    storedNow(key: string): string | undefined | typeof NOT_READ {
      return this.status === "open" ? this.#stored.get(key) : NOT_READ;
    }

    readNow(key: string): unknown {
      const stored = this.storedNow(key);
      if (stored === undefined || stored === NOT_READ) return stored;
      this.#decode ??= decoder(this);
      return this.#decode(stored);
    }

    override get(key: unknown, options?: unknown): Promise<unknown> {
      if (options !== undefined || typeof key !== "string") return super.get(key, options);
      try {
        const value = this.readNow(key);
        return value === NOT_READ ? super.get(key, options) : Promise.resolve(value);
      } catch (error) {
        return Promise.reject(error);
      }
    }

    // memory-level changes its tree in the synchronous part of each write, so
    // the Map changes in the same step; a write that fails takes the tree's
    // word for its keys.
    override _put(key: unknown, value: unknown, options: unknown): Promise<void> {
      const done = super._put(key, value, options);
      this.#stored.set(key as string, value as string);
      return done.catch((error) => this.#resync([key], error));
    }

    override _del(key: unknown, options: unknown): Promise<void> {
      const done = super._del(key, options);
      this.#stored.delete(key as string);
      return done.catch((error) => this.#resync([key], error));
    }

    override _batch(operations: StoredOperation[], options: unknown): Promise<void> {
      const done = super._batch(operations, options);
      for (const { type, key, value } of operations) {
        if (type === "put") this.#stored.set(key as string, value as string);
        else this.#stored.delete(key as string);
      }
      return done.catch((error) => this.#resync(operations.map(({ key }) => key), error));
    }

    override async _clear(options: unknown): Promise<void> {
      // A whole clear is done at once; a range, a limit or a snapshot is
      // cleared step by step: keep what the tree kept, now and at the end.
      const done = super._clear(options);
      this.#resync(this.#stored.keys());
      try {
        await done;
      } finally {
        this.#resync(this.#stored.keys());
      }
    }

    #resync(keys: Iterable<unknown>, error?: unknown): never | void {
      for (const key of [...keys]) {
        const stored = super._getSync(key, {});
        if (stored === undefined) this.#stored.delete(key as string);
        else this.#stored.set(key as string, stored as string);
      }
      if (error !== undefined) throw error;
    }
  }
  memoryLevel.MemoryLevel = StringStore;
  marked[REPLACED] = true;
}

/** The store's default value decoding, with abstract-level's error for a value it cannot decode. */
function decoder(store: LevelBase): (stored: unknown) => unknown {
  const encoding = store.valueEncoding();
  return (stored) => {
    try {
      return encoding.decode(stored);
    } catch (cause) {
      throw Object.assign(new Error("Could not decode value", { cause }), {
        code: "LEVEL_DECODE_ERROR",
      });
    }
  };
}
