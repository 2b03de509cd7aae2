import assert from "node:assert/strict";
import { queueArnOf, signingRegion } from "../../local/sqs/_queue_ref.ts";

Deno.test("queueArnOf() reads the account and name of every URL form, in the request's region", () => {
  for (
    const url of [
      "http://127.0.0.1:4566/000000000000/jobs",
      "https://sqs.us-east-1.amazonaws.com/000000000000/jobs",
      "https://queue.amazonaws.com/000000000000/jobs",
      "http://sqs.us-east-1.localhost:39871/000000000000/jobs/",
      "/000000000000/jobs",
    ]
  ) {
    assert.deepEqual(queueArnOf(url, "eu-west-1"), {
      arn: "arn:aws:sqs:eu-west-1:000000000000:jobs",
    }, url);
  }
  assert.deepEqual(queueArnOf("https://queue.amazonaws.com/111122223333/a.fifo", "us-east-1"), {
    arn: "arn:aws:sqs:us-east-1:111122223333:a.fifo",
  });
});

Deno.test("queueArnOf() refuses a missing QueueUrl and one that names no queue", () => {
  assert.deepEqual(queueArnOf(undefined, "us-east-1"), {
    error: {
      code: "MissingParameter",
      message: "The request must contain the parameter QueueUrl.",
    },
  });
  for (const url of ["jobs", "http://h/000000000000", "http://h/12345/jobs", "http://h/a/b/c"]) {
    assert.deepEqual(queueArnOf(url, "us-east-1"), {
      error: {
        code: "InvalidAddress",
        message: `The address ${url} is not valid for this endpoint.`,
      },
    }, url);
  }
});

Deno.test("signingRegion() reads the credential scope's region, undefined when unsigned", () => {
  assert.equal(
    signingRegion(
      "AWS4-HMAC-SHA256 Credential=AKID/20250101/ap-south-1/sqs/aws4_request, SignedHeaders=host, Signature=00",
    ),
    "ap-south-1",
  );
  assert.equal(signingRegion(undefined), undefined);
  assert.equal(signingRegion("Bearer x"), undefined);
});
