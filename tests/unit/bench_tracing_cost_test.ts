import assert from "node:assert/strict";
import type { RunReport } from "../../bench/report.ts";
import { formatTracingCost, tracingCost } from "../../bench/tracing_cost.ts";

function runOf(itemsPerSecond: number, p99: number, cpuMsPerItem?: number): RunReport {
  return {
    items_per_s: itemsPerSecond,
    p99_ms: p99,
    ...(cpuMsPerItem === undefined ? {} : { cpu_ms_per_item: cpuMsPerItem }),
  } as RunReport;
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
    spread_percent: { off: 55, on: 58.33 },
    cost_percent: 40,
    cpu_ms_per_item: null,
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
      "  runs: off 200.0; on 170.0 items/s (spread off 0.0 %, on 0.0 %)",
  );
});

Deno.test("tracingCost() compares the median CPU per item of all processes, off and on", () => {
  const cost = tracingCost(
    [runOf(200, 150, 10), runOf(190, 150, 12), runOf(210, 150, 11)],
    [runOf(180, 160, 11.5), runOf(200, 160, 12.1), runOf(170, 160, 13)],
  );
  assert.deepEqual(cost.cpu_ms_per_item, {
    off: 11,
    on: 12.1,
    runs: { off: [10, 12, 11], on: [11.5, 12.1, 13] },
    cost_percent: 10,
  });
  assert.match(
    formatTracingCost(cost),
    /CPU of all processes per item: off 11\.00 ms, on 12\.10 ms \(\+10\.0 %\); runs: off 10\.00, 12\.00, 11\.00; on 11\.50, 12\.10, 13\.00 ms$/,
  );
  // A run without its CPU time leaves the comparison out.
  assert.equal(
    tracingCost([runOf(200, 150, 10), runOf(200, 150)], [runOf(1, 1, 1)]).cpu_ms_per_item,
    null,
  );
});
