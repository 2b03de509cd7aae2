/**
 * Bucket requests: `ListBuckets`, `CreateBucket` (AWS's location-constraint
 * rules), `DeleteBucket`, `HeadBucket`, `GetBucketLocation`, and bucket
 * versioning.
 *
 * @module
 */

import type { InnerRequest, InnerResponse } from "../core/mod.ts";
import { element, elementText, unescapeXml } from "../core/mod.ts";
import { malformedXml, noSuchBucket, s3Error, withHeaders, xmlAnswer } from "./_answers.ts";
import {
  type BucketRecord,
  bucketRecord,
  forward,
  type S3Context,
  saveBucketRecord,
} from "./_context.ts";
import {
  bucketLocationXml,
  locationConstraint,
  placeBucket,
  S3_NS,
  signedRegion,
  US_EAST_1,
} from "./_location.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `GetBucketLocation`. */
export function getBucketLocation(ctx: S3Context, bucket: string): InnerResponse {
  return ctx.vault.hasBucket(bucket)
    ? xmlAnswer(bucketLocationXml(bucketLocation(bucketRecord(ctx, bucket))))
    : s3Error(noSuchBucket(bucket));
}

/** What `GetBucketLocation` reports of a bucket: its constraint as given (`EU`), or its region. */
function bucketLocation(record: BucketRecord): string {
  return record.location ?? record.region;
}

/** `ListBuckets` without the internal bucket, each with its `BucketRegion`. */
export async function listBuckets(ctx: S3Context, request: InnerRequest): Promise<InnerResponse> {
  const answer = await ctx.fauxqs.handle(request);
  if (answer.status !== 200) return answer;
  const xml = decoder.decode(answer.body)
    .replace(/<Bucket>\s*<Name>0-local-aws-internal<\/Name>[\s\S]*?<\/Bucket>\s*/, "")
    .replace(
      /<Bucket>(\s*)<Name>([^<]*)<\/Name>/g,
      (_, space: string, name: string) =>
        `<Bucket>${space}<Name>${name}</Name>${
          element("BucketRegion", bucketRecord(ctx, unescapeXml(name)).region)
        }`,
    );
  return { ...answer, body: encoder.encode(xml) };
}

/** `CreateBucket` with AWS's location-constraint rules. */
export async function createBucket(
  ctx: S3Context,
  bucket: string,
  url: URL,
  request: InnerRequest,
): Promise<InnerResponse> {
  const clientRegion = signedRegion(
    request.headers.authorization,
    url.searchParams.get("X-Amz-Credential"),
  ) ?? ctx.region;
  const body = decoder.decode(request.body);
  if (body.trim() !== "" && !/<CreateBucketConfiguration[\s>/]/.test(body)) {
    return s3Error(malformedXml());
  }
  const placement = placeBucket(clientRegion, locationConstraint(body));
  if (placement.error !== undefined) return s3Error(placement.error);
  if (ctx.vault.hasBucket(bucket)) {
    // AWS's legacy: re-creating your own bucket in us-east-1 is a no-op 200.
    if (bucketRecord(ctx, bucket).region === US_EAST_1 && placement.region === US_EAST_1) {
      return { status: 200, headers: { location: `/${bucket}` }, body: new Uint8Array() };
    }
    return s3Error({
      status: 409,
      code: "BucketAlreadyOwnedByYou",
      message: "Your previous request to create the named bucket succeeded and you already own it.",
      extra: { BucketName: bucket },
    });
  }
  const answer = await forward(ctx, request);
  if (answer.status === 200) {
    const objectLock = request.headers["x-amz-bucket-object-lock-enabled"] === "true";
    saveBucketRecord(ctx, bucket, {
      region: placement.region,
      ...(placement.location === undefined ? {} : { location: placement.location }),
      ...(objectLock ? { versioning: "Enabled", objectLock } : {}),
    });
  }
  return answer;
}

/** `DeleteBucket`: refuses a bucket that still holds versions; drops its records. */
export async function deleteBucket(
  ctx: S3Context,
  bucket: string,
  request: InnerRequest,
): Promise<InnerResponse> {
  if (ctx.vault.hasBucket(bucket) && ctx.vault.recordKeys(`keys/${bucket}/`).length > 0) {
    return s3Error({
      status: 409,
      code: "BucketNotEmpty",
      message:
        "The bucket you tried to delete is not empty. You must delete all versions in the bucket.",
      extra: { BucketName: bucket },
    });
  }
  const answer = await forward(ctx, request);
  if (answer.status === 204) {
    ctx.vault.deleteRecord(`bucket/${bucket}`);
    for (const prefix of ["data", "config", "tags"]) {
      for (const key of ctx.vault.recordKeys(`${prefix}/${bucket}/`)) ctx.vault.deleteRecord(key);
    }
  }
  return answer;
}

/** `HeadBucket` with `x-amz-bucket-region`. */
export async function headBucket(
  ctx: S3Context,
  bucket: string,
  request: InnerRequest,
): Promise<InnerResponse> {
  const answer = await forward(ctx, request);
  if (answer.status !== 200) return answer;
  return withHeaders(answer, { "x-amz-bucket-region": bucketRecord(ctx, bucket).region });
}

/** `GetBucketVersioning`. */
export function getBucketVersioning(ctx: S3Context, bucket: string): InnerResponse {
  if (!ctx.vault.hasBucket(bucket)) return s3Error(noSuchBucket(bucket));
  const status = bucketRecord(ctx, bucket).versioning;
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<VersioningConfiguration xmlns="${S3_NS}"`;
  return xmlAnswer(
    status === undefined
      ? `${head}/>`
      : `${head}>${element("Status", status)}</VersioningConfiguration>`,
  );
}

/** `PutBucketVersioning`. */
export function putBucketVersioning(
  ctx: S3Context,
  bucket: string,
  request: InnerRequest,
): InnerResponse {
  if (!ctx.vault.hasBucket(bucket)) return s3Error(noSuchBucket(bucket));
  const status = elementText(decoder.decode(request.body), "Status");
  if (status !== "Enabled" && status !== "Suspended") return s3Error(malformedXml());
  const record = bucketRecord(ctx, bucket);
  if (record.objectLock && status === "Suspended") {
    return s3Error({
      status: 409,
      code: "InvalidBucketState",
      message:
        "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.",
    });
  }
  saveBucketRecord(ctx, bucket, { ...record, versioning: status });
  return { status: 200, headers: {}, body: new Uint8Array() };
}
