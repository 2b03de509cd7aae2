/**
 * Turning anything thrown into an `Error`.
 *
 * @module
 */

/**
 * The value itself when it is an `Error`, else an `Error` whose message is
 * the value as text: what a callback that takes an `Error` is given.
 *
 * @example Usage
 * ```ts
 * import { asError } from "./as_error.ts";
 *
 * console.log(asError("boom").message); // "boom"
 * ```
 *
 * @param error What was thrown.
 * @returns An `Error`.
 */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
