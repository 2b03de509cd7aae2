/**
 * S3 object versions as the local AWS records them, and `ListObjectVersions`
 * over them (API reference, "ListObjectVersions" and "Working with objects in
 * a versioning-enabled bucket"). Pure.
 *
 * A key's versions are kept newest first; the first is the current version
 * (a delete marker when the key looks deleted). An object written before its
 * bucket's versioning was enabled, or while it is suspended, has the version
 * id `null`, as on AWS.
 *
 * @module
 */

import { S3_NS } from "./_location.ts";
import { element } from "../core/mod.ts";

/** One version of a key. */
export interface VersionEntry {
  /** Version id (`null` for the null version). */
  readonly id: string;
  /** True for a delete marker. */
  readonly deleteMarker?: boolean;
  /** ETag with quotes (objects only). */
  readonly etag?: string;
  /** Size in bytes (objects only). */
  readonly size?: number;
  /** When the version was made (ISO 8601). */
  readonly lastModified: string;
}

/** A key and its versions, newest first. */
export interface KeyVersions {
  /** Object key. */
  readonly key: string;
  /** Versions, newest first (never empty). */
  readonly versions: readonly VersionEntry[];
}

/** A bucket's versioning state as `GetBucketVersioning` reports it. */
export type VersioningStatus = "Enabled" | "Suspended";

/** The id of a version written while versioning is suspended, or before it was enabled. */
export const NULL_VERSION = "null";

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";

/** A new version id: 32 URL-safe characters, like AWS's. */
export function newVersionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let id = "";
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

/**
 * Compares keys in the order S3 lists them: by their UTF-8 bytes.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Parameters of `ListObjectVersions`. */
export interface ListVersionsParams {
  readonly prefix?: string | undefined;
  readonly delimiter?: string | undefined;
  readonly keyMarker?: string | undefined;
  readonly versionIdMarker?: string | undefined;
  /** Default 1000, at most 1000. */
  readonly maxKeys?: number | undefined;
}

/** One entry of a listing page. */
export type ListedVersion =
  | {
    readonly kind: "version";
    readonly key: string;
    readonly entry: VersionEntry;
    readonly isLatest: boolean;
  }
  | { readonly kind: "prefix"; readonly prefix: string };

/** One page of `ListObjectVersions`. */
export interface VersionsPage {
  readonly items: readonly ListedVersion[];
  readonly isTruncated: boolean;
  readonly nextKeyMarker?: string;
  readonly nextVersionIdMarker?: string;
}

/**
 * Lists versions: keys in S3 order, each key's versions newest first,
 * `prefix` and `delimiter` (common prefixes count toward `maxKeys`), and the
 * key and version-id markers of a previous page.
 */
export function listVersions(
  keys: readonly KeyVersions[],
  params: ListVersionsParams,
): VersionsPage {
  const prefix = params.prefix ?? "";
  const delimiter = params.delimiter ?? "";
  const maxKeys = Math.min(params.maxKeys ?? 1000, 1000);
  const sorted = keys.filter((k) => k.key.startsWith(prefix) && k.versions.length > 0)
    .sort((a, b) => compareKeys(a.key, b.key));
  const items: ListedVersion[] = [];
  const prefixes = new Set<string>();
  let next: { key: string; versionId?: string } | undefined;
  let truncated = false;
  outer: for (const { key, versions } of sorted) {
    let startAt = 0;
    if (params.keyMarker !== undefined && params.keyMarker !== "") {
      const order = compareKeys(key, params.keyMarker);
      if (order < 0) continue;
      if (order === 0) {
        if (params.versionIdMarker === undefined || params.versionIdMarker === "") continue;
        const index = versions.findIndex((v) => v.id === params.versionIdMarker);
        if (index === -1) continue;
        startAt = index + 1;
      }
    }
    if (delimiter !== "") {
      const cut = key.indexOf(delimiter, prefix.length);
      if (cut !== -1) {
        const common = key.slice(0, cut + delimiter.length);
        if (prefixes.has(common)) continue;
        if (params.keyMarker !== undefined && compareKeys(common, params.keyMarker) <= 0) {
          continue;
        }
        if (items.length >= maxKeys) {
          truncated = true;
          break;
        }
        prefixes.add(common);
        items.push({ kind: "prefix", prefix: common });
        next = { key: common };
        continue;
      }
    }
    for (let i = startAt; i < versions.length; i++) {
      const entry = versions[i] as VersionEntry;
      if (items.length >= maxKeys) {
        truncated = true;
        break outer;
      }
      items.push({ kind: "version", key, entry, isLatest: i === 0 });
      next = { key, versionId: entry.id };
    }
  }
  if (!truncated || next === undefined) return { items, isTruncated: truncated };
  return {
    items,
    isTruncated: true,
    nextKeyMarker: next.key,
    ...(next.versionId === undefined ? {} : { nextVersionIdMarker: next.versionId }),
  };
}

/** The canonical user id and display name the local AWS reports as every object's owner. */
export const OWNER = {
  id: "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a",
  displayName: "local",
} as const;

/** Renders a `ListVersionsResult` document. */
export function listVersionsXml(
  bucket: string,
  params: ListVersionsParams & { readonly encodingType?: string | undefined },
  page: VersionsPage,
): string {
  const url = params.encodingType === "url";
  const text = (value: string) => url ? encodeKey(value) : value;
  const owner = `<Owner>${element("ID", OWNER.id)}${
    element("DisplayName", OWNER.displayName)
  }</Owner>`;
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListVersionsResult xmlns="${S3_NS}">`,
    element("Name", bucket),
    element("Prefix", text(params.prefix ?? "")),
    element("KeyMarker", text(params.keyMarker ?? "")),
    element("VersionIdMarker", params.versionIdMarker ?? ""),
  ];
  if (page.nextKeyMarker !== undefined) {
    parts.push(element("NextKeyMarker", text(page.nextKeyMarker)));
  }
  if (page.nextVersionIdMarker !== undefined) {
    parts.push(element("NextVersionIdMarker", page.nextVersionIdMarker));
  }
  parts.push(element("MaxKeys", Math.min(params.maxKeys ?? 1000, 1000)));
  if (params.delimiter) parts.push(element("Delimiter", text(params.delimiter)));
  parts.push(element("IsTruncated", page.isTruncated));
  for (const item of page.items) {
    if (item.kind === "prefix") continue;
    const { entry } = item;
    const common = element("Key", text(item.key)) + element("VersionId", entry.id) +
      element("IsLatest", item.isLatest) + element("LastModified", entry.lastModified);
    parts.push(
      entry.deleteMarker
        ? `<DeleteMarker>${common}${owner}</DeleteMarker>`
        : `<Version>${common}${element("ETag", entry.etag ?? "")}${
          element("Size", entry.size ?? 0)
        }${element("StorageClass", "STANDARD")}${owner}</Version>`,
    );
  }
  for (const item of page.items) {
    if (item.kind === "prefix") {
      parts.push(`<CommonPrefixes>${element("Prefix", text(item.prefix))}</CommonPrefixes>`);
    }
  }
  if (url) parts.push(element("EncodingType", "url"));
  parts.push("</ListVersionsResult>");
  return parts.join("");
}

/** URL-encodes a key as S3 does for `encoding-type=url` (slashes kept). */
export function encodeKey(key: string): string {
  return encodeURIComponent(key).replaceAll("%2F", "/");
}
