/**
 * The pipeline's CloudFormation template, built from the one resource
 * definition (`lib/resources.ts`) and the IAM policies (`lib/policies.ts`).
 *
 * @module
 */

import { policyDocument, type PolicyResource } from "../lib/policies.ts";
import { type ResourceDefinition, RESOURCES } from "../lib/resources.ts";

/** A CloudFormation intrinsic function or a literal value. */
export type TemplateValue = unknown;

/** One resource of a template. */
export interface TemplateResource {
  /** Resource type, e.g. `AWS::SQS::Queue`. */
  readonly Type: string;
  /** Logical ids this resource must be created after. */
  readonly DependsOn?: readonly string[];
  /** Resource properties. */
  readonly Properties: Readonly<Record<string, TemplateValue>>;
}

/** A template parameter. */
export interface TemplateParameter {
  /** Parameter type. */
  readonly Type: "String";
  /** What to pass. */
  readonly Description: string;
  /** Pattern the value must match. */
  readonly AllowedPattern?: string;
}

/** A template output. */
export interface TemplateOutput {
  /** What it is. */
  readonly Description: string;
  /** Its value (an intrinsic). */
  readonly Value: TemplateValue;
}

/** A CloudFormation template as JSON data. */
export interface CloudFormationTemplate {
  /** Template format version. */
  readonly AWSTemplateFormatVersion: "2010-09-09";
  /** Description shown in the console. */
  readonly Description: string;
  /** Parameters, see {@linkcode TEMPLATE_PARAMETERS}. */
  readonly Parameters: Readonly<Record<string, TemplateParameter>>;
  /** Resources by logical id. */
  readonly Resources: Readonly<Record<string, TemplateResource>>;
  /** Outputs by logical id, see {@linkcode ENV_OUTPUTS}. */
  readonly Outputs: Readonly<Record<string, TemplateOutput>>;
}

/** Names of the template's parameters. */
export const TEMPLATE_PARAMETERS = Object.freeze(
  {
    /** Bucket holding the Lambda's deployment package. */
    artifactBucket: "ArtifactBucket",
    /** Key of the deployment package (`deno task build`'s zip) in that bucket. */
    artifactKey: "ArtifactKey",
  } as const,
);

/**
 * The stack output that gives each variable of the pipeline's `.env` (output
 * logical ids cannot contain `_`).
 */
export const ENV_OUTPUTS = Object.freeze(
  {
    AWS_REGION: "AwsRegion",
    AWS_DYNAMODB_TABLE: "AwsDynamodbTable",
    AWS_S3_BUCKET: "AwsS3Bucket",
    AWS_SQS_UPLOAD_QUEUE: "AwsSqsUploadQueue",
    AWS_SQS_UPDATE_QUEUE: "AwsSqsUpdateQueue",
  } as const,
);

/** Options of {@linkcode buildTemplate}. */
export interface BuildTemplateOptions {
  /** The resource definition. Defaults to {@linkcode RESOURCES}. */
  readonly resources?: ResourceDefinition;
  /** Days the Lambda's logs are kept. Defaults to 14. */
  readonly logRetentionDays?: number;
}

const ID = {
  bucket: "DataBucket",
  bucketPolicy: "DataBucketPolicy",
  table: "Table",
  uploadQueue: "UploadQueue",
  uploadDlq: "UploadDeadLetterQueue",
  updateQueue: "UpdateQueue",
  updateDlq: "UpdateDeadLetterQueue",
  logGroup: "UpdateFunctionLogGroup",
  role: "UpdateFunctionRole",
  function: "UpdateFunction",
  eventSourceMapping: "UpdateFunctionEventSourceMapping",
  group: "OperatorsGroup",
  generatorPolicy: "GeneratorPolicy",
  servicePolicy: "ServicePolicy",
} as const;

function ref(logicalId: string): TemplateValue {
  return { Ref: logicalId };
}

function getAtt(logicalId: string, attribute: string): TemplateValue {
  return { "Fn::GetAtt": [logicalId, attribute] };
}

function sub(text: string): TemplateValue {
  return { "Fn::Sub": text };
}

/** The template's `Resource` for each key of the IAM policies. */
function policyResource(resource: PolicyResource): TemplateValue {
  switch (resource) {
    case "table":
      return getAtt(ID.table, "Arn");
    case "bucketObjects":
      return sub(`\${${ID.bucket}.Arn}/*`);
    case "uploadQueue":
      return getAtt(ID.uploadQueue, "Arn");
    case "updateQueue":
      return getAtt(ID.updateQueue, "Arn");
    case "functionLogGroup":
      return sub(
        `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:\${${ID.logGroup}}:*`,
      );
    case "xrayTraces":
      // X-Ray's write actions have no resource types: IAM takes only "*".
      return "*";
  }
}

/**
 * Builds the CloudFormation template of the pipeline: the data bucket, the
 * table, the two queues and their dead-letter queues, the Lambda with its
 * event source mapping, log group and role, and an IAM group whose two
 * policies let people run the generator and the service.
 *
 * Names come from the resource definition, except the bucket's: bucket names
 * are global, so the stack derives one from the definition's name, the account
 * and the region (`laptops-123456789012-us-east-1`).
 *
 * @example Usage
 * ```ts
 * import { buildTemplate } from "./template.ts";
 *
 * console.log(JSON.stringify(buildTemplate(), null, 2));
 * ```
 *
 * @param options Resource definition and log retention.
 * @returns The template.
 * @throws {RangeError} When the upload queue's visibility timeout is shorter
 * than six times the function timeout (AWS's guidance for an event source).
 */
export function buildTemplate(options: BuildTemplateOptions = {}): CloudFormationTemplate {
  const { resources = RESOURCES, logRetentionDays = 14 } = options;
  const fn = resources.updateFunction;
  if (resources.uploadQueue.visibilityTimeoutSeconds < 6 * fn.timeoutSeconds) {
    throw new RangeError(
      `Cannot build template: the upload queue's visibility timeout (${resources.uploadQueue.visibilityTimeoutSeconds} s) is less than 6 times the function timeout (${fn.timeoutSeconds} s)`,
    );
  }

  const queue = (
    definition: ResourceDefinition["uploadQueue"],
    dlqId: string,
  ): TemplateResource => ({
    Type: "AWS::SQS::Queue",
    Properties: {
      QueueName: definition.name,
      VisibilityTimeout: definition.visibilityTimeoutSeconds,
      MessageRetentionPeriod: definition.messageRetentionSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: getAtt(dlqId, "Arn"),
        maxReceiveCount: definition.maxReceiveCount,
      },
      SqsManagedSseEnabled: true,
    },
  });
  const deadLetterQueue = (definition: ResourceDefinition["uploadQueue"]): TemplateResource => ({
    Type: "AWS::SQS::Queue",
    Properties: {
      QueueName: definition.deadLetterQueueName,
      MessageRetentionPeriod: definition.deadLetterRetentionSeconds,
      SqsManagedSseEnabled: true,
    },
  });
  const bucketArn = getAtt(ID.bucket, "Arn");

  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description:
      "aws-discovery: S3 bucket, DynamoDB table, SQS queues with dead-letter queues, the update-item Lambda and least-privilege IAM",
    Parameters: {
      [TEMPLATE_PARAMETERS.artifactBucket]: {
        Type: "String",
        Description: "Bucket holding the Lambda's deployment package",
        AllowedPattern: "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
      },
      [TEMPLATE_PARAMETERS.artifactKey]: {
        Type: "String",
        Description: "Key of the deployment package (dist/update_item.zip) in that bucket",
      },
    },
    Resources: {
      [ID.bucket]: {
        Type: "AWS::S3::Bucket",
        Properties: {
          BucketName: sub(`${resources.bucket.name}-\${AWS::AccountId}-\${AWS::Region}`),
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
            ],
          },
          OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
        },
      },
      [ID.bucketPolicy]: {
        Type: "AWS::S3::BucketPolicy",
        Properties: {
          Bucket: ref(ID.bucket),
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [{
              // A deny for every caller and action, so that no request without
              // TLS reaches the bucket; it grants nothing.
              Sid: "DenyWithoutTls",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [bucketArn, sub(`\${${ID.bucket}.Arn}/*`)],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            }],
          },
        },
      },
      [ID.table]: {
        Type: "AWS::DynamoDB::Table",
        Properties: {
          TableName: resources.table.name,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [{ AttributeName: resources.table.hashKey, AttributeType: "S" }],
          KeySchema: [{ AttributeName: resources.table.hashKey, KeyType: "HASH" }],
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        },
      },
      [ID.uploadDlq]: deadLetterQueue(resources.uploadQueue),
      [ID.uploadQueue]: queue(resources.uploadQueue, ID.uploadDlq),
      [ID.updateDlq]: deadLetterQueue(resources.updateQueue),
      [ID.updateQueue]: queue(resources.updateQueue, ID.updateDlq),
      [ID.logGroup]: {
        Type: "AWS::Logs::LogGroup",
        Properties: {
          LogGroupName: `/aws/lambda/${fn.name}`,
          RetentionInDays: logRetentionDays,
        },
      },
      [ID.role]: {
        Type: "AWS::IAM::Role",
        Properties: {
          Description: `Execution role of the ${fn.name} Lambda`,
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [{
              Effect: "Allow",
              Principal: { Service: "lambda.amazonaws.com" },
              Action: "sts:AssumeRole",
            }],
          },
          Policies: [{
            PolicyName: fn.name,
            PolicyDocument: policyDocument("updateFunction", policyResource),
          }],
        },
      },
      [ID.function]: {
        Type: "AWS::Lambda::Function",
        // The function would create its log group itself (with no retention)
        // if it ran before the stack's log group existed.
        DependsOn: [ID.logGroup],
        Properties: {
          FunctionName: fn.name,
          Runtime: fn.runtime,
          Handler: fn.handler,
          Architectures: ["arm64"],
          MemorySize: fn.memoryMb,
          Timeout: fn.timeoutSeconds,
          Role: getAtt(ID.role, "Arn"),
          // X-Ray traces each invocation, continuing a record's AWSTraceHeader.
          TracingConfig: { Mode: "Active" },
          Code: {
            S3Bucket: ref(TEMPLATE_PARAMETERS.artifactBucket),
            S3Key: ref(TEMPLATE_PARAMETERS.artifactKey),
          },
          Environment: {
            Variables: {
              AWS_DYNAMODB_TABLE: ref(ID.table),
              AWS_SQS_UPDATE_QUEUE: getAtt(ID.updateQueue, "QueueName"),
            },
          },
        },
      },
      [ID.eventSourceMapping]: {
        Type: "AWS::Lambda::EventSourceMapping",
        Properties: {
          EventSourceArn: getAtt(ID.uploadQueue, "Arn"),
          FunctionName: ref(ID.function),
          Enabled: true,
          BatchSize: fn.batchSize,
          MaximumBatchingWindowInSeconds: fn.maximumBatchingWindowSeconds,
          FunctionResponseTypes: ["ReportBatchItemFailures"],
          ScalingConfig: { MaximumConcurrency: fn.maximumConcurrency },
        },
      },
      [ID.group]: {
        Type: "AWS::IAM::Group",
        Properties: {
          ManagedPolicyArns: [ref(ID.generatorPolicy), ref(ID.servicePolicy)],
        },
      },
      [ID.generatorPolicy]: {
        Type: "AWS::IAM::ManagedPolicy",
        Properties: {
          Description: "Lets its holder run the generator (scripts/generate.ts)",
          PolicyDocument: policyDocument("generator", policyResource),
        },
      },
      [ID.servicePolicy]: {
        Type: "AWS::IAM::ManagedPolicy",
        Properties: {
          Description: "Lets its holder run the service (service/main.ts)",
          PolicyDocument: policyDocument("service", policyResource),
        },
      },
    },
    Outputs: {
      [ENV_OUTPUTS.AWS_REGION]: {
        Description: "AWS_REGION: region of the stack",
        Value: ref("AWS::Region"),
      },
      [ENV_OUTPUTS.AWS_DYNAMODB_TABLE]: {
        Description: "AWS_DYNAMODB_TABLE: table of laptop items",
        Value: ref(ID.table),
      },
      [ENV_OUTPUTS.AWS_S3_BUCKET]: {
        Description: "AWS_S3_BUCKET: bucket of laptop files",
        Value: ref(ID.bucket),
      },
      [ENV_OUTPUTS.AWS_SQS_UPLOAD_QUEUE]: {
        Description: "AWS_SQS_UPLOAD_QUEUE: name of the queue the generator sends to",
        Value: getAtt(ID.uploadQueue, "QueueName"),
      },
      [ENV_OUTPUTS.AWS_SQS_UPDATE_QUEUE]: {
        Description: "AWS_SQS_UPDATE_QUEUE: name of the queue the service polls",
        Value: getAtt(ID.updateQueue, "QueueName"),
      },
      OperatorsGroup: {
        Description: "IAM group whose members may run the generator and the service",
        Value: ref(ID.group),
      },
    },
  };
}
