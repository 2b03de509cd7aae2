/**
 * `deno task local --reset` starts from empty data: what a previous run kept
 * in the data directory is gone, and it says what it removed in one line.
 */

import assert from "node:assert/strict";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { RESOURCES } from "../../lib/resources.ts";
import { tempDir, testClients } from "../_helpers/e2e.ts";
import { startTask } from "../_helpers/processes.ts";

const READY = /^local AWS ready on (http:\/\/127\.0\.0\.1:\d+)/;

async function startLocal(dataDir: string, extra: string[] = []) {
  const local = startTask("local", [
    "--port",
    "0",
    "--no-lambda",
    "--no-dashboard",
    "--data-dir",
    dataDir,
    ...extra,
  ]);
  const endpoint = READY.exec(await local.waitFor(READY))?.[1];
  assert.ok(endpoint);
  return { local, endpoint };
}

Deno.test("deno task local --reset removes the kept data and says what it removed", async () => {
  const dataDir = await tempDir("reset-");
  try {
    const first = await startLocal(dataDir);
    {
      using clients = testClients(first.endpoint);
      await clients.s3.send(
        new PutObjectCommand({ Bucket: RESOURCES.bucket.name, Key: "kept.json", Body: "{}" }),
      );
    }
    first.local.kill("SIGTERM");
    assert.equal((await first.local.status).code, 0);

    const again = await startLocal(dataDir, ["--reset"]);
    try {
      assert.match(
        again.local.stdout[0] ?? "",
        new RegExp(
          `^reset: removed ${dataDir}/dynamodb, ${dataDir}/fauxqs \\(\\d+ files, [\\d.]+ [KM]?B\\)$`,
        ),
      );
      using clients = testClients(again.endpoint);
      await assert.rejects(
        clients.s3.send(new GetObjectCommand({ Bucket: RESOURCES.bucket.name, Key: "kept.json" })),
        { name: "NoSuchKey" },
      );
    } finally {
      again.local.kill("SIGTERM");
      await again.local.status;
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("deno task local --reset refuses --in-memory, and a data directory with nothing says so", async () => {
  const usage = startTask("local", ["--in-memory", "--reset"]);
  assert.equal((await usage.status).code, 2);
  assert.match(usage.stderr[0] ?? "", /^Invalid options: --in-memory keeps nothing to --reset$/);

  const dataDir = await tempDir("reset-empty-");
  try {
    const { local } = await startLocal(dataDir, ["--reset"]);
    local.kill("SIGTERM");
    await local.status;
    assert.equal(local.stdout[0], `reset: ${dataDir} held no local AWS data`);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
