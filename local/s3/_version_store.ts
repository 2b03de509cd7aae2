/**
 * Where the layer keeps versions and object tags in fauxqs's store: a key's
 * version list, older versions' bytes in the internal bucket, and which
 * bytes a request for a version means.
 *
 * @module
 */

import { INTERNAL_BUCKET, type S3Location } from "../engines/mod.ts";
import { invalidVersionId, isVersionId, noSuchKey } from "./_answers.ts";
import type { S3Context } from "./_context.ts";
import type { S3ErrorSpec } from "./_location.ts";
import { NULL_VERSION, type VersionEntry } from "./_versions.ts";

/** How a request names one version of an object. */
export interface ResolvedVersion {
  /** Where its bytes are. */
  readonly location: S3Location;
  /** Its entry, when the key has versions. */
  readonly entry: VersionEntry | undefined;
}

/** A key's recorded versions, newest first, if it has a record. */
export function readVersions(
  ctx: S3Context,
  bucket: string,
  key: string,
): VersionEntry[] | undefined {
  const text = ctx.vault.readRecord(`keys/${bucket}/${key}`);
  return text === undefined ? undefined : JSON.parse(text) as VersionEntry[];
}

/** The key's versions, newest first; an object with no record is the null version. */
export function versionsOf(ctx: S3Context, bucket: string, key: string): VersionEntry[] {
  const recorded = readVersions(ctx, bucket, key);
  if (recorded !== undefined) return recorded;
  const object = ctx.vault.objectInfo(bucket, key);
  return object === undefined ? [] : [implicitVersion(object)];
}

/** Stores a key's versions (none: drops the record). */
export function saveVersions(
  ctx: S3Context,
  bucket: string,
  key: string,
  versions: readonly VersionEntry[],
): void {
  if (versions.length === 0) ctx.vault.deleteRecord(`keys/${bucket}/${key}`);
  else ctx.vault.writeRecord(`keys/${bucket}/${key}`, JSON.stringify(versions));
}

/** Where the bytes of an older version are kept. */
export function archiveLocation(bucket: string, versionId: string, key: string): S3Location {
  return { bucket: INTERNAL_BUCKET, key: `data/${bucket}/${versionId}/${key}` };
}

/** Drops the null version from a list (a new null version replaces it). */
export function dropNullVersion(
  ctx: S3Context,
  bucket: string,
  key: string,
  versions: VersionEntry[],
): void {
  const index = versions.findIndex((v) => v.id === NULL_VERSION);
  if (index === -1) return;
  const [dropped] = versions.splice(index, 1);
  if (index > 0 && dropped !== undefined && !dropped.deleteMarker) {
    ctx.vault.deleteRecord(archiveLocation(bucket, NULL_VERSION, key).key);
  }
}

/** Moves the current object (if any) aside before it is replaced or deleted. */
export function archiveCurrent(
  ctx: S3Context,
  target: S3Location,
  current: VersionEntry | undefined,
  newId: string,
): S3Location | undefined {
  if (current === undefined || current.deleteMarker) return undefined;
  if (current.id === NULL_VERSION && newId === NULL_VERSION) return undefined;
  const archive = archiveLocation(target.bucket, current.id, target.key);
  return ctx.vault.copyObject(target, archive) ? archive : undefined;
}

/**
 * Finds the bytes of a key's version (`versionId` undefined: the current
 * one), or the error a read of it gets.
 */
export function resolveVersion(
  ctx: S3Context,
  target: S3Location,
  versionId: string | undefined,
  method: string,
): ResolvedVersion | { error: S3ErrorSpec; headers: Record<string, string> } {
  const versions = versionsOf(ctx, target.bucket, target.key);
  if (versionId === undefined) {
    const current = versions[0];
    if (current?.deleteMarker) {
      return {
        error: noSuchKey(target.key),
        headers: { "x-amz-delete-marker": "true", "x-amz-version-id": current.id },
      };
    }
    return { location: target, entry: current };
  }
  const index = versions.findIndex((v) => v.id === versionId);
  const entry = versions[index];
  if (entry === undefined) {
    if (!isVersionId(versionId)) return { error: invalidVersionId(versionId), headers: {} };
    return {
      error: {
        status: 404,
        code: "NoSuchVersion",
        message: "The specified version does not exist.",
        extra: { Key: target.key, VersionId: versionId },
      },
      headers: {},
    };
  }
  if (entry.deleteMarker) {
    return {
      error: {
        status: 405,
        code: "MethodNotAllowed",
        message: "The specified method is not allowed against this resource.",
        extra: { Method: method, ResourceType: "DeleteMarker" },
      },
      headers: {
        "x-amz-delete-marker": "true",
        "x-amz-version-id": entry.id,
        "last-modified": new Date(entry.lastModified).toUTCString(),
        "allow": "DELETE",
      },
    };
  }
  return {
    location: index === 0 ? target : archiveLocation(target.bucket, entry.id, target.key),
    entry,
  };
}

/** The null version of an object the layer has no versions recorded for. */
export function implicitVersion(object: {
  readonly etag: string;
  readonly size: number;
  readonly lastModified: Date;
}): VersionEntry {
  return {
    id: NULL_VERSION,
    etag: object.etag,
    size: object.size,
    lastModified: object.lastModified.toISOString(),
  };
}

function tagRecord(target: S3Location, versionId: string): string {
  return `tags/${target.bucket}/${versionId}/${target.key}`;
}

/** The tags of one version of a key. */
export function readTags(
  ctx: S3Context,
  target: S3Location,
  versionId: string,
): [string, string][] {
  const text = ctx.vault.readRecord(tagRecord(target, versionId));
  return text === undefined ? [] : JSON.parse(text) as [string, string][];
}

/** Stores the tags of one version of a key (none: drops them). */
export function writeTags(
  ctx: S3Context,
  target: S3Location,
  versionId: string,
  tags: readonly [string, string][],
) {
  if (tags.length === 0) ctx.vault.deleteRecord(tagRecord(target, versionId));
  else ctx.vault.writeRecord(tagRecord(target, versionId), JSON.stringify(tags));
}
