// @ts-check
/**
 * The flow diagram: the figures of each box and line of the pipeline's SVG,
 * the Lambda's batch-size histogram, and the lines that flow for a moment
 * when their count grows.
 *
 * @module
 */

/** @import { DashboardSnapshot } from "../api_types.ts" */
import { setText } from "./dom.js";
import { fmt, ms, plural } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";

/** @type {Map<string, ReturnType<typeof setTimeout>>} Timers that end each line's flowing, by line id. */
const flowTimers = new Map();

/**
 * Sets the label of a line, red when `bad`.
 *
 * @param {string} id
 * @param {string} text
 * @param {boolean} [bad]
 */
function label(id, text, bad = false) {
  const element = document.getElementById(`label-${id}`);
  if (element === null) return;
  if (element.textContent !== text) element.textContent = text;
  element.classList.toggle("bad", bad);
}

/**
 * Makes a line flow for 1.2 s when its count grew since the previous snapshot.
 *
 * @param {string} id
 * @param {number} now
 * @param {number | undefined} before
 */
function flowing(id, now, before) {
  const edge = document.getElementById(`edge-${id}`);
  if (edge === null || before === undefined || now <= before) return;
  edge.classList.add("flowing");
  clearTimeout(flowTimers.get(id));
  flowTimers.set(id, setTimeout(() => edge.classList.remove("flowing"), 1200));
}

/**
 * Sets a box's two lines; `alarm` and `busy` colour it.
 *
 * @param {string} id
 * @param {string} main
 * @param {string} sub
 * @param {boolean} [alarm]
 * @param {boolean} [busy]
 */
function node(id, main, sub, alarm = false, busy = false) {
  setText(`main-${id}`, main);
  setText(`sub-${id}`, sub);
  const group = document.getElementById(`node-${id}`);
  group?.classList.toggle("alarm", alarm);
  group?.classList.toggle("busy", busy);
}

/**
 * Draws the Lambda's invocations by batch size, 1 to 10.
 *
 * @param {DashboardSnapshot["lambda"]["batchSizes"]} sizes
 */
function drawHistogram(sizes) {
  const group = document.getElementById("hist-lambda");
  if (group === null) return;
  /** @type {number[]} */
  const buckets = new Array(10).fill(0);
  for (const [size, count] of sizes) {
    const index = Math.min(10, Math.max(1, size)) - 1;
    buckets[index] = (buckets[index] ?? 0) + count;
  }
  const max = Math.max(1, ...buckets);
  group.replaceChildren();
  group.setAttribute("class", "hist");
  const title = document.createElementNS(SVG, "title");
  title.textContent = "Invocations by batch size (1 to 10)";
  group.append(title);
  buckets.forEach((count, index) => {
    const height = count === 0 ? 1 : Math.max(2, Math.round((count / max) * 30));
    const bar = document.createElementNS(SVG, "rect");
    bar.setAttribute("x", String(index * 5));
    bar.setAttribute("y", String(32 - height));
    bar.setAttribute("width", "4");
    bar.setAttribute("height", String(height));
    group.append(bar);
  });
  const caption = document.createElementNS(SVG, "text");
  caption.setAttribute("x", "0");
  caption.setAttribute("y", "42");
  caption.textContent = "batch 1–10";
  group.append(caption);
}

/**
 * Fills the boxes: the generator, bucket, table, queues, Lambda and service.
 *
 * @param {DashboardSnapshot} s
 * @param {DashboardSnapshot | undefined} p the previous snapshot
 */
function drawNodes(s, p) {
  const q = s.queues;
  const l = s.lambda;
  node(
    "gen",
    plural(q.upload.sent, "laptop"),
    `${fmt(s.s3.puts)} files · ${fmt(s.dynamodb.puts)} items`,
    false,
    p !== undefined && q.upload.sent > p.queues.upload.sent,
  );
  node(
    "s3",
    s.s3.objects === null ? "– objects" : plural(s.s3.objects, "object"),
    `${fmt(s.s3.puts)} put · ${fmt(s.s3.gets)} read`,
  );
  node(
    "ddb",
    s.dynamodb.items === null ? "– items" : plural(s.dynamodb.items, "item"),
    `${fmt(s.dynamodb.puts)} put · ${fmt(s.dynamodb.updates)} updated · ${
      fmt(s.dynamodb.reads)
    } read`,
  );
  for (const role of /** @type {const} */ (["upload", "update"])) {
    const counts = q[role];
    node(
      role,
      `${fmt(counts.visible)} visible · ${fmt(counts.inFlight)} in flight`,
      `sent ${fmt(counts.sent)} · received ${fmt(counts.received)} · deleted ${
        fmt(counts.deleted)
      }`,
      false,
      counts.visible + counts.inFlight > 0,
    );
  }
  for (const role of /** @type {const} */ (["uploadDlq", "updateDlq"])) {
    const counts = q[role];
    const total = counts.visible + counts.inFlight;
    node(role, plural(total, "message"), total > 0 ? "failed for good" : "empty", total > 0);
  }
  const failed = l.partial + l.failure;
  node(
    "lambda",
    `${plural(l.invocations, "invocation")}`,
    `${l.running === null ? "not running" : `${fmt(l.running)} running`} · ${
      fmt(l.records)
    } records · ${fmt(l.coldStarts)} cold`,
    false,
    (l.running ?? 0) > 0,
  );
  setText(
    "sub2-lambda",
    l.invocations === 0
      ? "no invocation yet"
      : `p50 ${ms(l.p50Ms)} · p95 ${ms(l.p95Ms)} · ${fmt(failed)} failed`,
  );
  document.getElementById("sub2-lambda")?.classList.toggle("bad", failed > 0);
  drawHistogram(l.batchSizes);
  node(
    "svc",
    `${fmt(q.update.deleted)} handled`,
    `received ${fmt(q.update.received)}`,
    false,
    p !== undefined && q.update.received > p.queues.update.received,
  );
}

/**
 * Labels the lines with their counts, and makes the ones that grew flow.
 *
 * @param {DashboardSnapshot} s
 * @param {DashboardSnapshot | undefined} p the previous snapshot
 */
function drawEdges(s, p) {
  const q = s.queues;
  label("gen-s3", `PutObject ${fmt(s.s3.puts)}`, s.s3.putErrors > 0);
  label("gen-ddb", `PutItem ${fmt(s.dynamodb.puts)}`, s.dynamodb.putErrors > 0);
  label("gen-upload", `${fmt(q.upload.sent)}`);
  label("upload-lambda", `${fmt(q.upload.received)}`);
  label(
    "lambda-ddb",
    `UpdateItem ${fmt(s.dynamodb.updates)}${
      s.dynamodb.updateErrors > 0 ? ` · ${fmt(s.dynamodb.updateErrors)} failed` : ""
    }`,
    s.dynamodb.updateErrors > 0,
  );
  label("lambda-update", `${fmt(q.update.sent)}`);
  label("update-svc", `${fmt(q.update.received)}`);
  label("s3-svc", `GetObject ${fmt(s.s3.gets)}`, s.s3.getErrors > 0);
  label("ddb-svc", `GetItem ${fmt(s.dynamodb.reads)}`, s.dynamodb.readErrors > 0);
  const dlqUpload = q.uploadDlq.visible + q.uploadDlq.inFlight;
  const dlqUpdate = q.updateDlq.visible + q.updateDlq.inFlight;
  label("upload-dlq", `after ${s.names.maxReceiveCount} receives`, dlqUpload > 0);
  label("update-dlq", `after ${s.names.maxReceiveCount} receives`, dlqUpdate > 0);

  flowing("gen-s3", s.s3.puts, p?.s3.puts);
  flowing("gen-ddb", s.dynamodb.puts, p?.dynamodb.puts);
  flowing("gen-upload", q.upload.sent, p?.queues.upload.sent);
  flowing("upload-lambda", q.upload.received, p?.queues.upload.received);
  flowing("lambda-ddb", s.dynamodb.updates, p?.dynamodb.updates);
  flowing("lambda-update", q.update.sent, p?.queues.update.sent);
  flowing("update-svc", q.update.received, p?.queues.update.received);
  flowing("s3-svc", s.s3.gets, p?.s3.gets);
  flowing("ddb-svc", s.dynamodb.reads, p?.dynamodb.reads);
  flowing("upload-dlq", dlqUpload, p?.queues.uploadDlq.visible);
  flowing("update-dlq", dlqUpdate, p?.queues.updateDlq.visible);
}

/**
 * Draws the flow diagram's figures for a snapshot.
 *
 * @param {DashboardSnapshot} s
 * @param {DashboardSnapshot | undefined} p the previous snapshot
 */
export function drawFlow(s, p) {
  drawNodes(s, p);
  drawEdges(s, p);
}
