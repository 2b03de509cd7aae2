/**
 * Conformance of the local AWS's S3 with AWS's documented behaviour, through
 * the JS SDK (and unsigned requests where the SDK hides an error element):
 * bucket sub-resources over their whole life cycle, and CreateBucket from a
 * client in any region. Each test names the AWS documentation page it
 * follows. boto3 runs the same behaviours in conformance_boto3_test.ts
 * (tests/conformance/boto3_s3_buckets.py).
 */

import assert from "node:assert/strict";
import {
  DeleteBucketCorsCommand,
  DeleteBucketEncryptionCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketOwnershipControlsCommand,
  DeleteBucketPolicyCommand,
  DeleteBucketTaggingCommand,
  DeleteBucketWebsiteCommand,
  DeletePublicAccessBlockCommand,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketWebsiteCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketWebsiteCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { startLocalAws } from "../../local/local_aws.ts";
import {
  createBucketIn,
  expectError,
  rawS3,
  s3Client,
  startS3,
  xmlElement,
} from "./_conformance.ts";

/** One bucket configuration's life cycle: the calls and what AWS answers after the delete. */
interface LifeCycle {
  readonly param: string;
  readonly put: (s3: S3Client, Bucket: string) => Promise<unknown>;
  readonly get: (s3: S3Client, Bucket: string) => Promise<unknown>;
  readonly remove: (s3: S3Client, Bucket: string) => Promise<unknown>;
  /** What the get after the delete answers: an error, or (encryption) the default again. */
  readonly afterDelete: { readonly code: string; readonly message: string } | "default";
}

const POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }],
});

const LIFE_CYCLES: readonly LifeCycle[] = [
  {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketCors.html
    param: "cors",
    put: (s3, Bucket) =>
      s3.send(
        new PutBucketCorsCommand({
          Bucket,
          CORSConfiguration: { CORSRules: [{ AllowedMethods: ["GET"], AllowedOrigins: ["*"] }] },
        }),
      ),
    get: async (s3, Bucket) =>
      (await s3.send(new GetBucketCorsCommand({ Bucket }))).CORSRules?.[0]?.AllowedMethods,
    remove: (s3, Bucket) => s3.send(new DeleteBucketCorsCommand({ Bucket })),
    afterDelete: {
      code: "NoSuchCORSConfiguration",
      message: "The CORS configuration does not exist",
    },
  },
  {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLifecycleConfiguration.html
    param: "lifecycle",
    put: (s3, Bucket) =>
      s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket,
          LifecycleConfiguration: {
            Rules: [{
              ID: "r",
              Status: "Enabled",
              Filter: { Prefix: "x/" },
              Expiration: { Days: 1 },
            }],
          },
        }),
      ),
    get: async (s3, Bucket) =>
      (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules?.[0]?.ID,
    remove: (s3, Bucket) => s3.send(new DeleteBucketLifecycleCommand({ Bucket })),
    afterDelete: {
      code: "NoSuchLifecycleConfiguration",
      message: "The lifecycle configuration does not exist",
    },
  },
  {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html
    param: "policy",
    put: (s3, Bucket) => s3.send(new PutBucketPolicyCommand({ Bucket, Policy: POLICY })),
    get: async (s3, Bucket) => (await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy,
    remove: (s3, Bucket) => s3.send(new DeleteBucketPolicyCommand({ Bucket })),
    afterDelete: { code: "NoSuchBucketPolicy", message: "The bucket policy does not exist" },
  },
  {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketEncryption.html (back to SSE-S3)
    param: "encryption",
    put: (s3, Bucket) =>
      s3.send(
        new PutBucketEncryptionCommand({
          Bucket,
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" } }],
          },
        }),
      ),
    get: async (s3, Bucket) =>
      (await s3.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration
        ?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
    remove: (s3, Bucket) => s3.send(new DeleteBucketEncryptionCommand({ Bucket })),
    afterDelete: "default",
  },
  {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketTagging.html
    param: "tagging",
    put: (s3, Bucket) =>
      s3.send(
        new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: "a", Value: "1" }] } }),
      ),
    get: async (s3, Bucket) =>
      (await s3.send(new GetBucketTaggingCommand({ Bucket }))).TagSet?.[0]?.Key,
    remove: (s3, Bucket) => s3.send(new DeleteBucketTaggingCommand({ Bucket })),
    afterDelete: { code: "NoSuchTagSet", message: "The TagSet does not exist" },
  },
  {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketWebsite.html
    param: "website",
    put: (s3, Bucket) =>
      s3.send(
        new PutBucketWebsiteCommand({
          Bucket,
          WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" } },
        }),
      ),
    get: async (s3, Bucket) =>
      (await s3.send(new GetBucketWebsiteCommand({ Bucket }))).IndexDocument?.Suffix,
    remove: (s3, Bucket) => s3.send(new DeleteBucketWebsiteCommand({ Bucket })),
    afterDelete: {
      code: "NoSuchWebsiteConfiguration",
      message: "The specified bucket does not have a website configuration",
    },
  },
  {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetPublicAccessBlock.html
    param: "publicAccessBlock",
    put: (s3, Bucket) =>
      s3.send(
        new PutPublicAccessBlockCommand({
          Bucket,
          PublicAccessBlockConfiguration: { BlockPublicAcls: false, BlockPublicPolicy: false },
        }),
      ),
    get: async (s3, Bucket) =>
      (await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration
        ?.BlockPublicAcls,
    remove: (s3, Bucket) => s3.send(new DeletePublicAccessBlockCommand({ Bucket })),
    afterDelete: {
      code: "NoSuchPublicAccessBlockConfiguration",
      message: "The public access block configuration was not found",
    },
  },
  {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketOwnershipControls.html
    param: "ownershipControls",
    put: (s3, Bucket) =>
      s3.send(
        new PutBucketOwnershipControlsCommand({
          Bucket,
          OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerPreferred" }] },
        }),
      ),
    get: async (s3, Bucket) =>
      (await s3.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls
        ?.Rules?.[0]?.ObjectOwnership,
    remove: (s3, Bucket) => s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket })),
    afterDelete: {
      code: "OwnershipControlsNotFoundError",
      message: "The bucket ownership controls were not found",
    },
  },
];

const STORED: Record<string, unknown> = {
  cors: ["GET"],
  lifecycle: "r",
  policy: POLICY,
  encryption: "aws:kms",
  tagging: "a",
  website: "index.html",
  publicAccessBlock: false,
  ownershipControls: "BucketOwnerPreferred",
};

// Each configuration's Put, Get, Delete and Get pages (named above), and
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html (the NoSuch… codes)
Deno.test("S3 bucket configurations: put, get, delete, and the get after the delete as AWS answers it", async () => {
  const Bucket = "configs";
  await using aws = await startS3({ iam: "off", bucket: Bucket });
  const s3 = aws.client;
  for (const cycle of LIFE_CYCLES) {
    await cycle.put(s3, Bucket);
    assert.deepEqual(await cycle.get(s3, Bucket), STORED[cycle.param], cycle.param);
    await cycle.remove(s3, Bucket);
    if (cycle.afterDelete === "default") {
      assert.equal(await cycle.get(s3, Bucket), "AES256", cycle.param);
      continue;
    }
    await expectError(cycle.get(s3, Bucket), {
      name: cycle.afterDelete.code,
      status: 404,
      message: cycle.afterDelete.message,
    });
    const raw = await rawS3(aws.endpoint, `/${Bucket}?${cycle.param}`);
    assert.equal(xmlElement(raw.text, "Code"), cycle.afterDelete.code);
    assert.equal(xmlElement(raw.text, "BucketName"), Bucket, cycle.param);
  }
  // The bucket is still there, with nothing configured.
  await s3.send(new HeadBucketCommand({ Bucket }));
});

// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html (MalformedXML, MethodNotAllowed, NotImplemented)
Deno.test("S3 refuses a malformed configuration, never deletes the bucket for a sub-resource, and answers NotImplemented for what it does not serve", async () => {
  const Bucket = "sub-resources";
  await using aws = await startS3({ iam: "off", bucket: Bucket });
  const s3 = aws.client;
  for (const param of ["cors", "lifecycle", "tagging", "website"]) {
    const raw = await rawS3(aws.endpoint, `/${Bucket}?${param}`, { method: "PUT", body: "x" });
    assert.equal(raw.status, 400, param);
    assert.equal(xmlElement(raw.text, "Code"), "MalformedXML", param);
  }
  for (const param of ["logging", "notification", "accelerate", "requestPayment", "acl"]) {
    const raw = await rawS3(aws.endpoint, `/${Bucket}?${param}`, { method: "DELETE" });
    assert.equal(raw.status, 405, param);
    assert.equal(xmlElement(raw.text, "Code"), "MethodNotAllowed", param);
  }
  const unserved: [string, string][] = [
    ["GET", "analytics&id=a"],
    ["PUT", "analytics&id=a"],
    ["DELETE", "analytics&id=a"],
    ["GET", "metrics"],
    ["DELETE", "metrics&id=m"],
    ["GET", "inventory"],
    ["DELETE", "inventory&id=i"],
    ["DELETE", "intelligent-tiering&id=t"],
    ["GET", "policyStatus"],
  ];
  for (const [method, query] of unserved) {
    const raw = await rawS3(aws.endpoint, `/${Bucket}?${query}`, {
      method,
      ...(method === "PUT" ? { body: "<x/>" } : {}),
    });
    assert.equal(raw.status, 501, `${method} ?${query}`);
    assert.equal(xmlElement(raw.text, "Code"), "NotImplemented");
  }
  await rawS3(aws.endpoint, `/${Bucket}/k`, { method: "PUT", body: "kept" });
  const objectLevel: [string, string][] = [
    ["PUT", "retention"],
    ["PUT", "legal-hold"],
    ["GET", "retention"],
  ];
  for (const [method, query] of objectLevel) {
    const raw = await rawS3(aws.endpoint, `/${Bucket}/k?${query}`, {
      method,
      ...(method === "PUT" ? { body: "<x/>" } : {}),
    });
    assert.equal(raw.status, 501, `${method} ?${query}`);
  }
  assert.equal((await rawS3(aws.endpoint, `/${Bucket}/k`)).text, "kept");
  await s3.send(new HeadBucketCommand({ Bucket }));
});

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucketConfiguration.html (LocationConstraint values)
Deno.test("S3 CreateBucket from a client in any region follows AWS's constraint rules", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true, iam: "off" });
  const global = s3Client(aws.endpoint);
  const regions = ["us-west-2", "ap-southeast-2", "eu-central-1", "sa-east-1"];
  const clients = regions.map((region) => s3Client(aws.endpoint, region));
  try {
    for (const [index, region] of regions.entries()) {
      const client = clients[index]!;
      const Bucket = `in-${region}`;
      await createBucketIn(client, Bucket, region);
      const location = await global.send(new GetBucketLocationCommand({ Bucket }));
      assert.equal(location.LocationConstraint, region);
      assert.equal((await global.send(new HeadBucketCommand({ Bucket }))).BucketRegion, region);
      await expectError(
        createBucketIn(client, `${Bucket}-elsewhere`, "eu-west-3"),
        {
          name: "IllegalLocationConstraintException",
          status: 400,
          message:
            "The eu-west-3 location constraint is incompatible for the region specific endpoint this request was sent to.",
        },
      );
      for (const constraint of ["us-east-1", "moon-1"]) {
        await expectError(
          createBucketIn(client, `${Bucket}-bad`, constraint),
          {
            name: "InvalidLocationConstraint",
            status: 400,
            message: "The specified location-constraint is not valid",
          },
        );
      }
      await expectError(
        createBucketIn(client, Bucket, region),
        { name: "BucketAlreadyOwnedByYou", status: 409 },
      );
    }
    // The us-east-1 endpoint: any valid region, EU as eu-west-1 (reported as EU), never a made-up one.
    await createBucketIn(global, "old-eu", "EU");
    assert.equal(
      (await global.send(new GetBucketLocationCommand({ Bucket: "old-eu" }))).LocationConstraint,
      "EU",
    );
    assert.equal(
      (await global.send(new HeadBucketCommand({ Bucket: "old-eu" }))).BucketRegion,
      "eu-west-1",
    );
    await expectError(
      createBucketIn(global, "made-up", "moon-1"),
      { name: "InvalidLocationConstraint", status: 400 },
    );
    const malformed = await rawS3(aws.endpoint, "/malformed-body", { method: "PUT", body: "x" });
    assert.equal(malformed.status, 400);
    assert.equal(xmlElement(malformed.text, "Code"), "MalformedXML");
  } finally {
    global.destroy();
    for (const client of clients) client.destroy();
  }
});
