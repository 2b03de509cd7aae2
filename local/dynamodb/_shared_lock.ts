/**
 * A lock with shared and exclusive holders: any number of shared tasks run at
 * once, an exclusive task runs alone. The DynamoDB layer runs every request
 * as a shared task and `TransactWriteItems` as an exclusive one, so that no
 * read sees a transaction half applied while ordinary requests never wait
 * for each other.
 *
 * @module
 */

interface Waiter {
  readonly exclusive: boolean;
  readonly grant: () => void;
}

/**
 * A shared/exclusive lock. Tasks are granted in the order they arrive: a
 * shared task that arrives while an exclusive one waits queues behind it, so
 * a stream of shared tasks cannot starve an exclusive one.
 *
 * @example Usage
 * ```ts
 * import { SharedLock } from "./_shared_lock.ts";
 *
 * const lock = new SharedLock();
 * await Promise.all([
 *   lock.shared(async () => "read"), // these two run at once
 *   lock.shared(async () => "write"),
 *   lock.exclusive(async () => "transaction"), // after both, alone
 * ]);
 * ```
 */
export class SharedLock {
  #shared = 0;
  #exclusive = false;
  #queue: Waiter[] = [];

  /** Shared tasks running now. */
  get sharedCount(): number {
    return this.#shared;
  }

  /** Whether an exclusive task runs now. */
  get exclusiveHeld(): boolean {
    return this.#exclusive;
  }

  /** Runs `task` alongside other shared tasks, never during an exclusive one. */
  shared<T>(task: () => Promise<T>): Promise<T> {
    if (!this.#exclusive && this.#queue.length === 0) {
      this.#shared++;
      return this.#run(task, false);
    }
    return this.#wait(false).then(() => this.#run(task, false));
  }

  /** Runs `task` alone: after the tasks running now, before any that arrive later. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (!this.#exclusive && this.#shared === 0 && this.#queue.length === 0) {
      this.#exclusive = true;
      return this.#run(task, true);
    }
    return this.#wait(true).then(() => this.#run(task, true));
  }

  #wait(exclusive: boolean): Promise<void> {
    return new Promise((resolve) => this.#queue.push({ exclusive, grant: resolve }));
  }

  async #run<T>(task: () => Promise<T>, exclusive: boolean): Promise<T> {
    try {
      return await task();
    } finally {
      if (exclusive) this.#exclusive = false;
      else this.#shared--;
      this.#grantWaiting();
    }
  }

  #grantWaiting(): void {
    while (this.#queue.length > 0 && !this.#exclusive) {
      const next = this.#queue[0] as Waiter;
      if (next.exclusive) {
        if (this.#shared > 0) return;
        this.#exclusive = true;
      } else {
        this.#shared++;
      }
      this.#queue.shift();
      next.grant();
    }
  }
}
