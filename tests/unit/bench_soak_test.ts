import assert from "node:assert/strict";
import { type MemorySample, summarizeSoak } from "../../bench/soak.ts";

const MB = 1024 * 1024;

/** A memory sample with every part given (bytes), the rest zero. */
function memory(at_ms: number, parts: Partial<Omit<MemorySample, "at_ms">>): MemorySample {
  return {
    at_ms,
    heap_used: 0,
    heap_total: 0,
    external: 0,
    generator: 0,
    service: 0,
    rss: 0,
    rss_anon: null,
    rss_file: null,
    items: 0,
    ...parts,
  };
}

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
    memory: [
      memory(1_000, { heap_used: 40 * MB, rss: 200 * MB }),
      memory(59_000, { heap_used: 50 * MB, rss: 210 * MB }),
      memory(61_000, { heap_used: 45 * MB, rss: 205 * MB }),
      memory(119_000, { heap_used: 48 * MB, rss: 215 * MB }),
    ],
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

Deno.test("summarizeSoak() breaks each minute's memory down and leaves the rest to the process", () => {
  const soak = summarizeSoak({
    samples: [],
    memory: [
      memory(59_000, {
        heap_used: 30 * MB,
        heap_total: 60 * MB,
        external: 5 * MB,
        generator: 40 * MB,
        service: 25 * MB,
        rss: 300 * MB,
        rss_anon: 250 * MB,
        rss_file: 50 * MB,
        items: 3000,
      }),
    ],
    durationS: 60,
    offeredItemsPerS: 50,
  });
  const minute = soak.minutes[0];
  assert.equal(minute?.kept_items, 3000);
  assert.deepEqual(
    [minute?.heap_total_mb, minute?.external_mb, minute?.generator_mb, minute?.service_mb],
    [60, 5, 40, 25],
  );
  assert.deepEqual([minute?.rss_anon_mb, minute?.rss_file_mb], [250, 50]);
  assert.equal(minute?.rest_mb, 250 - 60 - 5 - 40 - 25);
});

Deno.test("summarizeSoak() leaves the rest unknown when RssAnon could not be read", () => {
  const soak = summarizeSoak({
    samples: [],
    memory: [
      memory(1_000, { rss: 100 * MB, items: 10 }),
      memory(61_000, { rss: 110 * MB, items: 20 }),
    ],
    durationS: 120,
    offeredItemsPerS: 1,
  });
  assert.deepEqual(soak.minutes.map((m) => [m.rss_anon_mb, m.rest_mb]), [[null, null], [
    null,
    null,
  ]]);
  assert.equal(soak.growth_per_item_bytes?.rest, null);
  assert.equal(soak.growth_per_item_bytes?.rss_anon, null);
  assert.equal(soak.growth_per_item_bytes?.rss, Math.round((10 * MB) / 10));
});

Deno.test("summarizeSoak() divides each part's growth by the items kept from the first minute's end to the last's", () => {
  const soak = summarizeSoak({
    samples: [],
    memory: [
      memory(30_000, { rss: 1 * MB, items: 1 }), // not the first minute's last sample
      memory(59_000, {
        heap_used: 40 * MB,
        heap_total: 60 * MB,
        external: 4 * MB,
        generator: 50 * MB,
        service: 20 * MB,
        rss: 400 * MB,
        rss_anon: 300 * MB,
        items: 1000,
      }),
      memory(179_000, {
        heap_used: 40 * MB + 2000 * 1000,
        heap_total: 60 * MB + 3000 * 1000,
        external: 4 * MB + 500 * 1000,
        generator: 50 * MB + 4000 * 1000,
        service: 20 * MB,
        rss: 400 * MB + 9000 * 1000,
        rss_anon: 300 * MB + 8000 * 1000,
        items: 2000,
      }),
    ],
    durationS: 180,
    offeredItemsPerS: 10,
  });
  assert.deepEqual(soak.growth_per_item_bytes, {
    items: 1000,
    rss: 9000,
    rss_anon: 8000,
    heap_used: 2000,
    heap_total: 3000,
    external: 500,
    generator: 4000,
    service: 0,
    rest: 500,
  });
});

Deno.test("summarizeSoak() gives no growth when no item was kept after the first minute", () => {
  const one = summarizeSoak({
    samples: [],
    memory: [memory(1_000, { items: 5 })],
    durationS: 60,
    offeredItemsPerS: 1,
  });
  assert.equal(one.growth_per_item_bytes, null);
  const idle = summarizeSoak({
    samples: [],
    memory: [memory(1_000, { items: 5, rss: MB }), memory(61_000, { items: 5, rss: 2 * MB })],
    durationS: 120,
    offeredItemsPerS: 1,
  });
  assert.equal(idle.growth_per_item_bytes, null);
});

Deno.test("summarizeSoak() reports the data kept per item through", () => {
  const stored = {
    objects: 400,
    object_bytes: 400 * 160,
    items: 400,
    item_bytes: 400 * 110,
    messages: 3,
  };
  const soak = summarizeSoak({
    samples: [],
    memory: [],
    durationS: 60,
    offeredItemsPerS: 1,
    stored,
  });
  assert.deepEqual(soak.stored, stored);
  assert.equal(soak.stored_per_item_bytes, 270);
  const unknown = summarizeSoak({ samples: [], memory: [], durationS: 60, offeredItemsPerS: 1 });
  assert.equal(unknown.stored, null);
  assert.equal(unknown.stored_per_item_bytes, null);
});
