/**
 * A JSON body parsed once, however many parts of the local AWS read it: IAM
 * (the table or queue a request names), the service layer, and the
 * dashboard read the same request body and, for DynamoDB, the same answer.
 *
 * The values are shared: readers must not change them.
 *
 * @module
 */

const values = new WeakMap<Uint8Array, unknown>();
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** What is kept for a body that is not JSON. */
const NOT_JSON = Symbol("not JSON");

/**
 * The JSON value of `body`, parsed on the first call for this body and kept
 * while the body lives; `undefined` when the body is not JSON (or empty).
 * The value is shared with every other reader of the same body: do not
 * change it.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonBody } from "./_json_body.ts";
 *
 * const body = new TextEncoder().encode('{"TableName":"laptops"}');
 * assert.deepEqual(jsonBody(body), { TableName: "laptops" });
 * assert.equal(jsonBody(body), jsonBody(body)); // parsed once
 * ```
 */
export function jsonBody(body: Uint8Array): unknown {
  const known = values.get(body);
  if (known !== undefined) return known === NOT_JSON ? undefined : known;
  let value: unknown = NOT_JSON;
  if (body.length > 0) {
    try {
      value = JSON.parse(decoder.decode(body));
    } catch {
      // Not JSON: kept as such.
    }
  }
  values.set(body, value);
  return value === NOT_JSON ? undefined : value;
}

/**
 * `value` as a JSON body, whose readers through {@linkcode jsonBody} get
 * `value` back without parsing. Do not change `value` afterwards.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeJsonBody, jsonBody } from "./_json_body.ts";
 *
 * const answer = { Items: [] };
 * assert.equal(jsonBody(encodeJsonBody(answer)), answer);
 * ```
 */
export function encodeJsonBody(value: unknown): Uint8Array {
  const body = encoder.encode(JSON.stringify(value));
  values.set(body, value);
  return body;
}
