/**
 * `deno task bench [--items N] [--json] [--rate R]`: N items through the
 * whole pipeline on a local AWS in memory, with the seed's call pattern
 * (baseline) and with the project's defaults (optimized), in the same run;
 * then an open-loop run at R items/s. See `--help`.
 *
 * How it runs: each run gets a fresh local AWS (in memory, ephemeral port)
 * on this process's main thread; the Lambda runs as AWS runs it, a bundle
 * under Node.js behind the local event source mapping; the generator and the
 * service are the lib's own functions (`generateLaptops`, `pollUpdates`)
 * called in process, each in a Web Worker (own thread and V8 isolate).
 *
 * @module
 */

import { buildLambda, LAMBDA_BUNDLE } from "../lib/build_lambda.ts";
import { bundle } from "../lib/bundle.ts";
import { parseCommandLine, parseNumber, runProgram } from "../lib/cli.ts";
import { latencyChartSvg } from "./chart.ts";
import { PRICES } from "./cost.ts";
import { formatReport } from "./format_report.ts";
import { formatTracingCost, type TracingCost, tracingCost } from "./tracing_cost.ts";
import {
  type BenchReport,
  buildReport,
  type BundleVariant,
  reportRun,
  type RunReport,
} from "./report.ts";
import { coldImportTimes } from "./_bundle.ts";
import { measureCeiling } from "./_ceiling.ts";
import { type RunMeasurement, runPipeline, type RunSettings } from "./_run.ts";
import { UsageError } from "../lib/errors.ts";
import { reportAwsLatency } from "./aws_latency.ts";
import { formatSections } from "./format_sections.ts";
import { reportScale } from "./scale.ts";
import { summarizeSoak } from "./soak.ts";
import {
  measureCpuBeforeAfter,
  runAsOnAws,
  runOpenLoop,
  runScale,
  runTracingPairs,
} from "./_extra_runs.ts";

const USAGE = `Usage: deno task bench [options]

Runs N items through the whole pipeline (generator -> S3 + DynamoDB -> upload
queue -> Lambda -> update queue -> service) on a local AWS in memory, twice:
baseline (the seed's call pattern) and optimized (the project's defaults);
then the optimized pipeline open loop at R items/s. Prints a table, writes
bench/out/report.txt, report.json and latency.svg.

Options:
  --items N       items per run (default 1000)
  --rate R        open-loop run at R items/s offered (default 100; 0 skips it)
  --rate-items M  items of the open-loop run (default N, at most 15 s of load)
  --aws-latency on|off
                  also run baseline and optimized with each call held for a
                  latency of AWS in a region (bench/aws_latency.ts; default on)
  --scale on|off  also run optimized with 1, 2, 4 service instances and the
                  Lambda's MaximumConcurrency 2 and 5 (default on)
  --base DIR      a checkout of the base commit (git worktree add DIR <commit>,
                  then deno install in it): server CPU per request of its
                  local AWS (before) and this tree's (after), per operation
  --duration S    soak instead: optimized, open loop at --rate items/s for S
                  seconds; latency percentiles and the process's memory per
                  minute, broken down (the local AWS's heap, its reserve and
                  external memory, the workers, the rest), its growth per item
                  kept and the data the local AWS keeps (nothing else runs)
  --json          print one JSON object on stdout instead of the table
  -h, --help      show this help`;

const OUT_DIR = "bench/out";
const SEED_BUNDLE = `${OUT_DIR}/seed_update_item.mjs`;
const COLD_IMPORT_RUNS = 9;
const LAMBDA_MEMORY_MB = 256;

/** The bench's command line; `undefined` after `--help`. */
function parseBenchArgs(args: string[]) {
  const line = parseCommandLine(args, {
    usage: USAGE,
    options: {
      items: { type: "string", default: "1000" },
      rate: { type: "string", default: "100" },
      "rate-items": { type: "string" },
      "aws-latency": { type: "string", default: "on" },
      scale: { type: "string", default: "on" },
      base: { type: "string" },
      duration: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (line === undefined) return undefined;
  const { values } = line;
  const items = parseNumber(values.items, { flag: "items", min: 10, max: 1_000_000 });
  const rate = parseNumber(values.rate, {
    flag: "rate",
    min: 0,
    max: 10_000,
    whole: false,
    unit: "items per second",
  });
  const rateItems = values["rate-items"] === undefined
    ? Math.min(items, Math.max(10, Math.round(rate * 15)))
    : parseNumber(values["rate-items"], { flag: "rate-items", min: 10 });
  for (const flag of ["aws-latency", "scale"] as const) {
    if (values[flag] !== "on" && values[flag] !== "off") {
      throw new UsageError(`Invalid --${flag} ${values[flag]}: give on or off`);
    }
  }
  const duration = values.duration === undefined
    ? undefined
    : parseNumber(values.duration, { flag: "duration", min: 10, unit: "seconds" });
  if (duration !== undefined && rate <= 0) {
    throw new UsageError("Invalid --rate 0 with --duration: the soak needs an offered rate");
  }
  return { items, rate, rateItems, duration, values };
}

async function main(args: string[]): Promise<number> {
  const benchArgs = parseBenchArgs(args);
  if (benchArgs === undefined) return 0;
  const { items, rate, rateItems, duration, values } = benchArgs;
  const say = (text: string) => {
    if (!values.json || Deno.stderr.isTerminal()) console.error(text);
  };

  const loadAtStart = loadAverage();
  await Deno.mkdir(OUT_DIR, { recursive: true });
  say("Building the Lambda bundle (deno task build)...");
  await buildLambda();

  const { baselineSettings, optimizedSettings } = runSettings(items);
  const failures: string[] = [];
  if (duration !== undefined) {
    return await soakOnly(optimizedSettings);
  }

  say("Bundling the baseline Lambda and the bundle variants...");
  const bundles = await measureBundles(say);

  // The local AWS alone, measured before and after the runs: other load on
  // the machine can only lower a rate, so each operation keeps its best.
  const ceilingOptions = { clients: 1, concurrency: 8, durationMs: 700 };
  say("Measuring the local AWS alone (1 of 2)...");
  const ceilingBefore = await measureCeiling(ceilingOptions);

  const runs: RunMeasurement[] = [];
  for (const settings of [baselineSettings, optimizedSettings]) {
    runs.push(await run(settings));
  }
  const tracingRuns = await runTracingPairs(run, optimizedSettings);
  const openLoopRun = rate > 0
    ? await runOpenLoop(run, optimizedSettings, { rate, items: rateItems })
    : null;

  // As on AWS, scaled out, and the server's CPU before and after (issue 15).
  const latencyRuns = values["aws-latency"] === "on"
    ? await runAsOnAws(run, { baseline: baselineSettings, optimized: optimizedSettings })
    : null;
  const scaleRuns = values.scale === "on" ? await runScale(run, optimizedSettings) : [];
  if (values.base !== undefined) {
    say(`Measuring server CPU per request: ${values.base} (before) and this tree (after)...`);
  }
  const serverCpu = values.base === undefined ? null : await measureCpuBeforeAfter(values.base);

  say("Measuring the local AWS alone (2 of 2)...");
  const ceilingAfter = await measureCeiling(ceilingOptions);
  const ceiling = {
    concurrency: ceilingOptions.concurrency,
    rates: bestRates(ceilingBefore, ceilingAfter),
  };
  const samples = new Map<RunReport, [number, number][]>();
  const reportOf = (measurement: RunMeasurement) => {
    const runReport = reportRun(measurement, ceiling.rates);
    samples.set(runReport, measurement.samples);
    return runReport;
  };
  const [baseline, optimized] = (runs as [RunMeasurement, RunMeasurement]).map(reportOf) as [
    RunReport,
    RunReport,
  ];
  const openLoop = openLoopRun ? reportOf(openLoopRun) : null;
  const tracing = tracingCost(tracingRuns.off.map(reportOf), tracingRuns.on.map(reportOf));
  const report = buildReport(baseline, optimized, {
    openLoop,
    ceiling,
    bundles,
    machine: await machine(loadAtStart),
    prices: PRICES,
    serverCpu,
    awsLatency: latencyRuns === null ? null : reportAwsLatency({
      baseline: reportRun(latencyRuns[0]),
      optimized: reportRun(latencyRuns[1]),
      ratioWithout: optimized.items_per_s / Math.max(1e-9, baseline.items_per_s),
    }),
    scale: scaleRuns.length === 0 ? null : reportScale(
      scaleRuns.map((r) => ({ configuration: r.configuration, run: reportRun(r.run) })),
    ),
  });
  await writeReport({ ...report, tracing }, {
    samples,
    baseline,
    optimized,
    openLoop,
    items,
    rate,
    json: values.json,
  });
  for (const failure of failures) console.error(failure);
  return failures.length > 0 ? 1 : 0;

  /** The soak: optimized, open loop at `rate` for `duration` seconds; nothing else. */
  async function soakOnly(optimizedSettings: RunSettings): Promise<number> {
    const seconds = duration ?? 0;
    const soakRun = await run({
      ...optimizedSettings,
      name: "soak",
      soak: true,
      items: Math.round(rate * seconds),
      generator: { ...optimizedSettings.generator, concurrency: 256, ratePerSecond: rate },
      timeoutMs: seconds * 1000 * 3,
    });
    const soak = summarizeSoak({
      samples: soakRun.samples,
      memory: soakRun.memory ?? [],
      durationS: seconds,
      offeredItemsPerS: rate,
      stored: soakRun.stored ?? null,
    });
    const soakReport = { soak, run: reportRun(soakRun), machine: await machine(loadAtStart) };
    await Deno.writeTextFile(`${OUT_DIR}/soak.json`, JSON.stringify(soakReport, null, 2) + "\n");
    if (values.json) console.log(JSON.stringify(soakReport));
    else {
      console.log(formatSections({ soak }).join("\n"));
      console.log(`Report: ${OUT_DIR}/soak.json`);
    }
    for (const failure of failures) console.error(failure);
    return failures.length > 0 ? 1 : 0;
  }

  async function run(settings: RunSettings): Promise<RunMeasurement> {
    const label = settings.generator.ratePerSecond > 0
      ? `${settings.name} (${settings.generator.ratePerSecond} items/s offered)`
      : settings.name;
    say(`Running ${label}: ${settings.items} items...`);
    const interactive = Deno.stderr.isTerminal();
    const measurement = await runPipeline(settings, (handled) => {
      if (interactive) {
        Deno.stderr.writeSync(new TextEncoder().encode(`\r  ${handled}/${settings.items} handled`));
      }
    });
    if (interactive) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
    const runReport = reportRun(measurement);
    if (measurement.handled < settings.items || measurement.timedOut) {
      failures.push(
        `Benchmark run ${label} lost items: ${measurement.handled} of ${settings.items} handled` +
          (measurement.timedOut ? " before the timeout" : ""),
      );
    }
    for (const failure of measurement.failures.slice(0, 10)) {
      failures.push(`Benchmark run ${label}: ${failure}`);
    }
    say(
      `  ${runReport.items_per_s.toFixed(1)} items/s, ${
        runReport.requests_per_item.toFixed(2)
      } requests/item, ` +
        `p99 ${Math.round(runReport.p99_ms)} ms`,
    );
    return measurement;
  }
}

/** The settings of the two closed-loop runs: the seed's call pattern and the project's defaults. */
function runSettings(
  items: number,
): { baselineSettings: RunSettings; optimizedSettings: RunSettings } {
  const timeoutMs = Math.max(120_000, items * 100);
  const baselineSettings: RunSettings = {
    name: "baseline",
    items,
    generator: {
      concurrency: 1,
      itemBatchSize: 1,
      messageBatchSize: 1,
      queueUrlPerSend: true,
      ratePerSecond: 0,
    },
    lambda: {
      code: SEED_BUNDLE,
      batchSize: 1,
      maximumBatchingWindowSeconds: 0,
      maximumConcurrency: 2,
      memoryMb: LAMBDA_MEMORY_MB,
    },
    service: { batchSize: 1, batchGet: false },
    timeoutMs,
  };
  const optimizedSettings: RunSettings = {
    name: "optimized",
    items,
    // deno task generate --count N: concurrency 16, 25 items per BatchWriteItem.
    generator: {
      concurrency: 16,
      itemBatchSize: 25,
      messageBatchSize: 10,
      queueUrlPerSend: false,
      ratePerSecond: 0,
    },
    // RESOURCES.updateFunction: batch 10, no batching window, 2 at once.
    lambda: {
      code: LAMBDA_BUNDLE.output,
      batchSize: 10,
      maximumBatchingWindowSeconds: 0,
      maximumConcurrency: 2,
      memoryMb: LAMBDA_MEMORY_MB,
    },
    // pollUpdates defaults: 10 per receive, one BatchGetItem per batch.
    service: { batchSize: 10, batchGet: true },
    timeoutMs,
  };

  return { baselineSettings, optimizedSettings };
}

/** What {@linkcode writeReport} draws and prints besides the report. */
interface ReportOutput {
  readonly samples: ReadonlyMap<RunReport, [number, number][]>;
  readonly baseline: RunReport;
  readonly optimized: RunReport;
  readonly openLoop: RunReport | null;
  readonly items: number;
  readonly rate: number;
  readonly json: boolean;
}

/** Writes the report (text, JSON) and the latency chart to bench/out, and prints it. */
async function writeReport(
  report: BenchReport & { tracing: TracingCost },
  output: ReportOutput,
): Promise<void> {
  const { samples, baseline, optimized, openLoop, items, rate, json } = output;
  const text = `${formatReport(report)}\n\n${formatTracingCost(report.tracing)}`;
  const svg = latencyChartSvg(
    [
      {
        name: `baseline: ${baseline.items_per_s.toFixed(1)} items/s`,
        color: "#c0392b",
        samples: samples.get(baseline) ?? [],
      },
      {
        name: `optimized: ${optimized.items_per_s.toFixed(1)} items/s`,
        color: "#2471a3",
        samples: samples.get(optimized) ?? [],
      },
      ...(openLoop
        ? [{
          name: `optimized, open loop at ${rate} items/s offered`,
          color: "#1e8449",
          samples: samples.get(openLoop) ?? [],
        }]
        : []),
    ],
    { title: `Latency from generate to handled, ${items.toLocaleString("en-US")} items per run` },
  );
  await Deno.writeTextFile(`${OUT_DIR}/report.txt`, text);
  await Deno.writeTextFile(`${OUT_DIR}/report.json`, JSON.stringify(report, null, 2) + "\n");
  await Deno.writeTextFile(`${OUT_DIR}/latency.svg`, svg);
  if (json) {
    console.log(JSON.stringify(report));
  } else {
    console.log(text);
    console.log(
      `Report: ${OUT_DIR}/report.txt, ${OUT_DIR}/report.json; chart: ${OUT_DIR}/latency.svg`,
    );
  }
}

/** Builds the seed's Lambda for the baseline and the variants, times their imports, says each. */
async function measureBundles(say: (text: string) => void): Promise<BundleVariant[]> {
  await bundle({ entry: "bench/_seed_update_item.ts", output: SEED_BUNDLE, conditions: "module" });
  const variants: BundleVariant[] = [];
  const add = async (name: string, description: string, path: string) => {
    const { size } = await Deno.stat(path);
    try {
      variants.push({
        name,
        description,
        bytes: size,
        coldImportMs: await coldImportTimes(path, COLD_IMPORT_RUNS),
      });
    } catch (error) {
      variants.push({
        name,
        description,
        bytes: size,
        coldImportMs: [],
        error: (error as Error).message,
      });
    }
  };
  await add(
    "bundled, ES module builds",
    "deno task build: SDK bundled and tree-shaken, package condition `module` (the SDK's ES builds)",
    LAMBDA_BUNDLE.output,
  );
  const nodeCondition = `${OUT_DIR}/update_item_node_condition.mjs`;
  await bundle({ entry: LAMBDA_BUNDLE.entry, output: nodeCondition });
  await add(
    "bundled, CommonJS builds",
    "SDK bundled with Deno's default `node` condition: the SDK core's CommonJS builds, not tree-shaken",
    nodeCondition,
  );
  const external = `${OUT_DIR}/update_item_sdk_external.mjs`;
  await bundle({ ...LAMBDA_BUNDLE, output: external, external: ["@aws-sdk/*", "@smithy/*"] });
  await add(
    "SDK external",
    "@aws-sdk/* and @smithy/* left out, loaded at run time from node_modules (as the nodejs22.x runtime would from its own SDK v3)",
    external,
  );
  for (const variant of variants) {
    say(`  ${variant.name}: ${variant.bytes} bytes, cold import ${median(variant.coldImportMs)}`);
  }
  return variants;
}

/** Each operation's better rate of two measurements (other load can only lower one). */
function bestRates(
  first: Readonly<Record<string, number>>,
  second: Readonly<Record<string, number>>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(first).map(([name, rate]) => [name, Math.max(rate, second[name] ?? 0)]),
  );
}

/** The 1-minute load average, or -1 when it cannot be read. */
function loadAverage(): number {
  try {
    return Number((Deno.loadavg()[0] ?? -1).toFixed(2));
  } catch {
    return -1;
  }
}

async function machine(loadAtStart: number): Promise<Record<string, string | number>> {
  let node = "unknown";
  try {
    const output = await new Deno.Command("node", {
      args: ["--version"],
      stdout: "piped",
      stderr: "null",
    }).output();
    node = new TextDecoder().decode(output.stdout).trim();
  } catch {
    // Reported as unknown.
  }
  return {
    cpus: navigator.hardwareConcurrency,
    os: `${Deno.build.os} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    node,
    date: new Date().toISOString(),
    load_average_at_start: loadAtStart,
    load_average_at_end: loadAverage(),
  };
}

function median(values: readonly number[]): string {
  if (values.length === 0) return "not measured";
  const sorted = [...values].sort((a, b) => a - b);
  return `${(sorted[Math.floor((sorted.length - 1) / 2)] ?? 0).toFixed(1)} ms median`;
}

if (import.meta.main) {
  try {
    Deno.exitCode = await runProgram(USAGE, () => main(Deno.args));
  } catch (error) {
    console.error(`Cannot run the benchmark: ${error instanceof Error ? error.message : error}`);
    Deno.exitCode = 1;
  }
}
