import assert from "node:assert/strict";
import { sampleMemory, statusKb } from "../../bench/_memory_sampler.ts";

const STATUS = [
  "Name:\tdeno",
  "VmRSS:\t  547252 kB",
  "RssAnon:\t  489752 kB",
  "RssFile:\t   57500 kB",
  "RssShmem:\t       0 kB",
  "Threads:\t6",
].join("\n");

Deno.test("statusKb() reads a kB field of /proc/<pid>/status in bytes", () => {
  assert.equal(statusKb(STATUS, "RssAnon"), 489752 * 1024);
  assert.equal(statusKb(STATUS, "RssFile"), 57500 * 1024);
  assert.equal(statusKb(STATUS, "RssShmem"), 0);
});

Deno.test("statusKb() gives null for a field that is missing or not in kB", () => {
  assert.equal(statusKb(STATUS, "VmSwap"), null);
  assert.equal(statusKb(STATUS, "Threads"), null);
  assert.equal(statusKb(STATUS, "Rss"), null);
});

Deno.test("sampleMemory() samples at start and at stop, with the workers' last reports summed by kind", async () => {
  let items = 0;
  const sampler = sampleMemory({
    everyMs: 3_600_000,
    collect: false,
    items: () => items,
    readStatus: () => Promise.resolve(STATUS),
  });
  sampler.worker("generator", "generator", 10);
  sampler.worker("service", "0", 20);
  sampler.worker("service", "1", 30);
  sampler.worker("service", "0", 25); // a later report replaces the earlier
  items = 7;
  await sampler.stop();
  await sampler.stop(); // once only
  assert.equal(sampler.samples.length, 2);
  const [first, last] = sampler.samples;
  assert.deepEqual([first?.generator, first?.service, first?.items], [0, 0, 0]);
  assert.deepEqual([last?.generator, last?.service, last?.items], [10, 55, 7]);
  assert.deepEqual([last?.rss_anon, last?.rss_file], [489752 * 1024, 57500 * 1024]);
  assert.ok((last?.heap_total ?? 0) >= (last?.heap_used ?? 0) && (last?.rss ?? 0) > 0);
});

Deno.test("sampleMemory() leaves RssAnon and RssFile null when the status cannot be read", async () => {
  const sampler = sampleMemory({
    everyMs: 3_600_000,
    collect: false,
    items: () => 0,
    readStatus: () => Promise.resolve(undefined),
  });
  await sampler.stop();
  assert.deepEqual(sampler.samples.map((s) => [s.rss_anon, s.rss_file]), [[null, null], [
    null,
    null,
  ]]);
});
