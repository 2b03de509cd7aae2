/**
 * The project's one retry policy: which errors are retried
 * ({@linkcode isTransient}: the service was unreachable, failed on its side
 * or throttled), how long to wait ({@linkcode backoffDelay}) and how often
 * (attempts), so that work outlives a restart of the endpoint or a burst of
 * throttling.
 *
 * Each call is retried by exactly one layer, never two multiplied:
 *
 * - the generator retries whole steps ({@linkcode retryTransient}: a
 *   conditional create is two calls, a batched write joins a new batch) and
 *   its clients make one attempt per call (`maxAttempts: 1`). Budget per
 *   step: {@linkcode RETRY_ATTEMPTS} = 10 attempts, 9 waits of 50 to 100% of
 *   min(2 s, 100 ms × 2^(n-1)): 5.55 to 11.1 s of waiting, so a restart of
 *   the local AWS (1 to 4 s) is outlived; each attempt is bounded by the
 *   request time-out (3 s), at most 10 × 3 s + 11.1 s = 41.1 s in all. A lost
 *   record is a failed run, so the generator gets the long budget.
 * - every other call is retried inside `client.send`: the SDK clients of
 *   `lib/clients.ts` carry the policy as their retry strategy
 *   ({@linkcode createRetryStrategy}). Budget per call:
 *   {@linkcode SDK_ATTEMPTS} = 3 attempts, 2 waits (50 to 100 ms, then 100 to
 *   200 ms): 0.15 to 0.3 s of waiting, at most 3 × 3 s + 0.3 s = 9.3 s in
 *   all. The service and the Lambda need no more: a message they fail comes
 *   back from SQS (the service's poll loop backs off and goes on), and a
 *   program pointed at a wrong endpoint says so within seconds.
 *
 * Apart from errors: the keys DynamoDB leaves unprocessed in a successful
 * batch call (throttling) are sent again ({@linkcode UnprocessedRetryOptions}:
 * 6 calls, 25 ms doubling, with jitter); these are new calls with fewer
 * keys, not repeats of a failed one.
 *
 * @module
 */

import { delay } from "./delay.ts";

/** Attempts per generator step, the first included: 5.55 to 11.1 s of waits. */
export const RETRY_ATTEMPTS = 10;

/** Attempts per SDK call, the first included: 0.15 to 0.3 s of waits. */
export const SDK_ATTEMPTS = 3;

/** Options of {@linkcode retryTransient}. */
export interface RetryOptions {
  /** Calls, the first included. Defaults to {@linkcode RETRY_ATTEMPTS} (with the default waits, 5.55 to 11.1 s of retrying). */
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
    attempts = RETRY_ATTEMPTS,
    sleep = (n: number) => delay(backoffDelay(n)),
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

/** What the SDK's retry middleware hands a strategy about a failed attempt. */
export interface RetryErrorInfo {
  /** The SDK's classification. */
  readonly errorType: string;
  /** The error itself (given by `@smithy/core` 3.x). */
  readonly error?: unknown;
}

/** A retry token of {@linkcode createRetryStrategy}: which retry this is and how long to wait. */
export interface RetryToken {
  /** Retries made so far. */
  getRetryCount(): number;
  /** Milliseconds the SDK waits before the next attempt. */
  getRetryDelay(): number;
}

/** The SDK's retry strategy interface (`RetryStrategyV2` of `@smithy/types`). */
export interface SdkRetryStrategy {
  /** The token of a call's first attempt. */
  acquireInitialRetryToken(scope: string): Promise<RetryToken>;
  /** The token of the next attempt; rejects when the call must not be retried. */
  refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken>;
  /** Called when an attempt succeeded. */
  recordSuccess(token: RetryToken): void;
}

/** Options of {@linkcode createRetryStrategy}. */
export interface RetryStrategyOptions {
  /** Attempts per call, the first included. Defaults to {@linkcode SDK_ATTEMPTS}. */
  readonly attempts?: number;
  /** Milliseconds to wait before retry number `n` (1, 2, ...). Defaults to {@linkcode backoffDelay}. */
  readonly delay?: (n: number) => number;
}

/**
 * The policy as an SDK v3 retry strategy, for a client's `retryStrategy`:
 * an attempt that failed with an {@linkcode isTransient} error is repeated
 * after {@linkcode backoffDelay}, up to `attempts` in all. Unlike the SDK's
 * standard strategy it keeps no retry quota shared by a client's calls, so
 * that every call in flight outlives an endpoint's restart.
 *
 * @example Usage
 * ```ts
 * import { SQSClient } from "@aws-sdk/client-sqs";
 * import { createRetryStrategy } from "./retry.ts";
 *
 * const sqs = new SQSClient({ region: "us-east-1", retryStrategy: createRetryStrategy() });
 * sqs.destroy();
 * ```
 *
 * @param options Attempts and waits.
 * @returns The strategy.
 */
export function createRetryStrategy(options: RetryStrategyOptions = {}): SdkRetryStrategy {
  const { attempts = SDK_ATTEMPTS, delay = backoffDelay } = options;
  const token = (retries: number, wait: number): RetryToken => ({
    getRetryCount: () => retries,
    getRetryDelay: () => wait,
  });
  return {
    acquireInitialRetryToken: () => Promise.resolve(token(0, 0)),
    refreshRetryTokenForRetry(previous, errorInfo) {
      const n = previous.getRetryCount() + 1;
      const { error } = errorInfo;
      if (n >= attempts || !retryable(errorInfo)) {
        return Promise.reject(new Error(`No retry: attempt ${n} of ${attempts}`, { cause: error }));
      }
      return Promise.resolve(token(n, delay(n)));
    },
    recordSuccess() {},
  };
}

/**
 * Whether the strategy retries an attempt: a transient error, or one the SDK
 * corrected its clock for (it signs the next attempt with the server's time).
 * Without the error, the SDK's classification decides.
 */
function retryable({ error, errorType }: RetryErrorInfo): boolean {
  if (error === undefined) return errorType !== "CLIENT_ERROR";
  const skew = (error as { $metadata?: { clockSkewCorrected?: boolean } } | null)?.$metadata;
  return isTransient(error) || skew?.clockSkewCorrected === true;
}

/**
 * Options of a batch call that sends again the keys DynamoDB left
 * unprocessed (`readItems`, `writeItems`).
 */
export interface UnprocessedRetryOptions {
  /** Calls per chunk, the first included, while keys stay unprocessed. Defaults to 6. */
  readonly attempts?: number;
  /** Waits before a retry; defaults to {@linkcode unprocessedBackoff}. */
  readonly sleep?: (attempt: number) => Promise<void>;
}

/** Calls per chunk of a batch while keys stay unprocessed, by default. */
export const UNPROCESSED_ATTEMPTS = 6;

/**
 * Waits 25 ms × 2^(attempt-1), from half to one and a half times that, before
 * sending unprocessed keys again (AWS's advice: exponential backoff).
 *
 * @param attempt The call that left keys unprocessed, from 1.
 * @returns A promise of the end of the wait.
 */
export function unprocessedBackoff(attempt: number): Promise<void> {
  return delay(25 * 2 ** (attempt - 1) * (0.5 + Math.random()));
}
