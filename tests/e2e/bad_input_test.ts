/**
 * Bad input, one step per row of the README's table: file names given to
 * the generator, message bodies on either queue, configuration. Each gets a
 * clear message naming the problem; a command exits non-zero (2 for usage)
 * and leaves nothing partial; a message fails maxReceiveCount times and
 * ends in its queue's dead-letter queue, while the good messages beside it
 * go through at their first delivery.
 */

import assert from "node:assert/strict";
import { PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { laptopToItem } from "../../lib/item_codec.ts";
import { type Laptop, makeLaptop } from "../../lib/laptop.ts";
import { formatPipelineMessage } from "../../lib/message.ts";
import { RESOURCES } from "../../lib/resources.ts";
import { startLambdaRunner } from "../../local/lambda/mod.ts";
import { startLocalAws } from "../../local/local_aws.ts";
import { buildBundle, tempDir, testClients } from "../_helpers/e2e.ts";
import { startTask } from "../_helpers/processes.ts";

const UPLOAD = RESOURCES.uploadQueue;
const UPDATE = RESOURCES.updateQueue;

async function queueUrl(sqs: SQSClient, name: string): Promise<string> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  assert.ok(QueueUrl);
  return QueueUrl;
}

async function depth(sqs: SQSClient, name: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: await queueUrl(sqs, name),
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible);
}

/** Every message of a queue: id and body. */
async function readAll(sqs: SQSClient, name: string): Promise<Map<string, string>> {
  const url = await queueUrl(sqs, name);
  const found = new Map<string, string>();
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    if (Messages.length === 0) return found;
    for (const m of Messages) found.set(m.MessageId ?? "", m.Body ?? "");
  }
}

async function waitUntil(what: string, check: () => Promise<boolean> | boolean, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// ── File names ─────────────────────────────────────────────────────────────

/** A row: the name given, the exit code, what stderr must say. */
const FILE_NAMES: [string, string, number, RegExp][] = [
  ["../x.json", "../x.json", 2, /^Invalid file name "\.\.\/x\.json": it contains a path separator/],
  [
    "/etc/passwd",
    "/etc/passwd",
    2,
    /^Invalid file name "\/etc\/passwd": it contains a path separator/,
  ],
  ["a/b.json", "a/b.json", 2, /^Invalid file name "a\/b\.json": it contains a path separator/],
  ["empty", "", 2, /^Invalid file name "": it is empty/],
  [
    "1,000 characters",
    `${"a".repeat(995)}.json`,
    2,
    /^Invalid file name "a+\.json": it has 1000 characters, more than 128/,
  ],
  ["not .json", "laptop.txt", 2, /^Invalid file name "laptop\.txt": it does not end in "\.json"/],
  [
    "control characters",
    "lap\u0007top\n.json",
    2,
    /^Invalid file name "lap\\u0007top\\n\.json": it contains control characters/,
  ],
];

Deno.test("generate: a bad file name is refused with exit 2, a clear message and nothing written", async (t) => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  using admin = testClients(aws.endpoint);
  const outDir = `out/bad-names-${crypto.randomUUID().slice(0, 8)}`;
  const nothingAnywhere = async (what: string) => {
    const objects = await admin.s3.send(
      new ListObjectsV2Command({ Bucket: RESOURCES.bucket.name }),
    );
    assert.equal(objects.KeyCount ?? 0, 0, `${what}: no object`);
    const items = await admin.dynamodb.send(new ScanCommand({ TableName: RESOURCES.table.name }));
    assert.equal(items.Count ?? 0, 0, `${what}: no item`);
    assert.equal(await depth(admin.sqs, UPLOAD.name), 0, `${what}: no message`);
    const files: string[] = [];
    try {
      for await (const entry of Deno.readDir(outDir)) files.push(entry.name);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return files;
  };
  try {
    for (const [row, name, code, message] of FILE_NAMES) {
      await t.step(`file name: ${row}`, async () => {
        const run = startTask("generate", [name, "--out-dir", outDir], {
          env: { AWS_ENDPOINT_URL: aws.endpoint },
        });
        const status = await run.status;
        const stderr = run.stderr.filter((l) => !l.includes("--env-file")).join("\n");
        assert.equal(status.code, code, stderr);
        assert.match(stderr, message);
        assert.match(stderr, /give a plain name such as laptop\.json/);
        assert.deepEqual(await nothingAnywhere(row), []);
      });
    }

    await t.step("file name: an existing local file", async () => {
      await Deno.mkdir(outDir, { recursive: true });
      await Deno.writeTextFile(`${outDir}/mine.json`, "my notes\n");
      const run = startTask("generate", ["mine.json", "--out-dir", outDir], {
        env: { AWS_ENDPOINT_URL: aws.endpoint },
      });
      assert.equal((await run.status).code, 1);
      assert.match(
        run.stderr.join("\n"),
        /Cannot generate mine\.json: out\/bad-names-\w+\/mine\.json exists already \(nothing was overwritten\): remove it or choose another name\n {2}done: none; not done: file, S3 object, DynamoDB item, message/,
      );
      assert.equal(await Deno.readTextFile(`${outDir}/mine.json`), "my notes\n", "untouched");
      assert.deepEqual(await nothingAnywhere("existing file"), ["mine.json"]);
      await Deno.remove(`${outDir}/mine.json`);
    });

    await t.step("file name: an existing S3 object", async () => {
      await admin.s3.send(
        new PutObjectCommand({ Bucket: RESOURCES.bucket.name, Key: "taken.json", Body: "theirs" }),
      );
      const run = startTask("generate", ["taken.json", "--out-dir", outDir], {
        env: { AWS_ENDPOINT_URL: aws.endpoint },
      });
      assert.equal((await run.status).code, 1);
      assert.match(
        run.stderr.join("\n"),
        /Cannot generate taken\.json: S3 object taken\.json exists already in bucket laptops \(nothing was overwritten\): choose another name, or start the local AWS from empty data with `deno task local --reset`\n {2}done: none; not done: file, S3 object, DynamoDB item, message/,
      );
      const object = await admin.s3.send(
        new GetObjectCommand({ Bucket: RESOURCES.bucket.name, Key: "taken.json" }),
      );
      assert.equal(await object.Body?.transformToString(), "theirs", "untouched");
      const items = await admin.dynamodb.send(new ScanCommand({ TableName: RESOURCES.table.name }));
      assert.equal(items.Count, 0);
      assert.equal(await depth(admin.sqs, UPLOAD.name), 0);
      let files = 0;
      for await (const _ of Deno.readDir(outDir)) files++;
      assert.equal(files, 0, "the local file it had written is removed");
    });
  } finally {
    await Deno.remove(outDir, { recursive: true }).catch(() => {});
  }
});

// ── Message bodies ─────────────────────────────────────────────────────────

/** The records a row's body may point at, per queue. */
interface Fixtures {
  /** An item with no object. */
  readonly noObject: Laptop;
  /** An item whose object is not JSON. */
  readonly junk: Laptop;
  /** An item whose object holds another record. */
  readonly foreign: Laptop;
}

interface BodyRow {
  readonly row: string;
  readonly body: (f: Fixtures) => string;
  /** The error, as the Lambda and the service say it. */
  readonly error: { upload: RegExp; update: RegExp };
  /** Where a message on the upload queue ends: the Lambda cannot see an object's problems. */
  readonly uploadDlq: string;
}

const ONE_MIB = 1024 * 1024;

const BODIES: BodyRow[] = [
  {
    row: "not JSON",
    body: () => "laptop.json please",
    error: { upload: /it is not JSON/, update: /it is not JSON/ },
    uploadDlq: UPLOAD.deadLetterQueueName,
  },
  {
    row: "JSON of the wrong shape",
    body: () => '["dynamodb_key", "s3_key"]',
    error: { upload: /it is not a JSON object/, update: /it is not a JSON object/ },
    uploadDlq: UPLOAD.deadLetterQueueName,
  },
  {
    row: "a missing key",
    body: (f) => JSON.stringify({ dynamodb_key: f.noObject.uuid }),
    error: { upload: /"s3_key" is missing/, update: /"s3_key" is missing/ },
    uploadDlq: UPLOAD.deadLetterQueueName,
  },
  {
    row: "an extra key",
    body: (f) => JSON.stringify({ dynamodb_key: f.junk.uuid, s3_key: "a.json", extra: true }),
    error: { upload: /unexpected key "extra"/, update: /unexpected key "extra"/ },
    uploadDlq: UPLOAD.deadLetterQueueName,
  },
  {
    row: "wrong types",
    body: () => JSON.stringify({ dynamodb_key: 42, s3_key: ["a.json"] }),
    error: { upload: /"dynamodb_key" is not a string/, update: /"dynamodb_key" is not a string/ },
    uploadDlq: UPLOAD.deadLetterQueueName,
  },
  {
    row: "a key pointing at no item",
    // An object that exists: the item is what is missing.
    body: (f) =>
      formatPipelineMessage({ dynamodb_key: crypto.randomUUID(), s3_key: `${f.junk.uuid}.json` }),
    error: {
      upload: /Cannot update item \S+: no such item in table laptops/,
      update: /no item \S+ in table laptops/,
    },
    uploadDlq: UPLOAD.deadLetterQueueName,
  },
  {
    row: "a key pointing at no object",
    body: (f) => formatPipelineMessage({ dynamodb_key: f.noObject.uuid, s3_key: "gone.json" }),
    error: {
      upload: /no object gone\.json in bucket laptops/,
      update: /no object gone\.json in bucket laptops/,
    },
    uploadDlq: UPDATE.deadLetterQueueName,
  },
  {
    row: "an object that is not the record's JSON",
    body: (f) =>
      formatPipelineMessage({ dynamodb_key: f.junk.uuid, s3_key: `${f.junk.uuid}.json` }),
    error: { upload: /is not a laptop record's JSON/, update: /is not a laptop record's JSON/ },
    uploadDlq: UPDATE.deadLetterQueueName,
  },
  {
    row: "an object holding another record",
    body: (f) =>
      formatPipelineMessage({ dynamodb_key: f.foreign.uuid, s3_key: `${f.foreign.uuid}.json` }),
    error: { upload: /holds record \S+, not \S+/, update: /holds record \S+, not \S+/ },
    uploadDlq: UPDATE.deadLetterQueueName,
  },
  {
    row: "a 1 MiB body",
    body: (f) => {
      const head = `{"dynamodb_key":"${f.junk.uuid}","s3_key":"a.json","pad":"`;
      return head + "x".repeat(ONE_MIB - head.length - 2) + '"}';
    },
    error: {
      upload: /it has 1048576 bytes, more than 1024/,
      update: /it has 1048576 bytes, more than 1024/,
    },
    uploadDlq: UPLOAD.deadLetterQueueName,
  },
];

Deno.test("bad message bodies on either queue end in its DLQ after maxReceiveCount; the good ones pass at once", async (t) => {
  const dir = await tempDir("bad-bodies-");
  try {
    await using aws = await startLocalAws({ port: 0, inMemory: true, visibilityTimeoutSeconds: 1 });
    using admin = testClients(aws.endpoint);
    const code = await buildBundle(dir);
    // What the Lambda said about each message, and each delivery's outcome.
    const lambdaErrors = new Map<string, string[]>();
    const lambdaOutcomes = new Map<string, string[]>();
    await using _runner = await startLambdaRunner({
      endpoint: aws.endpoint,
      code,
      timeoutSeconds: 1,
      logger: (entry) => {
        const json = entry.line.slice(entry.line.indexOf("{"));
        if (!entry.line.includes('"level":"error"')) return;
        const { messageId, message } = JSON.parse(json) as { messageId: string; message: string };
        lambdaErrors.set(messageId, [...lambdaErrors.get(messageId) ?? [], message]);
      },
      onInvoke: (report) => {
        for (const r of report.records) {
          lambdaOutcomes.set(r.messageId, [
            ...lambdaOutcomes.get(r.messageId) ?? [],
            `${r.receiveCount}:${r.outcome}`,
          ]);
        }
      },
    });
    await using service = startTask("service", ["--json", "--wait", "1"], {
      env: { AWS_ENDPOINT_URL: aws.endpoint },
    });

    // The records the rows point at, one set per queue, and three good ones.
    const put = async (laptop: Laptop, object?: string) => {
      await admin.dynamodb.send(
        new PutItemCommand({ TableName: RESOURCES.table.name, Item: laptopToItem(laptop) }),
      );
      if (object === undefined) return;
      await admin.s3.send(
        new PutObjectCommand({
          Bucket: RESOURCES.bucket.name,
          Key: `${laptop.uuid}.json`,
          Body: object,
        }),
      );
    };
    const fixtures = async (): Promise<Fixtures> => {
      const f = { noObject: makeLaptop(), junk: makeLaptop(), foreign: makeLaptop() };
      await put(f.noObject);
      await put(f.junk, "not a record\n");
      await put(f.foreign, JSON.stringify(makeLaptop(), null, 2));
      return f;
    };
    const good = Array.from({ length: 3 }, () => makeLaptop());
    for (const laptop of good) await put(laptop, JSON.stringify(laptop, null, 2) + "\n");
    const goodBodies = good.map((l) =>
      formatPipelineMessage({ dynamodb_key: l.uuid, s3_key: `${l.uuid}.json` })
    );

    // In batches of ten, but a body too large for a batch (1 MiB in all) on its own.
    const send = async (queue: string, bodies: string[]) => {
      const url = await queueUrl(admin.sqs, queue);
      const ids: string[] = [];
      let batch: string[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const { Successful = [], Failed = [] } = await admin.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: batch.map((body, j) => ({ Id: String(j), MessageBody: body })),
          }),
        );
        assert.deepEqual(Failed, []);
        for (const s of Successful.sort((a, b) => Number(a.Id) - Number(b.Id))) {
          ids.push(s.MessageId ?? "");
        }
        batch = [];
      };
      for (const body of bodies) {
        if (body.length > 64 * 1024) {
          await flush();
          const { MessageId } = await admin.sqs.send(
            new SendMessageCommand({ QueueUrl: url, MessageBody: body }),
          );
          ids.push(MessageId ?? "");
        } else {
          batch.push(body);
          if (batch.length === 10) await flush();
        }
      }
      await flush();
      return ids;
    };
    const uploadFixtures = await fixtures();
    const updateFixtures = await fixtures();
    const uploadBodies = BODIES.map((r) => r.body(uploadFixtures));
    const updateBodies = BODIES.map((r) => r.body(updateFixtures));
    // Good and bad mixed in the same batches.
    const uploadIds = await send(UPLOAD.name, [
      goodBodies[0]!,
      ...uploadBodies,
      ...goodBodies.slice(1),
    ]);
    const updateIds = await send(UPDATE.name, updateBodies);

    const inUploadDlq = BODIES.filter((r) => r.uploadDlq === UPLOAD.deadLetterQueueName).length;
    const inUpdateDlq = BODIES.length + BODIES.length - inUploadDlq;
    const handled = () =>
      service.stdout.map((l) => JSON.parse(l) as { uuid: string; receive_count: number });
    await waitUntil(
      "every bad message in its DLQ",
      async () =>
        await depth(admin.sqs, UPLOAD.deadLetterQueueName) === inUploadDlq &&
        await depth(admin.sqs, UPDATE.deadLetterQueueName) === inUpdateDlq &&
        await depth(admin.sqs, UPLOAD.name) === 0 && await depth(admin.sqs, UPDATE.name) === 0,
    );
    service.kill("SIGTERM");
    await service.status;
    const uploadDlq = await readAll(admin.sqs, UPLOAD.deadLetterQueueName);
    const updateDlq = await readAll(admin.sqs, UPDATE.deadLetterQueueName);
    // The service's failures: message id → errors, in delivery order.
    const serviceErrors = new Map<string, string[]>();
    for (const line of service.stderr.filter((l) => l.startsWith("{"))) {
      const { message_id, error } = JSON.parse(line) as { message_id: string; error: string };
      serviceErrors.set(message_id, [...serviceErrors.get(message_id) ?? [], error]);
    }
    const idsOf = (dlq: Map<string, string>, body: string) =>
      [...dlq].filter(([, b]) => b === body).map(([id]) => id);

    await t.step("good messages: handled at their first delivery, beside the bad ones", () => {
      const lines = handled();
      assert.deepEqual(lines.map((l) => l.uuid).sort(), good.map((l) => l.uuid).sort());
      assert.ok(lines.every((l) => l.receive_count === 1));
      for (const id of [uploadIds[0]!, ...uploadIds.slice(-2)]) {
        assert.deepEqual(lambdaOutcomes.get(id), ["1:deleted"], "deleted by the first invocation");
      }
    });

    for (const [i, row] of BODIES.entries()) {
      await t.step(`upload queue: ${row.row}`, () => {
        const body = uploadBodies[i]!;
        const id = uploadIds[i + 1]!;
        const dlq = row.uploadDlq === UPLOAD.deadLetterQueueName ? uploadDlq : updateDlq;
        assert.equal(idsOf(dlq, body).length, 1, `in ${row.uploadDlq}`);
        if (row.uploadDlq === UPLOAD.deadLetterQueueName) {
          const errors = lambdaErrors.get(id) ?? [];
          assert.equal(errors.length, UPLOAD.maxReceiveCount, "failed maxReceiveCount times");
          assert.match(errors[0] ?? "", row.error.upload);
        } else {
          // The Lambda updates the item and forwards the keys; the service finds the problem.
          assert.deepEqual(lambdaOutcomes.get(id), ["1:deleted"]);
          const [forwarded] = idsOf(updateDlq, body);
          const errors = serviceErrors.get(forwarded ?? "") ?? [];
          assert.equal(errors.length, UPDATE.maxReceiveCount, "failed maxReceiveCount times");
          assert.match(errors[0] ?? "", row.error.upload);
        }
      });
    }
    for (const [i, row] of BODIES.entries()) {
      await t.step(`update queue: ${row.row}`, () => {
        const id = updateIds[i]!;
        assert.deepEqual(
          idsOf(updateDlq, updateBodies[i]!),
          [id],
          `in ${UPDATE.deadLetterQueueName}`,
        );
        const errors = serviceErrors.get(id) ?? [];
        assert.equal(errors.length, UPDATE.maxReceiveCount, "failed maxReceiveCount times");
        assert.match(errors[0] ?? "", row.error.update);
      });
    }

    await t.step(
      "either queue: a body over 1 MiB is refused when sent, nothing is queued",
      async () => {
        for (const queue of [UPLOAD.name, UPDATE.name]) {
          const error = await admin.sqs.send(
            new SendMessageCommand({
              QueueUrl: await queueUrl(admin.sqs, queue),
              MessageBody: "x".repeat(ONE_MIB + 1),
            }),
          ).then(() => undefined, (e: Error) => e);
          assert.equal(error?.name, "InvalidParameterValue");
          assert.match(error?.message ?? "", /Message must be shorter than 1048576 bytes/);
          assert.equal(await depth(admin.sqs, queue), 0);
        }
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ── Configuration ──────────────────────────────────────────────────────────

interface ConfigRow {
  readonly row: string;
  readonly task: "generate" | "service";
  readonly env: (endpoint: string) => Record<string, string>;
  readonly message: RegExp;
  /** Seconds the program may take to give up. */
  readonly within: number;
}

const SECRET = "SECRETxyzDoNotPrintMe0123456789abcdefghij";

const CONFIG: ConfigRow[] = [
  {
    row: "an OpenTelemetry protocol the programs do not speak",
    task: "generate",
    env: (endpoint) => ({ AWS_ENDPOINT_URL: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }),
    message:
      /^Cannot start generate: OTEL_EXPORTER_OTLP_PROTOCOL "grpc" is not supported: these programs export http\/json only$/m,
    within: 5,
  },
  {
    row: "an OpenTelemetry endpoint that is not a URL",
    task: "service",
    env: (endpoint) => ({ AWS_ENDPOINT_URL: endpoint, OTEL_EXPORTER_OTLP_ENDPOINT: "collector" }),
    message:
      /^Cannot start service: OTEL_EXPORTER_OTLP_ENDPOINT "collector" is not an http\(s\) URL$/m,
    within: 5,
  },
  {
    row: "an invalid variable",
    task: "generate",
    env: (endpoint) => ({ AWS_ENDPOINT_URL: endpoint, AWS_REGION: "mars" }),
    message:
      /^Cannot start generate: AWS_REGION is invalid: "mars" is not a region such as us-east-1$/m,
    within: 5,
  },
  {
    row: "a queue URL where a queue name belongs",
    task: "service",
    env: (endpoint) => ({
      AWS_ENDPOINT_URL: endpoint,
      AWS_SQS_UPDATE_QUEUE: `${endpoint}/000000000000/updated-laptops`,
    }),
    message:
      /^Cannot start service: AWS_SQS_UPDATE_QUEUE is invalid: "http:\/\/.*" is not a queue name/m,
    within: 5,
  },
  {
    row: "an unknown queue name (the program's own identity)",
    task: "generate",
    env: (endpoint) => ({ AWS_ENDPOINT_URL: endpoint, AWS_SQS_UPLOAD_QUEUE: "uploads" }),
    message:
      /^Cannot generate: Access denied \(AccessDenied\): User: arn:aws:iam::000000000000:user\/generator is not authorized to perform: sqs:GetQueueUrl on resource: arn:aws:sqs:us-east-1:000000000000:uploads .*\(nothing was written\)$/m,
    within: 5,
  },
  {
    row: "an unknown queue name (admin credentials)",
    task: "service",
    env: (endpoint) => ({
      AWS_ENDPOINT_URL: endpoint,
      AWS_SQS_UPDATE_QUEUE: "updates",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    }),
    message:
      /^Cannot start service: The queue does not exist at http:\/\/127\.0\.0\.1:\d+: .*; check the queue name variables$/m,
    within: 5,
  },
  {
    row: "an unreachable endpoint (nothing listens)",
    task: "generate",
    env: () => ({ AWS_ENDPOINT_URL: `http://127.0.0.1:${closedPort()}` }),
    message:
      /^Cannot generate: Cannot reach AWS at http:\/\/127\.0\.0\.1:\d+: connection refused; is the local AWS running\? Start it with `deno task local` \(nothing was written\)$/m,
    within: 5,
  },
  {
    row: "an unknown access key",
    task: "generate",
    env: (endpoint) => ({
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: SECRET,
    }),
    message:
      /^Cannot generate: AWS rejected the credentials \(InvalidClientTokenId\): The security token included in the request is invalid.* \(nothing was written\)$/m,
    within: 5,
  },
  {
    row: "a wrong secret key",
    task: "service",
    env: (endpoint) => ({
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: "LKIASERVICELOCAL0001",
      AWS_SECRET_ACCESS_KEY: SECRET,
    }),
    message:
      /^Cannot start service: AWS rejected the credentials \(SignatureDoesNotMatch\): The request signature we calculated does not match the signature you provided/m,
    within: 5,
  },
  {
    row: "a profile that does not exist",
    task: "generate",
    env: (endpoint) => ({ AWS_ENDPOINT_URL: endpoint, AWS_PROFILE: "no-such-profile-here" }),
    message:
      /^Cannot generate: No AWS credentials found: .*; set AWS_PROFILE or AWS_ACCESS_KEY_ID/m,
    within: 5,
  },
];

function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("configuration: a bad setting stops a program within seconds, with a clear message, having written nothing", async (t) => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  using admin = testClients(aws.endpoint);
  const outDir = `out/bad-config-${crypto.randomUUID().slice(0, 8)}`;
  const args = {
    generate: ["laptop.json", "--out-dir", outDir],
    service: ["--once", "--wait", "1"],
  };
  const nothingWritten = async () => {
    const objects = await admin.s3.send(
      new ListObjectsV2Command({ Bucket: RESOURCES.bucket.name }),
    );
    assert.equal(objects.KeyCount ?? 0, 0, "no object");
    const items = await admin.dynamodb.send(new ScanCommand({ TableName: RESOURCES.table.name }));
    assert.equal(items.Count ?? 0, 0, "no item");
    assert.equal(await depth(admin.sqs, UPLOAD.name), 0, "no message");
    await assert.rejects(Deno.stat(outDir), Deno.errors.NotFound, "no file");
  };
  const check = async (row: ConfigRow, endpoint: string) => {
    const started = performance.now();
    const run = startTask(row.task, args[row.task], { env: row.env(endpoint) });
    const status = await run.status;
    const seconds = (performance.now() - started) / 1000;
    const output = [...run.stdout, ...run.stderr].filter((l) => !l.includes("--env-file"));
    assert.equal(status.code, 1, output.join("\n"));
    assert.match(output.join("\n"), row.message);
    assert.ok(seconds < row.within, `gave up after ${seconds.toFixed(1)} s`);
    assert.ok(!output.join("\n").includes(SECRET), "the secret is never printed");
    await nothingWritten();
    return seconds;
  };
  for (const row of CONFIG) {
    await t.step(`${row.task}: ${row.row}`, async () => {
      const seconds = await check(row, aws.endpoint);
      console.log(`${row.task}: ${row.row}: exit 1 after ${seconds.toFixed(1)} s`);
    });
  }

  await t.step(
    "generate and service: an endpoint that accepts connections and never answers",
    async () => {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const connections: Deno.Conn[] = [];
      const accepting = (async () => {
        for await (const connection of listener) connections.push(connection);
      })();
      const endpoint = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
      try {
        const timings = await Promise.all((["generate", "service"] as const).map((task) =>
          check({
            row: "silent endpoint",
            task,
            env: () => ({ AWS_ENDPOINT_URL: endpoint }),
            message:
              /Cannot reach AWS at http:\/\/127\.0\.0\.1:\d+: the connection timed out or was reset/,
            // Three attempts of 3 s each, and the SDK's backoff between them.
            within: 20,
          }, endpoint)
        ));
        console.log(
          `silent endpoint: generate gave up after ${timings[0]?.toFixed(1)} s, service after ${
            timings[1]?.toFixed(1)
          } s`,
        );
      } finally {
        listener.close();
        await accepting.catch(() => {});
        for (const connection of connections) connection.close();
      }
    },
  );

  await t.step(
    "Lambda: a missing variable fails each invocation with its name; the message stays",
    async () => {
      const dir = await tempDir("bad-config-");
      const logs: string[] = [];
      try {
        const code = await buildBundle(dir);
        await using _runner = await startLambdaRunner({
          endpoint: aws.endpoint,
          code,
          environment: { AWS_SQS_UPDATE_QUEUE: UPDATE.name },
          logger: (entry) => logs.push(entry.line),
        });
        await admin.sqs.send(
          new SendMessageCommand({
            QueueUrl: await queueUrl(admin.sqs, UPLOAD.name),
            MessageBody: formatPipelineMessage({
              dynamodb_key: crypto.randomUUID(),
              s3_key: "a.json",
            }),
          }),
        );
        await waitUntil(
          "the invocation's error",
          () => logs.some((l) => l.includes("Invoke Error")),
        );
        assert.ok(
          logs.some((l) => l.includes("Cannot start update_item: AWS_DYNAMODB_TABLE is not set")),
          logs.join("\n"),
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
      assert.equal(await depth(admin.sqs, UPLOAD.name), 1, "left for a retry, then the DLQ");
    },
  );
  await Deno.remove(outDir, { recursive: true }).catch(() => {});
});
