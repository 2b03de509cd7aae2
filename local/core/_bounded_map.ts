/**
 * A map that holds at most a fixed number of entries and forgets the oldest
 * first, at a cost that does not grow with the time it has run.
 *
 * Why not `Map.keys().next()` to find the oldest: a `Map` keeps a deleted
 * entry's slot until it grows or shrinks, and `keys().next()` walks every
 * such slot from the start, so once the map is full each eviction walks the
 * slots of all the evictions before it (4.5–15 µs each against 0.7 µs for an
 * insert, issue 15). Here the order of insertion is a queue of slots beside
 * the map: evicting takes the queue's head, a key set again or deleted
 * marks its slot dead (skipped once, with no look-up), and the queue is
 * rebuilt when dead slots outnumber live ones. Every operation is O(1)
 * amortized, with one look-up in the map per get, two per set of a new key
 * and one per eviction.
 *
 * @module
 */

interface Slot<K, V> {
  readonly key: K;
  value: V;
  /** False once its key was set again, deleted or evicted. */
  live: boolean;
}

/** Entries of a {@linkcode BoundedMap}, for tests: its queue's length and the work done. */
export interface BoundedMapCounts {
  /** Slots in the insertion queue's array (live, stale and evicted not yet dropped). */
  readonly queued: number;
  /** Queue slots looked at by evictions, in all. */
  readonly visited: number;
  /** Entries evicted, in all. */
  readonly evicted: number;
}

/**
 * A map of at most `max` entries, oldest (least recently set) forgotten first.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BoundedMap } from "./_bounded_map.ts";
 *
 * const map = new BoundedMap<string, number>(2);
 * map.set("a", 1);
 * map.set("b", 2);
 * assert.deepEqual(map.set("c", 3), ["a", 1]);
 * assert.equal(map.get("a"), undefined);
 * ```
 */
export class BoundedMap<K, V> {
  readonly #max: number;
  readonly #onEvict: ((key: K, value: V) => void) | undefined;
  readonly #entries = new Map<K, Slot<K, V>>();
  /** Slots in the order they were set; `#head` is the oldest still queued. */
  #queue: (Slot<K, V> | undefined)[] = [];
  #head = 0;
  #visited = 0;
  #evicted = 0;

  /**
   * Makes an empty map of at most `max` entries; `onEvict` gets the entries
   * {@linkcode BoundedMap.getOrAdd} forgets (`set` returns them).
   */
  constructor(max: number, onEvict?: (key: K, value: V) => void) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`Invalid max: expected a whole number above 0, got ${max}`);
    }
    this.#max = max;
    this.#onEvict = onEvict;
  }

  /** Entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value of a key, or undefined. */
  get(key: K): V | undefined {
    return this.#entries.get(key)?.value;
  }

  /** Whether the key is held. */
  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /**
   * Sets a key as the newest entry (a key set again moves to the newest
   * place) and forgets the oldest beyond the limit: returns it, or
   * undefined when none was forgotten.
   */
  set(key: K, value: V): [K, V] | undefined {
    const old = this.#entries.get(key);
    const slot: Slot<K, V> = { key, value, live: true };
    this.#entries.set(key, slot);
    this.#queue.push(slot);
    if (old !== undefined) {
      old.live = false;
      this.#compact();
      return undefined;
    }
    const evicted = this.#entries.size > this.#max ? this.#evictOldest() : undefined;
    this.#dropHead();
    return evicted;
  }

  /**
   * The value of a key; when it is not held, sets `make(key)` as the newest
   * entry, as {@linkcode BoundedMap.set} does, with one look-up less than
   * `get` then `set`. An entry it forgets goes to the `onEvict` of the
   * constructor.
   */
  getOrAdd(key: K, make: (key: K) => V): V {
    const held = this.#entries.get(key);
    if (held !== undefined) return held.value;
    const slot: Slot<K, V> = { key, value: make(key), live: true };
    this.#entries.set(key, slot);
    this.#queue.push(slot);
    if (this.#entries.size > this.#max) {
      const evicted = this.#evictOldest();
      if (evicted !== undefined) this.#onEvict?.(evicted[0], evicted[1]);
    }
    this.#dropHead();
    return slot.value;
  }

  /** Forgets the oldest entry and returns it, or undefined when the map is empty. */
  removeOldest(): [K, V] | undefined {
    const removed = this.#evictOldest();
    this.#dropHead();
    return removed;
  }

  /** Forgets a key; true when it was held. */
  delete(key: K): boolean {
    const slot = this.#entries.get(key);
    if (slot === undefined) return false;
    this.#entries.delete(key);
    slot.live = false;
    this.#compact();
    return true;
  }

  /** Values, oldest first. */
  *values(): IterableIterator<V> {
    for (let index = this.#head; index < this.#queue.length; index++) {
      const slot = this.#queue[index];
      if (slot?.live) yield slot.value;
    }
  }

  /** Values, newest first. */
  *valuesNewestFirst(): IterableIterator<V> {
    for (let index = this.#queue.length - 1; index >= this.#head; index--) {
      const slot = this.#queue[index];
      if (slot?.live) yield slot.value;
    }
  }

  /** What the map holds and did, for tests of its bounds. */
  get counts(): BoundedMapCounts {
    return {
      queued: this.#queue.length,
      visited: this.#visited,
      evicted: this.#evicted,
    };
  }

  #evictOldest(): [K, V] | undefined {
    const queue = this.#queue;
    while (this.#head < queue.length) {
      this.#visited++;
      const slot = queue[this.#head];
      // The array does not keep what left the queue alive.
      queue[this.#head++] = undefined;
      if (slot === undefined || !slot.live) continue;
      slot.live = false;
      this.#entries.delete(slot.key);
      this.#evicted++;
      return [slot.key, slot.value];
    }
    return undefined;
  }

  /** Drops the queue's evicted head once it is half the queue (amortized O(1)). */
  #dropHead(): void {
    if (this.#head >= 1024 && 2 * this.#head >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  /**
   * Rebuilds the queue with its live slots once dead ones outnumber the
   * entries: it costs as many steps as slots died before it (amortized O(1)).
   */
  #compact(): void {
    if (this.#queue.length - this.#head <= 2 * this.#entries.size + 16) {
      this.#dropHead();
      return;
    }
    const live: Slot<K, V>[] = [];
    for (let index = this.#head; index < this.#queue.length; index++) {
      const slot = this.#queue[index];
      if (slot?.live) live.push(slot);
    }
    this.#queue = live;
    this.#head = 0;
  }
}
