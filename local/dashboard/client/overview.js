// @ts-check
/**
 * The header's figures (requests, rate, errors, a sparkline), the funnel of
 * laptops per stage, and the table of the latest requests.
 *
 * @module
 */

/** @import { DashboardSnapshot, RecentRequest, TraceStage } from "../api_types.ts" */
import { byId, h, setText } from "./dom.js";
import { clock, fmt } from "./format.js";
import { STAGE_TEXT } from "./stages.js";

/**
 * The header: totals, requests per second over the last 5 s, and the last
 * minute as a sparkline.
 *
 * @param {DashboardSnapshot} s
 */
export function drawHeader(s) {
  setText("req-total", fmt(s.requests.total));
  const last = s.requests.perSecond.slice(-5);
  setText("req-rate", fmt(Math.round(last.reduce((a, b) => a + b, 0) / last.length)));
  setText("req-errors", fmt(s.requests.errors));
  setText("req-denied", fmt(s.requests.denied));
  byId("denied-stat").hidden = s.requests.denied === 0;
  setText("laptops-traced", fmt(s.laptops.traced));
  const max = Math.max(1, ...s.requests.perSecond);
  const n = s.requests.perSecond.length;
  const d = s.requests.perSecond.map((value, index) =>
    `${index === 0 ? "M" : "L"} ${((index / (n - 1)) * 120).toFixed(1)} ${
      (22 - (value / max) * 20).toFixed(1)
    }`
  ).join(" ");
  byId("spark-path").setAttribute("d", d);
}

/**
 * The funnel: laptops per stage, with failures and dead letters.
 *
 * @param {DashboardSnapshot} s
 */
export function drawFunnel(s) {
  const funnel = byId("funnel");
  /** @type {[string, number, boolean][]} */
  const steps = [
    ...Object.entries(s.laptops.byStage).map((
      [stage, count],
    ) => /** @type {[string, number, boolean]} */ ([
      STAGE_TEXT[/** @type {TraceStage} */ (stage)] ?? stage,
      count,
      false,
    ])),
    ["with failures", s.laptops.failed, s.laptops.failed > 0],
    ["in a DLQ", s.laptops.dlq, s.laptops.dlq > 0],
  ];
  if (funnel.childElementCount !== steps.length) {
    funnel.replaceChildren(...steps.map(() => h("div", { class: "step" }, h("b"), h("span"))));
  }
  steps.forEach(([name, count, bad], index) => {
    const step = funnel.children[index];
    if (step === undefined) return;
    step.classList.toggle("bad", bad);
    const [value, caption] = [step.children[0], step.children[1]];
    if (value && value.textContent !== fmt(count)) value.textContent = fmt(count);
    if (caption && caption.textContent !== name) caption.textContent = name;
  });
}

/**
 * The latest requests, newest first, with up to 5 refused ones kept in view.
 *
 * @param {DashboardSnapshot} s
 */
export function drawRecent(s) {
  const rows = [...s.requests.recentDenied.slice(0, 5), ...s.requests.recent]
    .filter((row, index, all) => all.indexOf(row) === index)
    .slice(0, 16)
    .sort((a, b) => b.at - a.at);
  const seen = new Set();
  const unique = rows.filter((row) => {
    const key = `${row.at}|${row.name}|${row.target}|${row.status}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  byId("recent-rows").replaceChildren(...unique.map(recentRow));
}

/**
 * @param {RecentRequest} row
 * @returns {HTMLElement}
 */
function recentRow(row) {
  return h(
    "tr",
    {
      class: row.denied !== undefined ? "denied" : row.status >= 400 ? "bad" : undefined,
      title: row.denied !== undefined
        ? `${row.denied}${row.principal ? ` (${row.principal})` : ""}`
        : row.principal,
    },
    h("td", { class: "mono" }, clock(row.at)),
    h("td", { class: "mono" }, row.name),
    h("td", { class: "mono" }, row.target),
    h("td", { class: "mono" }, row.principal?.split("/").pop() ?? ""),
    h("td", {}, row.denied !== undefined ? `${row.status} denied` : String(row.status)),
    h("td", {}, row.ms.toFixed(1)),
  );
}
