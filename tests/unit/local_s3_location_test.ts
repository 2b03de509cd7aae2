import assert from "node:assert/strict";
import {
  bucketLocationXml,
  locationConstraint,
  placeBucket,
  signedRegion,
} from "../../local/s3/_location.ts";

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html

Deno.test("signedRegion() reads the credential scope of a header or a presigned URL", () => {
  assert.equal(
    signedRegion(
      "AWS4-HMAC-SHA256 Credential=AKID/20250101/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=0",
      null,
    ),
    "eu-west-1",
  );
  assert.equal(signedRegion(undefined, "AKID/20250101/ap-south-1/s3/aws4_request"), "ap-south-1");
  assert.equal(signedRegion(undefined, null), undefined);
});

Deno.test("locationConstraint() reads the body and treats an empty one as none", () => {
  assert.equal(locationConstraint(""), undefined);
  assert.equal(
    locationConstraint(
      '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>',
    ),
    "eu-west-1",
  );
  assert.equal(locationConstraint("<CreateBucketConfiguration/>"), undefined);
});

Deno.test("placeBucket() refuses us-east-1 as a constraint", () => {
  assert.equal(placeBucket("us-east-1", "us-east-1").error?.code, "InvalidLocationConstraint");
  assert.equal(placeBucket("eu-west-1", "us-east-1").error?.code, "InvalidLocationConstraint");
});

Deno.test("placeBucket() lets the us-east-1 endpoint create a bucket in any region", () => {
  assert.deepEqual(placeBucket("us-east-1", undefined), { region: "us-east-1" });
  assert.deepEqual(placeBucket("us-east-1", "eu-west-1"), { region: "eu-west-1" });
});

Deno.test("placeBucket() requires a regional endpoint's own region", () => {
  assert.deepEqual(placeBucket("eu-west-1", "eu-west-1"), { region: "eu-west-1" });
  const missing = placeBucket("eu-west-1", undefined).error;
  assert.equal(missing?.code, "IllegalLocationConstraintException");
  assert.equal(
    missing?.message,
    "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.",
  );
  assert.equal(
    placeBucket("eu-west-1", "eu-central-1").error?.message,
    "The eu-central-1 location constraint is incompatible for the region specific endpoint this request was sent to.",
  );
});

Deno.test("bucketLocationXml() is empty for us-east-1 and names other regions", () => {
  assert.match(bucketLocationXml("us-east-1"), /<LocationConstraint xmlns="[^"]+"\/>$/);
  assert.match(bucketLocationXml("eu-west-1"), />eu-west-1<\/LocationConstraint>$/);
});

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucketConfiguration.html
Deno.test("placeBucket() refuses a constraint that is not an S3 region from any endpoint", () => {
  for (const client of ["us-east-1", "eu-west-1", "ap-southeast-2"]) {
    assert.deepEqual(placeBucket(client, "moon-1").error, {
      status: 400,
      code: "InvalidLocationConstraint",
      message: "The specified location-constraint is not valid",
      extra: { LocationConstraint: "moon-1" },
    });
  }
});

Deno.test("placeBucket() places EU in eu-west-1 and keeps its name for GetBucketLocation", () => {
  assert.deepEqual(placeBucket("us-east-1", "EU"), { region: "eu-west-1", location: "EU" });
  assert.deepEqual(placeBucket("eu-west-1", "EU"), { region: "eu-west-1", location: "EU" });
  assert.equal(placeBucket("eu-central-1", "EU").error?.code, "IllegalLocationConstraintException");
});

Deno.test("placeBucket() lets each regional endpoint create buckets in its own region only", () => {
  for (const region of ["us-west-2", "ap-southeast-2", "sa-east-1", "eu-central-1"]) {
    assert.deepEqual(placeBucket(region, region), { region });
    assert.equal(placeBucket(region, undefined).error?.code, "IllegalLocationConstraintException");
    assert.equal(
      placeBucket(region, "us-east-2").error?.code,
      "IllegalLocationConstraintException",
    );
  }
});
