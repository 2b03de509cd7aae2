/**
 * A map that holds at most a fixed number of entries and forgets the oldest
 * first, at a cost that does not grow with the time it has run.
 *
 * Why not `Map.keys().next()` to find the oldest: a `Map` keeps a deleted
 * entry's slot until it grows or shrinks, and `keys().next()` walks every
 * such slot from the start, so once the map is full each eviction walks the
 * slots of all the evictions before it (4.5–15 µs each against 0.7 µs for an
 * insert, issue 15). Here the order of insertion is a queue of the entries'
 * slots beside the map, each slot knowing its latest place in the queue: a
 * key set again changes its slot in place and queues it again (its older
 * place goes stale), a key deleted marks its slot, evicting takes the
 * queue's head and skips stale places with no look-up, and the queue is
 * rebuilt when stale places outnumber live ones. Every operation is O(1)
 * amortized: one look-up in the map per get and per set of a held key, two
 * per set of a new key, one per eviction; a slot is made per new key only.
 *
 * @module
 */

interface Slot<K, V> {
  readonly key: K;
  value: V;
  /** Its latest place in the queue (since the map was made); -1 once deleted or evicted. */
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
  readonly #onEvict: ((key: K, value: V) => void) | undefined;
  readonly #entries = new Map<K, Slot<K, V>>();
  /** Slots in the order they were set; `#head` is the oldest place still queued. */
  #queue: (Slot<K, V> | undefined)[] = [];
  #head = 0;
  /** Place of `#queue[0]` since the map was made (places only grow). */
  #base = 0;
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
    const held = this.#entries.get(key);
    if (held !== undefined) {
      held.value = value;
      held.position = this.#base + this.#queue.length;
      this.#queue.push(held);
      this.#compact();
      return undefined;
    }
    return this.#add(key, value);
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
    const value = make(key);
    const evicted = this.#add(key, value);
    if (evicted !== undefined) this.#onEvict?.(evicted[0], evicted[1]);
    return value;
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
    slot.position = -1;
    this.#compact();
    return true;
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

  /** Adds a key known not to be held; returns the entry forgotten, if any. */
  #add(key: K, value: V): [K, V] | undefined {
    const slot: Slot<K, V> = { key, value, position: this.#base + this.#queue.length };
    this.#entries.set(key, slot);
    this.#queue.push(slot);
    const evicted = this.#entries.size > this.#max ? this.#evictOldest() : undefined;
    this.#dropHead();
    return evicted;
  }

  /** The slot whose latest place is queue index `index`, if any (no look-up). */
  #live(index: number): Slot<K, V> | undefined {
    const slot = this.#queue[index];
    return slot !== undefined && slot.position === this.#base + index ? slot : undefined;
  }

  #evictOldest(): [K, V] | undefined {
    while (this.#head < this.#queue.length) {
      this.#visited++;
      const index = this.#head++;
      const slot = this.#live(index);
      // The array does not keep what left the queue alive.
      this.#queue[index] = undefined;
      if (slot === undefined) continue;
      slot.position = -1;
      this.#entries.delete(slot.key);
      this.#evicted++;
      return [slot.key, slot.value];
    }
    return undefined;
  }

  /** Drops the queue's evicted head once it is half the queue (amortized O(1)). */
  #dropHead(): void {
    if (this.#head >= 1024 && 2 * this.#head >= this.#queue.length) {
      this.#base += this.#head;
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  /**
   * Rebuilds the queue with its live places once stale ones outnumber the
   * entries: it costs as many steps as places went stale before it
   * (amortized O(1)), with no look-up.
   */
  #compact(): void {
    if (this.#queue.length - this.#head <= 2 * this.#entries.size + 16) {
      this.#dropHead();
      return;
    }
    const live: Slot<K, V>[] = [];
    for (let index = this.#head; index < this.#queue.length; index++) {
      const slot = this.#live(index);
      if (slot !== undefined) live.push(slot);
    }
    this.#base += this.#queue.length;
    this.#queue = live;
    this.#head = 0;
    live.forEach((slot, index) => slot.position = this.#base + index);
  }
}
