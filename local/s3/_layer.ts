/**
 * S3 in front of fauxqs: what its S3 lacks or gets wrong, added or fixed so
 * that clients see AWS's behaviour.
 *
 * - Bucket regions: `CreateBucket`'s location-constraint rules,
 *   `GetBucketLocation`, `x-amz-bucket-region` on `HeadBucket`,
 *   `BucketAlreadyOwnedByYou` outside `us-east-1`.
 * - Versioning: `PutBucketVersioning`/`GetBucketVersioning`, version ids on
 *   writes, reads and deletes by `versionId`, delete markers,
 *   `ListObjectVersions`, `DeleteObjects` with versions, and `DeleteBucket`
 *   refusing a bucket that still holds versions. Current versions stay where
 *   fauxqs keeps objects (so its listing and reads keep working); older ones
 *   are exact copies in an internal bucket, and the version lists are records
 *   there: all of it is persisted by fauxqs's own store.
 * - Conditional requests: `If-None-Match: *` and `If-Match` on `PutObject`,
 *   `CopyObject` and `CompleteMultipartUpload`, `If-Match` on `DeleteObject`,
 *   and RFC 7232 reads (`If-Match`, `If-None-Match`, `If-Modified-Since`,
 *   `If-Unmodified-Since`) on `GetObject` and `HeadObject`, including HEAD.
 * - Reads: `Range` as S3 serves it (206, `Content-Range`, 416
 *   `InvalidRange`), `response-*` header overrides, `UploadPartCopy` (fauxqs
 *   would store an empty part).
 *
 * Writes to one key are serialized, so conditional writes race correctly.
 *
 * @module
 */

import type { InnerRequest, InnerResponse, InnerService } from "../core/mod.ts";
import { KeyedLock, s3Target } from "../core/mod.ts";
import { INTERNAL_BUCKET, type S3Location, type S3Vault } from "../engines/mod.ts";
import { noSuchBucket, notImplemented, s3Error } from "./_answers.ts";
import { bucketConfig } from "./_bucket_config.ts";
import { listObjects, listObjectVersions } from "./_bucket_lists.ts";
import {
  createBucket,
  deleteBucket,
  getBucketLocation,
  getBucketVersioning,
  headBucket,
  listBuckets,
  putBucketVersioning,
} from "./_buckets.ts";
import { bucketConfigOf } from "./_config.ts";
import { forward, type S3Context } from "./_context.ts";
import { deleteObject, deleteObjects } from "./_deletes.ts";
import { listMultipartUploads, listParts, uploadPartCopy } from "./_multipart.ts";
import { objectAcl, objectTagging } from "./_object_tags.ts";
import { read } from "./_reads.ts";
import { write } from "./_writes.ts";

/** Options of {@linkcode createS3Layer}. */
export interface S3LayerOptions {
  /** The S3 emulator's HTTP interface. */
  readonly fauxqs: InnerService;
  /** Direct access to its store. */
  readonly vault: S3Vault;
  /** Region of buckets the layer has no record of, and of unsigned requests. */
  readonly region: string;
}

/** The S3 layer: answers one S3 request. */
export interface S3Layer {
  /** Answers `request`, whose operation the router named. */
  handle(operation: string, request: InnerRequest): Promise<InnerResponse>;
}

/**
 * Makes the S3 layer: routes each operation to the part of `local/s3/` that
 * answers it.
 *
 * @example Usage
 * ```ts
 * // Needs fauxqs, which the local AWS starts: type-checked by `deno task ok`, not run.
 * import type { InnerRequest } from "../core/mod.ts";
 * import type { FauxqsService } from "../engines/mod.ts";
 * import { createS3Layer } from "./_layer.ts";
 *
 * declare const fauxqs: FauxqsService, request: InnerRequest;
 * const s3 = createS3Layer({ fauxqs, vault: fauxqs.vault, region: "us-east-1" });
 * const answer = await s3.handle("GetBucketLocation", request);
 * ```
 */
export function createS3Layer(options: S3LayerOptions): S3Layer {
  const ctx: S3Context = { ...options, keyLock: new KeyedLock() };
  return {
    async handle(operation, request) {
      const url = new URL(request.url, "http://localhost");
      const { bucket, key } = s3Target(url.pathname, request.headers.host ?? null);
      if (bucket === INTERNAL_BUCKET) return s3Error(noSuchBucket(bucket));
      if (bucket === undefined) {
        return operation === "ListBuckets" ? listBuckets(ctx, request) : forward(ctx, request);
      }
      if (key === undefined) return await bucketRequest(ctx, operation, { bucket, url, request });
      return await objectRequest(ctx, operation, { target: { bucket, key }, url, request });
    },
  };
}

/** A request to a bucket (no key). */
interface BucketRequest {
  readonly bucket: string;
  readonly url: URL;
  readonly request: InnerRequest;
}

function bucketRequest(
  ctx: S3Context,
  operation: string,
  { bucket, url, request }: BucketRequest,
): InnerResponse | Promise<InnerResponse> {
  const query = url.searchParams;
  if (UNSERVED_BUCKET_PARAMS.some((param) => query.has(param))) return s3Error(notImplemented());
  const config = bucketConfigOf(query);
  if (config !== undefined) return bucketConfig(ctx, bucket, config.param, request);
  switch (operation) {
    case "ListObjects":
    case "ListObjectsV2":
      return listObjects(ctx, bucket, url, operation === "ListObjectsV2");
    case "ListMultipartUploads":
      return listMultipartUploads(ctx, bucket, url);
    case "CreateBucket":
      return createBucket(ctx, bucket, url, request);
    case "DeleteBucket":
      return deleteBucket(ctx, bucket, request);
    case "HeadBucket":
      return headBucket(ctx, bucket, request);
    case "GetBucketLocation":
      return getBucketLocation(ctx, bucket);
    case "GetBucketVersioning":
      return getBucketVersioning(ctx, bucket);
    case "PutBucketVersioning":
      return putBucketVersioning(ctx, bucket, request);
    case "ListObjectVersions":
      return listObjectVersions(ctx, bucket, url);
    case "DeleteObjects":
      return deleteObjects(ctx, bucket, request);
    default:
      return forward(ctx, request);
  }
}

/** A request to an object. */
interface ObjectRequest {
  readonly target: S3Location;
  readonly url: URL;
  readonly request: InnerRequest;
}

function objectRequest(
  ctx: S3Context,
  operation: string,
  { target, url, request }: ObjectRequest,
): InnerResponse | Promise<InnerResponse> {
  switch (operation) {
    case "PutObject":
    case "CopyObject":
    case "CompleteMultipartUpload":
      return write(ctx, operation, target, request);
    case "DeleteObject":
      return deleteObject(ctx, target, url, request);
    case "GetObject":
    case "HeadObject":
      return read(ctx, target, url, request);
    case "UploadPartCopy":
      return uploadPartCopy(ctx, url, request);
    case "GetObjectTagging":
    case "PutObjectTagging":
    case "DeleteObjectTagging":
      return objectTagging(ctx, operation, target, url, request);
    case "GetObjectAcl":
    case "PutObjectAcl":
      return objectAcl(ctx, operation, target, url);
    case "ListParts":
      return listParts(ctx, target, url);
    case "GetObjectRetention":
    case "PutObjectRetention":
    case "GetObjectLegalHold":
    case "PutObjectLegalHold":
    case "GetObjectTorrent":
    case "RestoreObject":
    case "SelectObjectContent":
      return s3Error(notImplemented());
    default:
      return forward(ctx, request);
  }
}

/**
 * Bucket sub-resources the local AWS does not serve: S3 analytics, metrics,
 * inventory and Intelligent-Tiering configurations, the policy status and
 * S3 Metadata. fauxqs would take them for a listing or, with `DELETE`, for
 * `DeleteBucket`.
 */
const UNSERVED_BUCKET_PARAMS = [
  "analytics",
  "metrics",
  "inventory",
  "intelligent-tiering",
  "policyStatus",
  "metadataTable",
  "metadataConfiguration",
];
