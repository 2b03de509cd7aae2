/**
 * Bad message bodies, one step per row of the README's table: on either
 * queue, each fails maxReceiveCount times and ends in its queue's
 * dead-letter queue with a clear message in the log, while the good messages
 * beside it go through at their first delivery.
 */

import assert from "node:assert/strict";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { SendMessageBatchCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { laptopToItem } from "../../lib/item_codec.ts";
import { type Laptop, makeLaptop } from "../../lib/laptop.ts";
import { formatPipelineMessage } from "../../lib/message.ts";
import { RESOURCES } from "../../lib/resources.ts";
import { startLambdaRunner } from "../../local/lambda/mod.ts";
import { startLocalAws } from "../../local/local_aws.ts";
import { buildBundle, tempDir, testClients } from "../_helpers/e2e.ts";
import { startTask } from "../_helpers/processes.ts";
import { queueDepth, queueUrl, receiveAll } from "../_helpers/sqs.ts";
import { pacedWaitFor } from "../_helpers/wait.ts";

/** Polls every 200 ms, for 60 s unless told otherwise (this file's pace). */
const waitFor = pacedWaitFor({ intervalMs: 200, timeoutMs: 60_000 });

const UPLOAD = RESOURCES.uploadQueue;
const UPDATE = RESOURCES.updateQueue;

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
    await waitFor(
      "every bad message in its DLQ",
      async () =>
        await queueDepth(admin.sqs, UPLOAD.deadLetterQueueName) === inUploadDlq &&
        await queueDepth(admin.sqs, UPDATE.deadLetterQueueName) === inUpdateDlq &&
        await queueDepth(admin.sqs, UPLOAD.name) === 0 &&
        await queueDepth(admin.sqs, UPDATE.name) === 0,
    );
    service.kill("SIGTERM");
    await service.status;
    const uploadDlq = await receiveAll(admin.sqs, UPLOAD.deadLetterQueueName);
    const updateDlq = await receiveAll(admin.sqs, UPDATE.deadLetterQueueName);
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
          assert.equal(await queueDepth(admin.sqs, queue), 0);
        }
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
