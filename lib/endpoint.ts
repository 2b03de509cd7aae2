/**
 * Reading an endpoint's URL: the one check the configuration of the programs
 * and of the deployment share.
 *
 * @module
 */

/**
 * Parses an endpoint: an `http:` or `https:` URL.
 *
 * @example Usage
 * ```ts
 * import { parseHttpUrl } from "./endpoint.ts";
 *
 * console.log(parseHttpUrl("http://127.0.0.1:4566")?.port); // "4566"
 * console.log(parseHttpUrl("ftp://example.com")); // undefined
 * ```
 *
 * @param raw The text, e.g. `AWS_ENDPOINT_URL`.
 * @returns The URL, or `undefined` when it is not an http(s) URL.
 */
export function parseHttpUrl(raw: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
}

/**
 * Whether a host name is this machine: `localhost`, `[::1]` or `127.x.x.x`.
 *
 * @param hostname A URL's `hostname`.
 * @returns True for a loopback host.
 */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
