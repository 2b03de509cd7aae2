/**
 * The dashboard's page: its HTML, with the pipeline drawn as an SVG whose
 * figures the script fills in, and its style sheet. Pure.
 *
 * @module
 */

import type { ResourceDefinition } from "../../lib/resources.ts";
import { escapeHtml } from "./_escape_html.ts";
import { flowSvg } from "./_flow_svg.ts";

/** The page, for the given resource names. */
export function dashboardHtml(resources: ResourceDefinition): string {
  const svg = flowSvg(resources);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pipeline · local AWS</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="app.css">
<script type="module" src="app.js"></script>
</head>
<body>
<header class="top">
  <div class="brand"><span class="logo" aria-hidden="true"></span>
    <span><b>aws-discovery</b> <span class="muted">local AWS</span></span></div>
  <div class="stats">
    <span class="stat"><b id="req-total">0</b> requests</span>
    <span class="stat"><b id="req-rate">0</b>/s <svg id="spark" viewBox="0 0 120 24"
      preserveAspectRatio="none" aria-hidden="true"><path id="spark-path" d=""/></svg></span>
    <span class="stat"><b id="req-errors">0</b> errors</span>
    <span class="stat denied" id="denied-stat" hidden><b id="req-denied">0</b> denied</span>
    <span class="stat"><b id="laptops-traced">0</b> laptops</span>
    <span id="conn" class="conn">connecting…</span>
  </div>
</header>
<main>
<section class="card flow-card" aria-labelledby="flow-h">
  <div class="card-head"><h2 id="flow-h">Flow</h2>
    <span class="legend"><i class="dot tone-s3"></i>S3 <i class="dot tone-ddb"></i>DynamoDB
    <i class="dot tone-sqs"></i>SQS <i class="dot tone-lambda"></i>Lambda
    <i class="dot tone-dlq"></i>dead letters</span></div>
  ${svg}
  <div class="funnel" id="funnel" aria-label="Laptops by stage"></div>
</section>
<div class="grid">
<section class="card" aria-labelledby="laptops-h">
  <div class="card-head"><h2 id="laptops-h">Laptops</h2><span class="muted" id="laptop-total"></span></div>
  <div class="controls">
    <input id="q" type="search" placeholder="uuid or file name" autocomplete="off" spellcheck="false">
    <select id="filter" aria-label="Show">
      <option value="all">all</option><option value="moving">on the way</option>
      <option value="handled">handled</option><option value="failed">with failures</option>
      <option value="dlq">in a dead-letter queue</option>
    </select>
  </div>
  <ol id="laptop-list" class="rows"></ol>
  <div class="pager"><button id="newer" type="button">‹ newer</button>
    <span id="page-info" class="muted"></span><button id="older" type="button">older ›</button></div>
</section>
<section class="card trace-card" aria-labelledby="trace-h">
  <div class="card-head"><h2 id="trace-h">Trace</h2><span class="muted" id="trace-id"></span></div>
  <div id="trace"><p class="empty">Pick a laptop to follow it through the pipeline.</p></div>
</section>
</div>
<div class="grid">
<section class="card" aria-labelledby="dlq-h">
  <div class="card-head"><h2 id="dlq-h">Dead-letter queues</h2></div>
  <div class="tabs" role="tablist">
    <button type="button" role="tab" class="tab" id="tab-uploadDlq"
      data-queue="${escapeHtml(resources.uploadQueue.deadLetterQueueName)}"></button>
    <button type="button" role="tab" class="tab" id="tab-updateDlq"
      data-queue="${escapeHtml(resources.updateQueue.deadLetterQueueName)}"></button>
  </div>
  <div class="dlq-actions"><span class="muted" id="dlq-info"></span>
    <span><button type="button" id="redrive-all">Redrive all</button>
    <button type="button" id="purge" class="danger">Purge…</button></span></div>
  <table class="table"><thead><tr><th>message</th><th>laptop</th><th>file</th>
    <th>receives</th><th>sent</th><th></th></tr></thead><tbody id="dlq-rows"></tbody></table>
  <p class="empty" id="dlq-empty">No messages here: nothing has failed for good.</p>
  <div class="pager" id="dlq-pager" hidden><button id="dlq-prev" type="button">‹</button>
    <span id="dlq-page" class="muted"></span><button id="dlq-next" type="button">›</button></div>
</section>
<section class="card" aria-labelledby="recent-h">
  <div class="card-head"><h2 id="recent-h">Latest requests</h2><span class="muted">as the local AWS answered them</span></div>
  <table class="table compact"><thead><tr><th>time</th><th>call</th><th>target</th><th>by</th>
    <th>status</th><th>ms</th></tr></thead><tbody id="recent-rows"></tbody></table>
</section>
</div>
</main>
<footer><span id="foot-latency">push → paint –</span> · <span id="foot-render"></span> ·
  updates pushed by server-sent events, no reloads</footer>
<dialog id="confirm" aria-labelledby="confirm-title">
  <h3 id="confirm-title">Are you sure?</h3>
  <p id="confirm-text"></p>
  <div class="dialog-buttons"><button type="button" id="confirm-cancel">Cancel</button>
    <button type="button" id="confirm-ok" class="primary">Confirm</button></div>
</dialog>
</body>
</html>
`;
}

/** The page's style sheet. */
export const DASHBOARD_CSS = `
:root {
  --bg: #f4f6f9; --card: #ffffff; --ink: #1d2433; --muted: #6a7487; --line: #e3e7ee;
  --gen: #5b6b8c; --s3: #3f8624; --ddb: #2e6fd1; --sqs: #d6246e; --dlq: #d13212;
  --lambda: #e8710a; --svc: #6d4fc2; --ok: #2f8f46; --warn: #b7791f;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
header.top { display: flex; justify-content: space-between; align-items: center; gap: 16px;
  padding: 12px 24px; background: #141a26; color: #e9edf5; flex-wrap: wrap; }
.brand { display: flex; align-items: center; gap: 10px; font-size: 16px; }
.logo { width: 22px; height: 22px; border-radius: 6px;
  background: linear-gradient(135deg, var(--lambda), var(--sqs) 55%, var(--ddb)); }
header .muted { color: #9aa5ba; }
.stats { display: flex; gap: 18px; align-items: center; flex-wrap: wrap; }
.stat b { font-variant-numeric: tabular-nums; font-size: 15px; }
.stat.denied b { color: #ff8a7a; }
#spark { width: 90px; height: 20px; vertical-align: middle; margin-left: 6px; }
#spark path { fill: none; stroke: #7fb2ff; stroke-width: 1.5; vector-effect: non-scaling-stroke; }
.conn { padding: 2px 10px; border-radius: 999px; background: #39414f; font-size: 12px; }
.conn.live { background: #1f6b3a; }
.conn.live::before { content: "● "; color: #7ee2a0; }
.conn.down { background: #7a2a1f; }
main { padding: 18px 24px 8px; display: flex; flex-direction: column; gap: 18px; max-width: 1500px;
  margin: 0 auto; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 14px;
  padding: 14px 18px; box-shadow: 0 1px 2px rgba(20, 26, 38, .04); min-width: 0; }
.card-head { display: flex; align-items: baseline; justify-content: space-between; gap: 12px;
  margin-bottom: 8px; }
h2 { font-size: 15px; margin: 0; letter-spacing: .01em; }
h3 { margin: 0 0 8px; font-size: 15px; }
.muted { color: var(--muted); }
.grid { display: grid; grid-template-columns: minmax(0, 5fr) minmax(0, 7fr); gap: 18px; }
@media (max-width: 1000px) { .grid { grid-template-columns: 1fr; } }
.legend { color: var(--muted); font-size: 12px; display: flex; gap: 6px; align-items: center; }
.legend .dot { display: inline-block; width: 9px; height: 9px; border-radius: 3px; margin-left: 8px; }
.tone-gen { --tone: var(--gen); } .tone-s3 { --tone: var(--s3); } .tone-ddb { --tone: var(--ddb); }
.tone-sqs { --tone: var(--sqs); } .tone-dlq { --tone: var(--dlq); }
.tone-lambda { --tone: var(--lambda); } .tone-svc { --tone: var(--svc); }
.dot { background: var(--tone); }
#flow { width: 100%; height: auto; display: block; font-family: inherit; }
.node .box { fill: #fff; stroke: var(--line); stroke-width: 1.5; }
.node .stripe { fill: var(--tone); }
.node .kind { font-size: 10px; letter-spacing: .08em; fill: var(--tone); font-weight: 700; }
.node .title { font-size: 14px; font-weight: 700; fill: var(--ink); }
.node .main { font-size: 16px; font-weight: 700; fill: var(--ink); font-variant-numeric: tabular-nums; }
.node .sub { font-size: 11.5px; fill: var(--muted); font-variant-numeric: tabular-nums; }
.node .sub.bad { fill: var(--dlq); }
.node.alarm .box { fill: #fff4f1; stroke: var(--dlq); }
.node.alarm .main { fill: var(--dlq); }
.node.busy .box { stroke: var(--tone); }
.hist rect { fill: var(--lambda); opacity: .85; }
.hist text { font-size: 8px; fill: var(--muted); }
.edge .line { fill: none; stroke: var(--tone); stroke-width: 2; opacity: .55; }
.edge .pulse { fill: none; stroke: var(--tone); stroke-width: 3.5; stroke-dasharray: 6 14;
  opacity: 0; }
.edge.flowing .pulse { opacity: .9; animation: flow .8s linear infinite; }
.edge.flowing .line { opacity: .9; }
@keyframes flow { to { stroke-dashoffset: -20; } }
.arrow { fill: var(--tone); }
.edge-label { font-size: 12px; fill: var(--ink); font-weight: 600; paint-order: stroke;
  stroke: var(--card); stroke-width: 5px; stroke-linejoin: round; font-variant-numeric: tabular-nums; }
.edge-label.bad { fill: var(--dlq); }
.funnel { display: flex; gap: 6px; margin-top: 6px; flex-wrap: wrap; }
.funnel .step { flex: 1; min-width: 90px; border-radius: 8px; padding: 6px 10px; background: #f6f8fb;
  border: 1px solid var(--line); }
.funnel .step b { display: block; font-size: 16px; font-variant-numeric: tabular-nums; }
.funnel .step span { font-size: 11.5px; color: var(--muted); }
.funnel .step.bad b { color: var(--dlq); }
.controls { display: flex; gap: 8px; margin-bottom: 8px; }
input[type=search], select { font: inherit; padding: 6px 10px; border: 1px solid var(--line);
  border-radius: 8px; background: #fff; }
input[type=search] { flex: 1; min-width: 0; font-family: var(--mono); font-size: 13px; }
button { font: inherit; font-size: 13px; padding: 5px 12px; border-radius: 8px; border: 1px solid #cfd6e2;
  background: #fff; cursor: pointer; color: var(--ink); }
button:hover:not(:disabled) { background: #f1f4f9; }
button:disabled { opacity: .45; cursor: default; }
button.danger { color: var(--dlq); border-color: #f0c4ba; }
button.primary { background: var(--ddb); border-color: var(--ddb); color: #fff; }
button.primary.danger { background: var(--dlq); border-color: var(--dlq); color: #fff; }
.rows { list-style: none; margin: 0; padding: 0; border-top: 1px solid var(--line); }
.rows li { border-bottom: 1px solid var(--line); }
.rows button { width: 100%; display: grid; grid-template-columns: 94px 1fr auto; gap: 10px;
  align-items: center; border: 0; border-radius: 0; padding: 6px 4px; text-align: left; background: none; }
.rows button:hover { background: #f6f8fb; }
.rows button.selected { background: #eaf1fd; }
.rows .id { font-family: var(--mono); font-size: 12.5px; }
.rows .file { color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
  font-size: 12.5px; }
.pill { display: inline-block; font-size: 11px; font-weight: 700; padding: 1px 8px; border-radius: 999px;
  color: #fff; background: var(--tone, var(--gen)); white-space: nowrap; }
.pill.stage-stored { --tone: var(--gen); } .pill.stage-queued { --tone: var(--sqs); }
.pill.stage-lambda { --tone: var(--lambda); } .pill.stage-updated { --tone: var(--ddb); }
.pill.stage-forwarded { --tone: var(--sqs); } .pill.stage-service { --tone: var(--svc); }
.pill.stage-handled { --tone: var(--ok); } .pill.stage-dlq { --tone: var(--dlq); }
.pill.warn { background: #fff; color: var(--dlq); border: 1px solid #f0c4ba; }
.pager { display: flex; justify-content: space-between; align-items: center; margin-top: 8px; }
.empty { color: var(--muted); text-align: center; padding: 22px 0; margin: 0; }
.trace-head { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; margin-bottom: 10px; }
.trace-head .id { font-family: var(--mono); font-size: 13px; }
.timeline { list-style: none; margin: 0 0 14px; padding: 0 0 0 4px; }
.timeline li { display: grid; grid-template-columns: 74px 14px 1fr auto; gap: 8px; align-items: start;
  padding: 3px 0; position: relative; }
.timeline .t { font-family: var(--mono); font-size: 12px; color: var(--muted); text-align: right;
  padding-top: 1px; }
.timeline .mark { width: 10px; height: 10px; border-radius: 50%; background: var(--tone);
  margin-top: 5px; box-shadow: 0 0 0 3px #fff; position: relative; z-index: 1; }
.timeline li:not(:last-child)::after { content: ""; position: absolute; left: 86px; top: 14px; bottom: -6px;
  width: 2px; background: var(--line); }
.timeline li.bad .mark { background: var(--dlq); }
.timeline .what b { font-weight: 600; }
.timeline .what small { display: block; color: var(--muted); font-size: 12px; word-break: break-word; }
.timeline .call { font-family: var(--mono); font-size: 11.5px; color: var(--muted); white-space: nowrap; }
.timeline li.bad .call { color: var(--dlq); }
.states { display: grid; grid-template-columns: minmax(0, 1fr) auto minmax(0, 1fr) auto minmax(0, 1fr);
  gap: 8px; align-items: stretch; }
.state { border: 1px solid var(--line); border-radius: 10px; padding: 8px 10px; background: #fbfcfe;
  min-width: 0; }
.state h4 { margin: 0 0 4px; font-size: 11px; letter-spacing: .06em; color: var(--tone); text-transform: uppercase; }
.state .where { font-family: var(--mono); font-size: 11.5px; color: var(--muted); margin-bottom: 6px;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.state dl { margin: 0; display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 1px 8px;
  font-size: 12px; }
.state dt { color: var(--muted); }
.state dd { margin: 0; font-family: var(--mono); font-size: 11.5px; overflow-wrap: anywhere; }
.state dd.changed { background: #fff3c4; border-radius: 4px; padding: 0 3px; font-weight: 700; }
.link { align-self: center; text-align: center; color: var(--muted); font-size: 12px; }
.link b { display: block; font-size: 20px; color: var(--ink); }
.caption { margin: 10px 0 0; font-size: 13px; }
.caption b { color: var(--ok); }
.tabs { display: flex; gap: 6px; margin-bottom: 8px; }
.tab { border-radius: 8px; }
.tab[aria-selected=true] { background: #141a26; color: #fff; border-color: #141a26; }
.tab .count { font-weight: 700; margin-left: 6px; }
.tab .count.bad { color: var(--dlq); }
.tab[aria-selected=true] .count.bad { color: #ff9c8c; }
.dlq-actions { display: flex; justify-content: space-between; align-items: center; gap: 8px;
  margin-bottom: 6px; }
.table { width: 100%; border-collapse: collapse; font-size: 12.5px; }
.table th { text-align: left; color: var(--muted); font-weight: 600; font-size: 11.5px;
  border-bottom: 1px solid var(--line); padding: 4px 6px; }
.table td { border-bottom: 1px solid var(--line); padding: 4px 6px; font-variant-numeric: tabular-nums;
  max-width: 260px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.table td.mono { font-family: var(--mono); font-size: 12px; }
.table tr.bad td { color: var(--dlq); }
.table tr.denied td { background: #fff4f1; color: var(--dlq); }
.table button.linky { border: 0; padding: 0; background: none; color: var(--ddb); font-family: var(--mono);
  font-size: 12px; text-decoration: underline; }
.compact td { padding: 2px 6px; }
footer { text-align: center; color: var(--muted); font-size: 12px; padding: 6px 0 18px; }
dialog { border: 1px solid var(--line); border-radius: 14px; padding: 18px 20px; max-width: 440px;
  box-shadow: 0 20px 60px rgba(20, 26, 38, .25); }
dialog::backdrop { background: rgba(20, 26, 38, .35); }
.dialog-buttons { display: flex; justify-content: flex-end; gap: 8px; margin-top: 14px; }
`;
