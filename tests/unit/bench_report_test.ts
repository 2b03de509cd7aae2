import assert from "node:assert/strict";
import { reportAwsLatency } from "../../bench/aws_latency.ts";
import { formatReport } from "../../bench/format_report.ts";
import { reportScale } from "../../bench/scale.ts";
import { summarizeSoak } from "../../bench/soak.ts";
import {
  buildReport,
  ceilingItemsPerSecond,
  FLOOR_REQUESTS_PER_ITEM,
  HOT_OPERATIONS,
  reportRun,
  type RunMeasurement,
  type RunSettings,
} from "../../bench/report.ts";

function settings(name: string, batched: boolean, rate = 0): RunSettings {
  return {
    name,
    items: 100,
    generator: {
      concurrency: batched ? 16 : 1,
      itemBatchSize: batched ? 25 : 1,
      messageBatchSize: batched ? 10 : 1,
      queueUrlPerSend: !batched,
      ratePerSecond: rate,
    },
    lambda: {
      code: "dist/update_item.mjs",
      batchSize: batched ? 10 : 1,
      maximumBatchingWindowSeconds: 0,
      maximumConcurrency: 2,
      memoryMb: 256,
    },
    service: { batchSize: batched ? 10 : 1, batchGet: batched },
    timeoutMs: 60_000,
  };
}

function measurement(
  overrides: Partial<RunMeasurement> & { settings: RunSettings },
): RunMeasurement {
  return {
    generated: 100,
    handled: 100,
    duplicates: 0,
    failures: [],
    durationMs: 2000,
    samples: Array.from({ length: 100 }, (_, i) => [i * 20, i + 1] as [number, number]),
    requests: {},
    requestErrors: 0,
    invocations: 100,
    lambdaRecords: 100,
    lambdaBilledMs: 2000,
    lambdaInitMs: 0,
    servicePeakHeapBytes: 40 * 1024 * 1024,
    serviceIdleHeapBytes: 20 * 1024 * 1024,
    timedOut: false,
    ...overrides,
  };
}

const BASELINE = measurement({
  settings: settings("baseline", false),
  requests: {
    "s3:GetObject": 100,
    "sqs:GetQueueUrl": 200,
    "s3:PutObject": 100,
    "dynamodb:PutItem": 100,
    "sqs:SendMessage": 100,
    "sqs:ReceiveMessage": 210,
    "dynamodb:UpdateItem": 100,
    "sqs:SendMessageBatch": 100,
    "sqs:DeleteMessageBatch": 200,
    "dynamodb:GetItem": 100,
  },
});

const OPTIMIZED = measurement({
  settings: settings("optimized", true),
  durationMs: 250,
  requests: {
    "s3:PutObject": 100,
    "dynamodb:BatchWriteItem": 7,
    "sqs:SendMessageBatch": 22,
    "sqs:ReceiveMessage": 20,
    "dynamodb:UpdateItem": 100,
    "sqs:DeleteMessageBatch": 20,
    "dynamodb:BatchGetItem": 10,
    "s3:GetObject": 100,
    "sqs:GetQueueUrl": 1,
  },
  invocations: 10,
  lambdaRecords: 100,
  lambdaBilledMs: 500,
});

const RATES = {
  "sqs:GetQueueUrl": 2000,
  "s3:PutObject": 1000,
  "s3:GetObject": 2000,
  "dynamodb:UpdateItem": 1000,
  "dynamodb:BatchWriteItem": 500,
  "sqs:SendMessageBatch": 1000,
  "sqs:ReceiveMessage": 1000,
  "sqs:DeleteMessageBatch": 1000,
  "dynamodb:BatchGetItem": 1000,
};

Deno.test("reportRun() gives per-item requests in pipeline order, latency, throughput and units", () => {
  const run = reportRun(BASELINE, RATES);
  assert.equal(run.items, 100);
  assert.equal(run.items_per_s, 50);
  assert.equal(run.requests_total, 1310);
  assert.equal(run.requests_per_item, 13.1);
  assert.deepEqual(Object.keys(run.requests_by_operation), [
    "sqs:GetQueueUrl",
    "s3:PutObject",
    "dynamodb:PutItem",
    "sqs:SendMessage",
    "sqs:SendMessageBatch",
    "sqs:ReceiveMessage",
    "dynamodb:UpdateItem",
    "sqs:DeleteMessageBatch",
    "dynamodb:GetItem",
    "s3:GetObject",
  ]);
  assert.equal(run.requests_by_operation["sqs:ReceiveMessage"], 2.1);
  assert.deepEqual([run.p50_ms, run.p95_ms, run.p99_ms, run.max_ms], [50, 95, 99, 100]);
  assert.equal(run.lambda_records_per_invocation, 1);
  assert.equal(run.service_peak_heap_mb, 40);
  assert.equal(run.lost, 0);
  assert.equal(run.offered_items_per_s, null);
  // 2 s of 256 MB: 0.5 GB-s.
  assert.equal(run.lambda_gb_s, 0.5);
  // Put + update per item, one consistent read: DynamoDB is priced per item.
  assert.equal(run.cost_by_service_usd.dynamodb, 2 * 0.625 + 0.125);
  assert.ok(run.local_aws_ceiling_items_per_s !== null && run.local_aws_ceiling_items_per_s > 0);
});

Deno.test("reportRun() counts batched DynamoDB writes and reads per item, and lost items", () => {
  const run = reportRun(measurement({ ...OPTIMIZED, handled: 98, duplicates: 2 }));
  assert.equal(run.lost, 2);
  // 100 items put by BatchWriteItem + 100 updates; 98 + 2 deliveries read by BatchGetItem.
  const perItem = 1_000_000 / 98;
  assert.ok(
    Math.abs(run.cost_by_service_usd.dynamodb - (200 * 0.625 + 100 * 0.125) / 1_000_000 * perItem) <
      1e-9,
  );
  assert.equal(run.local_aws_ceiling_items_per_s, null);
});

Deno.test("ceilingItemsPerSecond() adds each operation's time per item", () => {
  // 1 PutObject at 1000/s and 1 GetObject at 2000/s: 1.5 ms per item.
  assert.equal(
    ceilingItemsPerSecond({ "s3:PutObject": 1, "s3:GetObject": 1 }, RATES)?.toFixed(3),
    (1000 / 1.5).toFixed(3),
  );
  // Unmeasured operations count at the GetQueueUrl rate.
  assert.equal(ceilingItemsPerSecond({ "sqs:GetQueueAttributes": 2 }, RATES), 1000);
  assert.equal(ceilingItemsPerSecond({ "s3:PutObject": 1 }, {}), null);
  const floor = Object.values(FLOOR_REQUESTS_PER_ITEM).reduce((a, b) => a + b, 0);
  assert.equal(floor.toFixed(2), "3.74");
});

Deno.test("buildReport() gives the issue's JSON fields, the ratios and the targets", () => {
  const baseline = reportRun(BASELINE, RATES);
  const optimized = reportRun(OPTIMIZED, RATES);
  const openLoop = reportRun(
    measurement({ ...OPTIMIZED, settings: settings("open loop", true, 100), durationMs: 1000 }),
    RATES,
  );
  const report = buildReport(baseline, optimized, {
    openLoop,
    ceiling: { rates: RATES, concurrency: 8 },
    bundles: [
      { name: "shipped", description: "", bytes: 1000, coldImportMs: [40, 50, 45] },
      { name: "other", description: "", bytes: 10, coldImportMs: [], error: "no node" },
    ],
    machine: { cpus: 2 },
  });
  const json = JSON.parse(JSON.stringify(report));
  for (const key of ["items", "baseline", "optimized", "ratio_items_per_s", "bundle_bytes"]) {
    assert.ok(key in json, key);
  }
  assert.equal(json.bundle_cold_import_ms, 45);
  for (const run of [json.baseline, json.optimized]) {
    for (
      const key of [
        "items_per_s",
        "requests_per_item",
        "requests_by_operation",
        "p50_ms",
        "p95_ms",
        "p99_ms",
        "lambda_invocations",
        "cost_per_million_items_usd",
      ]
    ) {
      assert.ok(key in run, key);
    }
  }
  assert.equal(report.ratio_items_per_s, 8);
  assert.equal(report.bundle_bytes, 1000);
  assert.equal(report.bundle_chosen, "shipped");
  assert.equal(report.bundle_variants[1]?.cold_import_ms_median, null);
  // The CPU target is unmeasured: no before/after was given.
  assert.deepEqual(report.targets.map((t) => t.met), [true, false, true, true, null]);
  assert.match(
    report.targets[1]?.value ?? "",
    /^8\.0x; the local AWS alone serves at most \d+ items\/s at the floor mix, \d+\.\dx this baseline$/,
  );
});

Deno.test("checkTargets() gives the cores' bound on throughput from both runs' CPU per item", () => {
  // 100 items each: 1.2 s of CPU is 12 ms per item, 0.3 s is 3 ms.
  const baseline = reportRun({ ...BASELINE, cpuSeconds: 1.2 }, RATES);
  const optimized = reportRun({ ...OPTIMIZED, cpuSeconds: 0.3 }, RATES);
  const extras = { openLoop: null, ceiling: null, bundles: [], machine: { cpus: 2 } };
  const report = buildReport(baseline, optimized, extras);
  assert.match(
    report.targets[1]?.value ?? "",
    /; all processes use 3\.00 ms of CPU per item \(baseline 12\.00, 4\.0x more\), so 2 cores allow at most 667 items\/s$/,
  );
  const unmeasured = buildReport(reportRun(BASELINE, RATES), optimized, extras);
  assert.doesNotMatch(unmeasured.targets[1]?.value ?? "", /cores allow/);
});

Deno.test("checkTargets() leaves the latency target unmeasured without an open-loop run", () => {
  const report = buildReport(reportRun(BASELINE), reportRun(OPTIMIZED), {
    openLoop: null,
    ceiling: null,
    bundles: [{ name: "b", description: "", bytes: 1, coldImportMs: [70] }],
    machine: {},
  });
  assert.deepEqual(report.targets.map((t) => t.met), [true, false, null, false, null]);
  assert.equal(report.local_aws_alone, null);
});

Deno.test("formatReport() prints a table with every run, operation, ratio and target", () => {
  const report = buildReport(reportRun(BASELINE, RATES), reportRun(OPTIMIZED, RATES), {
    openLoop: null,
    ceiling: { rates: RATES, concurrency: 8 },
    bundles: [{ name: "shipped", description: "", bytes: 2048, coldImportMs: [40] }],
    machine: {},
  });
  const text = formatReport(report);
  const lines = text.split("\n");
  const header = lines.find((l) => l.includes("optimized/baseline")) ?? "";
  assert.match(header, /baseline\s+optimized\s+optimized\/baseline$/);
  assert.match(text, /^items\/s end to end\s+50\.0\s+400\.0\s+8\.00x$/m);
  assert.match(text, /^AWS requests per item\s+13\.10\s+3\.80\s+0\.29x$/m);
  assert.match(text, /^ {2}dynamodb:BatchWriteItem\s+-\s+0\.070$/m);
  assert.match(text, /shipped: 2 KB, cold import 40\.0 ms median of 1 <- shipped/);
  assert.match(text, /\[ MISS\] throughput: >= 10x baseline items\/s/);
  assert.match(text, /\[ {2}- {2}\] p99 latency at offered load/);
  assert.match(text, /Prices: us-east-1 as published \d{4}-\d{2}/);
  // Columns line up: every table row is as wide as the header or narrower.
  const table = lines.slice(lines.indexOf(header), lines.indexOf("", lines.indexOf(header)));
  assert.ok(table.every((l) => l.length <= header.length + 1), "rows fit the header");
});

Deno.test("buildReport() carries CPU per request before/after, AWS latency, scale and soak", () => {
  const baseline = reportRun(BASELINE, RATES);
  const optimized = reportRun(OPTIMIZED, RATES);
  const cpu = (before: number, after: number) => ({
    before_us_per_request: before,
    after_us_per_request: after,
    cpu_ratio: after / before,
    before_requests_per_s: 1e6 / before,
    after_requests_per_s: 1e6 / after,
  });
  const operations = Object.fromEntries(HOT_OPERATIONS.map((name) => [name, cpu(400, 180)]));
  const report = buildReport(baseline, optimized, {
    openLoop: null,
    ceiling: { rates: RATES, concurrency: 8 },
    bundles: [{ name: "b", description: "", bytes: 1, coldImportMs: [40] }],
    machine: {},
    serverCpu: { base: "1520aab", rounds: 2, operations },
    awsLatency: reportAwsLatency({ baseline, optimized, ratioWithout: 8 }),
    scale: reportScale([{ configuration: { services: 2, lambdaConcurrency: 5 }, run: optimized }]),
    soak: summarizeSoak({ samples: [[0, 10]], memory: [], durationS: 60, offeredItemsPerS: 1 }),
  });
  const json = JSON.parse(JSON.stringify(report));
  assert.equal(
    json.local_aws_alone.cpu_per_request.operations["s3:PutObject"].after_us_per_request,
    180,
  );
  assert.equal(json.aws_latency.ratio, 8);
  assert.equal(json.scale[0].services, 2);
  assert.equal(json.soak.minutes.length, 1);
  const cpuCheck = report.targets[report.targets.length - 1];
  assert.equal(cpuCheck?.met, true);
  assert.match(cpuCheck?.value ?? "", /^9 of 9 halved; worst /);

  const slower = buildReport(baseline, optimized, {
    openLoop: null,
    ceiling: { rates: RATES, concurrency: 8 },
    bundles: [],
    machine: {},
    serverCpu: {
      base: "x",
      rounds: 1,
      operations: { ...operations, "dynamodb:PutItem": cpu(500, 400) },
    },
  });
  const miss = slower.targets[slower.targets.length - 1];
  assert.equal(miss?.met, false);
  assert.match(miss?.value ?? "", /^8 of 9 halved; worst dynamodb:PutItem 0\.80x$/);

  const text = formatReport(report);
  assert.match(text, /^ {2}s3:PutObject\s+400\s+180\s+0\.45x\s+2500\s+5556$/m);
  assert.match(text, /As on AWS .*s3 15-45 ms/);
  assert.match(text, /^ {2}baseline 50\.0 items\/s, optimized 400\.0 items\/s: 8\.0x/m);
  assert.match(text, /^ {2}2\s+5\s+400\.0\s+1\.00x/m);
  assert.match(text, /^Soak: 1 items\/s offered for 60 s/m);
});
