/**
 * The benchmark's runs besides the closed-loop pair: tracing's cost, the
 * open loop, and those of issue 15: the same pair as on AWS, the scale-out
 * table, and the server CPU per request before and after.
 *
 * @module
 */

import type { RunMeasurement, RunSettings } from "./_types.ts";
import { SCALE_CONFIGURATIONS, type ScaleConfiguration } from "./scale.ts";
import { compareServerCpu } from "./server_cpu.ts";
import { measureServerCpu } from "./_server_cpu.ts";
import type { ServerCpuReport } from "./report.ts";

/** Runs one pipeline run and reports it (the benchmark's own `run`). */
export type RunOne = (settings: RunSettings) => Promise<RunMeasurement>;

/**
 * The order of tracing's runs: off, on, on, off, off, on, … (pairs in
 * alternating order, so a drift of the machine's load over the runs falls
 * on both sides alike).
 */
export const TRACING_ORDER: readonly boolean[] = [false, true, true, false, false, true];

/**
 * Tracing's cost: the optimized run again, alternately with every program
 * recording and exporting its spans and without, three of each
 * ({@linkcode TRACING_ORDER}; medians: the machine is shared).
 */
export async function runTracingPairs(
  run: RunOne,
  optimized: RunSettings,
): Promise<{ on: RunMeasurement[]; off: RunMeasurement[] }> {
  const runs: { on: RunMeasurement[]; off: RunMeasurement[] } = { on: [], off: [] };
  for (const tracing of TRACING_ORDER) {
    const name = `optimized, tracing ${tracing ? "on" : "off"}`;
    runs[tracing ? "on" : "off"].push(await run({ ...optimized, name, tracing }));
  }
  return runs;
}

/** The optimized settings as an open loop: `items` offered at `rate` items/s. */
export async function runOpenLoop(
  run: RunOne,
  optimized: RunSettings,
  load: { rate: number; items: number },
): Promise<RunMeasurement> {
  return await run({
    ...optimized,
    name: "open loop",
    items: load.items,
    // Enough generator workers that none is missing when its slot comes.
    generator: { ...optimized.generator, concurrency: 256, ratePerSecond: load.rate },
    timeoutMs: Math.max(120_000, (load.items / load.rate) * 1000 * 3),
  });
}

/** Baseline and optimized again, each call held for AWS's latency. */
export async function runAsOnAws(
  run: RunOne,
  settings: { baseline: RunSettings; optimized: RunSettings },
): Promise<[RunMeasurement, RunMeasurement]> {
  const withLatency = (run: RunSettings): RunSettings => ({
    ...run,
    name: `${run.name}, AWS latency`,
    awsLatency: true,
    timeoutMs: Math.max(run.timeoutMs, run.items * 1000),
  });
  return [
    await run(withLatency(settings.baseline)),
    await run(withLatency(settings.optimized)),
  ];
}

/** Optimized with each configuration of {@linkcode SCALE_CONFIGURATIONS}. */
export async function runScale(
  run: RunOne,
  optimized: RunSettings,
): Promise<{ configuration: ScaleConfiguration; run: RunMeasurement }[]> {
  const runs: { configuration: ScaleConfiguration; run: RunMeasurement }[] = [];
  for (const configuration of SCALE_CONFIGURATIONS) {
    const { services, lambdaConcurrency } = configuration;
    runs.push({
      configuration,
      run: await run({
        ...optimized,
        name: `optimized, ${services} service(s), Lambda concurrency ${lambdaConcurrency}`,
        lambda: { ...optimized.lambda, maximumConcurrency: lambdaConcurrency },
        service: { ...optimized.service, instances: services },
      }),
    });
  }
  return runs;
}

/** Rounds of the CPU comparison, alternating the two servers. */
const CPU_ROUNDS = 2;

/** Server CPU per request of the base checkout's local AWS (before) and this tree's (after). */
export async function measureCpuBeforeAfter(base: string): Promise<ServerCpuReport> {
  const samples = await measureServerCpu({
    baseRoot: base,
    root: Deno.cwd(),
    rounds: CPU_ROUNDS,
    concurrency: 8,
    requests: 6000,
  });
  return {
    base: await baseName(base),
    rounds: CPU_ROUNDS,
    operations: compareServerCpu(samples),
  };
}

/** The commit a checkout is at (`git rev-parse`), with its path; else its path. */
async function baseName(root: string): Promise<string> {
  try {
    const output = await new Deno.Command("git", {
      args: ["-C", root, "rev-parse", "--short", "HEAD"],
      stdout: "piped",
      stderr: "null",
    }).output();
    const commit = new TextDecoder().decode(output.stdout).trim();
    return output.success && commit !== "" ? `${commit} (${root})` : root;
  } catch {
    return root;
  }
}
