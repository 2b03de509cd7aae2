/**
 * Stopping a command-line program cleanly on Ctrl-C or SIGTERM.
 *
 * @module
 */

/**
 * Calls `onStop` on SIGINT or SIGTERM until disposed, so that a program can
 * finish what it has in hand and exit through `Deno.exitCode`.
 *
 * @example Usage
 * ```ts
 * import { listenForStop } from "./stop_signals.ts";
 *
 * const controller = new AbortController();
 * using _stop = listenForStop(() => controller.abort());
 * // ... work until controller.signal aborts (SIGINT or SIGTERM); leaving the
 * // scope removes the listeners.
 * ```
 *
 * @param onStop Called once per signal received.
 * @returns A disposable that removes the listeners.
 */
export function listenForStop(onStop: () => void): Disposable {
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, onStop);
  return {
    [Symbol.dispose]() {
      for (const signal of signals) Deno.removeSignalListener(signal, onStop);
    },
  };
}
