/**
 * Internal: the artifact bucket, uploads keyed by content, and emptying a
 * bucket before its deletion.
 *
 * @module
 */

import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
} from "@aws-sdk/client-s3";
import { RESOURCES } from "../lib/resources.ts";
import type { InfraClients } from "./clients.ts";

type S3 = InfraClients["s3"];

/**
 * Name of the bucket that holds deployment packages: bucket names are global,
 * so it carries the account and the region.
 */
export function artifactBucketName(accountId: string, region: string): string {
  return `${RESOURCES.bucket.name}-artifacts-${accountId}-${region}`;
}

/** Key of a deployment package: its SHA-256, so that new code gets a new key. */
export async function artifactKey(zip: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", zip as BufferSource));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${RESOURCES.updateFunction.name}/${hex}.zip`;
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error &&
    (error.name === "NotFound" || error.name === "NoSuchBucket" || error.name === "NoSuchKey" ||
      httpStatus(error) === 404);
}

/**
 * Creates the bucket, private, unless it exists.
 *
 * @returns Whether it was created.
 */
export async function ensureBucket(s3: S3, bucket: string, region: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return false;
  } catch (error) {
    if (!isNotFound(error)) {
      if (httpStatus(error) === 403) {
        throw new Error(
          `Cannot use artifact bucket ${bucket}: it exists but these credentials may not use it`,
          { cause: error },
        );
      }
      throw error;
    }
  }
  await s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      // us-east-1 is the one region that takes no location constraint.
      ...(region === "us-east-1" ? {} : {
        CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint },
      }),
    }),
  );
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: bucket,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  return true;
}

/**
 * Uploads an object unless one with that key exists (keys are content hashes).
 *
 * @returns Whether it was uploaded.
 */
export async function uploadUnlessPresent(
  s3: S3,
  bucket: string,
  key: string,
  body: Uint8Array,
): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return false;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/zip" }),
  );
  return true;
}

/**
 * Deletes every object version and delete marker of a bucket.
 *
 * @returns How many were deleted, or `undefined` when the bucket does not exist.
 */
export async function emptyBucket(s3: S3, bucket: string): Promise<number | undefined> {
  let deleted = 0;
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  while (true) {
    let page;
    try {
      page = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
          ...(versionIdMarker === undefined ? {} : { VersionIdMarker: versionIdMarker }),
        }),
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].flatMap((entry) =>
      entry.Key === undefined
        ? []
        : [{ Key: entry.Key, ...(entry.VersionId ? { VersionId: entry.VersionId } : {}) }]
    );
    // A list page holds at most 1,000 entries, DeleteObjects takes at most 1,000.
    for (let start = 0; start < objects.length; start += 1000) {
      const batch = objects.slice(start, start + 1000);
      const output = await s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }),
      );
      const failed = output.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new Error(
          `Cannot empty bucket ${bucket}: ${failed.length} objects were not deleted, e.g. ${first?.Key}: ${first?.Code} ${first?.Message}`,
        );
      }
      deleted += batch.length;
    }
    if (!page.IsTruncated) return deleted;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}

/**
 * Empties and deletes a bucket.
 *
 * @returns How many objects were deleted, or `undefined` when the bucket does not exist.
 */
export async function removeBucket(s3: S3, bucket: string): Promise<number | undefined> {
  const deleted = await emptyBucket(s3, bucket);
  if (deleted === undefined) return undefined;
  try {
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return deleted;
}
