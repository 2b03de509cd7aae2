/**
 * The IAM actions and resource ARNs a request to the local AWS needs, as the
 * Service Authorization Reference lists them for S3, DynamoDB and SQS: an
 * operation's action is not always its name (`ListObjectsV2` needs
 * `s3:ListBucket`, `HeadObject` needs `s3:GetObject`, `SendMessageBatch`
 * needs `sqs:SendMessage`), and some need several (`CopyObject` reads its
 * source; `BatchWriteItem` writes to each table it names).
 *
 * @module
 */

import type { AwsService } from "../core/mod.ts";
import { jsonBody, KeptValues, s3Target } from "../core/mod.ts";
import type { IamRequestContext } from "./_policy.ts";

/** What {@linkcode iamRequestsOf} looks at. */
export interface ActionInput {
  /** Service, from the router. */
  readonly service: AwsService;
  /** Operation, from the router (`ListObjectsV2`). */
  readonly operation: string;
  /** The request's URL. */
  readonly url: URL;
  /** The request's headers. */
  readonly headers: Headers;
  /** The request's body. */
  readonly body: Uint8Array;
}

/** Where the ARNs point. */
export interface ArnScope {
  /** Region of the table and queues. */
  readonly region: string;
  /** Account of the table and queues when the request does not name one. */
  readonly accountId: string;
}

/**
 * Each action and resource the request must be allowed. Empty for a request
 * that needs no permission (`sts:GetCallerIdentity`, or a service the local
 * AWS does not serve).
 *
 * @example Usage
 * ```ts
 * import { iamRequestsOf } from "./_action.ts";
 *
 * iamRequestsOf({
 *   service: "s3",
 *   operation: "HeadObject",
 *   url: new URL("http://127.0.0.1:4566/laptops/a.json"),
 *   headers: new Headers(),
 *   body: new Uint8Array(),
 * }, { region: "us-east-1", accountId: "000000000000" });
 * // [{ action: "s3:GetObject", resource: "arn:aws:s3:::laptops/a.json" }]
 * ```
 */
export function iamRequestsOf(input: ActionInput, scope: ArnScope): IamRequestContext[] {
  switch (input.service) {
    case "s3":
      return s3Requests(input);
    case "dynamodb":
      return dynamodbRequests(input, scope);
    case "sqs":
      return sqsRequests(input, scope);
    case "sns":
      return [{
        action: `sns:${input.operation}`,
        resource: queryParams(input).get("TopicArn") ?? "*",
      }];
    case "sts":
      return stsRequests(input);
    case "unknown":
      return [];
  }
}

// ── S3 ─────────────────────────────────────────────────────────────────────

/** S3 operations whose action differs from `s3:<Operation>`. */
const S3_ACTIONS: Readonly<Record<string, string>> = {
  ListBuckets: "s3:ListAllMyBuckets",
  ListObjects: "s3:ListBucket",
  ListObjectsV2: "s3:ListBucket",
  HeadBucket: "s3:ListBucket",
  ListObjectVersions: "s3:ListBucketVersions",
  ListMultipartUploads: "s3:ListBucketMultipartUploads",
  GetBucketLifecycleConfiguration: "s3:GetLifecycleConfiguration",
  PutBucketLifecycleConfiguration: "s3:PutLifecycleConfiguration",
  DeleteBucketLifecycle: "s3:PutLifecycleConfiguration",
  GetBucketCors: "s3:GetBucketCORS",
  PutBucketCors: "s3:PutBucketCORS",
  DeleteBucketCors: "s3:PutBucketCORS",
  DeleteBucketTagging: "s3:PutBucketTagging",
  GetBucketEncryption: "s3:GetEncryptionConfiguration",
  PutBucketEncryption: "s3:PutEncryptionConfiguration",
  DeleteBucketEncryption: "s3:PutEncryptionConfiguration",
  GetBucketNotificationConfiguration: "s3:GetBucketNotification",
  PutBucketNotificationConfiguration: "s3:PutBucketNotification",
  GetBucketReplication: "s3:GetReplicationConfiguration",
  PutBucketReplication: "s3:PutReplicationConfiguration",
  DeleteBucketReplication: "s3:PutReplicationConfiguration",
  DeleteBucketOwnershipControls: "s3:PutBucketOwnershipControls",
  GetPublicAccessBlock: "s3:GetBucketPublicAccessBlock",
  PutPublicAccessBlock: "s3:PutBucketPublicAccessBlock",
  DeletePublicAccessBlock: "s3:PutBucketPublicAccessBlock",
  GetObjectLockConfiguration: "s3:GetBucketObjectLockConfiguration",
  PutObjectLockConfiguration: "s3:PutBucketObjectLockConfiguration",
  GetBucketAccelerateConfiguration: "s3:GetAccelerateConfiguration",
  PutBucketAccelerateConfiguration: "s3:PutAccelerateConfiguration",
  HeadObject: "s3:GetObject",
  SelectObjectContent: "s3:GetObject",
  ListParts: "s3:ListMultipartUploadParts",
  CopyObject: "s3:PutObject",
  CreateMultipartUpload: "s3:PutObject",
  UploadPart: "s3:PutObject",
  UploadPartCopy: "s3:PutObject",
  CompleteMultipartUpload: "s3:PutObject",
  PostObject: "s3:PutObject",
  RenameObject: "s3:PutObject",
  DeleteObjects: "s3:DeleteObject",
};

/** Object reads and deletes that need the `...Version` action when they name a version. */
const VERSIONED: Readonly<Record<string, string>> = {
  "s3:GetObject": "s3:GetObjectVersion",
  "s3:DeleteObject": "s3:DeleteObjectVersion",
  "s3:GetObjectTagging": "s3:GetObjectVersionTagging",
  "s3:PutObjectTagging": "s3:PutObjectVersionTagging",
  "s3:DeleteObjectTagging": "s3:DeleteObjectVersionTagging",
  "s3:GetObjectAcl": "s3:GetObjectVersionAcl",
  "s3:PutObjectAcl": "s3:PutObjectVersionAcl",
};

function s3Requests(input: ActionInput): IamRequestContext[] {
  const { operation, url, headers } = input;
  const { bucket, key } = s3Target(url.pathname, headers.get("host"));
  let action = S3_ACTIONS[operation] ?? `s3:${operation}`;
  if (namesVersion(url)) action = VERSIONED[action] ?? action;
  if (bucket === undefined) return [{ action, resource: "*" }];
  if (operation === "DeleteObjects") {
    const keys = xmlValues(new TextDecoder().decode(input.body), "Key");
    return (keys.length > 0 ? keys : ["*"]).map((k) => ({
      action,
      resource: s3Arn(bucket, k),
    }));
  }
  if (operation === "PostObject") return [{ action, resource: s3Arn(bucket, "*") }];
  const requests = [{ action, resource: key === undefined ? s3Arn(bucket) : s3Arn(bucket, key) }];
  const source = headers.get("x-amz-copy-source");
  if (source !== null && (operation === "CopyObject" || operation === "UploadPartCopy")) {
    const [path = "", query = ""] = source.split("?");
    const trimmed = decodeSafely(path.startsWith("/") ? path.slice(1) : path);
    const slash = trimmed.indexOf("/");
    if (slash > 0) {
      requests.push({
        action: query.includes("versionId=") ? "s3:GetObjectVersion" : "s3:GetObject",
        resource: s3Arn(trimmed.slice(0, slash), trimmed.slice(slash + 1)),
      });
    }
  }
  return requests;
}

/**
 * Whether the query has a `versionId`: without an escape in the query, only
 * if the name is written there (a cheap test before the query is parsed).
 */
function namesVersion(url: URL): boolean {
  const search = url.search;
  return (search.includes("versionId") || search.includes("%")) &&
    url.searchParams.has("versionId");
}

function s3Arn(bucket: string, key?: string): string {
  return key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
}

// ── DynamoDB ───────────────────────────────────────────────────────────────

/** Operations that name no table: resource `*`. */
const DYNAMODB_UNSCOPED = new Set([
  "ListTables",
  "ListBackups",
  "ListGlobalTables",
  "ListExports",
  "ListImports",
  "DescribeLimits",
  "DescribeEndpoints",
]);

const TRANSACT_WRITE_ACTIONS: Readonly<Record<string, string>> = {
  Put: "dynamodb:PutItem",
  Update: "dynamodb:UpdateItem",
  Delete: "dynamodb:DeleteItem",
  ConditionCheck: "dynamodb:ConditionCheckItem",
};

function dynamodbRequests(input: ActionInput, scope: ArnScope): IamRequestContext[] {
  const { operation } = input;
  const action = `dynamodb:${operation}`;
  if (DYNAMODB_UNSCOPED.has(operation)) return [{ action, resource: "*" }];
  const body = jsonObject(input.body);
  const table = (name: unknown, index?: unknown): string => {
    if (typeof name !== "string" || name === "") return "*";
    const arn = name.startsWith("arn:")
      ? name
      : `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${name}`;
    return typeof index === "string" && index !== "" ? `${arn}/index/${index}` : arn;
  };
  switch (operation) {
    case "BatchGetItem":
    case "BatchWriteItem": {
      const names = Object.keys(asRecord(body.RequestItems));
      return (names.length > 0 ? names : [""]).map((name) => ({ action, resource: table(name) }));
    }
    case "TransactGetItems":
      return asArray(body.TransactItems).map((item) => ({
        action: "dynamodb:GetItem",
        resource: table(asRecord(asRecord(item).Get).TableName),
      }));
    case "TransactWriteItems":
      return asArray(body.TransactItems).flatMap((item) =>
        Object.entries(asRecord(item)).flatMap(([kind, request]) => {
          const itemAction = TRANSACT_WRITE_ACTIONS[kind];
          return itemAction === undefined
            ? []
            : [{ action: itemAction, resource: table(asRecord(request).TableName) }];
        })
      );
    case "ExecuteStatement":
      return [partiqlRequest(body.Statement, table)];
    case "BatchExecuteStatement":
      return asArray(body.Statements).map((s) => partiqlRequest(asRecord(s).Statement, table));
    case "ExecuteTransaction":
      return asArray(body.TransactStatements).map((s) =>
        partiqlRequest(asRecord(s).Statement, table)
      );
    case "Query":
    case "Scan":
      return [{ action, resource: table(body.TableName, body.IndexName) }];
    default:
      return [{
        action,
        resource: table(body.TableName ?? body.ResourceArn ?? body.TableArn),
      }];
  }
}

/** PartiQL statements need `dynamodb:PartiQL<Verb>` on the table they name. */
function partiqlRequest(
  statement: unknown,
  table: (name: unknown) => string,
): IamRequestContext {
  const text = typeof statement === "string" ? statement.trim() : "";
  const verb = /^(select|insert|update|delete)\b/i.exec(text)?.[1]?.toLowerCase() ?? "select";
  const name = /\b(?:from|into|update)\s+"?([A-Za-z0-9_.-]+)"?/i.exec(text)?.[1];
  return {
    action: `dynamodb:PartiQL${verb[0]?.toUpperCase()}${verb.slice(1)}`,
    resource: table(name),
  };
}

// ── SQS ────────────────────────────────────────────────────────────────────

/** Batch operations are authorized as the action of their entries. */
const SQS_ACTIONS: Readonly<Record<string, string>> = {
  SendMessageBatch: "sqs:SendMessage",
  DeleteMessageBatch: "sqs:DeleteMessage",
  ChangeMessageVisibilityBatch: "sqs:ChangeMessageVisibility",
};

const SQS_UNSCOPED = new Set(["ListQueues"]);

function sqsRequests(input: ActionInput, scope: ArnScope): IamRequestContext[] {
  const action = SQS_ACTIONS[input.operation] ?? `sqs:${input.operation}`;
  if (SQS_UNSCOPED.has(input.operation)) return [{ action, resource: "*" }];
  const json = input.headers.has("x-amz-target");
  const params = json ? undefined : queryParams(input);
  const body = json ? jsonObject(input.body) : {};
  const param = (name: string): string | undefined => {
    const value = json ? body[name] : params?.get(name);
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const queueArn = (account: string, name: string) =>
    `arn:aws:sqs:${scope.region}:${account}:${name}`;

  const queueName = param("QueueName");
  if (input.operation === "GetQueueUrl" || input.operation === "CreateQueue") {
    return [{
      action,
      resource: queueName === undefined
        ? "*"
        : queueArn(param("QueueOwnerAWSAccountId") ?? scope.accountId, queueName),
    }];
  }
  // The queue URL's path is /ACCOUNT/NAME; the query protocol may also post to it.
  const url = param("QueueUrl") ?? param("SourceArn") ?? input.url.pathname;
  if (url.startsWith("arn:")) return [{ action, resource: url }];
  const parts = queuePathOf(url).split("/").filter((p) => p !== "");
  const [account, name] = parts.length >= 2 ? parts.slice(-2) : [undefined, undefined];
  return [{
    action,
    resource: account !== undefined && name !== undefined ? queueArn(account, name) : "*",
  }];
}

/** Paths of the queue URLs seen: a client names the same few queues. */
const queuePaths = new KeptValues<string, string>(256);

/** The path of a queue URL, or the text itself when it is not a URL. */
function queuePathOf(url: string): string {
  return queuePaths.get(url) ?? queuePaths.keep(url, parsePath(url));
}

function parsePath(url: string): string {
  try {
    return new URL(url, "http://local").pathname;
  } catch {
    return url; // Not a URL: no queue.
  }
}

// ── STS ────────────────────────────────────────────────────────────────────

function stsRequests(input: ActionInput): IamRequestContext[] {
  switch (input.operation) {
    // "No permissions are required to perform this operation" (STS API reference).
    case "GetCallerIdentity":
    case "GetSessionToken":
      return [];
    case "AssumeRole":
      return [{ action: "sts:AssumeRole", resource: queryParams(input).get("RoleArn") ?? "*" }];
    default:
      return [{ action: `sts:${input.operation}`, resource: "*" }];
  }
}

// ── helpers ────────────────────────────────────────────────────────────────

/** Query-protocol parameters: the form body, or else the query string. */
function queryParams(input: ActionInput): URLSearchParams {
  const type = input.headers.get("content-type") ?? "";
  if (type.startsWith("application/x-www-form-urlencoded")) {
    return new URLSearchParams(new TextDecoder().decode(input.body));
  }
  return input.url.searchParams;
}

/** A JSON body's object, parsed once for IAM, the layers and the dashboard. */
function jsonObject(body: Uint8Array): Record<string, unknown> {
  return asRecord(jsonBody(body));
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function xmlValues(xml: string, element: string): string[] {
  const values: string[] = [];
  const pattern = new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, "g");
  for (const match of xml.matchAll(pattern)) values.push(unescapeXml(match[1] ?? ""));
  return values;
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, entity: string) => {
    switch (entity) {
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "amp":
        return "&";
      case "quot":
        return '"';
      case "apos":
        return "'";
      default:
        return String.fromCodePoint(
          entity[1] === "x" ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10),
        );
    }
  });
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
