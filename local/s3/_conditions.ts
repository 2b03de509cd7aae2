/**
 * S3's conditional requests, byte ranges and response header overrides, as
 * the API reference describes them ("GetObject", "HeadObject", "PutObject",
 * "DeleteObject", "CompleteMultipartUpload", "CopyObject"). Pure.
 *
 * @module
 */

import type { S3ErrorSpec } from "./_location.ts";

/** What a condition is evaluated against. */
export interface ConditionTarget {
  /** ETag with quotes. */
  readonly etag: string;
  /** Last-Modified. */
  readonly lastModified: Date;
}

/** The outcome of a read's conditions. */
export type ReadCondition =
  | { readonly outcome: "proceed" }
  | { readonly outcome: "not-modified" }
  | { readonly outcome: "failed"; readonly condition: string };

/** Conditional headers of a read (names in lower case). */
export interface ReadConditionHeaders {
  readonly "if-match"?: string | undefined;
  readonly "if-none-match"?: string | undefined;
  readonly "if-modified-since"?: string | undefined;
  readonly "if-unmodified-since"?: string | undefined;
}

/**
 * Evaluates `If-Match`, `If-Unmodified-Since`, `If-None-Match` and
 * `If-Modified-Since` in S3's order: a false `If-Match` (or, without it, a
 * false `If-Unmodified-Since`) is 412; then a matching `If-None-Match` (or,
 * without it, a true `If-Modified-Since`'s opposite) is 304. Dates compare to
 * the second, as HTTP dates carry no more; unparsable dates are ignored.
 *
 * @example Usage
 * ```ts
 * import { evaluateReadConditions } from "./_conditions.ts";
 *
 * evaluateReadConditions({ "if-none-match": '"abc"' }, {
 *   etag: '"abc"',
 *   lastModified: new Date(),
 * }); // { outcome: "not-modified" }
 * ```
 */
export function evaluateReadConditions(
  headers: ReadConditionHeaders,
  target: ConditionTarget,
): ReadCondition {
  const modified = Math.floor(target.lastModified.getTime() / 1000) * 1000;
  const ifMatch = headers["if-match"];
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, target.etag)) return { outcome: "failed", condition: "If-Match" };
  } else {
    const since = parseHttpDate(headers["if-unmodified-since"]);
    if (since !== undefined && modified > since) {
      return { outcome: "failed", condition: "If-Unmodified-Since" };
    }
  }
  const ifNoneMatch = headers["if-none-match"];
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, target.etag)) return { outcome: "not-modified" };
  } else {
    const since = parseHttpDate(headers["if-modified-since"]);
    if (since !== undefined && modified <= since) return { outcome: "not-modified" };
  }
  return { outcome: "proceed" };
}

/** Whether an `If-Match`/`If-None-Match` value (a list, `*`, quoted or not) matches an ETag. */
export function etagMatches(header: string, etag: string): boolean {
  const wanted = bareEtag(etag);
  return header.split(",").some((part) => {
    const candidate = part.trim();
    return candidate === "*" || bareEtag(candidate) === wanted;
  });
}

/** The state of the key a write would replace or a delete would remove. */
export interface WriteTarget {
  /** The current object's ETag, or undefined when there is none (missing or a delete marker). */
  readonly etag: string | undefined;
  /** The key, named by S3's `NoSuchKey` document. */
  readonly key?: string;
}

/**
 * Checks a write's (`PutObject`, `CopyObject`, `CompleteMultipartUpload`) or
 * a delete's conditions: `If-None-Match` accepts only `*` (any other value is
 * 501 `NotImplemented`) and fails on an existing object; `If-Match` fails with
 * 404 `NoSuchKey` when there is no object and 412 when the ETag differs.
 * Returns undefined when the write may go ahead.
 */
export function checkWriteConditions(
  headers: {
    readonly "if-match"?: string | undefined;
    readonly "if-none-match"?: string | undefined;
  },
  target: WriteTarget,
  options: { readonly allowIfNoneMatch: boolean },
): S3ErrorSpec | undefined {
  const ifNoneMatch = headers["if-none-match"];
  if (ifNoneMatch !== undefined && options.allowIfNoneMatch) {
    if (ifNoneMatch.trim() !== "*") {
      return {
        status: 501,
        code: "NotImplemented",
        message: "A header you provided implies functionality that is not implemented",
        extra: { Header: "If-None-Match" },
      };
    }
    if (target.etag !== undefined) return preconditionFailed("If-None-Match");
  }
  const ifMatch = headers["if-match"];
  if (ifMatch !== undefined) {
    if (target.etag === undefined) {
      return {
        status: 404,
        code: "NoSuchKey",
        message: "The specified key does not exist.",
        ...(target.key === undefined ? {} : { extra: { Key: target.key } }),
      };
    }
    if (!etagMatches(ifMatch, target.etag)) return preconditionFailed("If-Match");
  }
  return undefined;
}

/** S3's 412 for a failed condition. */
export function preconditionFailed(condition: string): S3ErrorSpec {
  return {
    status: 412,
    code: "PreconditionFailed",
    message: "At least one of the pre-conditions you specified did not hold",
    extra: { Condition: condition },
  };
}

/** A byte range to serve, or why not. */
export type RangeResult =
  | { readonly kind: "whole" }
  | { readonly kind: "partial"; readonly start: number; readonly end: number }
  | { readonly kind: "unsatisfiable" };

/**
 * Reads a `Range` header against an object's size. One `bytes=` range is
 * served (`a-b`, `a-`, `-n`; an end past the object is clamped, a suffix
 * longer than it is the whole object); a header S3 does not act on (another
 * unit, several ranges, bad syntax) gives the whole object; a first byte at
 * or past the end (so any range of an empty object) is unsatisfiable.
 */
export function resolveRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return { kind: "whole" };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (match === null) return { kind: "whole" };
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return { kind: "whole" };
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return { kind: "whole" };
  if (start >= size) return { kind: "unsatisfiable" };
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: "partial", start, end };
}

/** The `response-*` query parameters and the header each one sets. */
export const RESPONSE_OVERRIDES: readonly (readonly [param: string, header: string])[] = [
  ["response-content-type", "content-type"],
  ["response-content-language", "content-language"],
  ["response-expires", "expires"],
  ["response-cache-control", "cache-control"],
  ["response-content-disposition", "content-disposition"],
  ["response-content-encoding", "content-encoding"],
];

/** The headers a successful GET or HEAD answer gets from its `response-*` parameters. */
export function responseOverrides(query: URLSearchParams): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [param, header] of RESPONSE_OVERRIDES) {
    const value = query.get(param);
    if (value !== null) headers[header] = value;
  }
  return headers;
}

function bareEtag(etag: string): string {
  const trimmed = etag.trim().replace(/^W\//, "");
  return trimmed.startsWith('"') && trimmed.endsWith('"') && trimmed.length >= 2
    ? trimmed.slice(1, -1)
    : trimmed;
}

function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}
