import assert from "node:assert/strict";
import { reportScale, SCALE_CONFIGURATIONS } from "../../bench/scale.ts";
import type { RunReport } from "../../bench/report.ts";

Deno.test("SCALE_CONFIGURATIONS runs 1, 2 and 4 services, each with Lambda concurrency 2 and 5", () => {
  assert.deepEqual(
    SCALE_CONFIGURATIONS.map((c) => `${c.services}x${c.lambdaConcurrency}`),
    ["1x2", "1x5", "2x2", "2x5", "4x2", "4x5"],
  );
});

Deno.test("reportScale() gives each run's figures and its speed-up over the first", () => {
  const run = (items_per_s: number, duplicates: number, lost: number) =>
    ({ items_per_s, duplicates, lost, p99_ms: 500, requests_per_item: 3.8 }) as RunReport;
  const rows = reportScale([
    { configuration: { services: 1, lambdaConcurrency: 2 }, run: run(200, 0, 0) },
    { configuration: { services: 2, lambdaConcurrency: 5 }, run: run(300, 3, 1) },
  ]);
  assert.deepEqual(rows.map((r) => [r.services, r.lambda_max_concurrency, r.speedup]), [
    [1, 2, 1],
    [2, 5, 1.5],
  ]);
  assert.equal(rows[1]?.duplicates, 3);
  assert.equal(rows[1]?.lost, 1);
  assert.deepEqual(reportScale([]), []);
});
