/**
 * Conformance of the local AWS's S3 with AWS's documented behaviour, through
 * the JS SDK (and unsigned requests where the SDK hides an error element):
 * conditional writes on every write path, and reads by part. Each test names
 * the AWS documentation page it follows. boto3 runs the same behaviours in
 * conformance_boto3_test.ts (tests/conformance/boto3_s3_writes_parts.py).
 */

import assert from "node:assert/strict";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import {
  createBucket,
  expectError,
  rawS3,
  startS3,
  uploadFirstPart,
  xmlElement,
} from "./_conformance.ts";

const MIB = 1024 * 1024;

async function text(s3: S3Client, Bucket: string, Key: string): Promise<string> {
  const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return await got.Body!.transformToString();
}

/** Uploads `parts` as a multipart upload of `Key`; returns its ETag. */
async function multipart(
  s3: S3Client,
  Bucket: string,
  Key: string,
  parts: readonly (readonly [number, Uint8Array | string])[],
  conditions: { IfMatch?: string; IfNoneMatch?: string } = {},
): Promise<string> {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
  const uploaded = [];
  for (const [PartNumber, Body] of parts) {
    const { ETag } = await s3.send(
      new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body }),
    );
    uploaded.push({ PartNumber, ETag });
  }
  const done = await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket,
      Key,
      UploadId,
      MultipartUpload: { Parts: uploaded },
      ...conditions,
    }),
  );
  return done.ETag!;
}

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (If-Match, If-None-Match)
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html (If-Match, If-None-Match)
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html (If-Match, If-None-Match)
Deno.test("S3 conditional writes hold on PutObject, CopyObject and CompleteMultipartUpload whichever way the object was written", async () => {
  await using aws = await startS3({ iam: "off" });
  const s3 = aws.client;
  for (const [Bucket, versioned] of [["cw-plain", false], ["cw-versioned", true]] as const) {
    await createBucket(s3, Bucket, { versioned });
    await s3.send(new PutObjectCommand({ Bucket, Key: "src", Body: "source" }));
    const written = {
      put: (await s3.send(new PutObjectCommand({ Bucket, Key: "put", Body: "put" }))).ETag!,
      multipart: await multipart(s3, Bucket, "multipart", [[1, "multipart"]]),
      copy: (await s3.send(
        new CopyObjectCommand({ Bucket, Key: "copy", CopySource: `${Bucket}/src` }),
      )).CopyObjectResult!.ETag!,
    };
    for (const [Key, etag] of Object.entries(written)) {
      const before = await text(s3, Bucket, Key);
      const refused = { name: "PreconditionFailed", status: 412 };
      await expectError(
        s3.send(new PutObjectCommand({ Bucket, Key, Body: "x", IfNoneMatch: "*" })),
        refused,
      );
      await expectError(
        s3.send(
          new CopyObjectCommand({ Bucket, Key, CopySource: `${Bucket}/src`, IfNoneMatch: "*" }),
        ),
        refused,
      );
      await expectError(multipart(s3, Bucket, Key, [[1, "x"]], { IfNoneMatch: "*" }), refused);
      await expectError(
        s3.send(
          new CopyObjectCommand({ Bucket, Key, CopySource: `${Bucket}/src`, IfMatch: '"0"' }),
        ),
        refused,
      );
      await expectError(multipart(s3, Bucket, Key, [[1, "x"]], { IfMatch: '"0"' }), refused);
      assert.equal(await text(s3, Bucket, Key), before, `${Key} is left as it was`);
      // AWS's 412 document names the header that failed.
      const raw = await rawS3(aws.endpoint, `/${Bucket}/${Key}`, {
        method: "PUT",
        headers: { "if-none-match": "*" },
        body: "x",
      });
      assert.equal(raw.status, 412);
      assert.equal(xmlElement(raw.text, "Code"), "PreconditionFailed");
      assert.equal(
        xmlElement(raw.text, "Message"),
        "At least one of the pre-conditions you specified did not hold",
      );
      assert.equal(xmlElement(raw.text, "Condition"), "If-None-Match");
      // The ETag may come without its quotes.
      const next = await s3.send(
        new PutObjectCommand({ Bucket, Key, Body: "next", IfMatch: etag.slice(1, -1) }),
      );
      await s3.send(
        new CopyObjectCommand({ Bucket, Key, CopySource: `${Bucket}/src`, IfMatch: next.ETag }),
      );
      const copied = (await s3.send(new HeadObjectCommand({ Bucket, Key }))).ETag!;
      await multipart(s3, Bucket, Key, [[1, "last"]], { IfMatch: copied });
      assert.equal(await text(s3, Bucket, Key), "last");
    }
  }
});

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html (If-Match: 404 when there is no current object or it is a delete marker)
Deno.test("S3 If-Match on a missing key or a delete marker answers 404 NoSuchKey on every write path", async () => {
  const Bucket = "cw-missing";
  await using aws = await startS3({ iam: "off", bucket: Bucket, versioned: true });
  const s3 = aws.client;
  await s3.send(new PutObjectCommand({ Bucket, Key: "src", Body: "source" }));
  const ETag = (await s3.send(new PutObjectCommand({ Bucket, Key: "gone", Body: "old" }))).ETag!;
  await s3.send(new DeleteObjectCommand({ Bucket, Key: "gone" }));
  const missing = {
    name: "NoSuchKey",
    status: 404,
    message: "The specified key does not exist.",
  };
  for (const Key of ["never", "gone"]) {
    await expectError(
      s3.send(new PutObjectCommand({ Bucket, Key, Body: "x", IfMatch: ETag })),
      missing,
    );
    await expectError(
      s3.send(new CopyObjectCommand({ Bucket, Key, CopySource: `${Bucket}/src`, IfMatch: ETag })),
      missing,
    );
    await expectError(multipart(s3, Bucket, Key, [[1, "x"]], { IfMatch: ETag }), missing);
    const raw = await rawS3(aws.endpoint, `/${Bucket}/${Key}`, {
      method: "PUT",
      headers: { "if-match": ETag },
      body: "x",
    });
    assert.equal(raw.status, 404);
    assert.equal(xmlElement(raw.text, "Key"), Key);
  }
  // With no current object, If-None-Match: * lets the write through.
  await s3.send(new PutObjectCommand({ Bucket, Key: "gone", Body: "back", IfNoneMatch: "*" }));
  assert.equal(await text(s3, Bucket, "gone"), "back");
});

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html (NoSuchUpload)
Deno.test("S3 CompleteMultipartUpload refuses another key's upload with NoSuchUpload", async () => {
  const Bucket = "cw-upload";
  await using aws = await startS3({ iam: "off", bucket: Bucket });
  const s3 = aws.client;
  const { UploadId, Parts } = await uploadFirstPart(s3, Bucket, "a", "a");
  await expectError(
    s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: "b",
        UploadId,
        MultipartUpload: { Parts },
      }),
    ),
    { name: "NoSuchUpload", status: 404 },
  );
  await expectError(s3.send(new HeadObjectCommand({ Bucket, Key: "b" })), { status: 404 });
});

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (partNumber)
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html (partNumber, x-amz-mp-parts-count)
Deno.test("S3 GetObject and HeadObject by partNumber serve one part with 206, Content-Range and the part count", async () => {
  const Bucket = "parts";
  await using aws = await startS3({ iam: "off", bucket: Bucket });
  const s3 = aws.client;
  const first = new Uint8Array(5 * MIB).fill(97);
  const ETag = await multipart(s3, Bucket, "mp", [[1, first], [2, "b".repeat(100)]]);
  const size = 5 * MIB + 100;
  const part2 = await s3.send(new GetObjectCommand({ Bucket, Key: "mp", PartNumber: 2 }));
  assert.equal(part2.$metadata.httpStatusCode, 206);
  assert.equal(part2.ContentRange, `bytes ${5 * MIB}-${size - 1}/${size}`);
  assert.equal(part2.ContentLength, 100);
  assert.equal(part2.PartsCount, 2);
  assert.equal(part2.ETag, ETag);
  assert.equal(await part2.Body!.transformToString(), "b".repeat(100));
  const head1 = await s3.send(new HeadObjectCommand({ Bucket, Key: "mp", PartNumber: 1 }));
  assert.equal(head1.$metadata.httpStatusCode, 206);
  assert.equal(head1.ContentRange, `bytes 0-${5 * MIB - 1}/${size}`);
  assert.equal(head1.ContentLength, 5 * MIB);
  assert.equal(head1.PartsCount, 2);
  // Without partNumber, no part count (fauxqs sent one on every HEAD).
  const head = await s3.send(new HeadObjectCommand({ Bucket, Key: "mp" }));
  assert.equal(head.PartsCount, undefined);
  assert.equal(head.ContentLength, size);
  // Parts are numbered by position: an upload completed with parts 1 and 3 has parts 1 and 2.
  await multipart(s3, Bucket, "gaps", [[1, first], [3, "third"]]);
  const second = await s3.send(new GetObjectCommand({ Bucket, Key: "gaps", PartNumber: 2 }));
  assert.equal(await second.Body!.transformToString(), "third");
  // An object written in one piece is its own part 1, with no part count.
  await s3.send(new PutObjectCommand({ Bucket, Key: "single", Body: "single" }));
  const one = await s3.send(new GetObjectCommand({ Bucket, Key: "single", PartNumber: 1 }));
  assert.equal(one.$metadata.httpStatusCode, 206);
  assert.equal(one.ContentRange, "bytes 0-5/6");
  assert.equal(one.PartsCount, undefined);
  assert.equal(await one.Body!.transformToString(), "single");
});

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (partNumber: 1 to 10,000)
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html (InvalidPartNumber, InvalidArgument, InvalidRequest)
Deno.test("S3 reads by part answer 416 past the last part and 400 for a bad part number or a Range with it", async () => {
  const Bucket = "parts-errors";
  await using aws = await startS3({ iam: "off", bucket: Bucket });
  const s3 = aws.client;
  await multipart(s3, Bucket, "mp", [[1, new Uint8Array(5 * MIB)], [2, "end"]]);
  await s3.send(new PutObjectCommand({ Bucket, Key: "single", Body: "single" }));
  for (const [Key, PartNumber, count] of [["mp", 3, "2"], ["single", 2, "1"]] as const) {
    await expectError(s3.send(new GetObjectCommand({ Bucket, Key, PartNumber })), {
      name: "InvalidPartNumber",
      status: 416,
      message: "The requested partnumber is not satisfiable",
    });
    await expectError(s3.send(new HeadObjectCommand({ Bucket, Key, PartNumber })), {
      status: 416,
    });
    const raw = await rawS3(aws.endpoint, `/${Bucket}/${Key}?partNumber=${PartNumber}`);
    assert.equal(xmlElement(raw.text, "PartNumberRequested"), String(PartNumber));
    assert.equal(xmlElement(raw.text, "ActualPartCount"), count);
  }
  for (const PartNumber of [0, 10_001]) {
    await expectError(s3.send(new GetObjectCommand({ Bucket, Key: "mp", PartNumber })), {
      name: "InvalidArgument",
      status: 400,
      message: "Part number must be an integer between 1 and 10000, inclusive",
    });
  }
  await expectError(
    s3.send(new GetObjectCommand({ Bucket, Key: "single", PartNumber: 1, Range: "bytes=0-1" })),
    {
      name: "InvalidRequest",
      status: 400,
      message: "Cannot specify both Range header and partNumber query parameter",
    },
  );
});
