/**
 * Values worked out once per key and kept, a bounded number of them.
 *
 * @module
 */

/**
 * At most `max` values by key; when full, the next one kept drops them all
 * at once. For the local AWS's hot paths, whose keys are few and repeat
 * (queue URLs, signing scopes, `SignedHeaders` lists, hash keys being
 * written and read back): a full map means keys that do not repeat, and
 * dropping them whole costs a call nothing, where keeping a recency order
 * (`BoundedMap`) costs every call.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { KeptValues } from "./_kept_values.ts";
 *
 * const lengths = new KeptValues<string, number>(2);
 * const lengthOf = (text: string) => lengths.get(text) ?? lengths.keep(text, text.length);
 * assert.equal(lengthOf("abc"), 3);
 * assert.equal(lengths.size, 1);
 * ```
 */
export class KeptValues<K, V> {
  #values = new Map<K, V>();
  #max: number;

  /** @throws {RangeError} When `max` is not a positive integer. */
  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`Invalid max: expected a whole number above 0, got ${max}`);
    }
    this.#max = max;
  }

  /** Values kept. */
  get size(): number {
    return this.#values.size;
  }

  /** The value kept for `key`, or undefined. */
  get(key: K): V | undefined {
    return this.#values.get(key);
  }

  /** Keeps `value` for `key` (dropping every value first when full) and returns it. */
  keep(key: K, value: V): V {
    if (this.#values.size >= this.#max && !this.#values.has(key)) this.#values.clear();
    this.#values.set(key, value);
    return value;
  }
}
