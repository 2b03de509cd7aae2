/**
 * The benchmark's report: per-run figures from the measurements, the
 * ratios, the targets of issue 5, the JSON object and the text table. Pure.
 *
 * @module
 */

import { type CostEstimate, costPerMillionItems, PRICES, type Prices } from "./cost.ts";
import { percentile } from "../lib/percentile.ts";
import { summarizeLatencies } from "./percentiles.ts";
import { operationOrder } from "./_operation_order.ts";
import type { RunMeasurement, RunSettings } from "./_types.ts";
import type { AwsLatencyReport } from "./aws_latency.ts";
import type { ScaleRow } from "./scale.ts";
import type { CpuComparison } from "./server_cpu.ts";
import type { SoakReport } from "./soak.ts";

export type { RunMeasurement, RunSettings } from "./_types.ts";

/** One run's figures, as the JSON output gives them. */
export interface RunReport {
  /** Run name. */
  readonly name: string;
  /** Items through the whole pipeline. */
  readonly items: number;
  /** Items per second, first item started to last item handled. */
  readonly items_per_s: number;
  /** Seconds from the first item started to the last one handled. */
  readonly duration_s: number;
  /** AWS requests per item, all operations. */
  readonly requests_per_item: number;
  /** AWS requests per item by `service:Operation`, counted at the router. */
  readonly requests_by_operation: Record<string, number>;
  /** AWS requests in all. */
  readonly requests_total: number;
  /** Latency from the generator starting the item to the service handling it. */
  readonly p50_ms: number;
  /** 95th percentile latency. */
  readonly p95_ms: number;
  /** 99th percentile latency. */
  readonly p99_ms: number;
  /** Largest latency. */
  readonly max_ms: number;
  /** Lambda invocations. */
  readonly lambda_invocations: number;
  /** Records per invocation, on average. */
  readonly lambda_records_per_invocation: number;
  /** Lambda GB-seconds billed (handler time rounded up to 1 ms, plus init). */
  readonly lambda_gb_s: number;
  /** CPU milliseconds of all the run's processes per item handled; null when not measured. */
  readonly cpu_ms_per_item: number | null;
  /** Estimated cost of a million items, US dollars. */
  readonly cost_per_million_items_usd: number;
  /** The same, by service. */
  readonly cost_by_service_usd: CostEstimate;
  /** Peak V8 heap in use of the service's isolate, MB (sampled every 20 ms). */
  readonly service_peak_heap_mb: number;
  /** The service isolate's heap once started, before the first message, MB. */
  readonly service_idle_heap_mb: number;
  /**
   * Items per second the local AWS alone could serve at this run's request
   * mix (each operation at its rate measured alone), or null if not measured.
   */
  readonly local_aws_ceiling_items_per_s: number | null;
  /** Requests the router answered with 400 or above. */
  readonly request_errors: number;
  /** Items handled twice (at-least-once delivery). */
  readonly duplicates: number;
  /** Items generated but never handled, or not generated. */
  readonly lost: number;
  /** Whether it timed out before every item was handled. */
  readonly timed_out: boolean;
  /** Offered load of an open-loop run, items per second; null for a closed loop. */
  readonly offered_items_per_s: number | null;
  /** The run's settings. */
  readonly settings: RunSettings;
}

/** One bundle variant of the Lambda. */
export interface BundleVariant {
  /** Variant name. */
  readonly name: string;
  /** What it is. */
  readonly description: string;
  /** File size, bytes. */
  readonly bytes: number;
  /** Cold import times under Node.js, one per fresh process, milliseconds. */
  readonly coldImportMs: readonly number[];
  /** Why it could not be measured, when it could not. */
  readonly error?: string;
}

/** A target of issue 5 and whether the run met it. */
export interface TargetCheck {
  /** What is measured. */
  readonly name: string;
  /** The target, in words. */
  readonly target: string;
  /** The measured value, in words. */
  readonly value: string;
  /** Whether it was met; null when it was not measured in this run. */
  readonly met: boolean | null;
}

/** Everything `deno task bench` reports. */
export interface BenchReport {
  /** Items per run. */
  readonly items: number;
  /** The seed's call pattern. */
  readonly baseline: RunReport;
  /** The project's defaults. */
  readonly optimized: RunReport;
  /** Optimized items/s over baseline items/s. */
  readonly ratio_items_per_s: number;
  /** Size of the Lambda bundle, bytes. */
  readonly bundle_bytes: number;
  /** Median cold import time of the bundle under Node.js, milliseconds. */
  readonly bundle_cold_import_ms: number;
  /** Optimized over baseline, for every figure. */
  readonly ratios: Record<string, number>;
  /** The open-loop run, when there was one. */
  readonly open_loop: RunReport | null;
  /** The local AWS measured alone: requests per second by operation. */
  readonly local_aws_alone: {
    readonly requests_per_s: Record<string, number>;
    readonly concurrency: number;
    /** Items/s at the floor request mix (3.74 requests per item), the best any run can reach here. */
    readonly floor_mix_items_per_s: number | null;
    /**
     * Server CPU per request by operation, before (the base commit's server)
     * and after (this tree's), each a `local/main.ts` process with IAM and
     * the dashboard on; null when no base checkout was given.
     */
    readonly cpu_per_request: ServerCpuReport | null;
  } | null;
  /** Baseline and optimized with AWS's latency per call; null when not run. */
  readonly aws_latency: AwsLatencyReport | null;
  /** The optimized pipeline scaled out; null when not run. */
  readonly scale: readonly ScaleRow[] | null;
  /** The soak (`--duration`); null when not run. */
  readonly soak: SoakReport | null;
  /** Every bundle variant measured. */
  readonly bundle_variants: readonly {
    readonly name: string;
    readonly description: string;
    readonly bytes: number;
    readonly cold_import_ms_median: number | null;
    readonly cold_import_ms_samples: readonly number[];
    readonly error?: string;
  }[];
  /** The variant `deno task build` ships. */
  readonly bundle_chosen: string;
  /** The targets of issue 5. */
  readonly targets: readonly TargetCheck[];
  /** The prices of the cost estimate. */
  readonly prices: Prices;
  /** Where it ran. */
  readonly machine: Readonly<Record<string, string | number>>;
}

/** Server CPU per request, before and after, as the report gives it. */
export interface ServerCpuReport {
  /** The base commit measured as "before". */
  readonly base: string;
  /** Rounds per server, alternating. */
  readonly rounds: number;
  /** By `service:Operation`. */
  readonly operations: Readonly<Record<string, CpuComparison>>;
}

/**
 * The fewest requests per item the pipeline can make: one `PutObject`,
 * `UpdateItem` and `GetObject` per item, the rest in full batches
 * (`BatchWriteItem` of 25; `SendMessageBatch`, `ReceiveMessage`,
 * `DeleteMessageBatch` of 10 on both queues; `BatchGetItem` of 10).
 */
export const FLOOR_REQUESTS_PER_ITEM: Readonly<Record<string, number>> = Object.freeze({
  "s3:PutObject": 1,
  "dynamodb:BatchWriteItem": 1 / 25,
  "sqs:SendMessageBatch": 2 / 10,
  "sqs:ReceiveMessage": 2 / 10,
  "dynamodb:UpdateItem": 1,
  "sqs:DeleteMessageBatch": 2 / 10,
  "dynamodb:BatchGetItem": 1 / 10,
  "s3:GetObject": 1,
});

/**
 * Items per second the local AWS alone could serve at a request mix: the
 * time per item is the sum over operations of requests per item divided by
 * that operation's rate measured alone. Operations not measured count at the
 * rate of `sqs:GetQueueUrl` (the cheapest request).
 *
 * @param perItem Requests per item by operation.
 * @param rates Requests per second by operation, measured alone.
 * @returns Items per second, or null when nothing was measured.
 */
export function ceilingItemsPerSecond(
  perItem: Readonly<Record<string, number>>,
  rates: Readonly<Record<string, number>>,
): number | null {
  const fallback = rates["sqs:GetQueueUrl"];
  let seconds = 0;
  for (const [operation, count] of Object.entries(perItem)) {
    const rate = rates[operation] ?? fallback;
    if (rate === undefined || !(rate > 0)) return null;
    seconds += count / rate;
  }
  return seconds > 0 ? 1 / seconds : null;
}

/**
 * Computes one run's figures.
 *
 * @param run The measurement.
 * @param ceilingRates The local AWS's rates measured alone, if measured.
 * @param prices Prices of the cost estimate.
 * @returns The run's report.
 */
export function reportRun(
  run: RunMeasurement,
  ceilingRates: Readonly<Record<string, number>> | null = null,
  prices: Prices = PRICES,
): RunReport {
  const { settings } = run;
  const items = Math.max(1, run.handled);
  const total = Object.values(run.requests).reduce((a, b) => a + b, 0);
  const perItem = Object.fromEntries(
    Object.entries(run.requests)
      .sort(([a], [b]) => operationOrder(a) - operationOrder(b) || a.localeCompare(b))
      .map(([name, count]) => [name, count / items]),
  );
  const latency = summarizeLatencies(run.samples.map(([, ms]) => ms));
  const deliveries = run.handled + run.duplicates;
  const writeUnits = (run.requests["dynamodb:PutItem"] ?? 0) +
    (run.requests["dynamodb:UpdateItem"] ?? 0) +
    (settings.generator.itemBatchSize > 1 ? run.generated : 0);
  const readUnits = (run.requests["dynamodb:GetItem"] ?? 0) +
    (settings.service.batchGet ? deliveries : 0);
  const billedMs = run.lambdaBilledMs + run.lambdaInitMs;
  const cost = costPerMillionItems({
    items,
    requests: run.requests,
    dynamodbWriteUnits: writeUnits,
    dynamodbReadUnits: readUnits,
    lambdaInvocations: run.invocations,
    lambdaBilledMs: billedMs,
    lambdaMemoryMb: settings.lambda.memoryMb,
  }, prices);
  return {
    name: settings.name,
    items: run.handled,
    items_per_s: run.durationMs > 0 ? run.handled / (run.durationMs / 1000) : 0,
    duration_s: run.durationMs / 1000,
    requests_per_item: total / items,
    requests_by_operation: perItem,
    requests_total: total,
    p50_ms: latency.p50,
    p95_ms: latency.p95,
    p99_ms: latency.p99,
    max_ms: latency.max,
    lambda_invocations: run.invocations,
    lambda_records_per_invocation: run.invocations > 0 ? run.lambdaRecords / run.invocations : 0,
    lambda_gb_s: (billedMs / 1000) * (settings.lambda.memoryMb / 1024),
    cpu_ms_per_item: run.cpuSeconds === undefined || run.handled === 0
      ? null
      : (run.cpuSeconds * 1000) / run.handled,
    cost_per_million_items_usd: cost.total,
    cost_by_service_usd: cost,
    service_peak_heap_mb: run.servicePeakHeapBytes / 1024 / 1024,
    service_idle_heap_mb: run.serviceIdleHeapBytes / 1024 / 1024,
    local_aws_ceiling_items_per_s: ceilingRates
      ? ceilingItemsPerSecond(perItem, ceilingRates)
      : null,
    request_errors: run.requestErrors,
    duplicates: run.duplicates,
    lost: settings.items - run.handled,
    timed_out: run.timedOut,
    offered_items_per_s: settings.generator.ratePerSecond > 0
      ? settings.generator.ratePerSecond
      : null,
    settings,
  };
}

/** Inputs of {@linkcode buildReport} besides the runs. */
export interface ReportExtras {
  /** The open-loop run, if any. */
  readonly openLoop: RunReport | null;
  /** The local AWS's rates measured alone, if measured. */
  readonly ceiling: { readonly rates: Record<string, number>; readonly concurrency: number } | null;
  /** Bundle variants measured; the chosen one first. */
  readonly bundles: readonly BundleVariant[];
  /** Where it ran. */
  readonly machine: Readonly<Record<string, string | number>>;
  /** Prices. Default {@linkcode PRICES}. */
  readonly prices?: Prices;
  /** Server CPU per request before and after, if measured. */
  readonly serverCpu?: ServerCpuReport | null;
  /** The runs with AWS's latency, if run. */
  readonly awsLatency?: AwsLatencyReport | null;
  /** The scale table, if run. */
  readonly scale?: readonly ScaleRow[] | null;
  /** The soak, if run. */
  readonly soak?: SoakReport | null;
}

/**
 * Puts the report together: ratios, bundle figures and target checks.
 *
 * @param baseline The baseline run.
 * @param optimized The optimized run.
 * @param extras Open-loop run, ceiling, bundles, machine.
 * @returns The report.
 */
export function buildReport(
  baseline: RunReport,
  optimized: RunReport,
  extras: ReportExtras,
): BenchReport {
  const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
  const ratios: Record<string, number> = {
    items_per_s: ratio(optimized.items_per_s, baseline.items_per_s),
    requests_per_item: ratio(optimized.requests_per_item, baseline.requests_per_item),
    p50_ms: ratio(optimized.p50_ms, baseline.p50_ms),
    p95_ms: ratio(optimized.p95_ms, baseline.p95_ms),
    p99_ms: ratio(optimized.p99_ms, baseline.p99_ms),
    lambda_invocations: ratio(optimized.lambda_invocations, baseline.lambda_invocations),
    cost_per_million_items_usd: ratio(
      optimized.cost_per_million_items_usd,
      baseline.cost_per_million_items_usd,
    ),
    service_peak_heap_mb: ratio(optimized.service_peak_heap_mb, baseline.service_peak_heap_mb),
  };
  const variants = extras.bundles.map((b) => ({
    name: b.name,
    description: b.description,
    bytes: b.bytes,
    cold_import_ms_median: b.coldImportMs.length > 0 ? percentile(b.coldImportMs, 50) : null,
    cold_import_ms_samples: b.coldImportMs.map((ms) => Number(ms.toFixed(1))),
    ...(b.error === undefined ? {} : { error: b.error }),
  }));
  const chosen = variants[0];
  const floor = extras.ceiling
    ? ceilingItemsPerSecond(FLOOR_REQUESTS_PER_ITEM, extras.ceiling.rates)
    : null;
  const report: Omit<BenchReport, "targets"> = {
    items: baseline.items,
    baseline,
    optimized,
    ratio_items_per_s: ratios.items_per_s ?? 0,
    bundle_bytes: chosen?.bytes ?? 0,
    bundle_cold_import_ms: chosen?.cold_import_ms_median ?? 0,
    ratios,
    open_loop: extras.openLoop,
    local_aws_alone: extras.ceiling
      ? {
        requests_per_s: extras.ceiling.rates,
        concurrency: extras.ceiling.concurrency,
        floor_mix_items_per_s: floor,
        cpu_per_request: extras.serverCpu ?? null,
      }
      : null,
    aws_latency: extras.awsLatency ?? null,
    scale: extras.scale ?? null,
    soak: extras.soak ?? null,
    bundle_variants: variants,
    bundle_chosen: chosen?.name ?? "",
    prices: extras.prices ?? PRICES,
    machine: extras.machine,
  };
  return { ...report, targets: checkTargets(report) };
}

/**
 * Checks the targets of issue 5 against a report.
 *
 * @param report The report (targets not needed).
 * @returns One check per target.
 */
export function checkTargets(report: Omit<BenchReport, "targets">): TargetCheck[] {
  const { baseline, optimized, open_loop: openLoop } = report;
  const floor = report.local_aws_alone?.floor_mix_items_per_s ?? null;
  const bound = floor !== null && baseline.items_per_s > 0
    ? `; the local AWS alone serves at most ${floor.toFixed(0)} items/s at the floor mix, ` +
      `${(floor / baseline.items_per_s).toFixed(1)}x this baseline`
    : "";
  return [
    {
      name: "requests per item",
      target: `<= 4 at N = 1,000`,
      value: `${optimized.requests_per_item.toFixed(2)} at N = ${
        report.items.toLocaleString("en-US")
      }`,
      met: optimized.requests_per_item <= 4,
    },
    {
      name: "throughput",
      target: ">= 10x baseline items/s",
      value: `${report.ratio_items_per_s.toFixed(1)}x${bound}${cpuBound(report)}`,
      met: report.ratio_items_per_s >= 10,
    },
    {
      name: "p99 latency at offered load",
      target: "< 1 s at 100 items/s",
      value: openLoop
        ? `${Math.round(openLoop.p99_ms)} ms at ${openLoop.offered_items_per_s} items/s offered`
        : "not run (give --rate 100)",
      met: openLoop ? openLoop.p99_ms < 1000 && (openLoop.offered_items_per_s ?? 0) >= 100 : null,
    },
    {
      name: "bundle cold import",
      target: "<= 60 ms median under Node.js",
      value: `${report.bundle_cold_import_ms.toFixed(1)} ms (${report.bundle_chosen})`,
      met: report.bundle_cold_import_ms > 0 && report.bundle_cold_import_ms <= 60,
    },
    cpuTarget(report),
  ];
}

/**
 * What the machine's cores allow: every process of a run (the local AWS, the
 * programs, the Lambda's containers) shares them, so items/s is at most
 * cores / CPU per item, and the ratio of the two runs' CPU per item bounds
 * their throughput ratio once both are CPU-bound. Empty when not measured.
 */
function cpuBound(report: Omit<BenchReport, "targets">): string {
  const cores = Number(report.machine.cpus);
  const base = report.baseline.cpu_ms_per_item;
  const optimized = report.optimized.cpu_ms_per_item;
  if (!(cores > 0) || base === null || optimized === null || !(optimized > 0)) return "";
  return `; all processes use ${optimized.toFixed(2)} ms of CPU per item ` +
    `(baseline ${base.toFixed(2)}, ${(base / optimized).toFixed(1)}x more), ` +
    `so ${cores} cores allow at most ${(cores * 1000 / optimized).toFixed(0)} items/s`;
}

/** The operations of the pipeline's mix whose server CPU per request is to be halved. */
export const HOT_OPERATIONS: readonly string[] = Object.freeze([
  "s3:PutObject",
  "s3:GetObject",
  "dynamodb:PutItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:UpdateItem",
  "dynamodb:BatchGetItem",
  "sqs:SendMessageBatch",
  "sqs:ReceiveMessage",
  "sqs:DeleteMessageBatch",
]);

function cpuTarget(report: Omit<BenchReport, "targets">): TargetCheck {
  const cpu = report.local_aws_alone?.cpu_per_request ?? null;
  const target = "<= 0.5x before, each hot operation (issue 15)";
  if (cpu === null) {
    return { name: "local AWS CPU per request", target, value: "not measured", met: null };
  }
  const ratios = HOT_OPERATIONS.map((name) => [name, cpu.operations[name]?.cpu_ratio] as const);
  const measured = ratios.filter((entry): entry is readonly [string, number] =>
    entry[1] !== undefined
  );
  const worst = measured.reduce(
    (a, b) => (b[1] > a[1] ? b : a),
    ["", 0] as readonly [
      string,
      number,
    ],
  );
  return {
    name: "local AWS CPU per request",
    target,
    value: measured.length === 0
      ? "not measured"
      : `${measured.filter(([, r]) => r <= 0.5).length} of ${measured.length} halved; ` +
        `worst ${worst[0]} ${worst[1].toFixed(2)}x`,
    met: measured.length === 0 ? null : measured.every(([, r]) => r <= 0.5),
  };
}
