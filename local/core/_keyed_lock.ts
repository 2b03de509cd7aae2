/**
 * Runs tasks one at a time per key, in the order they arrive, and tasks of
 * different keys concurrently.
 *
 * @module
 */

/**
 * A per-key mutex. Holds nothing for a key with no task running or waiting.
 *
 * @example Usage
 * ```ts
 * import { KeyedLock } from "./_keyed_lock.ts";
 *
 * const lock = new KeyedLock();
 * const order: number[] = [];
 * await Promise.all([
 *   lock.run("laptops/a.json", async () => order.push(1)),
 *   lock.run("laptops/a.json", async () => order.push(2)), // after the first
 * ]);
 * ```
 */
export class KeyedLock {
  #tails = new Map<string, Promise<unknown>>();

  /** Number of keys with a task running or waiting. */
  get size(): number {
    return this.#tails.size;
  }

  /** Runs `task` once every earlier task of `key` has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key);
    const result = previous === undefined ? task() : previous.then(task, task);
    const tail = result.then(ignore, ignore);
    this.#tails.set(key, tail);
    tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}

function ignore(): void {}
