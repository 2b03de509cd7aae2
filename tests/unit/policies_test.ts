import assert from "node:assert/strict";
import {
  POLICIES,
  policyDocument,
  type PolicyResource,
  type PrincipalName,
  resourceArn,
} from "../../lib/policies.ts";

/**
 * Each principal's actions per resource. A new permission is a conscious
 * change: it must be added here too.
 */
const EXPECTED: Record<PrincipalName, Partial<Record<PolicyResource, string[]>>> = {
  generator: {
    table: ["dynamodb:BatchWriteItem", "dynamodb:PutItem"],
    bucketObjects: ["s3:PutObject"],
    uploadQueue: ["sqs:GetQueueUrl", "sqs:SendMessage"],
  },
  service: {
    table: ["dynamodb:BatchGetItem"],
    bucketObjects: ["s3:GetObject"],
    updateQueue: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
  },
  updateFunction: {
    uploadQueue: ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
    table: ["dynamodb:UpdateItem"],
    updateQueue: ["sqs:GetQueueUrl", "sqs:SendMessage"],
    functionLogGroup: ["logs:CreateLogStream", "logs:PutLogEvents"],
    xrayTraces: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
  },
};

const CONTEXT = { region: "us-east-1", accountId: "000000000000" };

Deno.test("POLICIES gives each principal exactly its table of actions", () => {
  assert.deepEqual(Object.keys(POLICIES).sort(), Object.keys(EXPECTED).sort());
  for (const [principal, expected] of Object.entries(EXPECTED)) {
    const actual: Partial<Record<PolicyResource, string[]>> = {};
    for (const statement of POLICIES[principal as PrincipalName].statements) {
      assert.equal(actual[statement.resource], undefined, `${principal}: one statement a resource`);
      actual[statement.resource] = [...statement.actions];
    }
    assert.deepEqual(actual, expected, principal);
  }
});

Deno.test("POLICIES has no wildcard action, sorted actions and unique statement ids", () => {
  for (const [principal, policy] of Object.entries(POLICIES)) {
    const sids = policy.statements.map((statement) => statement.sid);
    assert.equal(new Set(sids).size, sids.length, `${principal}: duplicate sid`);
    for (const statement of policy.statements) {
      assert.match(statement.sid, /^[A-Za-z0-9]+$/, `${principal}: sid ${statement.sid}`);
      assert.deepEqual([...statement.actions], [...statement.actions].sort(), statement.sid);
      for (const action of statement.actions) {
        assert.match(
          action,
          /^(dynamodb|s3|sqs|logs|xray):[A-Z][A-Za-z]+$/,
          `${principal}: ${action}`,
        );
      }
    }
  }
});

Deno.test("POLICIES is frozen all the way down", () => {
  assert.ok(Object.isFrozen(POLICIES));
  assert.ok(Object.isFrozen(POLICIES.generator.statements));
  assert.ok(Object.isFrozen(POLICIES.generator.statements[0]?.actions));
  assert.throws(() => {
    (POLICIES.generator.statements[0]?.actions as string[]).push("s3:DeleteObject");
  }, TypeError);
});

Deno.test("policyDocument() renders Allow statements with the resolver's resources", () => {
  const document = policyDocument("generator", (resource) => ({ key: resource }));
  assert.deepEqual(document, {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PutItems",
        Effect: "Allow",
        Action: ["dynamodb:BatchWriteItem", "dynamodb:PutItem"],
        Resource: { key: "table" },
      },
      {
        Sid: "PutObject",
        Effect: "Allow",
        Action: ["s3:PutObject"],
        Resource: { key: "bucketObjects" },
      },
      {
        Sid: "SendUploadMessage",
        Effect: "Allow",
        Action: ["sqs:GetQueueUrl", "sqs:SendMessage"],
        Resource: { key: "uploadQueue" },
      },
    ],
  });
});

Deno.test("policyDocument() returns copies that do not change POLICIES", () => {
  const document = policyDocument("service", (resource) => resource);
  (document.Statement[0]?.Action as string[]).push("s3:DeleteObject");
  assert.deepEqual(POLICIES.service.statements[0]?.actions, ["dynamodb:BatchGetItem"]);
});

Deno.test("resourceArn() gives the concrete ARNs of the local AWS's names", () => {
  const cases: [PolicyResource, string][] = [
    ["table", "arn:aws:dynamodb:us-east-1:000000000000:table/laptops"],
    ["bucketObjects", "arn:aws:s3:::laptops/*"],
    ["uploadQueue", "arn:aws:sqs:us-east-1:000000000000:uploaded-laptops"],
    ["updateQueue", "arn:aws:sqs:us-east-1:000000000000:updated-laptops"],
    ["functionLogGroup", "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/update-item:*"],
  ];
  for (const [resource, arn] of cases) assert.equal(resourceArn(resource, CONTEXT), arn);
});

Deno.test("resourceArn() takes another partition and bucket name", () => {
  const context = {
    region: "cn-north-1",
    accountId: "123456789012",
    partition: "aws-cn",
    bucketName: "laptops-123456789012-cn-north-1",
  };
  const cases: [PolicyResource, string][] = [
    ["bucketObjects", "arn:aws-cn:s3:::laptops-123456789012-cn-north-1/*"],
    ["table", "arn:aws-cn:dynamodb:cn-north-1:123456789012:table/laptops"],
  ];
  for (const [resource, arn] of cases) assert.equal(resourceArn(resource, context), arn);
});

Deno.test("resourceArn() uses no wildcard but the two AWS's ARN formats and X-Ray require", () => {
  // X-Ray's write actions have no resource types: IAM names them only as "*"
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html).
  assert.equal(resourceArn("xrayTraces", CONTEXT), "*");
  const xray = Object.values(POLICIES).flatMap((policy) =>
    policy.statements.filter((statement) => statement.resource === "xrayTraces")
  );
  assert.ok(xray.every((statement) => statement.actions.every((a) => a.startsWith("xray:Put"))));
  const keys: PolicyResource[] = [
    "table",
    "bucketObjects",
    "uploadQueue",
    "updateQueue",
    "functionLogGroup",
  ];
  for (const key of keys) {
    const arn = resourceArn(key, CONTEXT);
    assert.notEqual(arn, "*");
    const wildcards = arn.match(/[*?]/g) ?? [];
    if (key === "bucketObjects") assert.match(arn, /^arn:aws:s3:::[a-z0-9.-]+\/\*$/);
    else if (key === "functionLogGroup") assert.match(arn, /:log-group:\/aws\/lambda\/[^*:]+:\*$/);
    else assert.deepEqual(wildcards, [], arn);
  }
});

Deno.test("policyDocument() with resourceArn() renders every principal with concrete ARNs", () => {
  for (const principal of Object.keys(POLICIES) as PrincipalName[]) {
    const document = policyDocument(principal, (key) => resourceArn(key, CONTEXT));
    for (const statement of document.Statement) {
      if (statement.Action.every((action) => action.startsWith("xray:"))) {
        assert.equal(statement.Resource, "*");
      } else assert.match(statement.Resource, /^arn:aws:(dynamodb|s3|sqs|logs):/);
    }
  }
});
