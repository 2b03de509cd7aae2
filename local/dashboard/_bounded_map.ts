/**
 * A map that holds at most a fixed number of entries and forgets the oldest
 * first, at a cost that does not grow with the time it has run.
 *
 * Why not `Map.keys().next()` to find the oldest: a `Map` keeps a deleted
 * entry's slot until it grows or shrinks, and `keys().next()` walks every
 * such slot from the start, so once the map is full each eviction walks the
 * slots of all the evictions before it (4.5–15 µs each against 0.7 µs for an
 * insert, issue 15). Here the order of insertion is a queue of keys beside
 * the map: evicting takes the queue's head, a key set again or deleted
 * leaves a stale slot that is skipped once, and the queue is rebuilt when
 * stale slots outnumber live ones. Every operation is O(1) amortized.
 *
 * @module
 */

interface Slot<V> {
  value: V;
  /** The queue position of the key's latest insertion. */
  position: number;
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
  readonly #entries = new Map<K, Slot<V>>();
  /** Keys in the order they were set; `#head` is the oldest still queued. */
  #queue: K[] = [];
  #head = 0;
  /** Position of `#queue[0]` since the map was made (positions only grow). */
  #base = 0;
  #visited = 0;
  #evicted = 0;

  /** Makes an empty map of at most `max` entries. */
  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`Invalid max: expected a whole number above 0, got ${max}`);
    }
    this.#max = max;
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
    const position = this.#base + this.#queue.length;
    const slot = this.#entries.get(key);
    if (slot === undefined) this.#entries.set(key, { value, position });
    else {
      slot.value = value;
      slot.position = position;
    }
    this.#queue.push(key);
    const evicted = this.#entries.size > this.#max ? this.#evictOldest() : undefined;
    this.#compact();
    return evicted;
  }

  /** Forgets a key; true when it was held. */
  delete(key: K): boolean {
    const deleted = this.#entries.delete(key);
    if (deleted) this.#compact();
    return deleted;
  }

  /** Values, oldest first. */
  *values(): IterableIterator<V> {
    for (let index = this.#head; index < this.#queue.length; index++) {
      const slot = this.#live(index);
      if (slot !== undefined) yield slot.value;
    }
  }

  /** Values, newest first. */
  *valuesNewestFirst(): IterableIterator<V> {
    for (let index = this.#queue.length - 1; index >= this.#head; index--) {
      const slot = this.#live(index);
      if (slot !== undefined) yield slot.value;
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

  /** The slot whose latest insertion is at queue index `index`, if any. */
  #live(index: number): Slot<V> | undefined {
    const slot = this.#entries.get(this.#queue[index] as K);
    return slot?.position === this.#base + index ? slot : undefined;
  }

  #evictOldest(): [K, V] | undefined {
    while (this.#head < this.#queue.length) {
      this.#visited++;
      const index = this.#head++;
      const slot = this.#live(index);
      if (slot === undefined) continue;
      const key = this.#queue[index] as K;
      this.#entries.delete(key);
      this.#evicted++;
      return [key, slot.value];
    }
    return undefined;
  }

  /**
   * Drops the queue's evicted head once it is half the queue, and rebuilds
   * the queue once stale slots outnumber the entries: each costs as many
   * steps as slots went stale or evicted before it (amortized O(1)).
   */
  #compact(): void {
    const queued = this.#queue.length - this.#head;
    if (queued <= 2 * this.#entries.size + 16) {
      if (this.#head >= 1024 && 2 * this.#head >= this.#queue.length) {
        this.#base += this.#head;
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      return;
    }
    const live: K[] = [];
    for (let index = this.#head; index < this.#queue.length; index++) {
      if (this.#live(index) !== undefined) live.push(this.#queue[index] as K);
    }
    this.#base += this.#queue.length;
    this.#queue = live;
    this.#head = 0;
    live.forEach((key, index) => (this.#entries.get(key) as Slot<V>).position = this.#base + index);
  }
}
