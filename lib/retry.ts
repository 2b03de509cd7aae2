/**
 * Retrying a step whose error is transient (the service was unreachable,
 * failed on its side or throttled), beyond the SDK's own attempts, so that
 * a step outlives a restart of the endpoint or a burst of throttling.
 *
 * @module
 */

/** Options of {@linkcode retryTransient}. */
export interface RetryOptions {
  /** Calls, the first included. Defaults to 10 (with the default waits, 5.5 to 11 s of retrying). */
  readonly attempts?: number;
  /** Waits before retry number `n` (1, 2, ...). Defaults to {@linkcode backoffDelay}. */
  readonly sleep?: (n: number) => Promise<void>;
  /** Called before each retry with the error that caused it. */
  readonly onRetry?: (error: unknown, n: number) => void;
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

const TRANSIENT_NAMES = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  // Throttling, as the SDK's retry strategy names it.
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "Throttling",
  "RequestThrottled",
  "RequestThrottledException",
  "RequestLimitExceeded",
  "SlowDown",
  "TooManyRequestsException",
  "LimitExceededException",
  "TransactionInProgressException",
  "PriorRequestNotComplete",
]);

/**
 * Whether an error is worth retrying: a network failure, a time-out, a
 * server-side error (status 5xx) or throttling (status 429 or a throttling
 * code), looking through `cause`. A client error (a 4xx such as a failed
 * condition, a missing resource, denied access), missing credentials or an
 * abort is not.
 *
 * @example Usage
 * ```ts
 * import { isTransient } from "./retry.ts";
 *
 * isTransient(Object.assign(new Error("x"), { name: "SlowDown" })); // true
 * ```
 *
 * @param error What a call threw.
 * @returns True when trying again may succeed.
 */
export function isTransient(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { name, code, $metadata, $retryable } = e as {
      name?: string;
      code?: string;
      $metadata?: { httpStatusCode?: number };
      $retryable?: unknown;
    };
    if (name === "AbortError") return false;
    if ($retryable !== undefined) return true;
    if (name !== undefined && TRANSIENT_NAMES.has(name)) return true;
    if (code !== undefined && NETWORK_CODES.has(code)) return true;
    const status = $metadata?.httpStatusCode;
    if (status !== undefined) return status === 429 || (status >= 500 && status <= 599);
  }
  return false;
}

/**
 * Exponential backoff with "equal jitter": half of 100 ms × 2^(n-1) (at most
 * 2 s), plus up to as much again at random. The guaranteed half makes the
 * retries span a known time (an endpoint restarting), the random half keeps
 * callers from retrying in step.
 *
 * @param n The retry's number, from 1.
 * @returns Milliseconds to wait.
 */
export function backoffDelay(n: number): number {
  const cap = Math.min(2_000, 100 * 2 ** (n - 1));
  return cap / 2 + Math.random() * (cap / 2);
}

/**
 * Calls `step` until it succeeds, fails with an error that is not
 * {@linkcode isTransient}, or has been called `attempts` times; then throws
 * its last error. Only for steps that are safe to repeat.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { retryTransient } from "./retry.ts";
 *
 * // As `retryTransient(() => s3.send(new PutObjectCommand(input)))` would meet a throttle:
 * let calls = 0;
 * const answer = await retryTransient(() => {
 *   calls++;
 *   if (calls === 1) throw Object.assign(new Error("Slow down"), { name: "SlowDown" });
 *   return Promise.resolve("stored");
 * }, { sleep: () => Promise.resolve() });
 * assert.deepEqual([answer, calls], ["stored", 2]);
 * ```
 *
 * @param step The step.
 * @param options Attempts and waits.
 * @returns What the step returned.
 */
export async function retryTransient<T>(
  step: () => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const {
    attempts = 10,
    sleep = (n: number) => new Promise<void>((resolve) => setTimeout(resolve, backoffDelay(n))),
    onRetry,
  } = options;
  for (let n = 1;; n++) {
    try {
      return await step();
    } catch (error) {
      if (n >= attempts || !isTransient(error)) throw error;
      onRetry?.(error, n);
      await sleep(n);
    }
  }
}
