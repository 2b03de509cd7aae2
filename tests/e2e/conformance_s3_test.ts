/**
 * Conformance of the local AWS's S3 with AWS's documented behaviour, through
 * the JS SDK. Each test names the AWS documentation page it follows. boto3
 * runs the same behaviours in conformance_boto3_test.ts.
 */

import assert from "node:assert/strict";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectTaggingCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { startLocalAws } from "../../local/local_aws.ts";
import {
  createBucket,
  createBucketIn,
  expectError,
  s3Client,
  startS3,
  uploadFirstPart,
} from "./_conformance.ts";
import { tempDir } from "../_helpers/e2e.ts";

async function text(s3: S3Client, Bucket: string, Key: string, VersionId?: string) {
  const got = await s3.send(new GetObjectCommand({ Bucket, Key, VersionId }));
  return await got.Body!.transformToString();
}

/** Deletes every version and delete marker, then the bucket (the usual clean-up). */
async function deleteEverything(s3: S3Client, Bucket: string): Promise<void> {
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket }));
  const objects = [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])]
    .map(({ Key, VersionId }) => ({ Key, VersionId }));
  if (objects.length > 0) {
    const deleted = await s3.send(
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: objects, Quiet: true } }),
    );
    assert.deepEqual(deleted.Errors ?? [], []);
  }
  await s3.send(new DeleteBucketCommand({ Bucket }));
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html
Deno.test("S3 CreateBucket follows AWS's location-constraint rules and GetBucketLocation reports the region", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  const s3 = s3Client(aws.endpoint);
  const eu = s3Client(aws.endpoint, "eu-west-1");
  try {
    await s3.send(new CreateBucketCommand({ Bucket: "loc-default" }));
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: "loc-default" }));
    assert.equal(location.LocationConstraint, undefined);
    await expectError(
      createBucketIn(s3, "loc-explicit", "us-east-1"),
      { name: "InvalidLocationConstraint", status: 400 },
    );
    // No constraint from a regional endpoint (IllegalLocationConstraintException): the JS SDK
    // always adds its region as the constraint, so boto3 checks that case.
    await expectError(
      createBucketIn(eu, "loc-mismatch", "eu-central-1"),
      {
        name: "IllegalLocationConstraintException",
        message:
          "The eu-central-1 location constraint is incompatible for the region specific endpoint this request was sent to.",
      },
    );
    await createBucketIn(eu, "loc-eu", "eu-west-1");
    const eu1 = await s3.send(new GetBucketLocationCommand({ Bucket: "loc-eu" }));
    assert.equal(eu1.LocationConstraint, "eu-west-1");
    const head = await s3.send(new HeadBucketCommand({ Bucket: "loc-eu" }));
    assert.equal(head.BucketRegion, "eu-west-1");
    await expectError(
      createBucketIn(eu, "loc-eu", "eu-west-1"),
      { name: "BucketAlreadyOwnedByYou", status: 409 },
    );
  } finally {
    s3.destroy();
    eu.destroy();
  }
});

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/versioning-workflows.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeleteMarker.html
Deno.test("S3 versioning keeps every version, adds delete markers, and lets the usual clean-up delete the bucket", async () => {
  const Bucket = "versions";
  await using aws = await startS3({ bucket: Bucket });
  const s3 = aws.client;
  assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, undefined);
  await s3.send(
    new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }),
  );
  assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, "Enabled");
  const v1 = (await s3.send(new PutObjectCommand({ Bucket, Key: "k", Body: "one" }))).VersionId;
  const v2 = (await s3.send(new PutObjectCommand({ Bucket, Key: "k", Body: "two" }))).VersionId;
  assert.ok(v1 && v2 && v1 !== v2);
  assert.equal(await text(s3, Bucket, "k"), "two");
  assert.equal(await text(s3, Bucket, "k", v1), "one");
  const head = await s3.send(new HeadObjectCommand({ Bucket, Key: "k", VersionId: v1 }));
  assert.equal(head.VersionId, v1);
  const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key: "k" }));
  assert.equal(marker.DeleteMarker, true);
  await expectError(s3.send(new GetObjectCommand({ Bucket, Key: "k" })), {
    name: "NoSuchKey",
    status: 404,
  });
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket }));
  assert.deepEqual(listed.Versions?.map((v) => [v.VersionId, v.IsLatest]), [[v2, false], [
    v1,
    false,
  ]]);
  assert.deepEqual(listed.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest]), [[
    marker.VersionId,
    true,
  ]]);
  await expectError(s3.send(new DeleteBucketCommand({ Bucket })), {
    name: "BucketNotEmpty",
    status: 409,
  });
  await deleteEverything(s3, Bucket);
  await expectError(s3.send(new HeadBucketCommand({ Bucket })), {
    name: "NotFound",
    status: 404,
  });
});

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html
Deno.test("S3 DeleteBucket refuses an unversioned bucket with objects, then succeeds once it is empty", async () => {
  await using aws = await startS3();
  const s3 = aws.client;
  await s3.send(new CreateBucketCommand({ Bucket: "plain" }));
  await s3.send(new PutObjectCommand({ Bucket: "plain", Key: "a", Body: "a" }));
  await expectError(s3.send(new DeleteBucketCommand({ Bucket: "plain" })), {
    name: "BucketNotEmpty",
    status: 409,
  });
  await deleteEverything(s3, "plain");
});

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html
Deno.test("S3 conditional writes: If-None-Match and If-Match on PutObject, DeleteObject and CompleteMultipartUpload", async () => {
  await using aws = await startS3();
  const s3 = aws.client;
  for (const [Bucket, versioned] of [["cond-plain", false], ["cond-versioned", true]] as const) {
    await createBucket(s3, Bucket, { versioned });
    const first = await s3.send(
      new PutObjectCommand({ Bucket, Key: "once", Body: "1", IfNoneMatch: "*" }),
    );
    await expectError(
      s3.send(new PutObjectCommand({ Bucket, Key: "once", Body: "2", IfNoneMatch: "*" })),
      { name: "PreconditionFailed", status: 412 },
    );
    await expectError(
      s3.send(new PutObjectCommand({ Bucket, Key: "once", Body: "2", IfMatch: '"0000"' })),
      { name: "PreconditionFailed", status: 412 },
    );
    await expectError(
      s3.send(new PutObjectCommand({ Bucket, Key: "absent", Body: "2", IfMatch: '"0000"' })),
      { name: "NoSuchKey", status: 404 },
    );
    const second = await s3.send(
      new PutObjectCommand({ Bucket, Key: "once", Body: "3", IfMatch: first.ETag }),
    );
    await expectError(
      s3.send(new DeleteObjectCommand({ Bucket, Key: "once", IfMatch: first.ETag })),
      { name: "PreconditionFailed", status: 412 },
    );
    await s3.send(new DeleteObjectCommand({ Bucket, Key: "once", IfMatch: second.ETag }));
    await s3.send(new PutObjectCommand({ Bucket, Key: "once", Body: "4", IfNoneMatch: "*" }));
    assert.equal(await text(s3, Bucket, "once"), "4");
  }
  // CompleteMultipartUpload with If-None-Match: 412 on an existing key, never a 500.
  const Bucket = "cond-plain";
  const { UploadId, Parts } = await uploadFirstPart(s3, Bucket, "once", "part");
  await expectError(
    s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: "once",
        UploadId,
        IfNoneMatch: "*",
        MultipartUpload: { Parts },
      }),
    ),
    { name: "PreconditionFailed", status: 412 },
  );
  await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: "once", UploadId }));
});

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since)
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
Deno.test("S3 GetObject and HeadObject answer conditional requests with 304 and 412", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  const s3 = s3Client(aws.endpoint);
  const Bucket = RESOURCE_BUCKET;
  try {
    const { ETag } = await s3.send(new PutObjectCommand({ Bucket, Key: "r", Body: "read me" }));
    const future = new Date(Date.now() + 86_400_000);
    const past = new Date(Date.now() - 86_400_000);
    assert.equal(
      (await s3.send(new GetObjectCommand({ Bucket, Key: "r", IfMatch: ETag }))).ETag,
      ETag,
    );
    await expectError(s3.send(new GetObjectCommand({ Bucket, Key: "r", IfMatch: '"0000"' })), {
      name: "PreconditionFailed",
      status: 412,
    });
    await expectError(s3.send(new GetObjectCommand({ Bucket, Key: "r", IfNoneMatch: ETag })), {
      status: 304,
    });
    await expectError(
      s3.send(new GetObjectCommand({ Bucket, Key: "r", IfModifiedSince: future })),
      { status: 304 },
    );
    await expectError(
      s3.send(new GetObjectCommand({ Bucket, Key: "r", IfUnmodifiedSince: past })),
      { name: "PreconditionFailed", status: 412 },
    );
    await expectError(s3.send(new HeadObjectCommand({ Bucket, Key: "r", IfNoneMatch: ETag })), {
      status: 304,
    });
    await expectError(s3.send(new HeadObjectCommand({ Bucket, Key: "r", IfMatch: '"0000"' })), {
      status: 412,
    });
  } finally {
    s3.destroy();
  }
});

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (Range, response-* overrides)
Deno.test("S3 serves a 10 MB object whole, by Range (206, 416) and with response header overrides", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  const s3 = s3Client(aws.endpoint);
  const Bucket = RESOURCE_BUCKET;
  try {
    const size = 10 * 1024 * 1024;
    const body = new Uint8Array(size).map((_, i) => i % 251);
    await s3.send(new PutObjectCommand({ Bucket, Key: "big", Body: body }));
    const whole = await s3.send(new GetObjectCommand({ Bucket, Key: "big" }));
    const bytes = await whole.Body!.transformToByteArray();
    assert.equal(bytes.length, size);
    assert.deepEqual(bytes.subarray(size - 3), body.subarray(size - 3));
    const part = await s3.send(
      new GetObjectCommand({ Bucket, Key: "big", Range: "bytes=251-501" }),
    );
    assert.equal(part.$metadata.httpStatusCode, 206);
    assert.equal(part.ContentRange, `bytes 251-501/${size}`);
    assert.deepEqual(await part.Body!.transformToByteArray(), body.subarray(251, 502));
    const suffix = await s3.send(new GetObjectCommand({ Bucket, Key: "big", Range: "bytes=-10" }));
    assert.equal(suffix.ContentLength, 10);
    await suffix.Body!.transformToByteArray();
    await expectError(
      s3.send(new GetObjectCommand({ Bucket, Key: "big", Range: `bytes=${size}-` })),
      { name: "InvalidRange", status: 416 },
    );
    const overridden = await s3.send(
      new GetObjectCommand({
        Bucket,
        Key: "big",
        Range: "bytes=0-0",
        ResponseContentType: "text/x-test",
        ResponseContentDisposition: 'attachment; filename="big.bin"',
        ResponseCacheControl: "no-store",
        ResponseContentLanguage: "de",
        ResponseContentEncoding: "identity",
        ResponseExpires: new Date("2030-01-01T00:00:00Z"),
      }),
    );
    await overridden.Body!.transformToByteArray();
    assert.equal(overridden.ContentType, "text/x-test");
    assert.equal(overridden.ContentDisposition, 'attachment; filename="big.bin"');
    assert.equal(overridden.CacheControl, "no-store");
    assert.equal(overridden.ContentLanguage, "de");
    assert.equal(overridden.ContentEncoding, "identity");
    assert.equal(overridden.ExpiresString, "Tue, 01 Jan 2030 00:00:00 GMT");
  } finally {
    s3.destroy();
  }
});

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/versioning-workflows.html (versions are durable)
Deno.test("S3 versions, delete markers and bucket regions survive a restart", async () => {
  const dataDir = await tempDir("conformance_s3_");
  try {
    let v1: string | undefined;
    {
      await using aws = await startLocalAws({ port: 0, dataDir });
      const s3 = s3Client(aws.endpoint);
      const eu = s3Client(aws.endpoint, "eu-west-1");
      try {
        await createBucketIn(eu, "kept", "eu-west-1");
        await s3.send(
          new PutBucketVersioningCommand({
            Bucket: "kept",
            VersioningConfiguration: { Status: "Enabled" },
          }),
        );
        v1 = (await s3.send(new PutObjectCommand({ Bucket: "kept", Key: "k", Body: "one" })))
          .VersionId;
        await s3.send(new PutObjectCommand({ Bucket: "kept", Key: "k", Body: "two" }));
        await s3.send(new DeleteObjectCommand({ Bucket: "kept", Key: "k" }));
      } finally {
        s3.destroy();
        eu.destroy();
      }
    }
    await using aws = await startLocalAws({ port: 0, dataDir });
    const s3 = s3Client(aws.endpoint);
    try {
      const location = await s3.send(new GetBucketLocationCommand({ Bucket: "kept" }));
      assert.equal(location.LocationConstraint, "eu-west-1");
      assert.equal(
        (await s3.send(new GetBucketVersioningCommand({ Bucket: "kept" }))).Status,
        "Enabled",
      );
      assert.equal(await text(s3, "kept", "k", v1), "one");
      const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: "kept" }));
      assert.equal(listed.Versions?.length, 2);
      assert.equal(listed.DeleteMarkers?.length, 1);
      await deleteEverything(s3, "kept");
    } finally {
      s3.destroy();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketTagging.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html
Deno.test("S3 lists keys in byte order, keeps object and bucket tags and configurations, and lists multipart uploads", async () => {
  const Bucket = "extras";
  await using aws = await startS3({ bucket: Bucket });
  const s3 = aws.client;
  for (const Key of ["b", "B", "a/1", "é"]) {
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: "x", Tagging: "team=data" }));
  }
  const listed = await s3.send(new ListObjectsV2Command({ Bucket, Delimiter: "/" }));
  assert.deepEqual(listed.Contents?.map((o) => o.Key), ["B", "b", "é"]);
  assert.deepEqual(listed.CommonPrefixes?.map((p) => p.Prefix), ["a/"]);
  const tags = await s3.send(new GetObjectTaggingCommand({ Bucket, Key: "b" }));
  assert.deepEqual(tags.TagSet, [{ Key: "team", Value: "data" }]);
  assert.equal((await s3.send(new GetObjectCommand({ Bucket, Key: "b" }))).TagCount, 1);
  await s3.send(new DeleteObjectTaggingCommand({ Bucket, Key: "b" }));
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket, Key: "b" }))).TagSet, []);

  await expectError(s3.send(new GetBucketTaggingCommand({ Bucket })), {
    name: "NoSuchTagSet",
    status: 404,
  });
  await s3.send(
    new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: "k", Value: "v" }] } }),
  );
  assert.deepEqual((await s3.send(new GetBucketTaggingCommand({ Bucket }))).TagSet, [{
    Key: "k",
    Value: "v",
  }]);
  await s3.send(new DeleteBucketTaggingCommand({ Bucket }));
  await expectError(s3.send(new GetBucketPolicyCommand({ Bucket })), {
    name: "NoSuchBucketPolicy",
    status: 404,
  });
  const Policy = JSON.stringify({ Version: "2012-10-17", Statement: [] });
  await s3.send(new PutBucketPolicyCommand({ Bucket, Policy }));
  assert.equal((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy, Policy);
  const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
  assert.equal(
    encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault
      ?.SSEAlgorithm,
    "AES256",
  );

  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "mp" }));
  await s3.send(new UploadPartCommand({ Bucket, Key: "mp", UploadId, PartNumber: 1, Body: "p" }));
  const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket }));
  assert.deepEqual(uploads.Uploads?.map((u) => [u.Key, u.UploadId]), [["mp", UploadId]]);
  const parts = await s3.send(new ListPartsCommand({ Bucket, Key: "mp", UploadId }));
  assert.deepEqual(parts.Parts?.map((p) => [p.PartNumber, p.Size]), [[1, 1]]);
  await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: "mp", UploadId }));
  await expectError(s3.send(new ListPartsCommand({ Bucket, Key: "mp", UploadId })), {
    name: "NoSuchUpload",
    status: 404,
  });
});

const RESOURCE_BUCKET = "laptops";
