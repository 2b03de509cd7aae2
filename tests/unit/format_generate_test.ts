import assert from "node:assert/strict";
import {
  formatFailure,
  formatStep,
  formatSummary,
  generateJson,
  progressBar,
} from "../../lib/format_generate.ts";
import { uuid } from "../_helpers/fakes.ts";

const LAPTOP = {
  uuid: uuid(1),
  constructor: "Lenovo",
  model: "ThinkPad T14",
  year: 2019,
  timestamp: "2026-11-25T17:20:01.123Z",
};
const TARGETS = {
  outDir: "out",
  bucketName: "laptops",
  tableName: "laptops",
  uploadQueueName: "uploaded-laptops",
};

Deno.test("formatStep() names each step and where it went", () => {
  const line = (step: "file" | "object" | "item" | "message") =>
    formatStep({ fileName: "laptop.json", step, laptop: LAPTOP }, TARGETS);
  assert.equal(line("file"), "file written: out/laptop.json: Lenovo ThinkPad T14 (2019)");
  assert.equal(line("object"), "S3 object put: s3://laptops/laptop.json");
  assert.equal(line("item"), `DynamoDB item put: table laptops, uuid ${uuid(1)}`);
  assert.equal(line("message"), "message sent: queue uploaded-laptops");
});

Deno.test("formatFailure() says why, and which steps are done and which not", () => {
  assert.equal(
    formatFailure(
      {
        fileName: "laptop.json",
        error: new Error("x"),
        done: ["file", "object"],
        notDone: ["item", "message"],
      },
      "Access denied",
    ),
    "Cannot generate laptop.json: Access denied\n" +
      "  done: file, S3 object; not done: DynamoDB item, message",
  );
  assert.match(
    formatFailure({ fileName: "a.json", error: new Error("x"), done: [], notDone: ["file"] }, "r"),
    /done: none; not done: file$/,
  );
});

Deno.test("formatSummary() and progressBar() count the run", () => {
  const result = {
    generated: [{ fileName: "a.json", path: "out/a.json", laptop: LAPTOP, messageId: "m1" }],
    failed: [{ fileName: "b.json", error: new Error("boom"), done: [], notDone: [] }],
    skipped: ["c.json"],
  };
  assert.equal(formatSummary(result, 3, 2), "generated 1 of 3 laptops in 2.00 s (0.5/s), 1 failed");
  assert.equal(formatSummary(result, 3, 0), "generated 1 of 3 laptops in 0.00 s (0.0/s), 1 failed");
  assert.equal(progressBar(5, 10, 10), "[#####-----] 5/10");
  assert.equal(progressBar(10, 10, 4), "[####] 10/10");
});

Deno.test("generateJson() lists generated, failed and skipped records", () => {
  const json = generateJson(
    {
      generated: [{
        fileName: "a.json",
        path: "out/a.json",
        laptop: LAPTOP,
        messageId: "m1",
        traceId: "5759e988bd862e3fe1be46a994272793",
      }],
      failed: [{
        fileName: "b.json",
        error: new Error("boom"),
        done: ["file"],
        notDone: ["object", "item", "message"],
      }],
      skipped: ["c.json"],
    },
    1.23456,
    (error) => `described: ${error.message}`,
  );
  assert.deepEqual(json, {
    generated: [{
      file: "out/a.json",
      s3_key: "a.json",
      uuid: uuid(1),
      message_id: "m1",
      trace_id: "5759e988bd862e3fe1be46a994272793",
      laptop: LAPTOP,
    }],
    failed: [{
      s3_key: "b.json",
      error: "described: boom",
      done: ["file"],
      not_done: ["object", "item", "message"],
      trace_id: null,
    }],
    skipped: ["c.json"],
    seconds: 1.235,
  });
});
