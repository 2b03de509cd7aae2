import assert from "node:assert/strict";
import { describeOperation, s3Target } from "../../local/core/_operation.ts";

function op(
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string,
): string {
  const url = new URL(target, "http://127.0.0.1:4566");
  const { service, operation } = describeOperation({
    method,
    path: url.pathname,
    query: url.searchParams,
    headers: new Headers({ host: url.host, ...headers }),
    ...(body === undefined ? {} : { body: new TextEncoder().encode(body) }),
  });
  return `${service}:${operation}`;
}

Deno.test("describeOperation() names JSON-protocol operations from X-Amz-Target", () => {
  assert.equal(
    op("POST", "/", { "x-amz-target": "DynamoDB_20120810.PutItem" }),
    "dynamodb:PutItem",
  );
  assert.equal(
    op("POST", "/", { "x-amz-target": "AmazonSQS.SendMessageBatch" }),
    "sqs:SendMessageBatch",
  );
  assert.equal(
    op("POST", "/", { "x-amz-target": "DynamoDBStreams_20120810.GetRecords" }),
    "unknown:GetRecords",
  );
  assert.equal(op("POST", "/", { "x-amz-target": "nonsense" }), "unknown:Unknown");
});

Deno.test("describeOperation() names query-protocol operations from Action", () => {
  const form = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
  assert.equal(op("POST", "/", form, "Action=ListQueues&Version=2012-11-05"), "sqs:ListQueues");
  assert.equal(op("POST", "/", form, "Action=GetCallerIdentity"), "sts:GetCallerIdentity");
  assert.equal(op("POST", "/", form, "Action=Publish&TopicArn=x"), "sns:Publish");
  assert.equal(op("GET", "/?Action=GetQueueUrl&QueueName=q"), "sqs:GetQueueUrl");
});

Deno.test("describeOperation() names S3 service, bucket and object operations", () => {
  const cases: [string, string, Record<string, string>, string][] = [
    ["GET", "/", {}, "ListBuckets"],
    ["PUT", "/laptops", {}, "CreateBucket"],
    ["PUT", "/laptops/", {}, "CreateBucket"],
    ["HEAD", "/laptops", {}, "HeadBucket"],
    ["DELETE", "/laptops", {}, "DeleteBucket"],
    ["GET", "/laptops?list-type=2&prefix=a", {}, "ListObjectsV2"],
    ["GET", "/laptops", {}, "ListObjects"],
    ["GET", "/laptops?location", {}, "GetBucketLocation"],
    ["GET", "/laptops?versions", {}, "ListObjectVersions"],
    ["PUT", "/laptops?versioning", {}, "PutBucketVersioning"],
    ["GET", "/laptops?uploads", {}, "ListMultipartUploads"],
    ["DELETE", "/laptops?lifecycle", {}, "DeleteBucketLifecycle"],
    ["POST", "/laptops?delete", {}, "DeleteObjects"],
    ["POST", "/laptops", { "content-type": "multipart/form-data; boundary=x" }, "PostObject"],
    ["PUT", "/laptops/a/b.json", {}, "PutObject"],
    ["PUT", "/laptops/b.json", { "x-amz-copy-source": "/laptops/a.json" }, "CopyObject"],
    ["PUT", "/laptops/b.json?partNumber=1&uploadId=u", {}, "UploadPart"],
    [
      "PUT",
      "/laptops/b.json?partNumber=1&uploadId=u",
      { "x-amz-copy-source": "x/y" },
      "UploadPartCopy",
    ],
    ["PUT", "/laptops/b.json?tagging", {}, "PutObjectTagging"],
    ["GET", "/laptops/a.json", {}, "GetObject"],
    ["GET", "/laptops/a.json?uploadId=u", {}, "ListParts"],
    ["GET", "/laptops/a.json?attributes", {}, "GetObjectAttributes"],
    ["HEAD", "/laptops/a.json", {}, "HeadObject"],
    ["DELETE", "/laptops/a.json", {}, "DeleteObject"],
    ["DELETE", "/laptops/a.json?uploadId=u", {}, "AbortMultipartUpload"],
    ["POST", "/laptops/a.json?uploads", {}, "CreateMultipartUpload"],
    ["POST", "/laptops/a.json?uploadId=u", {}, "CompleteMultipartUpload"],
    ["PATCH", "/laptops/a.json", {}, "Unknown"],
  ];
  for (const [method, target, headers, expected] of cases) {
    assert.equal(op(method, target, headers), `s3:${expected}`, `${method} ${target}`);
  }
});

Deno.test("describeOperation() reads the bucket from a virtual-hosted Host header", () => {
  assert.equal(op("PUT", "http://laptops.localhost:4566/a.json"), "s3:PutObject");
  assert.equal(op("GET", "http://laptops.localhost:4566/"), "s3:ListObjects");
});

Deno.test("s3Target() finds bucket and key in path and virtual-hosted style", () => {
  assert.deepEqual(s3Target("/", "127.0.0.1:4566"), {});
  assert.deepEqual(s3Target("/laptops", "127.0.0.1:4566"), { bucket: "laptops" });
  assert.deepEqual(s3Target("/laptops/", "localhost:4566"), { bucket: "laptops" });
  assert.deepEqual(s3Target("/laptops/dir/a%20b.json", "127.0.0.1:4566"), {
    bucket: "laptops",
    key: "dir/a b.json",
  });
  assert.deepEqual(s3Target("/dir/a.json", "laptops.localhost:4566"), {
    bucket: "laptops",
    key: "dir/a.json",
  });
  assert.deepEqual(s3Target("/", "laptops.localhost"), { bucket: "laptops" });
  assert.deepEqual(s3Target("/b/k%zz", null), { bucket: "b", key: "k%zz" });
  assert.deepEqual(s3Target("/b/k", "[::1]:4566"), { bucket: "b", key: "k" });
});
