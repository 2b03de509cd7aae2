import assert from "node:assert/strict";
import { latencyChartSvg } from "../../bench/chart.ts";

Deno.test("latencyChartSvg() draws one panel per run on a shared latency scale", () => {
  const svg = latencyChartSvg([
    { name: "baseline <seed>", color: "#c0392b", samples: [[0, 10], [500, 30], [1000, 20]] },
    { name: "optimized", color: "#2471a3", samples: [[0, 180], [100, 40]] },
  ], { title: "Latency & time" });
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.trimEnd().endsWith("</svg>"));
  assert.match(svg, /Latency &#38; time/);
  assert.match(svg, /baseline &#60;seed&#62;/);
  assert.equal(svg.match(/<g>/g)?.length, 2);
  // Shared log scale: both panels run from 1 to 1000 ms (the largest value, 180, rounded up).
  assert.equal(svg.match(/text-anchor="end">1000<\/text>/g)?.length, 2);
  assert.equal(svg.match(/text-anchor="end">1<\/text>/g)?.length, 2);
  assert.match(svg, /3 items, p50 20 ms, p99 30 ms/);
  assert.equal(svg.match(/stroke="#c0392b" stroke-opacity/g)?.length, 1);
  assert.ok(tagsBalanced(svg), "tags are balanced");
});

Deno.test("latencyChartSvg() thins the dots of a long run and survives an empty one", () => {
  const samples = Array.from({ length: 10_000 }, (_, i) => [i, i % 97] as [number, number]);
  const svg = latencyChartSvg([
    { name: "long", color: "blue", samples },
    { name: "empty", color: "red", samples: [] },
  ], { title: "t", maxDots: 1000 });
  const dots = svg.match(/M[\d.]+ [\d.]+h0/g) ?? [];
  assert.equal(dots.length, 1000);
  assert.match(svg, /no items/);
  assert.doesNotMatch(svg, /NaN|Infinity|undefined/);
});

/** Whether every opened tag is closed, in order (enough for this SVG). */
function tagsBalanced(text: string): boolean {
  const stack: string[] = [];
  for (const [, closing, name = "", selfClosing] of text.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) return false;
  }
  return stack.length === 0;
}
