import assert from "node:assert/strict";
import type { RunReport } from "../../bench/report.ts";
import { formatTracingCost, tracingCost } from "../../bench/tracing_cost.ts";

function runOf(itemsPerSecond: number, p99: number): RunReport {
  return { items_per_s: itemsPerSecond, p99_ms: p99 } as RunReport;
}

Deno.test("tracingCost() compares the medians of the runs against the 10 % target", () => {
  const cost = tracingCost(
    [runOf(200, 150), runOf(260, 100), runOf(150, 300)],
    [runOf(190, 160), runOf(120, 400)],
  );
  assert.deepEqual(cost, {
    off_items_per_s: 200,
    on_items_per_s: 120,
    runs_items_per_s: { off: [200, 260, 150], on: [190, 120] },
    cost_percent: 40,
    p99_ms: { off: 150, on: 160 },
    within_target: false,
  });
  assert.equal(tracingCost([runOf(200, 150)], [runOf(190, 160)]).within_target, true);
  assert.equal(tracingCost([runOf(200, 150)], [runOf(210, 140)]).cost_percent, -5);
  assert.throws(() => tracingCost([], [runOf(1, 1)]), RangeError);
});

Deno.test("formatTracingCost() says both medians, each run and the verdict", () => {
  assert.equal(
    formatTracingCost(tracingCost([runOf(200, 150)], [runOf(170, 160.4)])),
    "Tracing (the optimized run, each program exporting its spans to the local AWS; medians):\n" +
      "  off 200.0 items/s (p99 150 ms), on 170.0 items/s (p99 160 ms): costs 15.0 %, " +
      "above the 10 % target\n" +
      "  runs: off 200.0; on 170.0 items/s",
  );
});
