import assert from "node:assert/strict";
import { CONFIG_VARIABLES } from "../../lib/config.ts";
import { type ResourceDefinition, RESOURCES } from "../../lib/resources.ts";
import {
  buildTemplate,
  type CloudFormationTemplate,
  ENV_OUTPUTS,
  TEMPLATE_PARAMETERS,
  type TemplateResource,
} from "../../infra/template.ts";

const template: CloudFormationTemplate = buildTemplate();

const PSEUDO_PARAMETERS = new Set([
  "AWS::AccountId",
  "AWS::NotificationARNs",
  "AWS::NoValue",
  "AWS::Partition",
  "AWS::Region",
  "AWS::StackId",
  "AWS::StackName",
  "AWS::URLSuffix",
]);

/** Attributes `Fn::GetAtt` may read, per resource type (CloudFormation's reference). */
const ATTRIBUTES: Record<string, string[]> = {
  "AWS::S3::Bucket": ["Arn", "DomainName", "RegionalDomainName"],
  "AWS::DynamoDB::Table": ["Arn", "StreamArn"],
  "AWS::SQS::Queue": ["Arn", "QueueName", "QueueUrl"],
  "AWS::IAM::Role": ["Arn", "RoleId"],
  "AWS::Lambda::Function": ["Arn"],
  "AWS::Logs::LogGroup": ["Arn"],
};

function resource(logicalId: string): TemplateResource {
  const found = template.Resources[logicalId];
  assert.ok(found, `resource ${logicalId} exists`);
  return found;
}

function props(logicalId: string): Record<string, unknown> {
  return resource(logicalId).Properties as Record<string, unknown>;
}

function ofType(type: string): [string, TemplateResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** Every intrinsic in a value, found recursively. */
function intrinsics(value: unknown): { fn: string; arg: unknown }[] {
  const found: { fn: string; arg: unknown }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") {
      for (const [key, child] of Object.entries(v)) {
        if (key === "Ref" || key.startsWith("Fn::")) found.push({ fn: key, arg: child });
        walk(child);
      }
    }
  };
  walk(value);
  return found;
}

/** Every IAM policy document in the template, with where it is. */
function policyDocuments(): { where: string; document: Record<string, unknown> }[] {
  const documents: { where: string; document: Record<string, unknown> }[] = [];
  for (const [id, r] of Object.entries(template.Resources)) {
    const p = r.Properties as Record<string, unknown>;
    if (p.PolicyDocument) {
      documents.push({ where: id, document: p.PolicyDocument as Record<string, unknown> });
    }
    for (const policy of (p.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[]) {
      documents.push({
        where: `${id}/${policy.PolicyName}`,
        document: policy.PolicyDocument as Record<string, unknown>,
      });
    }
  }
  return documents;
}

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: unknown;
};

function statements(document: Record<string, unknown>): Statement[] {
  return document.Statement as Statement[];
}

Deno.test("buildTemplate() is CloudFormation JSON within the size CreateStack takes", () => {
  const json = JSON.stringify(template);
  assert.deepEqual(JSON.parse(json), template, "survives a JSON round trip unchanged");
  assert.ok(json.length < 51_200, `TemplateBody is ${json.length} bytes`);
  assert.deepEqual(Object.keys(template).sort(), [
    "AWSTemplateFormatVersion",
    "Description",
    "Outputs",
    "Parameters",
    "Resources",
  ]);
  assert.equal(template.AWSTemplateFormatVersion, "2010-09-09");
  for (const [id, r] of Object.entries(template.Resources)) {
    assert.match(id, /^[A-Za-z0-9]+$/, "logical ids are alphanumeric");
    assert.match(r.Type, /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/, id);
  }
  for (const id of [...Object.keys(template.Outputs), ...Object.keys(template.Parameters)]) {
    assert.match(id, /^[A-Za-z0-9]+$/);
  }
});

Deno.test("buildTemplate() refers only to resources, parameters and attributes that exist", () => {
  const resources = template.Resources;
  const names = new Set([...Object.keys(resources), ...Object.keys(template.Parameters)]);
  const checkAttribute = (id: string, attribute: string, where: string) => {
    const r = resources[id];
    assert.ok(r, `${where}: ${id} is a resource`);
    assert.ok(ATTRIBUTES[r.Type]?.includes(attribute), `${where}: ${r.Type} has ${attribute}`);
  };
  let count = 0;
  for (const { fn, arg } of intrinsics(template)) {
    count++;
    if (fn === "Ref") {
      assert.ok(
        names.has(arg as string) || PSEUDO_PARAMETERS.has(arg as string),
        `Ref ${arg} exists`,
      );
    } else if (fn === "Fn::GetAtt") {
      const [id, attribute] = arg as [string, string];
      checkAttribute(id, attribute, "Fn::GetAtt");
    } else if (fn === "Fn::Sub") {
      assert.equal(typeof arg, "string", "Fn::Sub takes a string here");
      for (const [, name] of (arg as string).matchAll(/\$\{([^!}][^}]*)\}/g)) {
        const [id, attribute] = (name as string).split(".");
        if (attribute === undefined) {
          assert.ok(names.has(id!) || PSEUDO_PARAMETERS.has(id!), `Fn::Sub \${${name}} exists`);
        } else {
          checkAttribute(id!, attribute, "Fn::Sub");
        }
      }
    } else {
      assert.fail(`unexpected intrinsic ${fn}`);
    }
  }
  assert.ok(count > 20, `found ${count} intrinsics`);
  for (const [id, r] of Object.entries(resources)) {
    for (const dependency of r.DependsOn ?? []) assert.ok(resources[dependency], `${id} DependsOn`);
  }
  const used = new Set(intrinsics(template).filter((i) => i.fn === "Ref").map((i) => i.arg));
  for (const parameter of Object.keys(template.Parameters)) {
    assert.ok(used.has(parameter), `parameter ${parameter} is used`);
  }
});

Deno.test("buildTemplate() allows no wildcard action, and a wildcard resource only where AWS requires it", () => {
  const documented = [
    // The object ARN of every key of the data bucket.
    JSON.stringify({ "Fn::Sub": "${DataBucket.Arn}/*" }),
    // The function's log group with its streams: the form CloudWatch Logs' ARNs take.
    JSON.stringify({
      "Fn::Sub":
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${UpdateFunctionLogGroup}:*",
    }),
  ];
  const documents = policyDocuments();
  assert.equal(documents.length, 4, "role, two managed policies, bucket policy");
  let allows = 0;
  for (const { where, document } of documents) {
    assert.equal(document.Version, "2012-10-17", where);
    for (const statement of statements(document)) {
      if (statement.Effect === "Deny") continue;
      allows++;
      assert.equal(statement.Effect, "Allow", where);
      assert.equal(statement.Principal, undefined, `${where}: identity policies name no principal`);
      const actions = [statement.Action].flat();
      for (const action of actions) assert.doesNotMatch(action, /[*?]/, `${where}: ${action}`);
      for (const r of [statement.Resource].flat()) {
        if (r === "*") {
          // X-Ray's write actions have no resource types, so IAM takes only "*"
          // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html).
          assert.equal(where, "UpdateFunctionRole/update-item");
          assert.deepEqual(actions, ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]);
          continue;
        }
        const text = JSON.stringify(r);
        if (/[*?]/.test(text)) assert.ok(documented.includes(text), `${where}: ${text}`);
      }
    }
  }
  assert.equal(allows, 11);
});

Deno.test("buildTemplate() gives each principal exactly its table of actions", () => {
  // Principal → resource → actions; a new permission must be added here too.
  const expected = {
    "UpdateFunctionRole/update-item": {
      UploadQueue: ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
      Table: ["dynamodb:UpdateItem"],
      UpdateQueue: ["sqs:GetQueueUrl", "sqs:SendMessage"],
      UpdateFunctionLogGroup: ["logs:CreateLogStream", "logs:PutLogEvents"],
      "*": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
    },
    GeneratorPolicy: {
      Table: ["dynamodb:BatchWriteItem", "dynamodb:PutItem"],
      DataBucketObjects: ["s3:PutObject"],
      UploadQueue: ["sqs:GetQueueUrl", "sqs:SendMessage"],
    },
    ServicePolicy: {
      Table: ["dynamodb:BatchGetItem"],
      DataBucketObjects: ["s3:GetObject"],
      UpdateQueue: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
    },
  };
  const target = (r: unknown): string => {
    if (r === "*") return "*";
    const [intrinsic] = intrinsics(r);
    if (intrinsic?.fn === "Fn::GetAtt") {
      const [id, attribute] = intrinsic.arg as [string, string];
      assert.equal(attribute, "Arn");
      return id;
    }
    if (intrinsic?.fn === "Fn::Sub" && intrinsic.arg === "${DataBucket.Arn}/*") {
      return "DataBucketObjects";
    }
    if (intrinsic?.fn === "Fn::Sub") {
      return /\$\{(UpdateFunctionLogGroup)\}:\*$/.exec(
        intrinsic.arg as string,
      )?.[1] ?? "?";
    }
    return "?";
  };
  const actual: Record<string, Record<string, string[]>> = {};
  for (const { where, document } of policyDocuments()) {
    if (where === "DataBucketPolicy") continue;
    const table: Record<string, string[]> = {};
    for (const statement of statements(document)) {
      table[target(statement.Resource)] = [statement.Action].flat();
    }
    actual[where] = table;
  }
  assert.deepEqual(actual, expected);
});

Deno.test("buildTemplate() attaches both people's policies to the group and the Lambda's to its role", () => {
  assert.deepEqual(props("OperatorsGroup").ManagedPolicyArns, [
    { Ref: "GeneratorPolicy" },
    { Ref: "ServicePolicy" },
  ]);
  assert.equal(ofType("AWS::IAM::Role").length, 1);
  assert.equal(ofType("AWS::IAM::User").length, 0, "no users, no access keys in the stack");
  assert.deepEqual(props("UpdateFunctionRole").AssumeRolePolicyDocument, {
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Principal: { Service: "lambda.amazonaws.com" },
      Action: "sts:AssumeRole",
    }],
  });
  assert.deepEqual(props("UpdateFunction").Role, { "Fn::GetAtt": ["UpdateFunctionRole", "Arn"] });
  assert.equal(props("UpdateFunctionRole").ManagedPolicyArns, undefined, "no AWS managed policy");
});

Deno.test("buildTemplate() sets the upload queue's visibility to at least 6 times the function timeout", () => {
  const visibility = props("UploadQueue").VisibilityTimeout as number;
  const timeout = props("UpdateFunction").Timeout as number;
  assert.ok(visibility >= 6 * timeout, `${visibility} s >= 6 × ${timeout} s`);
});

Deno.test("buildTemplate() rejects a definition whose visibility is under 6 times the timeout", () => {
  const resources: ResourceDefinition = {
    ...RESOURCES,
    uploadQueue: { ...RESOURCES.uploadQueue, visibilityTimeoutSeconds: 59 },
  };
  assert.throws(
    () => buildTemplate({ resources }),
    new RangeError(
      "Cannot build template: the upload queue's visibility timeout (59 s) is less than 6 times the function timeout (10 s)",
    ),
  );
});

Deno.test("buildTemplate() gives every queue a redrive policy to its own dead-letter queue", () => {
  const queues = ofType("AWS::SQS::Queue");
  assert.equal(queues.length, 4);
  const byName = new Map(queues.map(([id, r]) => [r.Properties.QueueName as string, id]));
  for (const definition of [RESOURCES.uploadQueue, RESOURCES.updateQueue]) {
    const id = byName.get(definition.name);
    const dlqId = byName.get(definition.deadLetterQueueName);
    assert.ok(id && dlqId, definition.name);
    assert.deepEqual(props(id).RedrivePolicy, {
      deadLetterTargetArn: { "Fn::GetAtt": [dlqId, "Arn"] },
      maxReceiveCount: definition.maxReceiveCount,
    });
    assert.equal(props(id).MessageRetentionPeriod, definition.messageRetentionSeconds);
    assert.equal(props(id).VisibilityTimeout, definition.visibilityTimeoutSeconds);
    assert.equal(props(dlqId).RedrivePolicy, undefined, "a dead-letter queue has no redrive");
    assert.equal(props(dlqId).MessageRetentionPeriod, definition.deadLetterRetentionSeconds);
  }
  for (const [id, r] of queues) assert.equal(r.Properties.SqsManagedSseEnabled, true, id);
});

Deno.test("buildTemplate() maps the upload queue to the function with partial batch responses", () => {
  const mappings = ofType("AWS::Lambda::EventSourceMapping");
  assert.equal(mappings.length, 1);
  const fn = RESOURCES.updateFunction;
  assert.deepEqual(mappings[0]?.[1].Properties, {
    EventSourceArn: { "Fn::GetAtt": ["UploadQueue", "Arn"] },
    FunctionName: { Ref: "UpdateFunction" },
    Enabled: true,
    BatchSize: fn.batchSize,
    MaximumBatchingWindowInSeconds: fn.maximumBatchingWindowSeconds,
    FunctionResponseTypes: ["ReportBatchItemFailures"],
    ScalingConfig: { MaximumConcurrency: fn.maximumConcurrency },
  });
});

Deno.test("buildTemplate() names agree with the resource definition", () => {
  const fn = RESOURCES.updateFunction;
  assert.equal(props("Table").TableName, RESOURCES.table.name);
  assert.deepEqual(props("Table").KeySchema, [
    { AttributeName: RESOURCES.table.hashKey, KeyType: "HASH" },
  ]);
  assert.deepEqual(props("Table").AttributeDefinitions, [
    { AttributeName: "uuid", AttributeType: "S" },
  ]);
  assert.equal(props("UploadQueue").QueueName, RESOURCES.uploadQueue.name);
  assert.equal(props("UploadDeadLetterQueue").QueueName, RESOURCES.uploadQueue.deadLetterQueueName);
  assert.equal(props("UpdateQueue").QueueName, RESOURCES.updateQueue.name);
  assert.equal(props("UpdateDeadLetterQueue").QueueName, RESOURCES.updateQueue.deadLetterQueueName);
  const lambda = props("UpdateFunction");
  assert.equal(lambda.FunctionName, fn.name);
  assert.equal(lambda.Runtime, "nodejs22.x");
  assert.equal(lambda.Runtime, fn.runtime);
  assert.equal(lambda.Handler, fn.handler);
  assert.equal(lambda.MemorySize, fn.memoryMb);
  assert.equal(lambda.Timeout, fn.timeoutSeconds);
  assert.equal(props("UpdateFunctionLogGroup").LogGroupName, `/aws/lambda/${fn.name}`);
  // Bucket names are global: the definition's name, then account and region.
  assert.deepEqual(props("DataBucket").BucketName, {
    "Fn::Sub": `${RESOURCES.bucket.name}-\${AWS::AccountId}-\${AWS::Region}`,
  });
});

Deno.test("buildTemplate() follows a changed resource definition", () => {
  const resources: ResourceDefinition = {
    ...RESOURCES,
    table: { name: "laptops-test", hashKey: "id" },
    updateQueue: { ...RESOURCES.updateQueue, name: "q2", maxReceiveCount: 5 },
    updateFunction: { ...RESOURCES.updateFunction, memoryMb: 512, batchSize: 3 },
  };
  const changed = buildTemplate({ resources, logRetentionDays: 3 });
  const p = (id: string) => changed.Resources[id]?.Properties as Record<string, unknown>;
  assert.equal(p("Table").TableName, "laptops-test");
  assert.deepEqual(p("Table").KeySchema, [{ AttributeName: "id", KeyType: "HASH" }]);
  assert.equal(p("UpdateQueue").QueueName, "q2");
  assert.equal((p("UpdateQueue").RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount, 5);
  assert.equal(p("UpdateFunction").MemorySize, 512);
  assert.equal(p("UpdateFunctionEventSourceMapping").BatchSize, 3);
  assert.equal(p("UpdateFunctionLogGroup").RetentionInDays, 3);
});

Deno.test("buildTemplate() runs the function from the artifact parameters with its environment", () => {
  const lambda = props("UpdateFunction");
  assert.deepEqual(lambda.Code, {
    S3Bucket: { Ref: TEMPLATE_PARAMETERS.artifactBucket },
    S3Key: { Ref: TEMPLATE_PARAMETERS.artifactKey },
  });
  assert.deepEqual(lambda.Environment, {
    Variables: {
      [CONFIG_VARIABLES.tableName]: { Ref: "Table" },
      [CONFIG_VARIABLES.updateQueueName]: { "Fn::GetAtt": ["UpdateQueue", "QueueName"] },
    },
  });
  assert.deepEqual(resource("UpdateFunction").DependsOn, ["UpdateFunctionLogGroup"]);
  assert.equal(props("UpdateFunctionLogGroup").RetentionInDays, 14);
});

Deno.test("buildTemplate() turns on X-Ray active tracing for the function", () => {
  assert.deepEqual(props("UpdateFunction").TracingConfig, { Mode: "Active" });
});

Deno.test("buildTemplate() keeps the bucket private, encrypted and TLS-only", () => {
  const bucket = props("DataBucket");
  assert.deepEqual(bucket.PublicAccessBlockConfiguration, {
    BlockPublicAcls: true,
    BlockPublicPolicy: true,
    IgnorePublicAcls: true,
    RestrictPublicBuckets: true,
  });
  assert.deepEqual(bucket.BucketEncryption, {
    ServerSideEncryptionConfiguration: [{
      ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" },
    }],
  });
  const policy = props("DataBucketPolicy");
  assert.deepEqual(policy.Bucket, { Ref: "DataBucket" });
  const [deny, ...rest] = statements(policy.PolicyDocument as Record<string, unknown>);
  assert.deepEqual(rest, []);
  assert.deepEqual(deny, {
    Sid: "DenyWithoutTls",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [{ "Fn::GetAtt": ["DataBucket", "Arn"] }, { "Fn::Sub": "${DataBucket.Arn}/*" }],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });
});

Deno.test("buildTemplate() makes the table on-demand with point-in-time recovery", () => {
  const table = props("Table");
  assert.equal(table.BillingMode, "PAY_PER_REQUEST");
  assert.equal(table.ProvisionedThroughput, undefined);
  assert.deepEqual(table.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
});

Deno.test("buildTemplate() outputs every variable of the pipeline's .env", () => {
  const variables = ["AWS_REGION", ...Object.values(CONFIG_VARIABLES)].sort();
  assert.deepEqual(Object.keys(ENV_OUTPUTS).sort(), variables);
  assert.deepEqual(template.Outputs[ENV_OUTPUTS.AWS_REGION]?.Value, { Ref: "AWS::Region" });
  assert.deepEqual(template.Outputs[ENV_OUTPUTS.AWS_DYNAMODB_TABLE]?.Value, { Ref: "Table" });
  assert.deepEqual(template.Outputs[ENV_OUTPUTS.AWS_S3_BUCKET]?.Value, { Ref: "DataBucket" });
  assert.deepEqual(template.Outputs[ENV_OUTPUTS.AWS_SQS_UPLOAD_QUEUE]?.Value, {
    "Fn::GetAtt": ["UploadQueue", "QueueName"],
  });
  assert.deepEqual(template.Outputs[ENV_OUTPUTS.AWS_SQS_UPDATE_QUEUE]?.Value, {
    "Fn::GetAtt": ["UpdateQueue", "QueueName"],
  });
  for (const [variable, output] of Object.entries(ENV_OUTPUTS)) {
    assert.ok(template.Outputs[output]?.Description.startsWith(`${variable}:`), variable);
  }
});
