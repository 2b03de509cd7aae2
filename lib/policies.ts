/**
 * The least-privilege IAM policies of the pipeline, one per principal, as
 * plain data: the CloudFormation template (`infra/`) renders them with
 * intrinsic functions, and the local AWS can render them with concrete ARNs
 * and evaluate them. A permission added or removed here changes both.
 *
 * Statements name resources by a {@linkcode PolicyResource} key rather than
 * an ARN; {@linkcode policyDocument} turns the keys into whatever the caller
 * needs, and {@linkcode resourceArn} gives the concrete ARN of a key.
 *
 * No statement uses a wildcard action. Two resources end in a wildcard
 * because AWS's ARN formats require it: the objects of the data bucket
 * (`arn:aws:s3:::bucket/*`, the object ARN of every key) and the log streams
 * of the function's log group (`...:log-group:/aws/lambda/NAME:*`). One is
 * `"*"` because X-Ray requires it: `xray:PutTraceSegments` and
 * `xray:PutTelemetryRecords` have no resource types, so a policy can only
 * grant them on every resource ("Actions, resources, and condition keys for
 * AWS X-Ray", https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html).
 *
 * @module
 */

import { RESOURCES } from "./resources.ts";

/** A principal of the pipeline: the people running the scripts, and the Lambda's role. */
export type PrincipalName = "generator" | "service" | "updateFunction";

/**
 * A resource a statement grants access to:
 * - `table`: the DynamoDB table;
 * - `bucketObjects`: every object of the data bucket;
 * - `uploadQueue`, `updateQueue`: the SQS queues;
 * - `functionLogGroup`: the Lambda function's log group and its streams;
 * - `xrayTraces`: X-Ray's trace segments, which IAM names only as `*`.
 */
export type PolicyResource =
  | "table"
  | "bucketObjects"
  | "uploadQueue"
  | "updateQueue"
  | "functionLogGroup"
  | "xrayTraces";

/** One `Allow` statement: actions on one resource. */
export interface PolicyStatement {
  /** Statement id, unique within its policy. */
  readonly sid: string;
  /** IAM actions, `service:Action`, sorted, no wildcards. */
  readonly actions: readonly string[];
  /** The resource the actions are allowed on. */
  readonly resource: PolicyResource;
}

/** The identity policy of one principal. */
export interface PrincipalPolicy {
  /** What the principal is, for people. */
  readonly description: string;
  /** The principal's statements; anything not allowed here is denied. */
  readonly statements: readonly PolicyStatement[];
}

/**
 * Every principal's identity policy.
 *
 * @example Usage
 * ```ts
 * import { POLICIES } from "./policies.ts";
 *
 * for (const statement of POLICIES.generator.statements) {
 *   console.log(statement.resource, statement.actions.join(", "));
 * }
 * ```
 */
export const POLICIES: Readonly<Record<PrincipalName, PrincipalPolicy>> = deepFreeze({
  generator: {
    description: "Runs scripts/generate.ts: writes the file, the item and the upload message",
    statements: [
      // PutItem for one record (conditional), BatchWriteItem with --count.
      {
        sid: "PutItems",
        actions: ["dynamodb:BatchWriteItem", "dynamodb:PutItem"],
        resource: "table",
      },
      { sid: "PutObject", actions: ["s3:PutObject"], resource: "bucketObjects" },
      {
        sid: "SendUploadMessage",
        actions: ["sqs:GetQueueUrl", "sqs:SendMessage"],
        resource: "uploadQueue",
      },
    ],
  },
  service: {
    description: "Runs service/main.ts: reads update messages, the item and the file",
    statements: [
      // One BatchGetItem per received batch of messages.
      { sid: "GetItems", actions: ["dynamodb:BatchGetItem"], resource: "table" },
      { sid: "GetObject", actions: ["s3:GetObject"], resource: "bucketObjects" },
      {
        sid: "ReceiveUpdateMessages",
        actions: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
        resource: "updateQueue",
      },
    ],
  },
  updateFunction: {
    description: "The update-item Lambda's execution role (its event source mapping polls with it)",
    statements: [
      {
        // What the SQS Developer Guide requires of a Lambda execution role
        // for a queue trigger ("Configuring a queue to trigger an AWS Lambda
        // function"); the event source mapping polls with the role.
        sid: "ConsumeUploadQueue",
        actions: ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
        resource: "uploadQueue",
      },
      { sid: "UpdateItem", actions: ["dynamodb:UpdateItem"], resource: "table" },
      {
        sid: "SendUpdateMessage",
        actions: ["sqs:GetQueueUrl", "sqs:SendMessage"],
        resource: "updateQueue",
      },
      {
        sid: "WriteOwnLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resource: "functionLogGroup",
      },
      {
        // What Lambda's active tracing needs of the execution role ("Visualize
        // Lambda function invocations using AWS X-Ray"): it sends the
        // function's segments with the role.
        sid: "WriteTraces",
        actions: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
        resource: "xrayTraces",
      },
    ],
  },
});

/** An IAM policy document whose resources are of type `R` (a string ARN, or an intrinsic). */
export interface PolicyDocument<R> {
  /** IAM policy language version. */
  readonly Version: "2012-10-17";
  /** The statements, all `Allow`. */
  readonly Statement: readonly {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Action: readonly string[];
    readonly Resource: R;
  }[];
}

/** Options of {@linkcode policyDocument}. */
export interface PolicyDocumentOptions {
  /**
   * The policies to render from. Defaults to {@linkcode POLICIES}; the local
   * AWS's tests pass a changed copy to see a missing permission fail.
   */
  readonly policies?: Readonly<Record<PrincipalName, PrincipalPolicy>>;
}

/**
 * Renders a principal's policy as an IAM policy document, each resource key
 * turned into a resource by `resolve`.
 *
 * @example Concrete ARNs
 * ```ts
 * import { policyDocument, resourceArn } from "./policies.ts";
 *
 * const arns = { region: "us-east-1", accountId: "000000000000" };
 * const document = policyDocument("service", (key) => resourceArn(key, arns));
 * console.log(JSON.stringify(document, null, 2));
 * ```
 *
 * @param principal The principal whose policy to render.
 * @param resolve Turns a resource key into the document's `Resource` value.
 * @param options The policies to render from.
 * @returns The policy document.
 */
export function policyDocument<R>(
  principal: PrincipalName,
  resolve: (resource: PolicyResource) => R,
  options: PolicyDocumentOptions = {},
): PolicyDocument<R> {
  const { policies = POLICIES } = options;
  return {
    Version: "2012-10-17",
    Statement: policies[principal].statements.map((statement) => ({
      Sid: statement.sid,
      Effect: "Allow",
      Action: [...statement.actions],
      Resource: resolve(statement.resource),
    })),
  };
}

/** Where the concrete ARNs of {@linkcode resourceArn} live. */
export interface ArnContext {
  /** Region of the table, queues and log group. */
  readonly region: string;
  /** Twelve-digit account id. */
  readonly accountId: string;
  /** ARN partition. Defaults to `"aws"`. */
  readonly partition?: string;
  /** Data bucket name. Defaults to {@linkcode RESOURCES}' (AWS derives a unique one). */
  readonly bucketName?: string;
}

/**
 * The concrete ARN of a resource key, with names from {@linkcode RESOURCES}.
 *
 * @example Usage
 * ```ts
 * import { resourceArn } from "./policies.ts";
 *
 * resourceArn("table", { region: "us-east-1", accountId: "000000000000" });
 * // "arn:aws:dynamodb:us-east-1:000000000000:table/laptops"
 * ```
 *
 * @param resource The resource key.
 * @param context Region, account, partition and bucket name.
 * @returns The ARN, as IAM matches it.
 */
export function resourceArn(resource: PolicyResource, context: ArnContext): string {
  const { region, accountId, partition = "aws", bucketName = RESOURCES.bucket.name } = context;
  switch (resource) {
    case "table":
      return `arn:${partition}:dynamodb:${region}:${accountId}:table/${RESOURCES.table.name}`;
    case "bucketObjects":
      return `arn:${partition}:s3:::${bucketName}/*`;
    case "uploadQueue":
      return `arn:${partition}:sqs:${region}:${accountId}:${RESOURCES.uploadQueue.name}`;
    case "updateQueue":
      return `arn:${partition}:sqs:${region}:${accountId}:${RESOURCES.updateQueue.name}`;
    case "functionLogGroup":
      return `arn:${partition}:logs:${region}:${accountId}:log-group:${
        functionLogGroupName(RESOURCES.updateFunction.name)
      }:*`;
    case "xrayTraces":
      return "*";
  }
}

function functionLogGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
