/**
 * Least privilege, checked locally: the local AWS verifies signatures and
 * enforces the template's IAM policies (lib/policies.ts) for each component,
 * over the wire, with the real programs.
 */

import assert from "node:assert/strict";
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { GetQueueUrlCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { laptopToItem } from "../../lib/item_codec.ts";
import { makeLaptop } from "../../lib/laptop.ts";
import { LOCAL_IDENTITIES } from "../../lib/local_identities.ts";
import { POLICIES, type PrincipalName } from "../../lib/policies.ts";
import { RESOURCES } from "../../lib/resources.ts";
import { excessPermissions, type PermissionUse } from "../../local/iam/mod.ts";
import { type LambdaLogEntry } from "../../local/lambda/mod.ts";
import { type LocalAwsRequest, type PolicySet, startLocalAws } from "../../local/local_aws.ts";
import {
  ownIdentityEnv,
  pythonHas,
  run,
  runTask,
  serviceLines,
  startBundleRunner,
  tempDir,
  testClients,
} from "../_helpers/e2e.ts";
import { startTask } from "../_helpers/processes.ts";
import { queueDepth, queueUrl, sendTo } from "../_helpers/sqs.ts";
import { waitFor } from "../_helpers/wait.ts";

/** A copy of POLICIES without one action of one principal. */
function without(principal: PrincipalName, action: string): PolicySet {
  return {
    ...POLICIES,
    [principal]: {
      ...POLICIES[principal],
      statements: POLICIES[principal].statements.map((statement) => ({
        ...statement,
        actions: statement.actions.filter((a) => a !== action),
      })),
    },
  };
}

/** Clients signing with the given keys, no retries, a clock `offsetMs` off. */
function clientsAs(
  endpoint: string,
  keys: { accessKeyId: string; secretAccessKey: string },
  offsetMs = 0,
) {
  return testClients(endpoint, {
    credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey },
    maxAttempts: 1,
    systemClockOffset: offsetMs,
  });
}

async function failure(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  const outcome = await promise.then(() => undefined, (error: unknown) => error);
  assert.ok(outcome instanceof Error, "the call should have failed");
  return outcome;
}

Deno.test("startLocalAws() refuses a bad signature, an unknown key and an expired-looking date, and writes nothing", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  using admin = testClients(aws.endpoint);
  const denied: LocalAwsRequest[] = [];
  aws.onRequest((request) => request.denied && denied.push(request));
  const generator = LOCAL_IDENTITIES.generator;
  const cases = [
    {
      what: "a bad signature",
      keys: { accessKeyId: generator.accessKeyId, secretAccessKey: "not-the-secret" },
      offsetMs: 0,
      codes: ["SignatureDoesNotMatch", "InvalidSignatureException", "SignatureDoesNotMatch"],
    },
    {
      what: "an unknown key",
      keys: { accessKeyId: "AKIAEXAMPLEUNKNOWN00", secretAccessKey: "x" },
      offsetMs: 0,
      codes: ["InvalidAccessKeyId", "UnrecognizedClientException", "InvalidClientTokenId"],
    },
    {
      what: "a date an hour old",
      keys: generator,
      offsetMs: -3_600_000,
      codes: ["RequestTimeTooSkewed", "InvalidSignatureException", "SignatureDoesNotMatch"],
    },
  ];
  const uploadUrl = await queueUrl(admin.sqs, RESOURCES.uploadQueue.name);
  for (const { what, keys, offsetMs, codes } of cases) {
    using c = clientsAs(aws.endpoint, keys, offsetMs);
    const key = `refused-${crypto.randomUUID()}.json`;
    const laptop = makeLaptop();
    const errors = [
      await failure(
        c.s3.send(new PutObjectCommand({ Bucket: RESOURCES.bucket.name, Key: key, Body: "{}" })),
      ),
      await failure(
        c.dynamodb.send(
          new PutItemCommand({ TableName: RESOURCES.table.name, Item: laptopToItem(laptop) }),
        ),
      ),
      await failure(c.sqs.send(new SendMessageCommand({ QueueUrl: uploadUrl, MessageBody: "x" }))),
    ];
    assert.deepEqual(errors.map((e) => e.name), codes, what);
    for (const error of errors) assert.ok((error.$metadata?.httpStatusCode ?? 0) >= 400, what);
    if (what === "a date an hour old") {
      assert.match(
        errors[1]?.message ?? "",
        /^Signature expired: \d{8}T\d{6}Z is now earlier than/,
      );
    }
    // Nothing was written.
    const head = await failure(
      admin.s3.send(new HeadObjectCommand({ Bucket: RESOURCES.bucket.name, Key: key })),
    );
    assert.equal(head.$metadata?.httpStatusCode, 404, what);
    const { Item } = await admin.dynamodb.send(
      new GetItemCommand({
        TableName: RESOURCES.table.name,
        Key: { uuid: { S: laptop.uuid } },
        ConsistentRead: true,
      }),
    );
    assert.equal(Item, undefined, what);
    assert.equal(await queueDepth(admin.sqs, RESOURCES.uploadQueue.name), 0, what);
  }
  assert.equal(denied.length, 9);
  assert.ok(denied.every((r) => r.principal === undefined && r.denied !== undefined));
});

Deno.test("startLocalAws() lets each principal make its own calls and denies it the others' (over the wire)", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  using admin = testClients(aws.endpoint);
  const updateUrl = await queueUrl(admin.sqs, RESOURCES.updateQueue.name);
  const uploadUrl = await queueUrl(admin.sqs, RESOURCES.uploadQueue.name);
  const Bucket = RESOURCES.bucket.name;
  const TableName = RESOURCES.table.name;
  await admin.s3.send(new PutObjectCommand({ Bucket, Key: "seed.json", Body: "{}" }));
  type Call = (c: ReturnType<typeof clientsAs>) => Promise<unknown>;
  const readSeed: Call = (c) =>
    c.s3.send(new GetObjectCommand({ Bucket, Key: "seed.json" }))
      .then((object) => object.Body?.transformToString());
  const putObject = (Key: string): Call => (c) =>
    c.s3.send(new PutObjectCommand({ Bucket, Key, Body: "{}" }));
  const sendMessage = (QueueUrl: string): Call => (c) =>
    c.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "{}" }));
  const putItem: Call = (c) =>
    c.dynamodb.send(new PutItemCommand({ TableName, Item: laptopToItem(makeLaptop()) }));
  const getUploadQueueUrl: Call = (c) =>
    c.sqs.send(new GetQueueUrlCommand({ QueueName: RESOURCES.uploadQueue.name }));
  // Each principal's own calls, and a call of another principal's that it must not make.
  const cases: [PrincipalName, string, Call, boolean][] = [
    ["generator", "s3:PutObject", putObject("g.json"), true],
    ["generator", "sqs:SendMessage", sendMessage(uploadUrl), true],
    ["generator", "sqs:SendMessage", sendMessage(updateUrl), false],
    ["generator", "s3:GetObject", readSeed, false],
    ["service", "s3:GetObject", readSeed, true],
    ["service", "s3:PutObject", putObject("s.json"), false],
    ["service", "dynamodb:PutItem", putItem, false],
    ["updateFunction", "sqs:SendMessage", sendMessage(updateUrl), true],
    ["updateFunction", "sqs:SendMessage", sendMessage(uploadUrl), false],
    ["updateFunction", "sqs:GetQueueUrl", getUploadQueueUrl, false],
  ];
  for (const [principal, action, call, allowed] of cases) {
    using c = clientsAs(aws.endpoint, LOCAL_IDENTITIES[principal]);
    const outcome = await call(c).then(() => undefined, (error: unknown) => error as Error);
    if (allowed) {
      assert.equal(outcome, undefined, `${principal} ${action}: ${outcome}`);
      continue;
    }
    assert.ok(outcome instanceof Error, `${principal} ${action} should be denied`);
    assert.match(outcome.name, /^AccessDenied(Exception)?$/, `${principal} ${action}`);
    assert.ok(
      outcome.message.startsWith(
        `User: ${
          LOCAL_IDENTITIES[principal].arn
        } is not authorized to perform: ${action} on resource: `,
      ),
      outcome.message,
    );
  }
});

Deno.test("deno task generate fails with AccessDenied naming the permission removed from its policy", async () => {
  await using aws = await startLocalAws({
    port: 0,
    inMemory: true,
    policies: without("generator", "dynamodb:PutItem"),
  });
  const stem = `iam-${crypto.randomUUID().slice(0, 8)}`;
  try {
    const result = await runTask("generate", [`${stem}.json`], ownIdentityEnv(aws.endpoint));
    assert.equal(result.code, 1, result.stdout);
    assert.match(
      result.stderr,
      new RegExp(
        `^Cannot generate ${stem}\\.json: [^\\n]*Access denied \\(AccessDeniedException\\): ` +
          "User: arn:aws:iam::000000000000:user/generator is not authorized to perform: " +
          "dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/laptops " +
          "because no identity-based policy allows the dynamodb:PutItem action",
        "m",
      ),
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  } finally {
    await Deno.remove(`out/${stem}.json`).catch(() => {});
  }
});

Deno.test("deno task service and the Lambda fail with AccessDenied naming the permission removed", async () => {
  const dir = await tempDir("iam-");
  const policies = without("updateFunction", "dynamodb:UpdateItem");
  const service = without("service", "s3:GetObject").service;
  await using aws = await startLocalAws({
    port: 0,
    inMemory: true,
    visibilityTimeoutSeconds: 1,
    policies: { ...policies, service },
  });
  using admin = testClients(aws.endpoint);
  const logs: LambdaLogEntry[] = [];
  try {
    await using _runner = await startBundleRunner(dir, {
      endpoint: aws.endpoint,
      timeoutSeconds: 1,
      logger: (entry) => logs.push(entry),
    });
    const laptop = makeLaptop();
    await admin.dynamodb.send(
      new PutItemCommand({ TableName: RESOURCES.table.name, Item: laptopToItem(laptop) }),
    );
    const body = JSON.stringify({ dynamodb_key: laptop.uuid, s3_key: "a.json" });
    await sendTo(admin.sqs, RESOURCES.uploadQueue.name, body);
    await sendTo(admin.sqs, RESOURCES.updateQueue.name, body);
    await admin.s3.send(
      new PutObjectCommand({
        Bucket: RESOURCES.bucket.name,
        Key: "a.json",
        Body: JSON.stringify(laptop),
      }),
    );

    const denied = "User: arn:aws:sts::000000000000:assumed-role/UpdateFunctionRole/update-item " +
      "is not authorized to perform: dynamodb:UpdateItem on resource: " +
      "arn:aws:dynamodb:us-east-1:000000000000:table/laptops " +
      "because no identity-based policy allows the dynamodb:UpdateItem action";
    await waitFor("the Lambda's error", () => logs.some((e) => e.line.includes(denied)));
    const line = logs.find((e) => e.line.includes(denied))?.line ?? "";
    assert.match(line, /"message":"Access denied \(AccessDeniedException\): User: arn:aws:sts::/);

    const result = await runTask(
      "service",
      ["--once", "--wait", "1"],
      ownIdentityEnv(aws.endpoint),
    );
    assert.equal(result.code, 1, result.stdout);
    assert.match(
      result.stderr,
      /Cannot handle message \S+ \(delivery 1\): Access denied \(AccessDenied\): User: arn:aws:iam::000000000000:user\/service is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::laptops\/a\.json" because no identity-based policy allows the s3:GetObject action/,
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pipeline under least privilege: each component signs as itself, nothing is denied, and an unneeded permission is listed as excess", async () => {
  const dir = await tempDir("iam-");
  const stem = `iam-${crypto.randomUUID().slice(0, 8)}`;
  // Add a permission no step needs: the service may send to the update queue.
  const withExtra: PolicySet = {
    ...POLICIES,
    service: {
      ...POLICIES.service,
      statements: [
        ...POLICIES.service.statements,
        { sid: "Unneeded", actions: ["sqs:SendMessage"], resource: "updateQueue" },
      ],
    },
  };
  await using aws = await startLocalAws({
    port: 0,
    inMemory: true,
    visibilityTimeoutSeconds: 1,
    policies: withExtra,
  });
  const byArn = new Map(
    (Object.keys(POLICIES) as PrincipalName[]).map((p) => [LOCAL_IDENTITIES[p].arn, p]),
  );
  const uses: PermissionUse[] = [];
  const signers = new Set<string>();
  const denied: string[] = [];
  aws.onRequest((request) => {
    if (request.denied) denied.push(`${request.principal}: ${request.denied.message}`);
    if (request.principal !== undefined) signers.add(request.principal);
    const principal = byArn.get(request.principal ?? "");
    if (principal && !request.denied && request.action && request.resource) {
      uses.push({ principal, action: request.action, resource: request.resource });
    }
  });
  try {
    await using runner = await startBundleRunner(dir, {
      endpoint: aws.endpoint,
      timeoutSeconds: 1,
    });
    const env = ownIdentityEnv(aws.endpoint);
    // One record (PutItem), then several (BatchWriteItem).
    const one = await runTask("generate", [`${stem}.json`], env);
    assert.equal(one.code, 0, one.stderr);
    const many = await runTask("generate", [
      `${stem}-n.json`,
      "--count",
      "3",
    ], env);
    assert.equal(many.code, 0, many.stderr);
    const lines = await serviceLines(env, 4);
    assert.equal(lines.length, 4);
    assert.ok(lines.every((l) => l.same_record === true && l.state_changed === true));
    await waitFor("the runner's deletes", () => runner.stats().deletedRecords === 4);

    assert.deepEqual(denied, []);
    assert.deepEqual(
      [...signers].sort(),
      [
        "arn:aws:iam::000000000000:user/generator",
        "arn:aws:iam::000000000000:user/service",
        "arn:aws:sts::000000000000:assumed-role/UpdateFunctionRole/update-item",
        // The runner resolves the queue's URL once as the admin (the deployer's step).
        "arn:aws:iam::000000000000:user/admin",
      ].sort(),
    );
    const used = [...new Set(uses.map((u) => `${u.principal} ${u.action}`))].sort();
    console.log(`actions used:\n  ${used.join("\n  ")}`);
    assert.deepEqual(excessPermissions(uses, { policies: withExtra }), [
      {
        principal: "service",
        action: "sqs:SendMessage",
        resource: "arn:aws:sqs:us-east-1:000000000000:updated-laptops",
      },
    ]);
  } finally {
    for (
      const file of [`${stem}.json`, `${stem}-n-1.json`, `${stem}-n-2.json`, `${stem}-n-3.json`]
    ) {
      await Deno.remove(`out/${file}`).catch(() => {});
    }
    await Deno.remove(dir, { recursive: true });
  }
});

const BOTO3_SCRIPT = `
import io, json, os, urllib.request, urllib.error, boto3, botocore
from botocore.config import Config
endpoint = os.environ["ENDPOINT"]
def client(service, key, secret, **kw):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret, **kw)
out = {}
path = Config(s3={"addressing_style": "path"}, signature_version="s3v4")
generator = client("s3", "LKIAGENERATORLOCAL01", "local-generator-secret", config=path)
generator.put_object(Bucket="laptops", Key="dir/a b+c!(x).json", Body=b"boto3")
generator.upload_fileobj(io.BytesIO(b"x" * 100000), "laptops", "big.bin")
service = client("s3", "LKIASERVICELOCAL0001", "local-service-secret", config=path)
url = service.generate_presigned_url("get_object", Params={"Bucket": "laptops", "Key": "dir/a b+c!(x).json"}, ExpiresIn=60)
out["presigned"] = urllib.request.urlopen(url).read().decode()
try:
    urllib.request.urlopen(url.replace("a%20b", "a%20c"))
    out["presigned_changed"] = "accepted"
except urllib.error.HTTPError as error:
    out["presigned_changed"] = [error.code, error.read().decode().split("<Code>")[1].split("<")[0]]
try:
    client("dynamodb", "LKIAGENERATORLOCAL01", "local-generator-secret").get_item(
        TableName="laptops", Key={"uuid": {"S": "x"}})
except botocore.exceptions.ClientError as error:
    out["get_item"] = [error.response["Error"]["Code"], error.response["Error"]["Message"]]
print(json.dumps(out))
`;

const BOTO3 = await pythonHas(["boto3"], "iam_test");

Deno.test({
  name:
    "startLocalAws() verifies boto3's signatures, presigned URLs and the AWS CLI's, and denies them the same way",
  ignore: !BOTO3,
}, async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  const clean = { AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
  const python = await run("python3", ["-c", BOTO3_SCRIPT], {
    env: { ENDPOINT: aws.endpoint, ...clean },
  });
  assert.equal(python.code, 0, python.stderr);
  assert.deepEqual(JSON.parse(python.stdout), {
    presigned: "boto3",
    presigned_changed: [403, "SignatureDoesNotMatch"],
    get_item: [
      "AccessDeniedException",
      "User: arn:aws:iam::000000000000:user/generator is not authorized to perform: " +
      "dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/laptops " +
      "because no identity-based policy allows the dynamodb:GetItem action",
    ],
  });
  const cli = await run("aws", [
    "--endpoint-url",
    aws.endpoint,
    "--region",
    "us-east-1",
    "sqs",
    "send-message",
    "--queue-url",
    `${aws.endpoint}/000000000000/${RESOURCES.updateQueue.name}`,
    "--message-body",
    "{}",
  ], {
    env: {
      ...clean,
      AWS_ACCESS_KEY_ID: LOCAL_IDENTITIES.generator.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_IDENTITIES.generator.secretAccessKey,
    },
  });
  assert.notEqual(cli.code, 0, cli.stderr);
  assert.match(
    cli.stderr,
    /An error occurred \(AccessDenied\) when calling the SendMessage operation: User: arn:aws:iam::000000000000:user\/generator is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:000000000000:updated-laptops/,
  );
});

Deno.test("deno task local takes --iam on|off and refuses anything else", async () => {
  const bad = await runTask("local", ["--iam", "maybe"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Invalid --iam: expected on or off, got "maybe"/);

  await using local = startTask("local", [
    "--port",
    "0",
    "--in-memory",
    "--no-lambda",
    "--iam",
    "off",
  ]);
  await local.waitFor(/IAM (on|off)/);
  const text = local.stdout.join("\n");
  const endpoint = /ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
  assert.ok(endpoint, text);
  assert.match(text, /IAM off: any request is accepted, signed or not/);
  const unsigned = await fetch(`${endpoint}/${RESOURCES.bucket.name}/unsigned.json`, {
    method: "PUT",
    body: "{}",
  });
  await unsigned.body?.cancel();
  assert.equal(unsigned.status, 200);
});
