/**
 * Object tagging and ACL requests (`GetObjectTagging`, `PutObjectTagging`,
 * `DeleteObjectTagging`, `GetObjectAcl`, `PutObjectAcl`), per version.
 *
 * @module
 */

import type { InnerRequest, InnerResponse } from "../core/mod.ts";
import type { S3Location } from "../engines/mod.ts";
import { empty, noSuchBucket, noSuchKey, s3Error, withHeaders, xmlAnswer } from "./_answers.ts";
import { checkTags, ownerAclXml, parseTagging, taggingXml } from "./_config.ts";
import { bucketRecord, type S3Context } from "./_context.ts";
import type { S3ErrorSpec } from "./_location.ts";
import { readTags, resolveVersion, writeTags } from "./_version_store.ts";
import { NULL_VERSION } from "./_versions.ts";

const decoder = new TextDecoder();

/** The version a tagging or ACL request means, or its error. */
export function taggedVersion(
  ctx: S3Context,
  target: S3Location,
  url: URL,
): string | { error: S3ErrorSpec } {
  if (!ctx.vault.hasBucket(target.bucket)) return { error: noSuchBucket(target.bucket) };
  const resolved = resolveVersion(
    ctx,
    target,
    url.searchParams.get("versionId") ?? undefined,
    "GET",
  );
  if ("error" in resolved) return { error: resolved.error };
  if (ctx.vault.objectInfo(resolved.location.bucket, resolved.location.key) === undefined) {
    return { error: noSuchKey(target.key) };
  }
  return resolved.entry?.id ?? NULL_VERSION;
}

/** `GetObjectTagging`, `PutObjectTagging` or `DeleteObjectTagging` of one version. */
export function objectTagging(
  ctx: S3Context,
  operation: string,
  target: S3Location,
  url: URL,
  request: InnerRequest,
): InnerResponse {
  const versionId = taggedVersion(ctx, target, url);
  if (typeof versionId !== "string") return s3Error(versionId.error);
  const header = bucketRecord(ctx, target.bucket).versioning === undefined
    ? {}
    : { "x-amz-version-id": versionId };
  if (operation === "GetObjectTagging") {
    return withHeaders(xmlAnswer(taggingXml(readTags(ctx, target, versionId))), header);
  }
  if (operation === "DeleteObjectTagging") {
    writeTags(ctx, target, versionId, []);
    return { status: 204, headers: header, body: new Uint8Array() };
  }
  const tags = parseTagging(decoder.decode(request.body));
  const refused = checkTags(tags, 10);
  if (refused !== undefined) return s3Error(refused);
  writeTags(ctx, target, versionId, tags);
  return { status: 200, headers: header, body: new Uint8Array() };
}

/** `GetObjectAcl` (the owner's full control) or `PutObjectAcl` (accepted, not kept). */
export function objectAcl(
  ctx: S3Context,
  operation: string,
  target: S3Location,
  url: URL,
): InnerResponse {
  const versionId = taggedVersion(ctx, target, url);
  if (typeof versionId !== "string") return s3Error(versionId.error);
  return operation === "GetObjectAcl" ? xmlAnswer(ownerAclXml()) : empty(200);
}
