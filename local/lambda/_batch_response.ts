/**
 * Reads a function's response the way Lambda's SQS event source mapping does
 * when `FunctionResponseTypes` contains `ReportBatchItemFailures`. Pure.
 *
 * AWS's rules ("Handling errors for an SQS event source in Lambda"): the
 * batch is a complete success for a null or empty response and for a null or
 * empty `batchItemFailures`; it is a complete failure for an invalid
 * response, an empty or null `itemIdentifier`, an item without the
 * `itemIdentifier` key, or an `itemIdentifier` that is not a message of the
 * batch.
 *
 * @module
 */

/** What the mapping does with a batch after reading the response. */
export type BatchResponseVerdict =
  | {
    /** The response is valid. */
    readonly valid: true;
    /** Ids of the messages to leave on the queue; every other one is deleted. */
    readonly failedIds: readonly string[];
  }
  | {
    /** The response is malformed: the whole batch fails. */
    readonly valid: false;
    /** Why, for the log. */
    readonly reason: string;
  };

/**
 * Validates a partial batch response against the batch's message ids.
 *
 * @example Usage
 * ```ts
 * import { readBatchResponse } from "./_batch_response.ts";
 *
 * const verdict = readBatchResponse(
 *   { batchItemFailures: [{ itemIdentifier: "a" }] },
 *   new Set(["a", "b"]),
 * );
 * // verdict: { valid: true, failedIds: ["a"] }
 * ```
 */
export function readBatchResponse(
  response: unknown,
  messageIds: ReadonlySet<string>,
): BatchResponseVerdict {
  if (response === null || response === undefined) return { valid: true, failedIds: [] };
  if (typeof response !== "object" || Array.isArray(response)) {
    return { valid: false, reason: `the response is ${describe(response)}, not an object` };
  }
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return { valid: true, failedIds: [] };
  if (!Array.isArray(failures)) {
    return { valid: false, reason: `batchItemFailures is ${describe(failures)}, not an array` };
  }
  const failedIds = new Set<string>();
  for (const [index, failure] of failures.entries()) {
    if (failure === null || typeof failure !== "object" || Array.isArray(failure)) {
      return {
        valid: false,
        reason: `batchItemFailures[${index}] is ${describe(failure)}, not an object`,
      };
    }
    if (!Object.hasOwn(failure, "itemIdentifier")) {
      return { valid: false, reason: `batchItemFailures[${index}] has no itemIdentifier` };
    }
    const id: unknown = (failure as { itemIdentifier: unknown }).itemIdentifier;
    if (typeof id !== "string" || id === "") {
      return {
        valid: false,
        reason: `batchItemFailures[${index}].itemIdentifier is ${describe(id)}`,
      };
    }
    if (!messageIds.has(id)) {
      return {
        valid: false,
        reason: `batchItemFailures[${index}].itemIdentifier "${id}" is not a message of the batch`,
      };
    }
    failedIds.add(id);
  }
  return { valid: true, failedIds: [...failedIds] };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value === "") return "an empty string";
  if (typeof value === "string") return `the string "${value.slice(0, 40)}"`;
  return `of type ${typeof value}`;
}
