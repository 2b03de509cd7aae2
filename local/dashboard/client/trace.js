// @ts-check
/**
 * The trace of the selected laptop: its stage, its events on a timeline
 * (time from its first event, call, status and duration) as the router saw
 * them, beside the programs' own spans (their tree, sent to `/v1/traces`),
 * then its file and item (`trace_states.js`). Fetched again when a push says
 * it changed (at most every 0.4 s).
 *
 * @module
 */

/** @import { LaptopDetail, ProgramSpan, TraceEvent, TraceView } from "../api_types.ts" */
import { byId, h, setText } from "./dom.js";
import { ago, clock, fmt, ms, short } from "./format.js";
import { getJson } from "./http.js";
import { stagePill } from "./stages.js";
import { drawStates } from "./trace_states.js";

/** @type {Readonly<Record<string, string>>} */
const EVENT_TEXT = {
  "object-put": "File uploaded to S3",
  "item-put": "Item put in DynamoDB",
  "sent": "Keys sent to the upload queue",
  "lambda-received": "Received by the Lambda's poller",
  "lambda-invoked": "Lambda invoked",
  "updated": "Item updated by the Lambda",
  "forwarded": "Keys forwarded to the update queue",
  "lambda-deleted": "Deleted from the upload queue",
  "service-received": "Received by the service",
  "item-read": "Item read by the service",
  "object-read": "File read by the service",
  "handled": "Handled: deleted by the service",
  "dlq": "Moved to the dead-letter queue",
  "redriven": "Redriven to the source queue",
  "purged": "Purged from the dead-letter queue",
  "other": "Other call",
};

/** @type {Readonly<Record<string, string>>} */
const EVENT_TONE = {
  "object-put": "s3",
  "object-read": "s3",
  "item-put": "ddb",
  "updated": "ddb",
  "item-read": "ddb",
  "sent": "sqs",
  "forwarded": "sqs",
  "lambda-received": "lambda",
  "lambda-invoked": "lambda",
  "lambda-deleted": "lambda",
  "service-received": "svc",
  "handled": "svc",
  "dlq": "dlq",
  "redriven": "sqs",
  "purged": "dlq",
};

/**
 * One event of the timeline.
 *
 * @param {TraceEvent} event
 * @param {number} start the trace's first event, epoch milliseconds
 * @returns {HTMLElement}
 */
function eventItem(event, start) {
  const extra = [];
  if (event.receiveCount !== undefined) extra.push(`receive #${event.receiveCount}`);
  if (event.detail) extra.push(event.detail);
  if (event.messageId) extra.push(`message ${short(event.messageId)}`);
  return h(
    "li",
    {
      class: `tone-${EVENT_TONE[event.kind] ?? "gen"}${event.ok ? "" : " bad"}`,
      "data-kind": event.kind,
    },
    h("span", { class: "t" }, `+${ms(event.at - start)}`),
    h("span", { class: "mark" }),
    h(
      "span",
      { class: "what" },
      h("b", {}, EVENT_TEXT[event.kind] ?? event.kind),
      extra.length > 0 ? h("small", {}, extra.join(" · ")) : null,
    ),
    h(
      "span",
      { class: "call", title: clock(event.at) },
      `${event.call}${event.status !== undefined ? ` ${event.status}` : ""}${
        event.ms !== undefined ? ` · ${ms(event.ms)}` : ""
      }`,
    ),
  );
}

/**
 * The trace's head and timeline.
 *
 * @param {TraceView} trace
 * @returns {HTMLElement[]}
 */
function drawTimeline(trace) {
  const handled = trace.events.find((event) => event.kind === "handled" && event.ok);
  const parts = [
    h(
      "div",
      { class: "trace-head" },
      stagePill(trace),
      h("span", { class: "id" }, trace.s3Key ?? ""),
      h(
        "span",
        { class: "muted" },
        handled
          ? `through the pipeline in ${ms(handled.at - trace.firstAt)}`
          : `first seen ${ago(trace.firstAt)}`,
      ),
    ),
    h(
      "ol",
      { class: "timeline", id: "timeline" },
      ...trace.events.map((event) => eventItem(event, trace.firstAt)),
    ),
  ];
  if (trace.droppedEvents > 0) {
    parts.push(h("p", { class: "muted" }, `${fmt(trace.droppedEvents)} events left out`));
  }
  return parts;
}

/**
 * The programs' spans as a tree: each under its parent, children by start.
 *
 * @param {readonly ProgramSpan[]} spans
 * @returns {{ span: ProgramSpan, depth: number }[]}
 */
function spanTree(spans) {
  const ids = new Set(spans.map((span) => span.span_id));
  /** @type {Map<string | null, ProgramSpan[]>} */
  const children = new Map();
  for (const span of spans) {
    const parent = span.parent_span_id !== null && ids.has(span.parent_span_id)
      ? span.parent_span_id
      : null;
    children.set(parent, [...children.get(parent) ?? [], span]);
  }
  /** @type {{ span: ProgramSpan, depth: number }[]} */
  const rows = [];
  /** @param {string | null} parent @param {number} depth */
  const walk = (parent, depth) => {
    for (const span of children.get(parent) ?? []) {
      rows.push({ span, depth });
      walk(span.span_id, depth + 1);
    }
  };
  walk(null, 0);
  return rows;
}

/**
 * The programs' own spans of the laptop, beside the router's view.
 *
 * @param {LaptopDetail} detail
 * @returns {HTMLElement[]}
 */
function drawSpans(detail) {
  if (detail.spans.length === 0) {
    return [
      h("p", { class: "muted" }, "No spans from the programs (tracing off, or not sent yet)."),
    ];
  }
  const start = Math.min(...detail.spans.map((span) => span.start_ms));
  return [
    h("h3", {}, `The programs' spans · trace ${short(detail.traceId ?? "")}`),
    h(
      "ol",
      { class: "timeline spans", id: "spans" },
      ...spanTree(detail.spans).map(({ span, depth }) => {
        const what = h(
          "span",
          { class: "what" },
          h("b", {}, span.name),
          h("small", {}, [span.service_name, span.status.message].filter(Boolean).join(" · ")),
        );
        // The CSP allows no style attribute; a property set from script is fine.
        what.style.paddingLeft = `${depth}em`;
        return h(
          "li",
          {
            class: `tone-${SERVICE_TONE[span.service_name] ?? "lambda"}${
              span.status.code === "error" ? " bad" : ""
            }`,
            "data-service": span.service_name,
          },
          h("span", { class: "t" }, `+${ms(span.start_ms - start)}`),
          h("span", { class: "mark" }),
          what,
          h("span", { class: "call" }, ms(span.duration_ms)),
        );
      }),
    ),
  ];
}

/** @type {Readonly<Record<string, string>>} */
const SERVICE_TONE = { generator: "gen", service: "svc" };

/**
 * Draws a laptop's detail in the trace panel.
 *
 * @param {LaptopDetail} detail
 */
function drawTrace(detail) {
  setText("trace-id", detail.uuid);
  const parts = detail.trace !== null ? drawTimeline(detail.trace) : [
    h("p", { class: "muted" }, "No request for this laptop since the local AWS started."),
  ];
  byId("trace").replaceChildren(...parts, ...drawSpans(detail), ...drawStates(detail));
}

/**
 * @typedef {object} TracePanel
 * @property {() => string | undefined} selected The laptop shown.
 * @property {(uuid: string) => void} select Shows a laptop.
 * @property {() => void} markStale Fetches it again at the next chance.
 * @property {(touched: readonly string[], more: boolean) => void} touched
 *   Laptops changed: the trace is stale when it is one of them.
 * @property {(now: number) => void} refreshIfStale Fetches it when stale and not too soon.
 */

/**
 * Makes the trace panel (empty until a laptop is selected).
 *
 * @returns {TracePanel}
 */
export function createTracePanel() {
  /** @type {string | undefined} */
  let selected;
  let stale = false;
  let fetchedAt = 0;
  let loading = false;

  const refresh = async () => {
    if (selected === undefined || loading) return;
    loading = true;
    stale = false;
    fetchedAt = Date.now();
    const uuid = selected;
    try {
      /** @type {LaptopDetail} */
      const detail = await getJson(`api/laptops/${uuid}`);
      if (uuid === selected) drawTrace(detail);
    } catch (error) {
      byId("trace").replaceChildren(h("p", { class: "empty" }, String(error)));
    } finally {
      loading = false;
    }
  };

  return {
    selected: () => selected,
    select: (uuid) => {
      selected = uuid;
      void refresh();
    },
    markStale: () => stale = true,
    touched: (touched, more) => {
      if (selected !== undefined && (more || touched.includes(selected))) stale = true;
    },
    refreshIfStale: (now) => {
      if (stale && now - fetchedAt > 400) void refresh();
    },
  };
}
