/**
 * Waiting in the end-to-end tests: lib's delay, and polling a condition
 * until it holds or a deadline passes.
 *
 * @module
 */

import { delay } from "../../lib/delay.ts";

export { delay };

/** Options of {@linkcode waitFor}. */
export interface WaitForOptions {
  /** How long to wait in all, in milliseconds. Default 20,000. */
  readonly timeoutMs?: number;
  /** Milliseconds between two checks. Default 100. */
  readonly intervalMs?: number;
}

/**
 * Checks `check` until it returns true; throws `Timed out waiting for <what>`
 * once `timeoutMs` have passed.
 */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: WaitForOptions = {},
): Promise<void> {
  const { timeoutMs = 20_000, intervalMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(intervalMs);
  }
}

/** A {@linkcode waitFor} at a file's own pace, whose third argument is the timeout. */
export type PacedWaitFor = (
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs?: number,
) => Promise<void>;

/**
 * Makes a {@linkcode waitFor} that polls every `intervalMs` and waits
 * `timeoutMs` unless a call says otherwise.
 */
export function pacedWaitFor(pace: Required<WaitForOptions>): PacedWaitFor {
  return (what, check, timeoutMs = pace.timeoutMs) =>
    waitFor(what, check, { timeoutMs, intervalMs: pace.intervalMs });
}
