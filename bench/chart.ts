/**
 * A small SVG chart of latency over time: one panel per run, the same
 * logarithmic latency scale in every panel (a closed-loop backlog of seconds
 * and a p50 of tens of milliseconds both stay readable), each item a dot,
 * with the p50 and p99 of each time slice drawn as lines.
 *
 * @module
 */

import { percentile } from "../lib/percentile.ts";

/** One run's points: `[start, latency]`, milliseconds from the run's start and end to end. */
export interface ChartSeries {
  /** Panel title. */
  readonly name: string;
  /** Dot and line color (any SVG color). */
  readonly color: string;
  /** The points. */
  readonly samples: readonly (readonly [number, number])[];
}

/** Options of {@linkcode latencyChartSvg}. */
export interface ChartOptions {
  /** Title above the panels. */
  readonly title: string;
  /** Width in pixels. Default 900. */
  readonly width?: number;
  /** Height of one panel in pixels. Default 260. */
  readonly panelHeight?: number;
  /** Most dots drawn per panel (evenly spread over the run). Default 4,000. */
  readonly maxDots?: number;
}

const MARGIN = { left: 70, right: 20, top: 34, bottom: 42 };
const TITLE_HEIGHT = 30;
const SLICES = 40;

/**
 * Draws latency over time as an SVG document.
 *
 * @example Usage
 * ```ts
 * import { latencyChartSvg } from "./chart.ts";
 *
 * const svg = latencyChartSvg([
 *   { name: "baseline", color: "#c0392b", samples: [[0, 120], [20, 95]] },
 * ], { title: "Latency over time" });
 * console.log(svg.startsWith("<svg")); // true
 * ```
 *
 * @param series One panel each.
 * @param options Title and size.
 * @returns The SVG text.
 */
export function latencyChartSvg(series: readonly ChartSeries[], options: ChartOptions): string {
  const width = options.width ?? 900;
  const panelHeight = options.panelHeight ?? 260;
  const maxDots = options.maxDots ?? 4_000;
  const height = TITLE_HEIGHT + series.length * panelHeight;
  // Latency axis: decades from 1 ms to the first power of ten above the largest value.
  const largest = series.reduce((m, s) => s.samples.reduce((n, [, y]) => Math.max(n, y), m), 1);
  const yMax = 10 ** Math.max(1, Math.ceil(Math.log10(largest)));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${
      escapeXml(options.title)
    }</text>`,
  ];
  series.forEach((s, index) => {
    parts.push(panel(s, {
      top: TITLE_HEIGHT + index * panelHeight,
      width,
      height: panelHeight,
      yMax,
      maxDots,
    }));
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

function panel(
  series: ChartSeries,
  box: { top: number; width: number; height: number; yMax: number; maxDots: number },
): string {
  const left = MARGIN.left;
  const right = box.width - MARGIN.right;
  const top = box.top + MARGIN.top;
  const bottom = box.top + box.height - MARGIN.bottom;
  const xMaxMs = series.samples.reduce((m, [x]) => Math.max(m, x), 0);
  const xMax = niceCeiling(Math.max(xMaxMs / 1000, 0.001));
  const sx = (ms: number) => left + (ms / 1000 / xMax) * (right - left);
  const decades = Math.log10(box.yMax);
  const sy = (ms: number) =>
    bottom - (Math.log10(Math.min(Math.max(ms, 1), box.yMax)) / decades) * (bottom - top);
  const out: string[] = [`<g>`];
  const latencies = series.samples.map(([, y]) => y);
  const summary = latencies.length === 0
    ? "no items"
    : `${latencies.length} items, p50 ${Math.round(percentile(latencies, 50))} ms, p99 ${
      Math.round(percentile(latencies, 99))
    } ms; per time slice: p50 line, p99 dashes`;
  out.push(
    `<text x="${left}" y="${box.top + 20}" font-weight="bold">${escapeXml(series.name)}</text>`,
    `<text x="${right}" y="${box.top + 20}" text-anchor="end" fill="#555">${
      escapeXml(summary)
    }</text>`,
  );
  // Grid and axes.
  for (let decade = 0; decade <= decades; decade++) {
    const value = 10 ** decade;
    const y = sy(value);
    out.push(
      `<line x1="${left}" y1="${fmt(y)}" x2="${right}" y2="${fmt(y)}" stroke="#e5e5e5"/>`,
      `<text x="${left - 6}" y="${fmt(y + 4)}" text-anchor="end">${formatNumber(value)}</text>`,
    );
  }
  for (let i = 0; i <= 4; i++) {
    const t = (xMax * i) / 4;
    const x = left + (i / 4) * (right - left);
    out.push(
      `<text x="${fmt(x)}" y="${bottom + 16}" text-anchor="middle">${formatNumber(t)}</text>`,
    );
  }
  out.push(
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#333"/>`,
    `<text x="${(left + right) / 2}" y="${bottom + 34}" text-anchor="middle" fill="#555">` +
      `item started at (s since the run's first item)</text>`,
    `<text transform="translate(16 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle" ` +
      `fill="#555">latency (ms, log scale)</text>`,
  );
  // Dots, evenly thinned when there are many.
  const step = Math.max(1, Math.ceil(series.samples.length / box.maxDots));
  const dots: string[] = [];
  for (let i = 0; i < series.samples.length; i += step) {
    const [x, y] = series.samples[i] as readonly [number, number];
    dots.push(`M${fmt(sx(x))} ${fmt(sy(y))}h0`);
  }
  if (dots.length > 0) {
    out.push(
      `<path d="${dots.join("")}" stroke="${series.color}" stroke-opacity="0.45" ` +
        `stroke-width="3" stroke-linecap="round"/>`,
    );
  }
  // p50 and p99 per time slice.
  for (const [p, dash] of [[50, ""], [99, ` stroke-dasharray="5 3"`]] as const) {
    const points = sliceLine(series.samples, xMaxMs, p).map(([x, y]) =>
      `${fmt(sx(x))},${fmt(sy(y))}`
    );
    if (points.length > 1) {
      out.push(
        `<polyline points="${points.join(" ")}" fill="none" stroke="${series.color}" ` +
          `stroke-width="1.8"${dash}/>`,
      );
    }
  }
  out.push(`</g>`);
  return out.join("\n");
}

function sliceLine(
  samples: readonly (readonly [number, number])[],
  xMaxMs: number,
  p: number,
): [number, number][] {
  if (samples.length === 0 || xMaxMs <= 0) return [];
  const slices: number[][] = Array.from({ length: SLICES }, () => []);
  for (const [x, y] of samples) {
    const index = Math.min(SLICES - 1, Math.floor((x / xMaxMs) * SLICES));
    slices[index]?.push(y);
  }
  const line: [number, number][] = [];
  slices.forEach((values, i) => {
    if (values.length > 0) line.push([((i + 0.5) / SLICES) * xMaxMs, percentile(values, p)]);
  });
  return line;
}

/** The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten that is at least `value`. */
function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    if (factor * power >= value) return factor * power;
  }
  return 10 * power;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)));
}

function fmt(value: number): string {
  return value.toFixed(1);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
