import assert from "node:assert/strict";
import { readConfig } from "../../lib/config.ts";
import { ConfigError } from "../../lib/errors.ts";

function env(values: Record<string, string>) {
  return (name: string) => values[name];
}

Deno.test("readConfig() defaults to the local AWS and the resource names", () => {
  const config = readConfig(env({}), { program: "service" });
  assert.equal(config.endpoint, "http://127.0.0.1:4566");
  assert.equal(config.local, true);
  assert.equal(config.region, "us-east-1");
  assert.equal(config.tableName, "laptops");
  assert.equal(config.bucketName, "laptops");
  assert.equal(config.uploadQueueName, "uploaded-laptops");
  assert.equal(config.updateQueueName, "updated-laptops");
  assert.equal(config.credentialsConfigured, false);
});

Deno.test("readConfig() lets AWS_ENDPOINT_URL win on any loopback port", () => {
  const config = readConfig(
    env({ AWS_ENDPOINT_URL: "http://127.0.0.1:39123/", AWS_DISCOVERY_TARGET: "aws" }),
    { program: "generate" },
  );
  assert.equal(config.endpoint, "http://127.0.0.1:39123");
  assert.equal(config.local, true);
});

Deno.test("readConfig() targets AWS's own endpoints with AWS_DISCOVERY_TARGET=aws", () => {
  const config = readConfig(
    env({ AWS_DISCOVERY_TARGET: "aws", AWS_REGION: "eu-west-3", AWS_PROFILE: "me" }),
    { program: "generate" },
  );
  assert.equal(config.endpoint, undefined);
  assert.equal(config.local, false);
  assert.equal(config.region, "eu-west-3");
  assert.equal(config.credentialsConfigured, true);
});

Deno.test("readConfig() reads every variable", () => {
  const config = readConfig(
    env({
      AWS_DEFAULT_REGION: "ap-southeast-2",
      AWS_DYNAMODB_TABLE: "t.able_1",
      AWS_S3_BUCKET: "my-bucket.x",
      AWS_SQS_UPLOAD_QUEUE: "up_1",
      AWS_SQS_UPDATE_QUEUE: "down-2.fifo",
      AWS_ENDPOINT_URL: "https://example.test",
    }),
    { program: "generate" },
  );
  assert.deepEqual(
    [config.region, config.tableName, config.bucketName, config.uploadQueueName],
    ["ap-southeast-2", "t.able_1", "my-bucket.x", "up_1"],
  );
  assert.equal(config.updateQueueName, "down-2.fifo");
  assert.equal(config.local, false);
});

Deno.test("readConfig() names a required variable that is not set", () => {
  assert.throws(
    () =>
      readConfig(env({ AWS_SQS_UPDATE_QUEUE: "q" }), {
        program: "update_item",
        required: ["AWS_DYNAMODB_TABLE", "AWS_SQS_UPDATE_QUEUE"],
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, "Cannot start update_item: AWS_DYNAMODB_TABLE is not set");
      assert.equal(error.variable, "AWS_DYNAMODB_TABLE");
      return true;
    },
  );
});

Deno.test("readConfig() rejects invalid values with the variable and the rule", () => {
  const cases: [Record<string, string>, string][] = [
    [
      { AWS_SQS_UPDATE_QUEUE: "https://sqs/q" },
      "Cannot start service: AWS_SQS_UPDATE_QUEUE is invalid",
    ],
    [{ AWS_S3_BUCKET: "Bad_Bucket" }, "AWS_S3_BUCKET is invalid"],
    [{ AWS_DYNAMODB_TABLE: "a" }, "AWS_DYNAMODB_TABLE is invalid"],
    [{ AWS_REGION: "mars" }, "AWS_REGION is invalid"],
    [{ AWS_DEFAULT_REGION: "x" }, "AWS_DEFAULT_REGION is invalid"],
    [{ AWS_ENDPOINT_URL: "localhost:4566" }, "AWS_ENDPOINT_URL is invalid"],
    [{ AWS_ENDPOINT_URL: "http://127.0.0.1:4566/path" }, "AWS_ENDPOINT_URL is invalid"],
    [{ AWS_DISCOVERY_TARGET: "cloud" }, "AWS_DISCOVERY_TARGET is invalid"],
  ];
  for (const [values, expected] of cases) {
    assert.throws(
      () => readConfig(env(values), { program: "service" }),
      (error: unknown) => error instanceof ConfigError && error.message.includes(expected),
      JSON.stringify(values),
    );
  }
});

Deno.test("readConfig() treats an empty variable as unset", () => {
  const config = readConfig(env({ AWS_S3_BUCKET: "", AWS_ENDPOINT_URL: "" }), {
    program: "service",
  });
  assert.equal(config.bucketName, "laptops");
  assert.equal(config.endpoint, "http://127.0.0.1:4566");
});
