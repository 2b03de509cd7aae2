/**
 * The text of the report's issue-15 sections: the local AWS's CPU per
 * request before and after, the runs with AWS's latency, the scale table and
 * the soak. Pure.
 *
 * @module
 */

import type { BenchReport } from "./report.ts";

/**
 * Lines of text for the sections the report holds (none for a section not run).
 *
 * @param report The report.
 * @returns Lines, each section ending with an empty line.
 */
export function formatSections(
  report: Partial<Pick<BenchReport, "local_aws_alone" | "aws_latency" | "scale" | "soak">>,
): string[] {
  const out: string[] = [];
  const cpu = report.local_aws_alone?.cpu_per_request ?? null;
  if (cpu !== null) {
    out.push(
      `Local AWS CPU per request (µs of server CPU; before = ${cpu.base}, after = this tree; ` +
        `IAM and dashboard on; best of ${cpu.rounds} alternating rounds):`,
      table(Object.entries(cpu.operations), [
        ["operation", ([name]) => name],
        ["before µs", ([, c]) => c.before_us_per_request.toFixed(0)],
        ["after µs", ([, c]) => c.after_us_per_request.toFixed(0)],
        ["after/before", ([, c]) => `${c.cpu_ratio.toFixed(2)}x`],
        ["before req/s", ([, c]) => c.before_requests_per_s.toFixed(0)],
        ["after req/s", ([, c]) => c.after_requests_per_s.toFixed(0)],
      ]),
      "",
    );
  }
  const latency = report.aws_latency ?? null;
  if (latency !== null) {
    const ranges = Object.entries(latency.distribution)
      .map(([service, r]) => `${service} ${r.minMs}-${r.maxMs} ms`).join(", ");
    out.push(
      `As on AWS (each call held for a latency drawn uniformly per service: ${ranges}):`,
      `  baseline ${latency.baseline_items_per_s.toFixed(1)} items/s, optimized ${
        latency.optimized_items_per_s.toFixed(1)
      } items/s: ${latency.ratio.toFixed(1)}x (without the latency: ${
        latency.ratio_without.toFixed(1)
      }x)`,
      "",
    );
  }
  if (report.scale != null && report.scale.length > 0) {
    out.push(
      "Scale-out (optimized; service instances x Lambda MaximumConcurrency):",
      table(report.scale, [
        ["services", (row) => String(row.services)],
        ["Lambda conc.", (row) => String(row.lambda_max_concurrency)],
        ["items/s", (row) => row.items_per_s.toFixed(1)],
        ["speed-up", (row) => `${row.speedup.toFixed(2)}x`],
        ["p99 ms", (row) => row.p99_ms.toFixed(0)],
        ["duplicates", (row) => String(row.duplicates)],
        ["lost", (row) => String(row.lost)],
      ]),
      "",
    );
  }
  const soak = report.soak ?? null;
  if (soak !== null) {
    out.push(
      `Soak: ${soak.offered_items_per_s} items/s offered for ${soak.duration_s} s ` +
        `(local AWS heap ${soak.heap_growth_mb >= 0 ? "+" : ""}${soak.heap_growth_mb} MB ` +
        "from the first minute to the last):",
      table(soak.minutes, [
        ["minute", (m) => String(m.minute)],
        ["items", (m) => String(m.items)],
        ["p50 ms", (m) => m.p50_ms.toFixed(0)],
        ["p95 ms", (m) => m.p95_ms.toFixed(0)],
        ["p99 ms", (m) => m.p99_ms.toFixed(0)],
        ["heap MB", (m) => m.heap_mb.toFixed(1)],
        ["RSS MB", (m) => m.rss_mb.toFixed(1)],
      ]),
      "",
    );
  }
  return out;
}

/** A column: its header and how a row shows in it. */
type Column<T> = readonly [string, (row: T) => string];

/** A table, first column left-aligned, the others right-aligned. */
function table<T>(items: readonly T[], columns: readonly Column<T>[]): string {
  const header = columns.map(([name]) => name);
  const rows = items.map((item) => columns.map(([, show]) => show(item)));
  const widths = header.map((_, i) =>
    Math.max(...[header, ...rows].map((cells) => (cells[i] ?? "").length))
  );
  const line = (cells: string[]) =>
    "  " +
    cells.map((cell, i) => i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))
      .join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
