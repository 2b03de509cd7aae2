/**
 * Operations to IAM actions and resources, as the Service Authorization
 * Reference lists them ("Actions, resources, and condition keys for Amazon
 * S3 / Amazon DynamoDB / Amazon SQS").
 */

import assert from "node:assert/strict";
import { type ActionInput, iamRequestsOf } from "../../local/iam/_action.ts";
import type { AwsService } from "../../local/core/_operation.ts";

const SCOPE = { region: "us-east-1", accountId: "000000000000" };
const ENDPOINT = "http://127.0.0.1:4566";
const QUEUE_URL = `${ENDPOINT}/000000000000/uploaded-laptops`;
const QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:uploaded-laptops";
const TABLE_ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/laptops";

function input(
  service: AwsService,
  operation: string,
  options: { path?: string; headers?: Record<string, string>; body?: unknown } = {},
): ActionInput {
  const body = options.body === undefined
    ? ""
    : typeof options.body === "string"
    ? options.body
    : JSON.stringify(options.body);
  return {
    service,
    operation,
    url: new URL(`${ENDPOINT}${options.path ?? "/"}`),
    headers: new Headers({ host: "127.0.0.1:4566", ...options.headers }),
    body: new TextEncoder().encode(body),
  };
}

Deno.test("iamRequestsOf() maps S3 operations whose action is not their name", () => {
  const bucket = "arn:aws:s3:::laptops";
  const object = "arn:aws:s3:::laptops/a.json";
  const cases: [string, string, string, string][] = [
    ["HeadObject", "/laptops/a.json", "s3:GetObject", object],
    ["ListObjectsV2", "/laptops?list-type=2", "s3:ListBucket", bucket],
    ["ListObjects", "/laptops", "s3:ListBucket", bucket],
    ["HeadBucket", "/laptops", "s3:ListBucket", bucket],
    ["ListBuckets", "/", "s3:ListAllMyBuckets", "*"],
    ["CreateMultipartUpload", "/laptops/a.json?uploads", "s3:PutObject", object],
    ["UploadPart", "/laptops/a.json?partNumber=1&uploadId=u", "s3:PutObject", object],
    ["ListParts", "/laptops/a.json?uploadId=u", "s3:ListMultipartUploadParts", object],
    ["GetBucketCors", "/laptops?cors", "s3:GetBucketCORS", bucket],
    ["PutObject", "/laptops/dir/a%20b.json", "s3:PutObject", "arn:aws:s3:::laptops/dir/a b.json"],
    ["GetObject", "/laptops/a.json?versionId=v1", "s3:GetObjectVersion", object],
    ["GetObject", "/laptops/a.json?x-id=GetObject&version%49d=v1", "s3:GetObjectVersion", object],
    [
      "DeleteObject",
      "/laptops/a.json?x-id=DeleteObject&versionId",
      "s3:DeleteObjectVersion",
      object,
    ],
    ["GetObject", "/laptops/a.json?x-id=GetObject&versionid=v1", "s3:GetObject", object],
    ["GetObject", "/laptops/a.json?x-id=GetObject&%78=1", "s3:GetObject", object],
  ];
  for (const [operation, path, action, resource] of cases) {
    assert.deepEqual(
      iamRequestsOf(input("s3", operation, { path }), SCOPE),
      [{ action, resource }],
      operation,
    );
  }
});

Deno.test("iamRequestsOf() asks CopyObject for the read of its source too", () => {
  assert.deepEqual(
    iamRequestsOf(
      input("s3", "CopyObject", {
        path: "/laptops/b.json",
        headers: { "x-amz-copy-source": "/other/a%20b.json" },
      }),
      SCOPE,
    ),
    [
      { action: "s3:PutObject", resource: "arn:aws:s3:::laptops/b.json" },
      { action: "s3:GetObject", resource: "arn:aws:s3:::other/a b.json" },
    ],
  );
});

Deno.test("iamRequestsOf() asks DeleteObjects for s3:DeleteObject on each key", () => {
  const body =
    "<Delete><Object><Key>a.json</Key></Object><Object><Key>b&amp;c.json</Key></Object></Delete>";
  assert.deepEqual(
    iamRequestsOf(input("s3", "DeleteObjects", { path: "/laptops?delete", body }), SCOPE),
    [
      { action: "s3:DeleteObject", resource: "arn:aws:s3:::laptops/a.json" },
      { action: "s3:DeleteObject", resource: "arn:aws:s3:::laptops/b&c.json" },
    ],
  );
});

Deno.test("iamRequestsOf() names DynamoDB actions after the operation, on each table named", () => {
  const cases: [string, Record<string, unknown>, { action: string; resource: string }[]][] = [
    ["UpdateItem", { TableName: "laptops" }, [{
      action: "dynamodb:UpdateItem",
      resource: TABLE_ARN,
    }]],
    ["BatchWriteItem", { RequestItems: { laptops: [], other: [] } }, [
      { action: "dynamodb:BatchWriteItem", resource: TABLE_ARN },
      {
        action: "dynamodb:BatchWriteItem",
        resource: "arn:aws:dynamodb:us-east-1:000000000000:table/other",
      },
    ]],
    ["Query", { TableName: "laptops", IndexName: "byYear" }, [
      { action: "dynamodb:Query", resource: `${TABLE_ARN}/index/byYear` },
    ]],
    [
      "TransactWriteItems",
      {
        TransactItems: [{ Put: { TableName: "laptops" } }, {
          ConditionCheck: { TableName: "laptops" },
        }],
      },
      [
        { action: "dynamodb:PutItem", resource: TABLE_ARN },
        { action: "dynamodb:ConditionCheckItem", resource: TABLE_ARN },
      ],
    ],
    ["ExecuteStatement", { Statement: "UPDATE \"laptops\" SET a = 1 WHERE uuid = 'x'" }, [
      { action: "dynamodb:PartiQLUpdate", resource: TABLE_ARN },
    ]],
    ["ListTables", {}, [{ action: "dynamodb:ListTables", resource: "*" }]],
  ];
  for (const [operation, body, expected] of cases) {
    const headers = { "x-amz-target": `DynamoDB_20120810.${operation}` };
    assert.deepEqual(
      iamRequestsOf(input("dynamodb", operation, { headers, body }), SCOPE),
      expected,
      operation,
    );
  }
});

Deno.test("iamRequestsOf() maps SQS batch operations to the action of their entries", () => {
  const json = (op: string, body: unknown) =>
    input("sqs", op, { headers: { "x-amz-target": `AmazonSQS.${op}` }, body });
  const cases: [string, string][] = [
    ["SendMessageBatch", "sqs:SendMessage"],
    ["DeleteMessageBatch", "sqs:DeleteMessage"],
    ["ChangeMessageVisibilityBatch", "sqs:ChangeMessageVisibility"],
    ["ReceiveMessage", "sqs:ReceiveMessage"],
    ["GetQueueAttributes", "sqs:GetQueueAttributes"],
  ];
  for (const [operation, action] of cases) {
    assert.deepEqual(iamRequestsOf(json(operation, { QueueUrl: QUEUE_URL }), SCOPE), [
      { action, resource: QUEUE_ARN },
    ], operation);
  }
  assert.deepEqual(iamRequestsOf(json("GetQueueUrl", { QueueName: "uploaded-laptops" }), SCOPE), [
    { action: "sqs:GetQueueUrl", resource: QUEUE_ARN },
  ]);
  assert.deepEqual(
    iamRequestsOf(
      json("GetQueueUrl", { QueueName: "q", QueueOwnerAWSAccountId: "111122223333" }),
      SCOPE,
    ),
    [{ action: "sqs:GetQueueUrl", resource: "arn:aws:sqs:us-east-1:111122223333:q" }],
  );
  // The same queue URL again, written otherwise, and text that is not a URL.
  for (const url of [QUEUE_URL, QUEUE_URL, `${QUEUE_URL}?x=1`, "/000000000000/uploaded-laptops"]) {
    assert.deepEqual(iamRequestsOf(json("ReceiveMessage", { QueueUrl: url }), SCOPE), [
      { action: "sqs:ReceiveMessage", resource: QUEUE_ARN },
    ], url);
  }
  assert.deepEqual(iamRequestsOf(json("ReceiveMessage", { QueueUrl: "not-a-queue" }), SCOPE), [
    { action: "sqs:ReceiveMessage", resource: "*" },
  ]);
  assert.deepEqual(iamRequestsOf(json("ListQueues", {}), SCOPE), [{
    action: "sqs:ListQueues",
    resource: "*",
  }]);
});

Deno.test("iamRequestsOf() reads the query protocol's form body and queue path", () => {
  const form = (body: string, path = "/") =>
    input("sqs", new URLSearchParams(body).get("Action") ?? "", {
      path,
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body,
    });
  assert.deepEqual(
    iamRequestsOf(form(`Action=SendMessageBatch&QueueUrl=${encodeURIComponent(QUEUE_URL)}`), SCOPE),
    [{ action: "sqs:SendMessage", resource: QUEUE_ARN }],
  );
  assert.deepEqual(
    iamRequestsOf(form("Action=ReceiveMessage", "/000000000000/uploaded-laptops"), SCOPE),
    [{ action: "sqs:ReceiveMessage", resource: QUEUE_ARN }],
  );
});

Deno.test("iamRequestsOf() needs no permission for sts:GetCallerIdentity or an unserved service", () => {
  assert.deepEqual(iamRequestsOf(input("sts", "GetCallerIdentity"), SCOPE), []);
  assert.deepEqual(iamRequestsOf(input("unknown", "ListStreams"), SCOPE), []);
});
