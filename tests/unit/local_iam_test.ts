/**
 * The local AWS's IAM interceptor, hermetically: requests signed with each
 * local identity by the SDK's signer go through signature verification, the
 * operation-to-action mapping and the evaluation of the policies of
 * `lib/policies.ts`. The matrix: each principal may make exactly its own
 * calls of the pipeline, on exactly its resources, and no other.
 */

import assert from "node:assert/strict";
import { Sha256 } from "@smithy/core/checksum";
import { HttpRequest } from "@smithy/core/protocols";
import { SignatureV4 } from "@smithy/signature-v4";
import { LOCAL_IDENTITIES } from "../../lib/local_identities.ts";
import { POLICIES, type PrincipalName } from "../../lib/policies.ts";
import {
  createIamInterceptor,
  excessPermissions,
  localPolicies,
  type PermissionUse,
} from "../../local/iam/_iam.ts";
import type { InnerResponse } from "../../local/core/_inner.ts";
import { type AwsService, describeOperation } from "../../local/core/_operation.ts";
import type { InterceptedRequest, RequestAnnotations } from "../../local/core/_request.ts";

const HOST = "127.0.0.1:4566";
const ORIGIN = `http://${HOST}`;
const UPLOAD_URL = `${ORIGIN}/000000000000/uploaded-laptops`;
const UPDATE_URL = `${ORIGIN}/000000000000/updated-laptops`;

/** One call the pipeline makes, as it goes on the wire. */
interface Call {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

function s3(method: string, key: string, body?: string): Call {
  return { method, path: `/laptops/${key}`, ...(body === undefined ? {} : { body }) };
}

/** A JSON-protocol call: `target` is the service's prefix of X-Amz-Target. */
function jsonCall(target: string, operation: string, body: unknown): Call {
  return {
    method: "POST",
    path: "/",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": `${target}.${operation}`,
    },
    body: JSON.stringify(body),
  };
}

function dynamodb(operation: string, body: unknown): Call {
  return jsonCall("DynamoDB_20120810", operation, body);
}

function sqs(operation: string, body: unknown): Call {
  return jsonCall("AmazonSQS", operation, body);
}

const ITEM = { uuid: { S: "6f1c2a9e" } };
const MESSAGE = '{"dynamodb_key":"6f1c2a9e","s3_key":"a.json"}';

/**
 * Every call of the pipeline, by the step that makes it, plus calls no step
 * makes (which nobody but the admin may make).
 */
const CALLS: Readonly<Record<string, Call>> = {
  "generate: put the file": s3("PUT", "a.json", "{}"),
  "generate: put the item": dynamodb("PutItem", { TableName: "laptops", Item: ITEM }),
  "generate --count: put the items": dynamodb("BatchWriteItem", {
    RequestItems: { laptops: [{ PutRequest: { Item: ITEM } }] },
  }),
  "generate: find the upload queue": sqs("GetQueueUrl", { QueueName: "uploaded-laptops" }),
  "generate: send upload messages": sqs("SendMessageBatch", {
    QueueUrl: UPLOAD_URL,
    Entries: [{ Id: "0", MessageBody: MESSAGE }],
  }),
  "mapping: read the upload queue's settings": sqs("GetQueueAttributes", {
    QueueUrl: UPLOAD_URL,
    AttributeNames: ["QueueArn"],
  }),
  "mapping: receive upload messages": sqs("ReceiveMessage", { QueueUrl: UPLOAD_URL }),
  "mapping: delete upload messages": sqs("DeleteMessageBatch", {
    QueueUrl: UPLOAD_URL,
    Entries: [{ Id: "0", ReceiptHandle: "r" }],
  }),
  "lambda: update the item": dynamodb("UpdateItem", { TableName: "laptops", Key: ITEM }),
  "lambda: find the update queue": sqs("GetQueueUrl", { QueueName: "updated-laptops" }),
  "lambda: send update messages": sqs("SendMessageBatch", {
    QueueUrl: UPDATE_URL,
    Entries: [{ Id: "0", MessageBody: MESSAGE }],
  }),
  "service: find the update queue": sqs("GetQueueUrl", { QueueName: "updated-laptops" }),
  "service: receive update messages": sqs("ReceiveMessage", { QueueUrl: UPDATE_URL }),
  "service: read the items": dynamodb("BatchGetItem", {
    RequestItems: { laptops: { Keys: [ITEM], ConsistentRead: true } },
  }),
  "service: read the file": s3("GET", "a.json"),
  "service: delete update messages": sqs("DeleteMessageBatch", {
    QueueUrl: UPDATE_URL,
    Entries: [{ Id: "0", ReceiptHandle: "r" }],
  }),
  "no step: list the bucket": { method: "GET", path: "/laptops?list-type=2" },
  "no step: delete a file": s3("DELETE", "a.json"),
  "no step: read one item": dynamodb("GetItem", { TableName: "laptops", Key: ITEM }),
  "no step: delete an item": dynamodb("DeleteItem", { TableName: "laptops", Key: ITEM }),
  "no step: purge the upload queue": sqs("PurgeQueue", { QueueUrl: UPLOAD_URL }),
  "no step: change a visibility": sqs("ChangeMessageVisibility", {
    QueueUrl: UPLOAD_URL,
    ReceiptHandle: "r",
    VisibilityTimeout: 0,
  }),
  "no step: create a queue": sqs("CreateQueue", { QueueName: "extra" }),
};

/** Which calls each principal may make: its steps, and nothing else. */
const ALLOWED: Record<PrincipalName, string[]> = {
  generator: [
    "generate: put the file",
    "generate: put the item",
    "generate --count: put the items",
    "generate: find the upload queue",
    "generate: send upload messages",
  ],
  service: [
    "service: find the update queue",
    "service: receive update messages",
    "service: read the items",
    "service: read the file",
    "service: delete update messages",
  ],
  updateFunction: [
    "mapping: read the upload queue's settings",
    "mapping: receive upload messages",
    "mapping: delete upload messages",
    "lambda: update the item",
    "lambda: find the update queue",
    "lambda: send update messages",
  ],
};

/** Signs a call as an SDK client of `service` does, with the given keys. */
async function signed(
  call: Call,
  keys: { accessKeyId: string; secretAccessKey: string },
  options: { date?: Date } = {},
): Promise<InterceptedRequest> {
  const url = new URL(`${ORIGIN}${call.path}`);
  const body = new TextEncoder().encode(call.body ?? "");
  const headers = { host: HOST, ...call.headers };
  const { service } = describeOperation({
    method: call.method,
    path: url.pathname,
    query: url.searchParams,
    headers: new Headers(headers),
    body,
  });
  const signer = new SignatureV4({
    credentials: keys,
    region: "us-east-1",
    service,
    sha256: Sha256,
    uriEscapePath: service !== "s3",
  });
  const request = await signer.sign(
    new HttpRequest({
      method: call.method,
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 4566,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
    }),
    { signingDate: options.date ?? new Date() },
  );
  return intercepted(call.method, url, request.headers, body);
}

function intercepted(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: Uint8Array,
): InterceptedRequest {
  const all = new Headers(headers);
  const { service, operation } = describeOperation({
    method,
    path: url.pathname,
    query: url.searchParams,
    headers: all,
    body,
  });
  return {
    service,
    operation,
    url,
    headers: all,
    inner: { method, url: url.pathname + url.search, headers, body },
    annotations: {} as RequestAnnotations,
  };
}

const iam = createIamInterceptor();

async function check(request: InterceptedRequest): Promise<InnerResponse | undefined> {
  return await iam(request) ?? undefined;
}

function text(response: InnerResponse): string {
  return new TextDecoder().decode(response.body);
}

Deno.test("createIamInterceptor() lets each principal make exactly its pipeline calls (matrix)", async () => {
  const principals = Object.keys(ALLOWED) as PrincipalName[];
  const table: string[] = [];
  for (const principal of principals) {
    const identity = LOCAL_IDENTITIES[principal];
    for (const [step, call] of Object.entries(CALLS)) {
      const request = await signed(call, identity);
      const answer = await check(request);
      // A call two steps make (GetQueueUrl of the update queue) is allowed to both.
      const expected = ALLOWED[principal].some((mine) =>
        JSON.stringify(CALLS[mine]) === JSON.stringify(call)
      );
      table.push(`${principal.padEnd(15)} ${expected ? "allow" : "deny "} ${step}`);
      assert.equal(request.annotations.principal, identity.arn, step);
      if (expected) {
        assert.equal(answer, undefined, `${principal} should be allowed: ${step}`);
        continue;
      }
      assert.ok(answer, `${principal} should be denied: ${step}`);
      const body = text(answer);
      assert.match(body, /AccessDenied/, `${principal}: ${step}`);
      // AWS's message: who, which action, on which resource.
      const { action, resource } = request.annotations;
      assert.ok(action && resource, step);
      assert.ok(
        body.includes(
          `User: ${identity.arn} is not authorized to perform: ${action} on resource: `,
        ),
        body,
      );
      assert.ok(body.includes(resource), body);
      assert.ok(
        body.includes(`because no identity-based policy allows the ${action} action`),
        body,
      );
      assert.match(request.annotations.denied?.code ?? "", /^AccessDenied(Exception)?$/);
    }
  }
  console.log(table.join("\n"));
});

Deno.test("createIamInterceptor() lets the admin test/test make every call", async () => {
  for (const [step, call] of Object.entries(CALLS)) {
    const request = await signed(call, LOCAL_IDENTITIES.admin);
    assert.equal(await check(request), undefined, step);
    assert.equal(request.annotations.principal, "arn:aws:iam::000000000000:user/admin");
  }
});

Deno.test("createIamInterceptor() answers a denial in each service's error shape", async () => {
  const generator = LOCAL_IDENTITIES.generator;
  // DynamoDB: JSON 1.0, 400, AccessDeniedException, the exact message.
  const ddb = await check(await signed(CALLS["lambda: update the item"] as Call, generator));
  assert.equal(ddb?.status, 400);
  assert.deepEqual(JSON.parse(text(ddb as InnerResponse)), {
    __type: "com.amazon.coral.service#AccessDeniedException",
    message: "User: arn:aws:iam::000000000000:user/generator is not authorized to perform: " +
      "dynamodb:UpdateItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/laptops " +
      "because no identity-based policy allows the dynamodb:UpdateItem action",
  });
  // SQS JSON: 403, the query code in x-amzn-query-error.
  const queue = await check(
    await signed(CALLS["service: receive update messages"] as Call, generator),
  );
  assert.equal(queue?.status, 403);
  assert.equal(queue?.headers["x-amzn-query-error"], "AccessDenied;Sender");
  assert.match(
    text(queue as InnerResponse),
    /sqs:ReceiveMessage on resource: arn:aws:sqs:us-east-1:000000000000:updated-laptops/,
  );
  // S3: XML, 403, the resource in quotes.
  const object = await check(await signed(CALLS["service: read the file"] as Call, generator));
  assert.equal(object?.status, 403);
  assert.match(
    text(object as InnerResponse),
    /<Error><Code>AccessDenied<\/Code><Message>User: arn:aws:iam::000000000000:user\/generator is not authorized to perform: s3:GetObject on resource: &#34;arn:aws:s3:::laptops\/a.json&#34; because/,
  );
  // SQS query protocol: XML ErrorResponse.
  const form = await signed({
    method: "POST",
    path: "/",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `Action=PurgeQueue&QueueUrl=${encodeURIComponent(UPLOAD_URL)}`,
  }, generator);
  const query = await check(form);
  assert.equal(query?.status, 403);
  assert.match(
    text(query as InnerResponse),
    /<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>AccessDenied<\/Code>/,
  );
});

Deno.test("createIamInterceptor() names the Lambda by its role session", async () => {
  const request = await signed(
    CALLS["no step: delete an item"] as Call,
    LOCAL_IDENTITIES.updateFunction,
  );
  const answer = await check(request);
  assert.match(
    text(answer as InnerResponse),
    /User: arn:aws:sts::000000000000:assumed-role\/UpdateFunctionRole\/update-item is not authorized to perform: dynamodb:DeleteItem/,
  );
});

Deno.test("createIamInterceptor() refuses a bad signature, an unknown key and an old date as AWS does", async () => {
  const cases: [string, { accessKeyId: string; secretAccessKey: string }, Date | undefined][] = [
    ["wrong secret", {
      accessKeyId: LOCAL_IDENTITIES.generator.accessKeyId,
      secretAccessKey: "guess",
    }, undefined],
    ["unknown key", { accessKeyId: "AKIAEXAMPLEUNKNOWN00", secretAccessKey: "x" }, undefined],
    ["an hour old", LOCAL_IDENTITIES.generator, new Date(Date.now() - 3_600_000)],
  ];
  const expected: Record<
    string,
    Record<AwsService & ("s3" | "dynamodb" | "sqs"), [number, string]>
  > = {
    "wrong secret": {
      s3: [403, "SignatureDoesNotMatch"],
      dynamodb: [400, "InvalidSignatureException"],
      sqs: [403, "SignatureDoesNotMatch"],
    },
    "unknown key": {
      s3: [403, "InvalidAccessKeyId"],
      dynamodb: [400, "UnrecognizedClientException"],
      sqs: [403, "InvalidClientTokenId"],
    },
    "an hour old": {
      s3: [403, "RequestTimeTooSkewed"],
      dynamodb: [400, "InvalidSignatureException"],
      sqs: [403, "SignatureDoesNotMatch"],
    },
  };
  const calls = {
    s3: CALLS["generate: put the file"] as Call,
    dynamodb: CALLS["generate: put the item"] as Call,
    sqs: CALLS["generate: send upload messages"] as Call,
  };
  for (const [what, keys, date] of cases) {
    for (const [service, call] of Object.entries(calls) as [keyof typeof calls, Call][]) {
      const request = await signed(call, keys, date === undefined ? {} : { date });
      const answer = await check(request);
      const [status, code] = expected[what]?.[service] ?? [0, ""];
      assert.equal(answer?.status, status, `${what}, ${service}`);
      const body = text(answer as InnerResponse);
      // SQS's JSON protocol carries the query code in a header, as AWS sends it.
      const shown = service === "sqs" ? answer?.headers["x-amzn-query-error"] ?? "" : body;
      assert.ok(shown.includes(code), `${what}, ${service}: ${shown}`);
      // The report names it as the client sees it.
      assert.equal(request.annotations.denied?.code, code);
      assert.equal(request.annotations.principal, undefined);
      if (what === "an hour old" && service !== "s3") assert.match(body, /Signature expired: /);
    }
  }
});

Deno.test("createIamInterceptor() refuses an unsigned request, and passes services it does not serve", async () => {
  const url = new URL(`${ORIGIN}/laptops/a.json`);
  const unsigned = intercepted("PUT", url, { host: HOST }, new TextEncoder().encode("{}"));
  const answer = await check(unsigned);
  assert.equal(answer?.status, 403);
  assert.match(text(answer as InnerResponse), /<Code>AccessDenied<\/Code><Message>Access Denied</);
  const kinesis = intercepted("POST", new URL(`${ORIGIN}/`), {
    host: HOST,
    "x-amz-target": "Kinesis_20131202.ListStreams",
  }, new Uint8Array());
  assert.equal(await check(kinesis), undefined);
});

Deno.test("localPolicies() renders each principal's policy of POLICIES with this account's ARNs", () => {
  const rendered = localPolicies();
  assert.deepEqual(Object.keys(rendered).sort(), [
    "admin",
    "generator",
    "service",
    "updateFunction",
  ]);
  assert.deepEqual(rendered.generator[0]?.Statement, [
    {
      Sid: "PutItems",
      Effect: "Allow",
      Action: ["dynamodb:BatchWriteItem", "dynamodb:PutItem"],
      Resource: "arn:aws:dynamodb:us-east-1:000000000000:table/laptops",
    },
    {
      Sid: "PutObject",
      Effect: "Allow",
      Action: ["s3:PutObject"],
      Resource: "arn:aws:s3:::laptops/*",
    },
    {
      Sid: "SendUploadMessage",
      Effect: "Allow",
      Action: ["sqs:GetQueueUrl", "sqs:SendMessage"],
      Resource: "arn:aws:sqs:us-east-1:000000000000:uploaded-laptops",
    },
  ]);
});

/** The uses of the pipeline's calls: each principal's steps, through the interceptor. */
async function pipelineUses(): Promise<PermissionUse[]> {
  const uses: PermissionUse[] = [];
  for (const principal of Object.keys(ALLOWED) as PrincipalName[]) {
    for (const step of ALLOWED[principal]) {
      const request = await signed(CALLS[step] as Call, LOCAL_IDENTITIES[principal]);
      assert.equal(await check(request), undefined, step);
      const { action, resource } = request.annotations;
      if (action !== undefined && resource !== undefined) {
        uses.push({ principal, action, resource });
      }
    }
  }
  return uses;
}

Deno.test("excessPermissions() finds no permission of POLICIES that the pipeline's calls do not use", async () => {
  assert.deepEqual(excessPermissions(await pipelineUses()), []);
});

Deno.test("excessPermissions() lists a permission added to the definition that no call uses", async () => {
  const generator = POLICIES.generator;
  const withExtra = {
    ...POLICIES,
    generator: {
      ...generator,
      statements: [
        ...generator.statements,
        {
          sid: "Unneeded",
          actions: ["dynamodb:DeleteItem", "dynamodb:GetItem"],
          resource: "table" as const,
        },
      ],
    },
  };
  assert.deepEqual(excessPermissions(await pipelineUses(), { policies: withExtra }), [
    {
      principal: "generator",
      action: "dynamodb:DeleteItem",
      resource: "arn:aws:dynamodb:us-east-1:000000000000:table/laptops",
    },
    {
      principal: "generator",
      action: "dynamodb:GetItem",
      resource: "arn:aws:dynamodb:us-east-1:000000000000:table/laptops",
    },
  ]);
});
