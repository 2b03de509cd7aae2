import assert from "node:assert/strict";
import {
  BUCKET_CONFIGS,
  bucketConfigOf,
  checkTags,
  parseTagging,
  parseTaggingHeader,
  taggingXml,
} from "../../local/s3/_config.ts";

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketTagging.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html

Deno.test("taggingXml() and parseTagging() round-trip tags with markup", () => {
  const tags: [string, string][] = [["a&b", "<1>"], ["c", ""]];
  assert.deepEqual(parseTagging(taggingXml(tags)), tags);
  assert.deepEqual(parseTaggingHeader("a=1&b=two%20words"), [["a", "1"], ["b", "two words"]]);
});

Deno.test("checkTags() refuses too many object tags and repeated keys", () => {
  const eleven = Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"] as [string, string]);
  assert.equal(checkTags(eleven, 10)?.message, "Object tags cannot be greater than 10");
  assert.equal(checkTags(eleven, 50), undefined);
  assert.equal(checkTags([["a", "1"], ["a", "2"]], 10)?.code, "InvalidTag");
});

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html

Deno.test("BUCKET_CONFIGS give a new bucket AWS's defaults or not-found errors", () => {
  const get = (param: string) => BUCKET_CONFIGS.find((spec) => spec.param === param)?.absent;
  assert.match(JSON.stringify(get("encryption")), /AES256/);
  assert.match(JSON.stringify(get("ownershipControls")), /BucketOwnerEnforced/);
  assert.deepEqual((get("tagging") as { error: { code: string } }).error.code, "NoSuchTagSet");
  assert.deepEqual(
    (get("policy") as { error: { code: string } }).error.code,
    "NoSuchBucketPolicy",
  );
});

Deno.test("bucketConfigOf() finds the configuration a query names and checks policies", () => {
  assert.equal(bucketConfigOf(new URLSearchParams("policy"))?.param, "policy");
  assert.equal(bucketConfigOf(new URLSearchParams("list-type=2")), undefined);
  const policy = bucketConfigOf(new URLSearchParams("policy"));
  assert.equal(policy?.validate?.("not json")?.code, "MalformedPolicy");
  assert.equal(policy?.validate?.('{"Version":"2012-10-17"}'), undefined);
});

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLifecycleConfiguration.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
Deno.test("BUCKET_CONFIGS keep lifecycle rules: none is NoSuchLifecycleConfiguration, no Rule is MalformedXML", () => {
  const lifecycle = bucketConfigOf(new URLSearchParams("lifecycle"));
  assert.equal(lifecycle?.root, "LifecycleConfiguration");
  assert.deepEqual("error" in lifecycle!.absent ? lifecycle!.absent.error : undefined, {
    status: 404,
    code: "NoSuchLifecycleConfiguration",
    message: "The lifecycle configuration does not exist",
  });
  assert.equal(lifecycle?.validate?.("<LifecycleConfiguration/>")?.code, "MalformedXML");
  assert.equal(
    lifecycle?.validate?.(
      "<LifecycleConfiguration><Rule><Status>Enabled</Status></Rule></LifecycleConfiguration>",
    ),
    undefined,
  );
});

Deno.test("BUCKET_CONFIGS name an XML root for every XML configuration, and which have no Delete", () => {
  for (const spec of BUCKET_CONFIGS) {
    if (spec.contentType === "application/xml") assert.ok(spec.root, spec.param);
  }
  const deletable = BUCKET_CONFIGS.filter((spec) => !spec.noDelete).map((spec) => spec.param);
  assert.deepEqual(deletable.sort(), [
    "cors",
    "encryption",
    "lifecycle",
    "ownershipControls",
    "policy",
    "publicAccessBlock",
    "replication",
    "tagging",
    "website",
  ]);
});
