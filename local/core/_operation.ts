/**
 * Names the AWS operation of a request, as IAM and CloudTrail name it
 * (`s3:PutObject`, `sqs:SendMessageBatch`, `dynamodb:UpdateItem`), from what
 * the wire shows: `X-Amz-Target` for the JSON protocols, `Action` for the
 * query protocol, method, path, query and headers for S3.
 *
 * @module
 */

/** The services the local AWS answers, and `unknown` for anything else. */
export type AwsService = "s3" | "dynamodb" | "sqs" | "sns" | "sts" | "unknown";

/** A request's service and operation. */
export interface AwsOperation {
  /** Service, as in IAM actions (`sqs`). */
  readonly service: AwsService;
  /** Operation in the API reference's spelling (`SendMessage`), or `Unknown`. */
  readonly operation: string;
}

/** What {@linkcode describeOperation} looks at. */
export interface OperationInput {
  /** HTTP method. */
  readonly method: string;
  /** Path as sent, without the query string. */
  readonly path: string;
  /** The query string's parameters. */
  readonly query: URLSearchParams;
  /** Request headers (names in any case). */
  readonly headers: Headers;
  /** The request body, read only for form-encoded query-protocol requests. */
  readonly body?: Uint8Array;
}

/** Where an S3 request points. */
export interface S3Target {
  /** Bucket name, absent for service-level requests (ListBuckets). */
  readonly bucket?: string;
  /** Object key, absent for bucket-level requests. */
  readonly key?: string;
}

const SQS_QUERY_ACTIONS = new Set([
  "AddPermission",
  "CancelMessageMoveTask",
  "ChangeMessageVisibility",
  "ChangeMessageVisibilityBatch",
  "CreateQueue",
  "DeleteMessage",
  "DeleteMessageBatch",
  "DeleteQueue",
  "GetQueueAttributes",
  "GetQueueUrl",
  "ListDeadLetterSourceQueues",
  "ListMessageMoveTasks",
  "ListQueueTags",
  "ListQueues",
  "PurgeQueue",
  "ReceiveMessage",
  "RemovePermission",
  "SendMessage",
  "SendMessageBatch",
  "SetQueueAttributes",
  "StartMessageMoveTask",
  "TagQueue",
  "UntagQueue",
]);

const STS_QUERY_ACTIONS = new Set([
  "AssumeRole",
  "GetAccessKeyInfo",
  "GetCallerIdentity",
  "GetSessionToken",
]);

/**
 * Sub-resources (query parameters without which the request would mean
 * something else) and the operation each selects, per level and method.
 * The first parameter present wins.
 */
type SubResources = readonly (readonly [param: string, operation: string])[];

const BUCKET_GET: SubResources = [
  ["location", "GetBucketLocation"],
  ["versioning", "GetBucketVersioning"],
  ["versions", "ListObjectVersions"],
  ["uploads", "ListMultipartUploads"],
  ["lifecycle", "GetBucketLifecycleConfiguration"],
  ["policy", "GetBucketPolicy"],
  ["policyStatus", "GetBucketPolicyStatus"],
  ["acl", "GetBucketAcl"],
  ["cors", "GetBucketCors"],
  ["tagging", "GetBucketTagging"],
  ["encryption", "GetBucketEncryption"],
  ["website", "GetBucketWebsite"],
  ["notification", "GetBucketNotificationConfiguration"],
  ["logging", "GetBucketLogging"],
  ["replication", "GetBucketReplication"],
  ["ownershipControls", "GetBucketOwnershipControls"],
  ["publicAccessBlock", "GetPublicAccessBlock"],
  ["object-lock", "GetObjectLockConfiguration"],
  ["accelerate", "GetBucketAccelerateConfiguration"],
  ["requestPayment", "GetBucketRequestPayment"],
];

const BUCKET_PUT: SubResources = [
  ["versioning", "PutBucketVersioning"],
  ["lifecycle", "PutBucketLifecycleConfiguration"],
  ["policy", "PutBucketPolicy"],
  ["acl", "PutBucketAcl"],
  ["cors", "PutBucketCors"],
  ["tagging", "PutBucketTagging"],
  ["encryption", "PutBucketEncryption"],
  ["website", "PutBucketWebsite"],
  ["notification", "PutBucketNotificationConfiguration"],
  ["logging", "PutBucketLogging"],
  ["replication", "PutBucketReplication"],
  ["ownershipControls", "PutBucketOwnershipControls"],
  ["publicAccessBlock", "PutPublicAccessBlock"],
  ["object-lock", "PutObjectLockConfiguration"],
  ["accelerate", "PutBucketAccelerateConfiguration"],
  ["requestPayment", "PutBucketRequestPayment"],
];

const BUCKET_DELETE: SubResources = [
  ["lifecycle", "DeleteBucketLifecycle"],
  ["policy", "DeleteBucketPolicy"],
  ["cors", "DeleteBucketCors"],
  ["tagging", "DeleteBucketTagging"],
  ["encryption", "DeleteBucketEncryption"],
  ["website", "DeleteBucketWebsite"],
  ["replication", "DeleteBucketReplication"],
  ["ownershipControls", "DeleteBucketOwnershipControls"],
  ["publicAccessBlock", "DeletePublicAccessBlock"],
];

const OBJECT_GET: SubResources = [
  ["uploadId", "ListParts"],
  ["attributes", "GetObjectAttributes"],
  ["tagging", "GetObjectTagging"],
  ["acl", "GetObjectAcl"],
  ["retention", "GetObjectRetention"],
  ["legal-hold", "GetObjectLegalHold"],
  ["torrent", "GetObjectTorrent"],
];

const OBJECT_PUT: SubResources = [
  ["tagging", "PutObjectTagging"],
  ["acl", "PutObjectAcl"],
  ["retention", "PutObjectRetention"],
  ["legal-hold", "PutObjectLegalHold"],
  ["renameObject", "RenameObject"],
];

const OBJECT_DELETE: SubResources = [
  ["uploadId", "AbortMultipartUpload"],
  ["tagging", "DeleteObjectTagging"],
];

const OBJECT_POST: SubResources = [
  ["uploads", "CreateMultipartUpload"],
  ["uploadId", "CompleteMultipartUpload"],
  ["restore", "RestoreObject"],
  ["select", "SelectObjectContent"],
];

/**
 * Names the operation of a request to the local AWS.
 *
 * @example Usage
 * ```ts
 * import { describeOperation } from "./_operation.ts";
 *
 * const op = describeOperation({
 *   method: "PUT",
 *   path: "/laptops/a.json",
 *   query: new URLSearchParams(),
 *   headers: new Headers(),
 * });
 * console.log(op); // { service: "s3", operation: "PutObject" }
 * ```
 */
export function describeOperation(input: OperationInput): AwsOperation {
  const target = input.headers.get("x-amz-target");
  if (target !== null) return fromTarget(target);
  const action = input.query.get("Action") ?? formAction(input);
  if (action !== null) return fromAction(action);
  return { service: "s3", operation: s3Operation(input) };
}

/**
 * Finds the bucket and key an S3 request points at, in path style
 * (`/bucket/key`) or virtual-hosted style (`bucket.localhost:4566/key`).
 * Virtual-hosted style is assumed, as fauxqs assumes it, when the host name
 * has a dot and is not an IPv4 address.
 */
export function s3Target(path: string, host: string | null): S3Target {
  const hostname = host === null ? "" : hostnameOf(host);
  const rest = path.startsWith("/") ? path.slice(1) : path;
  if (hostname.includes(".") && !/^\d+\.\d+\.\d+\.\d+$/.test(hostname)) {
    const bucket = hostname.slice(0, hostname.indexOf("."));
    return rest === "" ? { bucket } : { bucket, key: decode(rest) };
  }
  if (rest === "") return {};
  const slash = rest.indexOf("/");
  if (slash === -1) return { bucket: decode(rest) };
  const bucket = decode(rest.slice(0, slash));
  const key = rest.slice(slash + 1);
  return key === "" ? { bucket } : { bucket, key: decode(key) };
}

function fromTarget(target: string): AwsOperation {
  const dot = target.lastIndexOf(".");
  const prefix = dot === -1 ? target : target.slice(0, dot);
  const operation = dot === -1 ? "Unknown" : target.slice(dot + 1) || "Unknown";
  if (prefix === "DynamoDB_20120810" || prefix === "DynamoDB_20111205") {
    return { service: "dynamodb", operation };
  }
  if (prefix === "AmazonSQS") return { service: "sqs", operation };
  return { service: "unknown", operation };
}

function fromAction(action: string): AwsOperation {
  if (SQS_QUERY_ACTIONS.has(action)) return { service: "sqs", operation: action };
  if (STS_QUERY_ACTIONS.has(action)) return { service: "sts", operation: action };
  return { service: "sns", operation: action };
}

function formAction(input: OperationInput): string | null {
  if (input.method !== "POST" || input.body === undefined) return null;
  const type = input.headers.get("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded")) return null;
  return new URLSearchParams(new TextDecoder().decode(input.body)).get("Action");
}

function s3Operation(input: OperationInput): string {
  const { bucket, key } = s3Target(input.path, input.headers.get("host"));
  const { method, query, headers } = input;
  if (bucket === undefined) return method === "GET" ? "ListBuckets" : "Unknown";
  if (key === undefined) {
    switch (method) {
      case "GET":
        return pick(query, BUCKET_GET) ??
          (query.get("list-type") === "2" ? "ListObjectsV2" : "ListObjects");
      case "PUT":
        return pick(query, BUCKET_PUT) ?? "CreateBucket";
      case "DELETE":
        return pick(query, BUCKET_DELETE) ?? "DeleteBucket";
      case "HEAD":
        return "HeadBucket";
      case "POST":
        return (headers.get("content-type") ?? "").startsWith("multipart/form-data")
          ? "PostObject"
          : "DeleteObjects";
      default:
        return "Unknown";
    }
  }
  const copy = headers.has("x-amz-copy-source");
  switch (method) {
    case "GET":
      return pick(query, OBJECT_GET) ?? "GetObject";
    case "HEAD":
      return "HeadObject";
    case "PUT":
      if (query.has("partNumber") && query.has("uploadId")) {
        return copy ? "UploadPartCopy" : "UploadPart";
      }
      return pick(query, OBJECT_PUT) ?? (copy ? "CopyObject" : "PutObject");
    case "DELETE":
      return pick(query, OBJECT_DELETE) ?? "DeleteObject";
    case "POST":
      return pick(query, OBJECT_POST) ?? "Unknown";
    default:
      return "Unknown";
  }
}

function pick(query: URLSearchParams, table: SubResources): string | undefined {
  for (const [param, operation] of table) if (query.has(param)) return operation;
  return undefined;
}

function hostnameOf(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return (colon === -1 ? host : host.slice(0, colon)).toLowerCase();
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
