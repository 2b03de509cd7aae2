/**
 * Time under the test's control (STYLE.md: "Time in tests is controlled,
 * never read"): `setTimeout`, `clearTimeout`, `setInterval`,
 * `clearInterval` and `Date` replaced by `@sinonjs/fake-timers` until the
 * clock is disposed. Nothing fires until the test moves the clock.
 *
 * @example Move time on by hand
 * ```ts
 * import assert from "node:assert/strict";
 * import { useFakeTime } from "./fake_time.ts";
 *
 * using time = useFakeTime();
 * let fired = false;
 * setTimeout(() => fired = true, 30);
 * await time.tickAsync(29);
 * assert.equal(fired, false);
 * await time.tickAsync(1);
 * assert.equal(fired, true);
 * ```
 *
 * @module
 */

// @ts-types="@types/sinonjs__fake-timers"
import FakeTimers from "@sinonjs/fake-timers";

/** A fake clock; dispose it (`using`) to give the real timers back. */
export interface FakeTime extends Disposable {
  /** Milliseconds of fake time since the clock was installed at 0. */
  readonly now: number;
  /** Moves time on by `ms`, firing the timers due and letting promises settle in between. */
  tickAsync(ms: number): Promise<number>;
  /**
   * Fires every timer, the ones they set too, moving time on to each;
   * resolves once none is left (after letting promises settle).
   */
  runAllAsync(): Promise<number>;
}

/** Replaces the timers and `Date` with a fake clock that starts at 0. */
export function useFakeTime(): FakeTime {
  const clock = FakeTimers.install({
    now: 0,
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
  });
  return {
    get now() {
      return clock.now;
    },
    tickAsync: (ms) => clock.tickAsync(ms),
    runAllAsync: () => clock.runAllAsync(),
    [Symbol.dispose]: () => clock.uninstall(),
  };
}
