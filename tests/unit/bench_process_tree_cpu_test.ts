import assert from "node:assert/strict";
import { descendantPids, statCpuTicks } from "../../bench/process_tree_cpu.ts";

Deno.test("descendantPids() finds children and grandchildren, not siblings or the root", () => {
  const ps = ["  1     0", " 10     1", " 11    10", " 12    11", " 13     1", " 14    10", ""]
    .join("\n");
  assert.deepEqual(descendantPids(10, ps), [11, 14, 12]);
  assert.deepEqual(descendantPids(13, ps), []);
  assert.deepEqual(descendantPids(99, ps), []);
});

Deno.test("statCpuTicks() sums utime, stime, cutime and cstime of each line", () => {
  const stats = [
    "42 (deno) S 1 42 42 0 -1 4194560 10 0 0 0 150 30 7 3 20 0 1 0",
    "43 (node (x) y) R 42 42 42 0 -1 4194560 10 0 0 0 5 6 0 1 20 0 1 0",
    "",
  ].join("\n");
  assert.equal(statCpuTicks(stats), 150 + 30 + 7 + 3 + 5 + 6 + 0 + 1);
  assert.equal(statCpuTicks(""), 0);
  assert.throws(() => statCpuTicks("42 (deno) S 1 42"), TypeError);
});
