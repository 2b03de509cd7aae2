import assert from "node:assert/strict";
import { AWS_LATENCY, drawLatencyMs, reportAwsLatency } from "../../bench/aws_latency.ts";
import type { RunReport } from "../../bench/report.ts";

Deno.test("drawLatencyMs() draws uniformly within the service's range", () => {
  for (const service of ["s3", "dynamodb", "sqs"] as const) {
    const { minMs, maxMs } = AWS_LATENCY[service];
    assert.equal(drawLatencyMs(service, () => 0), minMs);
    assert.equal(drawLatencyMs(service, () => 0.999999), maxMs);
    const middle = drawLatencyMs(service, () => 0.5);
    assert.ok(middle > minMs && middle < maxMs, `${service}: ${middle}`);
  }
});

Deno.test("drawLatencyMs() holds a service it has no figure for not at all", () => {
  assert.equal(drawLatencyMs("unknown", () => 0.5), 0);
  assert.equal(drawLatencyMs("s3", () => 0.5, { s3: { minMs: 10, maxMs: 20, source: "x" } }), 15);
});

Deno.test("AWS_LATENCY gives every service a source and a sane range", () => {
  for (const range of Object.values(AWS_LATENCY)) {
    assert.ok(range.minMs > 0 && range.maxMs >= range.minMs && range.maxMs < 1000);
    assert.notEqual(range.source, "");
  }
});

Deno.test("reportAwsLatency() gives both runs' rates and the ratio with and without latency", () => {
  const run = (items_per_s: number, p99_ms: number) => ({ items_per_s, p99_ms }) as RunReport;
  const report = reportAwsLatency({
    baseline: run(8, 300),
    optimized: run(200, 900),
    ratioWithout: 4.5,
  });
  assert.equal(report.baseline_items_per_s, 8);
  assert.equal(report.optimized_items_per_s, 200);
  assert.equal(report.ratio, 25);
  assert.equal(report.ratio_without, 4.5);
  assert.equal(report.optimized_p99_ms, 900);
  assert.deepEqual(report.distribution, AWS_LATENCY);
  assert.equal(
    reportAwsLatency({ baseline: run(0, 0), optimized: run(5, 0), ratioWithout: 0 }).ratio,
    0,
  );
});
