/**
 * Object deletes (`DeleteObject`, `DeleteObjects`): `If-Match`, versions and
 * delete markers, one key at a time.
 *
 * @module
 */

import type { InnerRequest, InnerResponse } from "../core/mod.ts";
import { element, elementText, elementTexts } from "../core/mod.ts";
import type { S3Location } from "../engines/mod.ts";
import {
  invalidVersionId,
  isVersionId,
  malformedXml,
  noSuchBucket,
  s3Error,
  xmlAnswer,
} from "./_answers.ts";
import { checkWriteConditions } from "./_conditions.ts";
import { bucketRecord, forward, type S3Context } from "./_context.ts";
import { S3_NS, type S3ErrorSpec } from "./_location.ts";
import {
  archiveCurrent,
  archiveLocation,
  dropNullVersion,
  saveVersions,
  versionsOf,
  writeTags,
} from "./_version_store.ts";
import { newVersionId, NULL_VERSION } from "./_versions.ts";

/** The result of deleting one key or version. */
export type DeleteOutcome =
  | {
    readonly ok: true;
    readonly versionId?: string;
    readonly deleteMarker?: boolean;
  }
  | { readonly ok: false; readonly error: S3ErrorSpec };

const decoder = new TextDecoder();

/** `DeleteObject`, with `If-Match` and `versionId`. */
export async function deleteObject(
  ctx: S3Context,
  target: S3Location,
  url: URL,
  request: InnerRequest,
): Promise<InnerResponse> {
  if (!ctx.vault.hasBucket(target.bucket)) return forward(ctx, request);
  const outcome = await deleteOne(
    ctx,
    target,
    url.searchParams.get("versionId") ?? undefined,
    request.headers["if-match"],
  );
  if (!outcome.ok) return s3Error(outcome.error);
  const headers: Record<string, string> = {};
  if (outcome.versionId !== undefined) headers["x-amz-version-id"] = outcome.versionId;
  if (outcome.deleteMarker) headers["x-amz-delete-marker"] = "true";
  return { status: 204, headers, body: new Uint8Array() };
}

function deleteOne(
  ctx: S3Context,
  target: S3Location,
  versionId: string | undefined,
  ifMatch: string | undefined,
): Promise<DeleteOutcome> {
  return ctx.keyLock.run(`${target.bucket}/${target.key}`, () => {
    try {
      return Promise.resolve(deleteNow(ctx, target, versionId, ifMatch));
    } catch (error) {
      return Promise.reject(error);
    }
  });
}

function deleteNow(
  ctx: S3Context,
  target: S3Location,
  versionId: string | undefined,
  ifMatch: string | undefined,
): DeleteOutcome {
  const { bucket, key } = target;
  const object = ctx.vault.objectInfo(bucket, key);
  if (versionId === undefined) {
    const refused = checkWriteConditions({ "if-match": ifMatch }, { etag: object?.etag, key }, {
      allowIfNoneMatch: false,
    });
    if (refused !== undefined) return { ok: false, error: refused };
    const status = bucketRecord(ctx, bucket).versioning;
    if (status === undefined) {
      ctx.vault.deleteObject(bucket, key);
      writeTags(ctx, target, NULL_VERSION, []);
      return { ok: true };
    }
    const versions = versionsOf(ctx, bucket, key);
    const newId = status === "Enabled" ? newVersionId() : NULL_VERSION;
    if (object !== undefined) {
      archiveCurrent(ctx, target, versions[0], newId);
      ctx.vault.deleteObject(bucket, key);
    }
    if (newId === NULL_VERSION) dropNullVersion(ctx, bucket, key, versions);
    versions.unshift({ id: newId, deleteMarker: true, lastModified: new Date().toISOString() });
    saveVersions(ctx, bucket, key, versions);
    return { ok: true, versionId: newId, deleteMarker: true };
  }
  const versions = versionsOf(ctx, bucket, key);
  const index = versions.findIndex((v) => v.id === versionId);
  const entry = versions[index];
  if (entry === undefined) {
    if (!isVersionId(versionId)) return { ok: false, error: invalidVersionId(versionId) };
    return { ok: true, versionId };
  }
  versions.splice(index, 1);
  if (index === 0) {
    if (!entry.deleteMarker) ctx.vault.deleteObject(bucket, key);
    const next = versions[0];
    if (next !== undefined && !next.deleteMarker) {
      const archive = archiveLocation(bucket, next.id, key);
      ctx.vault.copyObject(archive, target);
      ctx.vault.deleteRecord(archive.key);
    }
  } else if (!entry.deleteMarker) {
    ctx.vault.deleteRecord(archiveLocation(bucket, entry.id, key).key);
  }
  saveVersions(ctx, bucket, key, versions);
  writeTags(ctx, target, versionId, []);
  return { ok: true, versionId, ...(entry.deleteMarker ? { deleteMarker: true } : {}) };
}

/** `DeleteObjects`, key by key. */
export async function deleteObjects(
  ctx: S3Context,
  bucket: string,
  request: InnerRequest,
): Promise<InnerResponse> {
  if (!ctx.vault.hasBucket(bucket)) return s3Error(noSuchBucket(bucket));
  const body = decoder.decode(request.body);
  const objects = elementTexts(body, "Object");
  if (objects.length === 0 || objects.length > 1000 || !/<Delete[\s>]/.test(body)) {
    return s3Error(malformedXml());
  }
  const quiet = elementText(body, "Quiet")?.trim() === "true";
  const results: string[] = [];
  for (const object of objects) {
    const key = elementText(object, "Key") ?? "";
    const versionId = elementText(object, "VersionId");
    const outcome = await deleteOne(ctx, { bucket, key }, versionId, elementText(object, "ETag"));
    if (!outcome.ok) {
      results.push(
        `<Error>${element("Key", key)}${
          versionId === undefined ? "" : element("VersionId", versionId)
        }${element("Code", outcome.error.code)}${
          element("Message", outcome.error.message)
        }</Error>`,
      );
      continue;
    }
    if (quiet) continue;
    const parts = [element("Key", key)];
    if (versionId !== undefined) parts.push(element("VersionId", versionId));
    if (outcome.deleteMarker) {
      parts.push(element("DeleteMarker", true));
      parts.push(element("DeleteMarkerVersionId", outcome.versionId ?? ""));
    }
    results.push(`<Deleted>${parts.join("")}</Deleted>`);
  }
  return xmlAnswer(
    `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="${S3_NS}">${
      results.join("")
    }</DeleteResult>`,
  );
}
