/**
 * How the dashboard holds up under load: N laptops through the whole
 * pipeline (generator, Lambda runner, service as real processes) with the
 * page open in chromium, then a fresh page on the full state.
 *
 * ```sh
 * deno run <the test:browser task's permissions> tests/browser/measure_dashboard.ts --count 10000
 * ```
 *
 * Prints: the pipeline's time, push-to-paint latency while it runs (p50,
 * p95, max), the page's long tasks, the first render of a fresh page with N
 * laptops traced, the API's answer times and the process's heap.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { startLocalAws } from "../../local/local_aws.ts";
import { adminEnv, runTask, startBundleRunner, tempDir } from "../_helpers/e2e.ts";
import { browserMissing, type BrowserPage, openPage } from "./_browser.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { count: { type: "string", default: "10000" } },
});
const count = Number(values.count);

const LONG_TASKS = `(() => {
  window.__long = { count: 0, totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.__long.count++;
      window.__long.totalMs += entry.duration;
      window.__long.maxMs = Math.max(window.__long.maxMs, entry.duration);
    }
  }).observe({ type: "longtask", buffered: true });
  return true;
})()`;

function stats(values: number[]): string {
  const sorted = values.slice().sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${sorted.at(-1)} ms (${values.length} pushes)`;
}

async function timed(url: string): Promise<string> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  return `${(performance.now() - started).toFixed(1)} ms, ${(body.length / 1024).toFixed(1)} KiB`;
}

/** Runs `count` laptops through the pipeline as processes; returns their file name stem. */
async function runPipeline(
  page: BrowserPage,
  env: Record<string, string>,
  count: number,
): Promise<string> {
  const started = performance.now();
  const service = runTask("service", [
    "--max-messages",
    String(count),
    "--wait",
    "20",
    "--json",
  ], env);
  const stem = `measure-${crypto.randomUUID().slice(0, 8)}`;
  const generated = await runTask("generate", [
    `${stem}.json`,
    "--count",
    String(count),
  ], env);
  for await (const entry of Deno.readDir("out")) {
    if (entry.name.startsWith(`${stem}-`)) await Deno.remove(`out/${entry.name}`);
  }
  if (generated.code !== 0) throw new Error(`generate failed: ${generated.stderr}`);
  console.log(`generated: ${generated.stdout.trim()}`);
  const handled = await service;
  if (handled.code !== 0) throw new Error(`service failed: ${handled.stderr.slice(-500)}`);
  const seconds = (performance.now() - started) / 1000;
  await page.waitFor(
    `document.getElementById('main-svc').textContent.replace(/,/g, '').startsWith('${count}')`,
    60_000,
  );
  console.log(
    `pipeline: ${count} laptops generated, updated and handled in ${seconds.toFixed(1)} s`,
  );
  return stem;
}

/** Prints what the page measured while the pipeline ran. */
async function reportWhileRunning(page: BrowserPage): Promise<void> {
  const latencies = await page.evaluate<number[]>("window.__dashboard.latencies");
  const long = await page.evaluate<{ count: number; totalMs: number; maxMs: number }>(
    "window.__long",
  );
  console.log(`while running: push→paint ${stats(latencies)}`);
  const draws = await page.evaluate<number[]>("window.__dashboard.drawMs");
  console.log(`while running: drawing one push took ${stats(draws)}`);
  console.log(
    `while running: ${long.count} long tasks (>50 ms) on the page, ` +
      `longest ${long.maxMs} ms, ${long.totalMs} ms in all`,
  );
}

/** Prints how a fresh page on the full state draws: figures, list, a trace, a search. */
async function reportFreshPage(page: BrowserPage, count: number, stem: string): Promise<void> {
  const first = await page.waitFor<number>("window.__dashboard?.firstRenderMs");
  await page.waitFor("document.querySelectorAll('#laptop-list li button').length === 50");
  const listShown = await page.evaluate<number>("Math.round(performance.now())");
  console.log(
    `fresh page with ${count} laptops: loaded in ${page.loadMs} ms, first figures at ` +
      `${first} ms, laptop list at ${listShown} ms`,
  );
  const clickStarted = await page.evaluate<number>(
    "(() => { document.querySelector('#laptop-list li button').click(); return performance.now(); })()",
  );
  const traceShown = await page.waitFor<number>(
    "document.querySelector('#timeline li[data-kind=\"handled\"]') && performance.now()",
  );
  console.log(
    `trace of a laptop drawn ${Math.round(traceShown - clickStarted)} ms after the click`,
  );
  const before = await page.evaluate<string>("document.getElementById('page-info').textContent");
  const searchStarted = await page.evaluate<number>(
    "(() => { const q = document.getElementById('q'); q.value = '" + stem + "-99'; " +
      "q.dispatchEvent(new Event('input')); return performance.now(); })()",
  );
  const searched = await page.waitFor<number>(
    `document.getElementById('page-info').textContent !== ${JSON.stringify(before)} && ` +
      "performance.now()",
  );
  console.log(
    `search "${stem}-99" over ${count} laptops: list redrawn ${
      Math.round(searched - searchStarted)
    } ms after typing (150 ms of it is the typing debounce): ${await page.evaluate(
      "document.getElementById('page-info').textContent",
    )}`,
  );
}

/** Prints the dashboard API's answer times. */
async function reportApi(url: string): Promise<void> {
  console.log(`api/snapshot: ${await timed(`${url}api/snapshot`)}`);
  console.log(`api/laptops (first page): ${await timed(`${url}api/laptops`)}`);
  console.log(
    `api/laptops?q=measure&offset=9000: ${await timed(
      `${url}api/laptops?q=measure&offset=9000`,
    )}`,
  );
  console.log(
    `api/laptops?filter=failed: ${await timed(`${url}api/laptops?filter=failed`)}`,
  );
}

async function main(): Promise<number> {
  const missing = await browserMissing();
  if (missing !== undefined) {
    console.error(`Cannot measure: ${missing}`);
    return 1;
  }
  const dir = await tempDir("measure-");
  const aws = await startLocalAws({ port: 0, inMemory: true, dashboard: true });
  let page: BrowserPage | undefined;
  try {
    const dashboard = aws.dashboard!;
    await using runner = await startBundleRunner(dir, {
      endpoint: aws.endpoint,
      onInvoke: (report) => dashboard.observeInvocation(report),
      logger: () => {},
    });
    dashboard.attachLambda(runner);
    const env = adminEnv(aws.endpoint);
    const heapBefore = Deno.memoryUsage().heapUsed;
    page = await openPage(dashboard.url);
    await page.waitFor("window.__dashboard?.firstRenderMs");
    await page.evaluate(LONG_TASKS);
    console.log(
      `empty page: first figures at ${await page.evaluate("window.__dashboard.firstRenderMs")} ms`,
    );

    const stem = await runPipeline(page, env, count);
    await reportWhileRunning(page);
    await page.close();

    page = await openPage(dashboard.url);
    await reportFreshPage(page, count, stem);

    await reportApi(dashboard.url);
    const heapAfter = Deno.memoryUsage().heapUsed;
    console.log(
      `heap of the local AWS process: ${(heapBefore / 2 ** 20).toFixed(0)} MiB before, ` +
        `${(heapAfter / 2 ** 20).toFixed(0)} MiB after (emulators' data included)`,
    );
    return 0;
  } finally {
    await page?.close();
    await aws.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

Deno.exitCode = await main();
