// @ts-check
/**
 * How the page writes numbers, times and ids.
 *
 * @module
 */

/**
 * A whole number with thousands separators: `12,345`.
 *
 * @param {number} n
 * @returns {string}
 */
export function fmt(n) {
  return n.toLocaleString("en-US");
}

/**
 * A count and its noun: `1 laptop`, `2 laptops`.
 *
 * @param {number} n
 * @param {string} one
 * @param {string} [many]
 * @returns {string}
 */
export function plural(n, one, many = `${one}s`) {
  return `${fmt(n)} ${n === 1 ? one : many}`;
}

/**
 * The first 8 characters of an id.
 *
 * @param {string} id
 * @returns {string}
 */
export function short(id) {
  return id.slice(0, 8);
}

/**
 * A time of day with milliseconds: `13:29:24.952`.
 *
 * @param {number} at epoch milliseconds
 * @returns {string}
 */
export function clock(at) {
  const d = new Date(at);
  /** @type {(n: number, w?: number) => string} */
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${
    pad(d.getMilliseconds(), 3)
  }`;
}

/**
 * How long ago: `5s ago`, `3m ago`, `2h ago`.
 *
 * @param {number} at epoch milliseconds
 * @returns {string}
 */
export function ago(at) {
  const s = Math.max(0, Math.round((Date.now() - at) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  return `${Math.floor(s / 3600)}h ago`;
}

/**
 * A duration: `270 ms`, `1.78 s`.
 *
 * @param {number} value milliseconds
 * @returns {string}
 */
export function ms(value) {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}
