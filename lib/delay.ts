/**
 * Waiting, cut short by an abort signal.
 *
 * @module
 */

/** Options of {@linkcode delay}. */
export interface DelayOptions {
  /** Ends the wait early. */
  readonly signal?: AbortSignal | undefined;
  /**
   * What an abort does to the wait: `"reject"` (the default) rejects with the
   * signal's reason, `"resolve"` ends it as if the time had passed (a loop
   * that checks the signal itself).
   */
  readonly onAbort?: "reject" | "resolve";
}

/**
 * Resolves after `ms` milliseconds, or at once on an abort of `signal`.
 *
 * @example Usage
 * ```ts
 * import { delay } from "./delay.ts";
 *
 * await delay(10);
 * await delay(60_000, { signal: AbortSignal.abort(), onAbort: "resolve" }); // at once
 * ```
 *
 * @param ms Milliseconds to wait.
 * @param options The signal, and what its abort does.
 * @returns A promise of the end of the wait.
 */
export function delay(ms: number, options: DelayOptions = {}): Promise<void> {
  const { signal, onAbort = "reject" } = options;
  return new Promise((resolve, reject) => {
    const stop = () => onAbort === "resolve" ? resolve() : reject(signal?.reason);
    if (signal?.aborted) return stop();
    const aborted = () => {
      clearTimeout(timer);
      stop();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", aborted);
      resolve();
    }, ms);
    signal?.addEventListener("abort", aborted, { once: true });
  });
}
