// @ts-check
/**
 * The page's calls to the dashboard's API (paths relative to the page).
 *
 * @module
 */

/**
 * GETs JSON; throws with the answer's `error` when it is not a success.
 *
 * @template T
 * @param {string} path
 * @returns {Promise<T>}
 */
export async function getJson(path) {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

/**
 * POSTs JSON and reads the JSON answer; throws with its `error` when it is
 * not a success.
 *
 * @param {string} path
 * @param {unknown} value
 * @returns {Promise<Record<string, unknown>>}
 */
export async function postJson(path, value) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(value),
  });
  /** @type {Record<string, unknown>} */
  const body = await response.json();
  if (!response.ok) throw new Error(String(body.error ?? `HTTP ${response.status}`));
  return body;
}
