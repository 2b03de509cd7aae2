/**
 * Gathering single requests into batch calls: a batch is sent when it is
 * full or when its first entry has waited `lingerMs`.
 *
 * @module
 */

/** Outcome of one entry of a batch call. */
export type EntryResult<R> = { ok: true; value: R } | { ok: false; error: Error };

/** Options of {@linkcode createBatcher}. */
export interface BatcherOptions<T, R> {
  /** Most entries per batch call. */
  readonly size: number;
  /** Milliseconds the first entry of a batch waits for more. Defaults to 2. */
  readonly lingerMs?: number;
  /** Sends one batch; returns one result per entry, in order. May throw: every entry fails. */
  readonly send: (entries: T[]) => Promise<EntryResult<R>[]>;
}

/** Adds entries to batches. */
export interface Batcher<T, R> {
  /** Adds an entry; settles when its batch was sent, with its own result. */
  add(entry: T): Promise<R>;
  /** Sends the batch being gathered now. */
  flush(): void;
}

/**
 * Creates a batcher.
 *
 * @example Usage
 * ```ts
 * import { createBatcher } from "./batcher.ts";
 *
 * const double = createBatcher<number, number>({
 *   size: 10,
 *   send: (xs) => Promise.resolve(xs.map((x) => ({ ok: true, value: 2 * x }))),
 * });
 * console.log(await Promise.all([double.add(1), double.add(2)])); // [2, 4], one call
 * ```
 *
 * @param options Size, linger and the batch call.
 * @returns The batcher.
 */
export function createBatcher<T, R>(options: BatcherOptions<T, R>): Batcher<T, R> {
  const { size, lingerMs = 2, send } = options;
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`Invalid batch size ${size}: give a whole number of 1 or more`);
  }
  let pending: { entry: T; resolve: (value: R) => void; reject: (error: Error) => void }[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    send(batch.map((p) => p.entry)).then(
      (results) => {
        batch.forEach((p, i) => {
          const result = results[i];
          if (result === undefined) p.reject(new Error("Cannot send batch entry: no result"));
          else if (result.ok) p.resolve(result.value);
          else p.reject(result.error);
        });
      },
      (error: unknown) => {
        const reason = error instanceof Error ? error : new Error(String(error));
        for (const p of batch) p.reject(reason);
      },
    );
  };

  return {
    add(entry) {
      return new Promise<R>((resolve, reject) => {
        pending.push({ entry, resolve, reject });
        if (pending.length >= size) flush();
        else if (timer === undefined) timer = setTimeout(flush, lingerMs);
      });
    },
    flush,
  };
}
