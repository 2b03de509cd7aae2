/**
 * Object writes (`PutObject`, `CopyObject`, `CompleteMultipartUpload`):
 * conditions, versions and tags, one key at a time.
 *
 * @module
 */

import type { InnerRequest, InnerResponse } from "../core/mod.ts";
import type { S3Location } from "../engines/mod.ts";
import { noSuchUpload, s3Error, withHeaders } from "./_answers.ts";
import { checkWriteConditions } from "./_conditions.ts";
import { checkTags, parseTaggingHeader } from "./_config.ts";
import { bucketRecord, forward, type S3Context } from "./_context.ts";
import { copySource } from "./_copy_source.ts";
import type { S3ErrorSpec } from "./_location.ts";
import {
  archiveCurrent,
  dropNullVersion,
  readTags,
  saveVersions,
  versionsOf,
  writeTags,
} from "./_version_store.ts";
import { newVersionId, NULL_VERSION } from "./_versions.ts";

/** `PutObject`, `CopyObject` or `CompleteMultipartUpload`. */
export async function write(
  ctx: S3Context,
  operation: string,
  target: S3Location,
  request: InnerRequest,
): Promise<InnerResponse> {
  if (!ctx.vault.hasBucket(target.bucket)) return forward(ctx, request);
  let inner = request;
  let sourceVersionHeader: Record<string, string> = {};
  let source: { location: S3Location; versionId: string } | undefined;
  if (operation === "CopyObject") {
    const copied = copySource(ctx, request, target);
    if ("error" in copied) return s3Error(copied.error);
    inner = copied.request;
    sourceVersionHeader = copied.versionHeader;
    source = { location: copied.sourceKey, versionId: copied.versionId };
  }
  if (operation === "CompleteMultipartUpload") {
    // fauxqs would complete another key's upload under this key.
    const uploadId = new URL(request.url, "http://localhost").searchParams.get("uploadId") ?? "";
    const upload = ctx.vault.listUploads(target.bucket).find((u) => u.uploadId === uploadId);
    if (upload !== undefined && upload.key !== target.key) return s3Error(noSuchUpload(uploadId));
  }
  return await ctx.keyLock.run(`${target.bucket}/${target.key}`, async () => {
    const object = ctx.vault.objectInfo(target.bucket, target.key);
    const refused = checkWriteConditions(request.headers, { etag: object?.etag, key: target.key }, {
      allowIfNoneMatch: true,
    });
    if (refused !== undefined) return s3Error(refused);
    const status = bucketRecord(ctx, target.bucket).versioning;
    const tags = newTags(ctx, operation, request, source);
    if (tags !== undefined && "error" in tags) return s3Error(tags.error);
    if (status === undefined) {
      const answer = await ctx.fauxqs.handle(inner);
      if (answer.status === 200) writeTags(ctx, target, NULL_VERSION, tags ?? []);
      return withHeaders(answer, sourceVersionHeader);
    }
    const versions = versionsOf(ctx, target.bucket, target.key);
    const newId = status === "Enabled" ? newVersionId() : NULL_VERSION;
    const archived = object === undefined
      ? undefined
      : archiveCurrent(ctx, target, versions[0], newId);
    const answer = await ctx.fauxqs.handle(inner);
    const written = ctx.vault.objectInfo(target.bucket, target.key);
    if (answer.status !== 200 || written === undefined) {
      if (archived !== undefined) ctx.vault.deleteRecord(archived.key);
      return answer;
    }
    if (newId === NULL_VERSION) dropNullVersion(ctx, target.bucket, target.key, versions);
    versions.unshift({
      id: newId,
      etag: written.etag,
      size: written.size,
      lastModified: written.lastModified.toISOString(),
    });
    saveVersions(ctx, target.bucket, target.key, versions);
    writeTags(ctx, target, newId, tags ?? []);
    return withHeaders(answer, {
      ...sourceVersionHeader,
      ...(newId === NULL_VERSION ? {} : { "x-amz-version-id": newId }),
    });
  });
}

/**
 * The tags a write gives its new version: `x-amz-tagging` (PutObject,
 * CreateMultipartUpload is not tracked), or for CopyObject the source's
 * tags unless `x-amz-tagging-directive: REPLACE`.
 */
export function newTags(
  ctx: S3Context,
  operation: string,
  request: InnerRequest,
  source: { location: S3Location; versionId: string } | undefined,
): [string, string][] | { error: S3ErrorSpec } | undefined {
  const header = request.headers["x-amz-tagging"];
  if (operation === "CopyObject" && source !== undefined) {
    if (request.headers["x-amz-tagging-directive"] !== "REPLACE") {
      return readTags(ctx, source.location, source.versionId);
    }
  }
  if (header === undefined || operation === "CompleteMultipartUpload") return undefined;
  const tags = parseTaggingHeader(header);
  return checkTags(tags, 10) === undefined ? tags : { error: checkTags(tags, 10)! };
}
