/**
 * Ctrl-C (SIGINT) and SIGTERM stop the generator and the service cleanly:
 * each program runs as its task's own command line, the signal reaches it
 * mid-run, and afterwards nothing is lost and nothing is half-written.
 */

import assert from "node:assert/strict";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { createClients } from "../../lib/clients.ts";
import { readConfig } from "../../lib/config.ts";
import { denoFiles } from "../../lib/deno_files.ts";
import { fileNamesFor } from "../../lib/file_name.ts";
import { generateLaptops } from "../../lib/generate_laptops.ts";
import { parseLaptop } from "../../lib/laptop.ts";
import { RESOURCES } from "../../lib/resources.ts";
import { startLocalAws } from "../../local/local_aws.ts";
import { tempDir, testClients } from "../_helpers/e2e.ts";
import { startTask } from "../_helpers/processes.ts";
import { queueUrl, receiveAll } from "../_helpers/sqs.ts";
import { delay, pacedWaitFor } from "../_helpers/wait.ts";

/** Polls every 50 ms, for 30 s unless told otherwise (this file's pace). */
const waitFor = pacedWaitFor({ intervalMs: 50, timeoutMs: 30_000 });

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.test(`generate: ${signal} mid-run finishes the records in flight, starts no other, leaves nothing half-written`, async () => {
    const outDir = `out/signals-${crypto.randomUUID().slice(0, 8)}`;
    // Slow calls, so that the signal lands mid-run.
    await using aws = await startLocalAws({ port: 0, inMemory: true, faults: { latencyMs: 15 } });
    using admin = testClients(aws.endpoint);
    try {
      const generator = startTask("generate", [
        "laptop.json",
        "--count",
        "300",
        "--concurrency",
        "4",
        "--out-dir",
        outDir,
        "--json",
      ], { env: { AWS_ENDPOINT_URL: aws.endpoint } });
      await waitFor("20 files written", async () => {
        try {
          let n = 0;
          for await (const _ of Deno.readDir(outDir)) n++;
          return n >= 20;
        } catch {
          return false;
        }
      });
      generator.kill(signal);
      const status = await generator.status;
      assert.equal(status.code, 130, generator.stderr.join("\n"));
      const report = JSON.parse(generator.stdout.at(-1) ?? "{}") as {
        generated: { file: string; s3_key: string; uuid: string }[];
        failed: unknown[];
        skipped: string[];
      };
      assert.deepEqual(report.failed, []);
      assert.ok(report.skipped.length > 0, "stopped before the end");
      assert.equal(
        report.generated.length + report.skipped.length,
        300,
        "every record accounted for",
      );

      // Every record is whole: file, object, item and message, or none of them.
      const files: string[] = [];
      for await (const entry of Deno.readDir(outDir)) files.push(entry.name);
      const names = report.generated.map((g) => g.s3_key).sort();
      assert.deepEqual(files.sort(), names, "a file for each record generated, no other");
      for (const g of report.generated) parseLaptop(JSON.parse(await Deno.readTextFile(g.file)));
      const objects = await admin.s3.send(
        new ListObjectsV2Command({ Bucket: RESOURCES.bucket.name, MaxKeys: 1000 }),
      );
      assert.deepEqual((objects.Contents ?? []).map((o) => o.Key).sort(), names);
      const items = await admin.dynamodb.send(new ScanCommand({ TableName: RESOURCES.table.name }));
      assert.deepEqual(
        (items.Items ?? []).map((i) => i.uuid?.S).sort(),
        report.generated.map((g) => g.uuid).sort(),
      );
      const messages = [
        ...(await receiveAll(admin.sqs, RESOURCES.uploadQueue.name, { waitTimeSeconds: 0 }))
          .values(),
      ];
      assert.deepEqual(
        messages.map((body) => JSON.parse(body).s3_key).sort(),
        names,
        "a message for each record, sent last",
      );
    } finally {
      await Deno.remove(outDir, { recursive: true }).catch(() => {});
    }
  });

  Deno.test(`service: ${signal} mid-run finishes the messages in hand, exits 0, loses no message`, async () => {
    const dir = await tempDir("signals-");
    await using aws = await startLocalAws({
      port: 0,
      inMemory: true,
      visibilityTimeoutSeconds: 2,
      faults: { latencyMs: 10 },
    });
    using admin = testClients(aws.endpoint);
    const config = readConfig(
      (name) => ({ AWS_ENDPOINT_URL: aws.endpoint } as Record<string, string>)[name],
      { program: "test" },
    );
    const clients = createClients(config);
    try {
      // 200 records whose keys wait on the update queue.
      const generated = await generateLaptops({ ...clients, files: denoFiles() }, {
        fileNames: fileNamesFor("signal.json", 200),
        outDir: dir,
        tableName: config.tableName,
        bucketName: config.bucketName,
        queueUrl: await queueUrl(admin.sqs, RESOURCES.uploadQueue.name),
        concurrency: 16,
        itemBatchSize: 25,
      });
      assert.equal(generated.generated.length, 200);
      const bodies = [
        ...(await receiveAll(admin.sqs, RESOURCES.uploadQueue.name, { waitTimeSeconds: 0 }))
          .values(),
      ];
      const updateUrl = await queueUrl(admin.sqs, RESOURCES.updateQueue.name);
      for (let i = 0; i < bodies.length; i += 10) {
        await admin.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: updateUrl,
            Entries: bodies.slice(i, i + 10).map((body, j) => ({
              Id: String(j),
              MessageBody: body,
            })),
          }),
        );
      }

      const service = startTask("service", ["--json", "--wait", "1"], {
        env: { AWS_ENDPOINT_URL: aws.endpoint },
      });
      await waitFor("30 messages handled", () => service.stdout.length >= 30);
      service.kill(signal);
      const status = await service.status;
      assert.equal(status.code, 0, service.stderr.join("\n"));
      const handled = service.stdout.map((line) => JSON.parse(line).uuid as string);
      assert.ok(handled.length < 200, "stopped before the end");
      assert.equal(new Set(handled).size, handled.length, "each handled once");

      // Handled ones are deleted; every other is still there, none is lost.
      await delay(2_200); // in-flight ones come back
      const left = [
        ...(await receiveAll(admin.sqs, RESOURCES.updateQueue.name, { waitTimeSeconds: 0 }))
          .values(),
      ].map((body) => JSON.parse(body).dynamodb_key as string);
      assert.deepEqual(
        [...handled, ...left].sort(),
        generated.generated.map((g) => g.laptop.uuid).sort(),
      );
    } finally {
      clients.s3.destroy();
      clients.dynamodb.destroy();
      clients.sqs.destroy();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
