import assert from "node:assert/strict";
import { publicQueueUrl, rewriteQueueUrls } from "../../local/sqs/_queue_url.ts";

const ORIGIN = "http://127.0.0.1:4566";

Deno.test("publicQueueUrl() replaces scheme, host and port and keeps the path", () => {
  assert.equal(
    publicQueueUrl("http://sqs.us-east-1.localhost:39871/000000000000/q", ORIGIN),
    `${ORIGIN}/000000000000/q`,
  );
  assert.equal(
    publicQueueUrl("https://sqs.eu-west-1.amazonaws.com/123456789012/a-b_c", "http://localhost:1"),
    "http://localhost:1/123456789012/a-b_c",
  );
  assert.equal(publicQueueUrl("not a url", ORIGIN), "not a url");
});

Deno.test("rewriteQueueUrls() rewrites QueueUrl and QueueUrls in a JSON answer", () => {
  assert.deepEqual(
    JSON.parse(rewriteQueueUrls('{"QueueUrl":"http://x:1/000000000000/q"}', ORIGIN)),
    { QueueUrl: `${ORIGIN}/000000000000/q` },
  );
  assert.deepEqual(
    JSON.parse(
      rewriteQueueUrls(
        '{"QueueUrls":["http://x:1/0/a","http://x:1/0/b"],"NextToken":"t"}',
        ORIGIN,
      ),
    ),
    { QueueUrls: [`${ORIGIN}/0/a`, `${ORIGIN}/0/b`], NextToken: "t" },
  );
});

Deno.test("rewriteQueueUrls() leaves other bodies as they are", () => {
  for (const body of ["", "{}", "not json", "[1]", '{"__type":"QueueDoesNotExist"}']) {
    assert.equal(rewriteQueueUrls(body, ORIGIN), body);
  }
});
