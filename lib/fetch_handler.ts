/**
 * The SDK's `fetch` HTTP handler, made to fail the way its retry strategy
 * understands: a network error (connection refused, reset, cut mid-answer)
 * carries a Node.js-style `code`, and a request past its time limit is
 * aborted and fails as a `TimeoutError`.
 *
 * Why: under Deno, `fetch` reports a refused or reset connection as a
 * `TypeError` with no `code`, which the SDK's standard retry strategy takes
 * for a client error and does not retry; and the handler's own timeout
 * leaves the request running. The Node.js handler the Lambda uses has
 * neither problem.
 *
 * @module
 */

import { FetchHttpHandler } from "@smithy/fetch-http-handler";

type HandleOptions = NonNullable<Parameters<FetchHttpHandler["handle"]>[1]>;

/** Options of {@linkcode createFetchHandler}. */
export interface FetchHandlerOptions {
  /**
   * Milliseconds a request may take until its answer's headers arrive; the
   * request is then aborted and fails with a retryable `TimeoutError`. A
   * call can set its own with `send(command, { requestTimeout })`. 0: none.
   */
  readonly requestTimeoutMs: number;
  /** The `fetch` to call (tests). Defaults to the global one. */
  readonly fetch?: typeof fetch;
}

/**
 * Creates the handler.
 *
 * @example Usage
 * ```ts
 * import { SQSClient } from "@aws-sdk/client-sqs";
 * import { createFetchHandler } from "./fetch_handler.ts";
 *
 * const sqs = new SQSClient({ requestHandler: createFetchHandler({ requestTimeoutMs: 3_000 }) });
 * ```
 *
 * @param options The default time limit.
 * @returns An SDK request handler.
 */
export function createFetchHandler(options: FetchHandlerOptions): FetchHttpHandler {
  return new NetworkAwareFetchHandler(options.requestTimeoutMs, options.fetch);
}

/**
 * Gives a network error from `fetch` the Node.js `code` the SDK's retry
 * strategy and `describeError` recognize (`ECONNREFUSED` or `ECONNRESET`).
 * Other errors are returned as they are.
 *
 * @param error What `fetch` or a body read threw.
 * @returns The same error, marked when it is a network error.
 */
export function markNetworkError(error: unknown): unknown {
  if (!(error instanceof TypeError) || (error as { code?: unknown }).code !== undefined) {
    return error;
  }
  const text = [error.message, String((error.cause as { message?: unknown })?.message ?? "")]
    .join(" ");
  const code = /refused/i.test(text) ? "ECONNREFUSED" : "ECONNRESET";
  return Object.assign(error, { code });
}

class NetworkAwareFetchHandler extends FetchHttpHandler {
  readonly #timeoutMs: number;

  constructor(timeoutMs: number, customFetch: typeof fetch | undefined) {
    // The time limit is enforced here, by aborting, not by the base class.
    super({ requestTimeout: 0, ...(customFetch ? { customFetch } : {}) });
    this.#timeoutMs = timeoutMs;
  }

  override async handle(
    request: Parameters<FetchHttpHandler["handle"]>[0],
    options: HandleOptions = {},
  ): ReturnType<FetchHttpHandler["handle"]> {
    const limit = options.requestTimeout ?? this.#timeoutMs;
    const timer = new AbortController();
    const id = limit > 0 ? setTimeout(() => timer.abort(), limit) : undefined;
    const caller = options.abortSignal as AbortSignal | undefined;
    const signal = caller ? AbortSignal.any([caller, timer.signal]) : timer.signal;
    try {
      const { response } = await super.handle(request, { abortSignal: signal });
      if (response.body instanceof ReadableStream) response.body = guard(response.body);
      return { response };
    } catch (error) {
      if (timer.signal.aborted && !caller?.aborted) {
        // The SDK's retry strategy retries errors of this name.
        throw Object.assign(new Error(`No answer within ${limit} ms`), { name: "TimeoutError" });
      }
      throw markNetworkError(error);
    } finally {
      clearTimeout(id);
    }
  }
}

/** Passes a body through, marking the network error of a connection cut mid-body. */
function guard(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(markNetworkError(error));
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
