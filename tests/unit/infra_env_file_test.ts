import assert from "node:assert/strict";
import { formatEnvFile } from "../../infra/env_file.ts";
import { readConfig } from "../../lib/config.ts";

const OUTPUTS = {
  AwsRegion: "eu-west-1",
  AwsDynamodbTable: "laptops",
  AwsS3Bucket: "laptops-123456789012-eu-west-1",
  AwsSqsUploadQueue: "uploaded-laptops",
  AwsSqsUpdateQueue: "updated-laptops",
  OperatorsGroup: "laptops-OperatorsGroup-ABC",
};

function parse(text: string): Record<string, string> {
  return Object.fromEntries(
    text.split("\n").filter((line) => line && !line.startsWith("#")).map((line) => {
      const at = line.indexOf("=");
      return [line.slice(0, at), line.slice(at + 1)];
    }),
  );
}

Deno.test("formatEnvFile() writes every variable and selects AWS's endpoints", () => {
  const text = formatEnvFile(OUTPUTS, { stackName: "laptops" });
  assert.equal(
    text,
    [
      "# Written by `deno task deploy` from stack laptops",
      "AWS_DISCOVERY_TARGET=aws",
      "AWS_REGION=eu-west-1",
      "AWS_DYNAMODB_TABLE=laptops",
      "AWS_S3_BUCKET=laptops-123456789012-eu-west-1",
      "AWS_SQS_UPLOAD_QUEUE=uploaded-laptops",
      "AWS_SQS_UPDATE_QUEUE=updated-laptops",
      "",
    ].join("\n"),
  );
});

Deno.test("formatEnvFile() names the endpoint the stack was deployed to", () => {
  const variables = parse(
    formatEnvFile(OUTPUTS, { stackName: "demo", endpoint: "http://127.0.0.1:5000" }),
  );
  assert.equal(variables.AWS_ENDPOINT_URL, "http://127.0.0.1:5000");
  assert.equal(variables.AWS_DISCOVERY_TARGET, undefined);
});

Deno.test("formatEnvFile() writes a file the programs' configuration accepts as is", () => {
  const variables = parse(formatEnvFile(OUTPUTS, { stackName: "laptops" }));
  const config = readConfig((name) => variables[name], { program: "service" });
  assert.equal(config.endpoint, undefined, "AWS's own endpoints");
  assert.equal(config.region, "eu-west-1");
  assert.equal(config.bucketName, "laptops-123456789012-eu-west-1");
  assert.equal(config.tableName, "laptops");
  assert.equal(config.uploadQueueName, "uploaded-laptops");
  assert.equal(config.updateQueueName, "updated-laptops");
});

Deno.test("formatEnvFile() rejects outputs that miss a variable", () => {
  const { AwsSqsUpdateQueue: _, ...partial } = OUTPUTS;
  assert.throws(
    () => formatEnvFile(partial, { stackName: "laptops" }),
    new Error(
      "Cannot write .env: stack laptops has no output AwsSqsUpdateQueue (AWS_SQS_UPDATE_QUEUE)",
    ),
  );
});
