import assert from "node:assert/strict";
import { percentile } from "../../lib/percentile.ts";
import { summarizeLatencies } from "../../bench/percentiles.ts";

Deno.test("percentile() takes the nearest rank, whatever the order", () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 .. 1
  assert.equal(percentile(values, 50), 50);
  assert.equal(percentile(values, 95), 95);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile(values, 100), 100);
  assert.equal(percentile([5, 1, 4, 2, 3], 50), 3);
  assert.equal(percentile([7], 99), 7);
  assert.deepEqual(values.slice(0, 2), [100, 99], "the input is not sorted in place");
});

Deno.test("percentile() rejects no values and a percentile out of range", () => {
  assert.throws(() => percentile([], 50), RangeError);
  assert.throws(() => percentile([1], 0), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
  assert.throws(() => percentile([1], Number.NaN), RangeError);
});

Deno.test("summarizeLatencies() gives p50, p95, p99 and max, and zeros for no values", () => {
  const values = Array.from({ length: 1000 }, (_, i) => i + 1);
  assert.deepEqual(summarizeLatencies(values), {
    count: 1000,
    p50: 500,
    p95: 950,
    p99: 990,
    max: 1000,
  });
  assert.deepEqual(summarizeLatencies([]), { count: 0, p50: 0, p95: 0, p99: 0, max: 0 });
});
