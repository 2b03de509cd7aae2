/**
 * `ListObjects` and `ListObjectsV2` as S3 answers them: keys in UTF-8 byte
 * order (fauxqs sorts by locale, so `B` came after `a`), common prefixes that
 * count toward `max-keys`, markers and continuation tokens, `FetchOwner`, and
 * `encoding-type=url` (which boto3 always asks for). Pure. Source: the S3 API
 * reference, "ListObjectsV2" and "ListObjects".
 *
 * @module
 */

import { S3_NS } from "./_location.ts";
import { compareKeys, encodeKey, OWNER } from "./_versions.ts";
import type { S3ObjectInfo } from "../engines/mod.ts";
import { element } from "../core/mod.ts";

/** Parameters common to both list operations. */
export interface ListParams {
  readonly prefix: string;
  readonly delimiter: string;
  readonly maxKeys: number;
  /** List only what comes after this key (V1 `marker`, V2 `start-after` or token). */
  readonly after: string;
}

/** One page of a listing. */
export interface ListPage {
  readonly objects: readonly S3ObjectInfo[];
  readonly prefixes: readonly string[];
  readonly isTruncated: boolean;
  /** The last key or common prefix of the page (the next page starts after it). */
  readonly last?: string;
}

/** Lists `objects` (in any order) as S3 does. */
export function listKeys(objects: readonly S3ObjectInfo[], params: ListParams): ListPage {
  if (params.maxKeys === 0) return { objects: [], prefixes: [], isTruncated: false };
  const sorted = objects.filter((o) => o.key.startsWith(params.prefix))
    .sort((a, b) => compareKeys(a.key, b.key));
  const found: S3ObjectInfo[] = [];
  const prefixes: string[] = [];
  let count = 0;
  let last: string | undefined;
  for (const object of sorted) {
    if (params.after !== "" && compareKeys(object.key, params.after) <= 0) continue;
    let common: string | undefined;
    if (params.delimiter !== "") {
      const cut = object.key.indexOf(params.delimiter, params.prefix.length);
      if (cut !== -1) common = object.key.slice(0, cut + params.delimiter.length);
    }
    if (common !== undefined) {
      if (common === last || (params.after !== "" && compareKeys(common, params.after) <= 0)) {
        continue;
      }
    }
    if (count >= params.maxKeys) {
      return { objects: found, prefixes, isTruncated: true, ...at(last) };
    }
    if (common !== undefined) {
      prefixes.push(common);
      last = common;
    } else {
      found.push(object);
      last = object.key;
    }
    count++;
  }
  return { objects: found, prefixes, isTruncated: false, ...at(last) };
}

function at(last: string | undefined): { last?: string } {
  return last === undefined ? {} : { last };
}

/** A V2 continuation token for "after this key" (opaque to clients). */
export function continuationToken(key: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(key)));
}

/** The key a continuation token stands for, or undefined for a token S3 did not issue. */
export function tokenKey(token: string): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(atob(token), (c) => c.charCodeAt(0)),
    );
  } catch {
    return undefined;
  }
}

/** Options of the XML renderers. */
export interface RenderOptions {
  readonly bucket: string;
  readonly params: ListParams;
  readonly url: boolean;
  readonly owner: boolean;
}

function contents(page: ListPage, options: RenderOptions): string {
  const text = (value: string) => options.url ? encodeKey(value) : value;
  const owner = options.owner
    ? `<Owner>${element("ID", OWNER.id)}${element("DisplayName", OWNER.displayName)}</Owner>`
    : "";
  return page.objects.map((o) =>
    `<Contents>${element("Key", text(o.key))}${
      element("LastModified", o.lastModified.toISOString())
    }${element("ETag", o.etag)}${element("Size", o.size)}${owner}${
      element("StorageClass", "STANDARD")
    }</Contents>`
  ).join("") +
    page.prefixes.map((p) => `<CommonPrefixes>${element("Prefix", text(p))}</CommonPrefixes>`)
      .join("");
}

/** Renders a `ListObjectsV2` answer. */
export function listV2Xml(
  page: ListPage,
  options: RenderOptions & { readonly token?: string; readonly startAfter?: string },
): string {
  const text = (value: string) => options.url ? encodeKey(value) : value;
  const { params } = options;
  const parts = [element("Name", options.bucket), element("Prefix", text(params.prefix))];
  if (params.delimiter !== "") parts.push(element("Delimiter", text(params.delimiter)));
  parts.push(element("MaxKeys", params.maxKeys));
  if (options.url) parts.push(element("EncodingType", "url"));
  parts.push(element("KeyCount", page.objects.length + page.prefixes.length));
  parts.push(element("IsTruncated", page.isTruncated));
  if (options.token !== undefined) parts.push(element("ContinuationToken", options.token));
  if (page.isTruncated && page.last !== undefined) {
    parts.push(element("NextContinuationToken", continuationToken(page.last)));
  }
  if (options.startAfter) parts.push(element("StartAfter", text(options.startAfter)));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="${S3_NS}">${
    parts.join("")
  }${contents(page, options)}</ListBucketResult>`;
}

/** Renders a `ListObjects` (V1) answer. */
export function listV1Xml(
  page: ListPage,
  options: RenderOptions & { readonly marker: string },
): string {
  const text = (value: string) => options.url ? encodeKey(value) : value;
  const { params } = options;
  const parts = [
    element("Name", options.bucket),
    element("Prefix", text(params.prefix)),
    element("Marker", text(options.marker)),
  ];
  // AWS sends NextMarker only when a delimiter was given; clients use the last key otherwise.
  if (page.isTruncated && params.delimiter !== "" && page.last !== undefined) {
    parts.push(element("NextMarker", text(page.last)));
  }
  parts.push(element("MaxKeys", params.maxKeys));
  if (params.delimiter !== "") parts.push(element("Delimiter", text(params.delimiter)));
  parts.push(element("IsTruncated", page.isTruncated));
  if (options.url) parts.push(element("EncodingType", "url"));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="${S3_NS}">${
    parts.join("")
  }${contents(page, options)}</ListBucketResult>`;
}
