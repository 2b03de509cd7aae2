import assert from "node:assert/strict";
import { resolveFaultConfig } from "../../local/faults/_config.ts";
import { createRandom, decideFault } from "../../local/faults/_plan.ts";

Deno.test("createRandom() repeats its sequence for a seed and stays in [0, 1)", () => {
  const a = createRandom(7);
  const b = createRandom(7);
  const c = createRandom(8);
  const first = Array.from({ length: 1000 }, a);
  assert.deepEqual(first, Array.from({ length: 1000 }, b));
  assert.notDeepEqual(first.slice(0, 10), Array.from({ length: 10 }, c));
  assert.ok(first.every((x) => x >= 0 && x < 1));
  const mean = first.reduce((sum, x) => sum + x, 0) / first.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
});

Deno.test("decideFault() fails the configured share of requests, split by kind", () => {
  const config = resolveFaultConfig({ faultRate: 0.1 });
  const random = createRandom(123);
  const counts = { error: 0, throttle: 0, drop: 0, none: 0, alternate: 0 };
  const n = 30_000;
  for (let i = 0; i < n; i++) {
    const decision = decideFault(config, random);
    counts[decision.kind ?? "none"]++;
    if (decision.alternate) counts.alternate++;
  }
  const share = (k: number) => k / n;
  assert.ok(Math.abs(share(n - counts.none) - 0.1) < 0.01, JSON.stringify(counts));
  for (const kind of ["error", "throttle", "drop"] as const) {
    assert.ok(Math.abs(share(counts[kind]) - 0.1 / 3) < 0.006, `${kind}: ${counts[kind]}`);
  }
  assert.ok(Math.abs(share(counts.alternate) - 0.5) < 0.02);
});

Deno.test("decideFault() is deterministic for a seed", () => {
  const config = resolveFaultConfig({ faultRate: 0.5, latencyMs: 1, latencyJitterMs: 9 });
  const run = () => {
    const random = createRandom(99);
    return Array.from({ length: 200 }, () => decideFault(config, random));
  };
  assert.deepEqual(run(), run());
});

Deno.test("decideFault() adds latency within the configured range", () => {
  const config = resolveFaultConfig({ latencyMs: 10, latencyJitterMs: 5 });
  const random = createRandom(5);
  const latencies = Array.from({ length: 2000 }, () => decideFault(config, random).latencyMs);
  assert.equal(Math.min(...latencies), 10);
  assert.equal(Math.max(...latencies), 15);
  assert.ok(latencies.every(Number.isInteger));
});

Deno.test("decideFault() at rate 1 always fails, at rate 0 never", () => {
  const random = createRandom(1);
  const always = resolveFaultConfig({ throttleRate: 1 });
  const never = resolveFaultConfig({});
  for (let i = 0; i < 100; i++) {
    assert.equal(decideFault(always, random).kind, "throttle");
    assert.equal(decideFault(never, random).kind, undefined);
  }
});
