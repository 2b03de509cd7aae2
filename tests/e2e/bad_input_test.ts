/**
 * Bad input, one step per row of the README's table: file names given to
 * the generator, and configuration (message bodies are in
 * bad_messages_test.ts). Each gets a clear message naming the problem; a
 * command exits non-zero (2 for usage) and leaves nothing partial.
 */

import assert from "node:assert/strict";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { formatPipelineMessage } from "../../lib/message.ts";
import { RESOURCES } from "../../lib/resources.ts";
import { startLocalAws } from "../../local/local_aws.ts";
import { closedPort, startBundleRunner, tempDir, testClients } from "../_helpers/e2e.ts";
import { startTask } from "../_helpers/processes.ts";
import { queueDepth, queueUrl } from "../_helpers/sqs.ts";
import { pacedWaitFor } from "../_helpers/wait.ts";

/** Polls every 200 ms, for 60 s unless told otherwise (this file's pace). */
const waitFor = pacedWaitFor({ intervalMs: 200, timeoutMs: 60_000 });

const UPLOAD = RESOURCES.uploadQueue;
const UPDATE = RESOURCES.updateQueue;

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
    assert.equal(await queueDepth(admin.sqs, UPLOAD.name), 0, `${what}: no message`);
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
      assert.equal(await queueDepth(admin.sqs, UPLOAD.name), 0);
      let files = 0;
      for await (const _ of Deno.readDir(outDir)) files++;
      assert.equal(files, 0, "the local file it had written is removed");
    });
  } finally {
    await Deno.remove(outDir, { recursive: true }).catch(() => {});
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
    assert.equal(await queueDepth(admin.sqs, UPLOAD.name), 0, "no message");
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
        await using _runner = await startBundleRunner(dir, {
          endpoint: aws.endpoint,
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
        await waitFor(
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
      assert.equal(await queueDepth(admin.sqs, UPLOAD.name), 1, "left for a retry, then the DLQ");
    },
  );
  await Deno.remove(outDir, { recursive: true }).catch(() => {});
});
