/**
 * The source of `CopyObject` and `UploadPartCopy`: `x-amz-copy-source` with
 * its `versionId`, and the `x-amz-copy-source-if-*` conditions.
 *
 * @module
 */

import type { InnerRequest } from "../core/mod.ts";
import { INTERNAL_BUCKET, type S3Location } from "../engines/mod.ts";
import { noSuchBucket, noSuchKey } from "./_answers.ts";
import { evaluateReadConditions, preconditionFailed } from "./_conditions.ts";
import { bucketRecord, pathOf, type S3Context } from "./_context.ts";
import type { S3ErrorSpec } from "./_location.ts";
import { resolveVersion } from "./_version_store.ts";
import { NULL_VERSION } from "./_versions.ts";

/**
 * Resolves `x-amz-copy-source` (with its `versionId`) to where the bytes
 * are, checks the `x-amz-copy-source-if-*` conditions, and refuses a copy of
 * an object onto itself that changes nothing.
 */
export function copySource(ctx: S3Context, request: InnerRequest, target: S3Location | undefined):
  | {
    request: InnerRequest;
    versionHeader: Record<string, string>;
    location: S3Location;
    sourceKey: S3Location;
    versionId: string;
  }
  | { error: S3ErrorSpec } {
  const parsed = parseCopySource(request.headers["x-amz-copy-source"] ?? "");
  if (parsed === undefined) {
    return {
      error: {
        status: 400,
        code: "InvalidArgument",
        message: "Invalid copy source object key",
        extra: { ArgumentName: "x-amz-copy-source" },
      },
    };
  }
  if (!ctx.vault.hasBucket(parsed.bucket) || parsed.bucket === INTERNAL_BUCKET) {
    return { error: noSuchBucket(parsed.bucket) };
  }
  const resolved = resolveVersion(ctx, parsed, parsed.versionId, "GET");
  if ("error" in resolved) {
    if (resolved.error.status === 405) {
      return {
        error: {
          status: 400,
          code: "InvalidRequest",
          message:
            "The source of a copy request may not specifically refer to a delete marker by version id.",
        },
      };
    }
    return { error: resolved.error };
  }
  const object = ctx.vault.objectInfo(resolved.location.bucket, resolved.location.key);
  if (object === undefined) return { error: noSuchKey(parsed.key) };
  const headers = request.headers;
  const outcome = evaluateReadConditions({
    "if-match": headers[COPY_CONDITIONS["if-match"]],
    "if-none-match": headers[COPY_CONDITIONS["if-none-match"]],
    "if-modified-since": headers[COPY_CONDITIONS["if-modified-since"]],
    "if-unmodified-since": headers[COPY_CONDITIONS["if-unmodified-since"]],
  }, object);
  if (outcome.outcome === "failed") {
    return { error: preconditionFailed(`x-amz-copy-source-${outcome.condition}`) };
  }
  if (outcome.outcome === "not-modified") {
    return { error: preconditionFailed("x-amz-copy-source-If-None-Match") };
  }
  if (
    target !== undefined && parsed.bucket === target.bucket && parsed.key === target.key &&
    parsed.versionId === undefined && headers["x-amz-metadata-directive"] !== "REPLACE" &&
    headers["x-amz-storage-class"] === undefined &&
    headers["x-amz-website-redirect-location"] === undefined &&
    headers["x-amz-server-side-encryption"] === undefined
  ) {
    return {
      error: {
        status: 400,
        code: "InvalidRequest",
        message:
          "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      },
    };
  }
  const versioned = bucketRecord(ctx, parsed.bucket).versioning !== undefined;
  return {
    request: {
      ...request,
      headers: {
        ...request.headers,
        "x-amz-copy-source": pathOf(resolved.location),
      },
    },
    versionHeader: versioned
      ? { "x-amz-copy-source-version-id": resolved.entry?.id ?? NULL_VERSION }
      : {},
    location: resolved.location,
    sourceKey: { bucket: parsed.bucket, key: parsed.key },
    versionId: resolved.entry?.id ?? NULL_VERSION,
  };
}

/** Parses `x-amz-copy-source` (`/bucket/key?versionId=v`, URL-encoded). */
function parseCopySource(
  header: string,
): (S3Location & { readonly versionId?: string }) | undefined {
  const question = header.indexOf("?");
  const path = question === -1 ? header : header.slice(0, question);
  const versionId = question === -1
    ? undefined
    : new URLSearchParams(header.slice(question + 1)).get("versionId") ?? undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (decoded.startsWith("/")) decoded = decoded.slice(1);
  const slash = decoded.indexOf("/");
  if (slash <= 0 || slash === decoded.length - 1) return undefined;
  return {
    bucket: decoded.slice(0, slash),
    key: decoded.slice(slash + 1),
    ...(versionId === undefined ? {} : { versionId }),
  };
}

const COPY_CONDITIONS = {
  "if-match": "x-amz-copy-source-if-match",
  "if-none-match": "x-amz-copy-source-if-none-match",
  "if-modified-since": "x-amz-copy-source-if-modified-since",
  "if-unmodified-since": "x-amz-copy-source-if-unmodified-since",
} as const;
