import assert from "node:assert/strict";
import { summarizeSoak } from "../../bench/soak.ts";

const MB = 1024 * 1024;

Deno.test("summarizeSoak() puts each item in the minute it started, with that minute's percentiles", () => {
  const samples: [number, number][] = [];
  for (let i = 0; i < 100; i++) samples.push([i * 100, i + 1]); // minute 1: 1..100 ms
  for (let i = 0; i < 100; i++) samples.push([60_000 + i * 100, 1000]); // minute 2: 1 s
  const soak = summarizeSoak({ samples, memory: [], durationS: 120, offeredItemsPerS: 10 });
  assert.equal(soak.minutes.length, 2);
  assert.deepEqual(soak.minutes.map((m) => [m.minute, m.items]), [[1, 100], [2, 100]]);
  assert.equal(soak.minutes[0]?.p50_ms, 50);
  assert.equal(soak.minutes[0]?.p99_ms, 99);
  assert.equal(soak.minutes[1]?.p95_ms, 1000);
});

Deno.test("summarizeSoak() takes each minute's last memory sample and the heap's growth", () => {
  const soak = summarizeSoak({
    samples: [],
    memory: [[1_000, 40 * MB, 200 * MB], [59_000, 50 * MB, 210 * MB], [61_000, 45 * MB, 205 * MB], [
      119_000,
      48 * MB,
      215 * MB,
    ]],
    durationS: 120,
    offeredItemsPerS: 10,
  });
  assert.deepEqual(soak.minutes.map((m) => [m.heap_mb, m.rss_mb]), [[50, 210], [48, 215]]);
  assert.equal(soak.heap_growth_mb, -2);
});

Deno.test("summarizeSoak() keeps items that finish after the last minute in the last minute", () => {
  const soak = summarizeSoak({
    samples: [[130_000, 5]],
    memory: [],
    durationS: 120,
    offeredItemsPerS: 1,
  });
  assert.equal(soak.minutes.length, 2);
  assert.equal(soak.minutes[1]?.items, 1);
  assert.equal(soak.minutes[0]?.items, 0);
});
