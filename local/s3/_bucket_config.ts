/**
 * Bucket configuration requests (`?tagging`, `?policy`, `?cors`, ...): put,
 * get and delete as AWS keeps them, by the specs of `./_config.ts`.
 *
 * @module
 */

import type { InnerRequest, InnerResponse } from "../core/mod.ts";
import {
  empty,
  malformedXml,
  methodNotAllowed,
  noSuchBucket,
  s3Error,
  xmlAnswer,
} from "./_answers.ts";
import { BUCKET_CONFIGS, DELETED_IS_NOT_FOUND, objectLockEnabledXml } from "./_config.ts";
import { bucketRecord, type S3Context } from "./_context.ts";
import { s3RequestId } from "./_error.ts";
import type { S3ErrorSpec } from "./_location.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Puts, gets or deletes the bucket configuration named by `param`. */
export function bucketConfig(
  ctx: S3Context,
  bucket: string,
  param: string,
  request: InnerRequest,
): InnerResponse {
  if (!ctx.vault.hasBucket(bucket)) return s3Error(noSuchBucket(bucket));
  const spec = BUCKET_CONFIGS.find((config) => config.param === param);
  if (spec === undefined) return s3Error(noSuchBucket(bucket));
  const record = `config/${bucket}/${param}`;
  switch (request.method) {
    case "GET": {
      const stored = ctx.vault.readRecord(record);
      if (stored !== undefined) {
        if (stored === DELETED) return s3Error(notFound(DELETED_IS_NOT_FOUND[param], bucket));
        return {
          status: 200,
          headers: { "content-type": spec.contentType, "x-amz-request-id": s3RequestId() },
          body: encoder.encode(stored),
        };
      }
      if (param === "object-lock" && bucketRecord(ctx, bucket).objectLock) {
        return xmlAnswer(objectLockEnabledXml());
      }
      return "xml" in spec.absent
        ? xmlAnswer(spec.absent.xml)
        : s3Error(notFound(spec.absent.error, bucket));
    }
    case "PUT": {
      const body = decoder.decode(request.body);
      if (param === "acl" && body.trim() === "") return empty(200);
      if (spec.root !== undefined && !new RegExp(`<${spec.root}[\\s>]`).test(body)) {
        return s3Error(malformedXml());
      }
      const refused = spec.validate?.(body);
      if (refused !== undefined) return s3Error(refused);
      ctx.vault.writeRecord(record, body);
      return empty(param === "policy" ? 204 : 200);
    }
    case "DELETE":
      if (spec.noDelete) return s3Error(methodNotAllowed("DELETE", "BUCKET"));
      if (DELETED_IS_NOT_FOUND[param] !== undefined) ctx.vault.writeRecord(record, DELETED);
      else ctx.vault.deleteRecord(record);
      return empty(204);
    default:
      return s3Error(methodNotAllowed(request.method, "BUCKET"));
  }
}

/** A deleted configuration whose absence differs from its default (ownership controls). */
const DELETED = "\u0000deleted";

/** A "not found" error of a configuration, naming the bucket as S3 does. */
function notFound(error: S3ErrorSpec | undefined, bucket: string): S3ErrorSpec {
  if (error === undefined) return noSuchBucket(bucket);
  return { ...error, extra: { ...error.extra, BucketName: bucket } };
}
