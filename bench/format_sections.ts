/**
 * The text of the report's issue-15 sections: the local AWS's CPU per
 * request before and after, the runs with AWS's latency, the scale table and
 * the soak. Pure.
 *
 * @module
 */

import type { BenchReport } from "./report.ts";
import type { SoakReport } from "./soak.ts";

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
  if (soak !== null) out.push(...formatSoak(soak), "");
  return out;
}

/** The soak: its minutes, then what grew per item kept and the data kept per item. */
function formatSoak(soak: SoakReport): string[] {
  const orDash = (value: number | null) => value === null ? "-" : value.toFixed(1);
  const lines = [
    `Soak: ${soak.offered_items_per_s} items/s offered for ${soak.duration_s} s ` +
    `(local AWS heap ${soak.heap_growth_mb >= 0 ? "+" : ""}${soak.heap_growth_mb} MB ` +
    "from the first minute to the last; memory in MB at each minute's end):",
    table(soak.minutes, [
      ["minute", (m) => String(m.minute)],
      ["items", (m) => String(m.items)],
      ["p50 ms", (m) => m.p50_ms.toFixed(0)],
      ["p95 ms", (m) => m.p95_ms.toFixed(0)],
      ["p99 ms", (m) => m.p99_ms.toFixed(0)],
      ["kept", (m) => String(m.kept_items)],
      ["heap", (m) => m.heap_mb.toFixed(1)],
      ["reserved", (m) => m.heap_total_mb.toFixed(1)],
      ["external", (m) => m.external_mb.toFixed(1)],
      ["generator", (m) => m.generator_mb.toFixed(1)],
      ["service", (m) => m.service_mb.toFixed(1)],
      ["rest", (m) => orDash(m.rest_mb)],
      ["RSS", (m) => m.rss_mb.toFixed(1)],
      ["anon", (m) => orDash(m.rss_anon_mb)],
      ["file", (m) => orDash(m.rss_file_mb)],
    ]),
  ];
  const growth = soak.growth_per_item_bytes;
  if (growth !== null) {
    const bytes = (value: number | null) => value === null ? "-" : `${value} B`;
    lines.push(
      `Growth per item kept (${growth.items} items, end of minute 1 to end of the last): ` +
        `RSS ${bytes(growth.rss)}, of which anonymous ${bytes(growth.rss_anon)} = ` +
        `local AWS heap reserved ${bytes(growth.heap_total)} (in use ${bytes(growth.heap_used)}) ` +
        `+ external ${bytes(growth.external)} + generator ${bytes(growth.generator)} ` +
        `+ service ${bytes(growth.service)} ` +
        `+ rest ${bytes(growth.rest)}`,
    );
  }
  const stored = soak.stored;
  if (stored !== null) {
    const each = (total: number, count: number) => count === 0 ? 0 : Math.round(total / count);
    lines.push(
      `Kept at the end: ${stored.objects} objects (${
        each(stored.object_bytes, stored.objects)
      } B ` +
        `each), ${stored.items} items (${each(stored.item_bytes, stored.items)} B each), ` +
        `${stored.messages} messages; ${soak.stored_per_item_bytes ?? "-"} B of data per item`,
    );
  }
  return lines;
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
