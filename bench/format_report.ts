/**
 * The text table `deno task bench` prints. Pure.
 *
 * @module
 */

import { type BenchReport, FLOOR_REQUESTS_PER_ITEM, type RunReport } from "./report.ts";
import { operationOrder } from "./_operation_order.ts";
import { formatSections } from "./format_sections.ts";

/**
 * Formats the report as the text table `deno task bench` prints.
 *
 * @param report The report.
 * @returns Lines of text.
 */
export function formatReport(report: BenchReport): string {
  const { baseline, optimized, open_loop: openLoop } = report;
  const runs = openLoop ? [baseline, optimized, openLoop] : [baseline, optimized];
  const header = ["", ...runs.map(runTitle), "optimized/baseline"];
  const rows = comparisonRows(report, runs);

  const widths = header.map((_, i) =>
    Math.max(...[header, ...rows].map((cells) => (cells[i] ?? "").length))
  );
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ").trimEnd();
  const out = [
    `Pipeline benchmark: ${
      report.items.toLocaleString("en-US")
    } items per run, local AWS in memory`,
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
  ];
  if (report.local_aws_alone) {
    const rates = Object.entries(report.local_aws_alone.requests_per_s)
      .map(([name, rate]) => `${name} ${rate.toFixed(0)}/s`).join(", ");
    out.push(
      `Local AWS alone (${report.local_aws_alone.concurrency} requests in flight): ${rates}`,
      `  best case at the floor mix of ${floorTotal().toFixed(2)} requests/item: ${
        report.local_aws_alone.floor_mix_items_per_s?.toFixed(0) ?? "-"
      } items/s`,
      "",
    );
  }
  out.push(...formatSections(report));
  out.push("Lambda bundle (cold import = median of fresh `node` processes importing it):");
  for (const variant of report.bundle_variants) {
    const chosen = variant.name === report.bundle_chosen ? " <- shipped" : "";
    const timing = variant.cold_import_ms_median === null
      ? `not measured: ${variant.error ?? "no samples"}`
      : `cold import ${
        variant.cold_import_ms_median.toFixed(1)
      } ms median of ${variant.cold_import_ms_samples.length}`;
    out.push(`  ${variant.name}: ${(variant.bytes / 1024).toFixed(0)} KB, ${timing}${chosen}`);
  }
  out.push("", "Targets (issue 5):");
  for (const target of report.targets) {
    const mark = target.met === null ? "  -  " : target.met ? " met " : " MISS";
    out.push(`  [${mark}] ${target.name}: ${target.target}; measured ${target.value}`);
  }
  const m = report.machine;
  out.push(
    "",
    `Machine: ${m.cpus ?? "?"} CPUs, ${m.os ?? "?"}, Deno ${m.deno ?? "?"}, Node.js ${
      m.node ?? "?"
    }; ` +
      `load average ${m.load_average_at_start ?? "?"} at start, ${
        m.load_average_at_end ?? "?"
      } at end.`,
  );
  out.push(
    "",
    `Prices: us-east-1 as published ${report.prices.asOf}: S3 PUT $${report.prices.s3PutPer1k}/1k, ` +
      `GET $${report.prices.s3GetPer1k}/1k; SQS $${report.prices.sqsPerMillionRequests}/M requests; ` +
      `DynamoDB on-demand $${report.prices.dynamodbPerMillionWriteUnits}/M WRU, ` +
      `$${report.prices.dynamodbPerMillionReadUnits}/M RRU; Lambda $${report.prices.lambdaPerMillionRequests}/M ` +
      `requests + $${report.prices.lambdaPerGbSecond}/GB-s.`,
  );
  return out.join("\n") + "\n";
}

function runTitle(run: RunReport): string {
  return run.offered_items_per_s === null ? run.name : `${run.name} @${run.offered_items_per_s}/s`;
}

function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

function money(value: number): string {
  return value.toFixed(2);
}

function floorTotal(): number {
  return Object.values(FLOOR_REQUESTS_PER_ITEM).reduce((a, b) => a + b, 0);
}

/** The table's rows: one a measure, a column a run, then the optimized/baseline ratio. */
function comparisonRows(report: BenchReport, runs: readonly RunReport[]): string[][] {
  const rows: string[][] = [];
  const row = (label: string, values: string[], ratio: string) =>
    rows.push([label, ...values, ratio]);
  const r = (key: string) => {
    const value = report.ratios[key];
    return value === undefined ? "" : `${value.toFixed(value >= 10 ? 1 : 2)}x`;
  };
  row("items/s end to end", runs.map((x) => x.items_per_s.toFixed(1)), r("items_per_s"));
  row("run time (s)", runs.map((x) => x.duration_s.toFixed(2)), "");
  row("latency p50 (ms)", runs.map((x) => ms(x.p50_ms)), r("p50_ms"));
  row("latency p95 (ms)", runs.map((x) => ms(x.p95_ms)), r("p95_ms"));
  row("latency p99 (ms)", runs.map((x) => ms(x.p99_ms)), r("p99_ms"));
  row(
    "AWS requests per item",
    runs.map((x) => x.requests_per_item.toFixed(2)),
    r("requests_per_item"),
  );
  const operations = [
    ...new Set(runs.flatMap((x) => Object.keys(x.requests_by_operation))),
  ].sort((a, b) => operationOrder(a) - operationOrder(b) || a.localeCompare(b));
  for (const operation of operations) {
    row(
      `  ${operation}`,
      runs.map((x) => {
        const value = x.requests_by_operation[operation];
        return value === undefined ? "-" : value.toFixed(3);
      }),
      "",
    );
  }
  row("Lambda invocations", runs.map((x) => String(x.lambda_invocations)), r("lambda_invocations"));
  row("  records per invocation", runs.map((x) => x.lambda_records_per_invocation.toFixed(1)), "");
  row(
    "cost per million items ($)",
    runs.map((x) => money(x.cost_per_million_items_usd)),
    r("cost_per_million_items_usd"),
  );
  for (const service of ["s3", "sqs", "dynamodb", "lambda"] as const) {
    row(`  ${service}`, runs.map((x) => money(x.cost_by_service_usd[service])), "");
  }
  row(
    "service peak heap (MB)",
    runs.map((x) => x.service_peak_heap_mb.toFixed(1)),
    r("service_peak_heap_mb"),
  );
  row(
    "local AWS ceiling, this mix (items/s)",
    runs.map((x) => x.local_aws_ceiling_items_per_s?.toFixed(0) ?? "-"),
    "",
  );
  row("lost / duplicated items", runs.map((x) => `${x.lost} / ${x.duplicates}`), "");
  return rows;
}
