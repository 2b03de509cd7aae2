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
