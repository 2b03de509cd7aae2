/**
 * SigV4's canonical request, built as AWS's SigV4 documentation describes it
 * ("Create a canonical request for IAM", and S3's "Signature Calculations"),
 * the way the SDK's signer (`@smithy/signature-v4`) builds it, so that a
 * request the SDK signed verifies: the method; the path, URI-encoded twice
 * after dot segments and empty segments are removed (S3: each segment encoded
 * once, nothing removed); the query parameters, encoded and sorted by name,
 * then by value, without `X-Amz-Signature`; each signed header as
 * `name:value` with runs of spaces folded; the signed header names; the
 * payload hash.
 *
 * Everything is built straight into strings, without the SDK's request
 * object, and the work a client repeats on every request (the same
 * `SignedHeaders` list, plain ASCII paths and values) takes a shortcut that
 * gives the same text.
 *
 * @module
 */

import { KeptValues } from "../core/mod.ts";

/** A request's query: every value of each parameter, decoded. */
export type Query = Map<string, string[]>;

/** The parts of the canonical request. */
export interface CanonicalParts {
  /** HTTP method. */
  readonly method: string;
  /** The URL's path as received (`URL.pathname`). */
  readonly path: string;
  /** Whether the path is S3's (encoded once, not normalized). */
  readonly s3: boolean;
  /** The query, decoded. */
  readonly query: Query;
  /** The signed headers. */
  readonly headers: SignedHeaderList;
  /** Each signed header's value as received, by lower-case name. */
  readonly values: ReadonlyMap<string, string>;
  /** The payload hash (hex, `UNSIGNED-PAYLOAD` or a `STREAMING-...` value). */
  readonly payloadHash: string;
}

/**
 * The canonical request of a request.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalRequest, parseQuery, signedHeaderList } from "./_sigv4_canonical.ts";
 *
 * const text = canonicalRequest({
 *   method: "GET",
 *   path: "/test.txt",
 *   s3: true,
 *   query: parseQuery(""),
 *   headers: signedHeaderList("host;x-amz-date"),
 *   values: new Map([["host", "examplebucket.s3.amazonaws.com"], ["x-amz-date", "20130524T000000Z"]]),
 *   payloadHash: "UNSIGNED-PAYLOAD",
 * });
 * assert.equal(
 *   text,
 *   "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nx-amz-date:20130524T000000Z\n\nhost;x-amz-date\nUNSIGNED-PAYLOAD",
 * );
 * ```
 */
export function canonicalRequest(parts: CanonicalParts): string {
  let headerLines = "";
  for (const name of parts.headers.sorted) {
    headerLines += `${name}:${canonicalHeaderValue(parts.values.get(name) ?? "")}\n`;
  }
  return `${parts.method}\n${canonicalPath(parts.path, parts.s3)}\n${
    canonicalQuery(parts.query)
  }\n${headerLines}\n${parts.headers.line}\n${parts.payloadHash}`;
}

/** A `SignedHeaders` list, parsed. */
export interface SignedHeaderList {
  /** The names as the client listed them, trimmed and lower-cased. */
  readonly names: readonly string[];
  /** The same names sorted, each once: the canonical request's order. */
  readonly sorted: readonly string[];
  /** `sorted` joined with `;`, the canonical request's signed headers. */
  readonly line: string;
}

const headerLists = new KeptValues<string, SignedHeaderList>(256);

/**
 * Parses a `SignedHeaders` list. A client sends the same list with each
 * request of a kind: the parsed list is kept (a few hundred at most).
 */
export function signedHeaderList(text: string): SignedHeaderList {
  const kept = headerLists.get(text);
  if (kept !== undefined) return kept;
  const names = Object.freeze(text.split(";").map((name) => name.trim().toLowerCase()));
  const sorted = Object.freeze([...new Set(names)].sort());
  return headerLists.keep(text, Object.freeze({ names, sorted, line: sorted.join(";") }));
}

/**
 * Query parameters, decoded, `+` kept as is (SigV4 clients encode spaces as
 * `%20`). A repeated parameter keeps every value: they are sorted.
 */
export function parseQuery(search: string): Query {
  const query: Query = new Map();
  if (search === "" || search === "?") return query;
  for (const pair of (search[0] === "?" ? search.slice(1) : search).split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? "" : decode(pair.slice(eq + 1));
    const values = query.get(name);
    if (values === undefined) query.set(name, [value]);
    else values.push(value);
  }
  return query;
}

/** The canonical query string: encoded, sorted by name then value, no `X-Amz-Signature`. */
function canonicalQuery(query: Query): string {
  if (query.size === 0) return "";
  const byName = new Map<string, string[]>();
  for (const [name, values] of query) {
    if (name.toLowerCase() === "x-amz-signature") continue;
    const encoded = escapeUri(name);
    byName.set(encoded, values.map((value) => `${encoded}=${escapeUri(value)}`));
  }
  return [...byName.keys()].sort()
    .map((name) => {
      const pairs = byName.get(name) ?? [];
      return pairs.length === 1 ? pairs[0] : pairs.sort().join("&");
    })
    .join("&");
}

/** Only RFC 3986's unreserved characters: nothing to encode. */
const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
const UNRESERVED_PATH = /^[A-Za-z0-9\-._~/]*$/;

/**
 * The canonical path: S3's, each segment encoded once as the client encoded
 * it for signing, whatever escaping it used on the wire; other services',
 * without empty and dot segments, encoded again.
 */
function canonicalPath(path: string, s3: boolean): string {
  if (s3) {
    return UNRESERVED_PATH.test(path)
      ? path
      : path.split("/").map((segment) => escapeUri(decode(segment))).join("/");
  }
  if (path === "/") return path;
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith("/") ? "/" : ""}${segments.join("/")}${
    segments.length > 0 && path.endsWith("/") ? "/" : ""
  }`;
  return escapeUri(normalized).replaceAll("%2F", "/");
}

/** A header value with line breaks made spaces, runs of spaces and tabs folded, ends trimmed of one space. */
function canonicalHeaderValue(value: string): string {
  if (!/[\r\n\t]|^ | $| {2}/.test(value)) return value;
  return value.replace(/[\r\n]/g, " ").replace(/[ \t]+/g, " ").replace(/^ | $/g, "");
}

/** URI encoding of everything but RFC 3986's unreserved characters (`!'()*` too). */
export function escapeUri(text: string): string {
  if (UNRESERVED.test(text)) return text;
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `decodeURIComponent`, or the text itself when it is not a valid encoding. */
function decode(text: string): string {
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
