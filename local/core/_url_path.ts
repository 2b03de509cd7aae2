/**
 * The path of a request's URL without parsing the whole URL: the router's
 * outer handlers only compare it with fixed paths.
 *
 * @module
 */

/** Characters that `new URL()` leaves as they are in a path. */
const PLAIN_PATH = /^[A-Za-z0-9\-_~!$&'()*+,;=:@/]*$/;

/**
 * The path of an absolute URL (`http://host:port/path?query` → `/path`),
 * exactly as `new URL(url).pathname` gives it: a path with dots, percent
 * escapes or other characters the URL parser rewrites is parsed in full.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(urlPath("http://127.0.0.1:4566/_dashboard/events?x=1"), "/_dashboard/events");
 * ```
 *
 * @param url An absolute URL, as `Request.url` holds it.
 * @returns Its path.
 */
export function urlPath(url: string): string {
  const scheme = url.indexOf("://");
  const start = scheme < 0 ? -1 : url.indexOf("/", scheme + 3);
  if (start < 0) return new URL(url).pathname;
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const code = url.charCodeAt(i);
    if (code === 63 /* ? */ || code === 35 /* # */) {
      end = i;
      break;
    }
  }
  const path = url.slice(start, end);
  return PLAIN_PATH.test(path) ? path : new URL(url).pathname;
}
