// @ts-check
/**
 * The dashboard's page script (an ES module, served as it is): it listens
 * to the server-sent `snapshot` events, draws the figures once per
 * animation frame at most, fetches the laptop list, a trace or a
 * dead-letter queue only when they are shown and changed, and records how
 * long a push takes to reach the screen in `window.__dashboard`.
 *
 * @module
 */

/** @import { DashboardMetrics, DashboardSnapshot } from "../api_types.ts" */
import { createDeadLetterPanel } from "./dead_letters.js";
import { byId, setText } from "./dom.js";
import { drawFlow } from "./flow.js";
import { createLaptopList } from "./laptops.js";
import { drawFunnel, drawHeader, drawRecent } from "./overview.js";
import { createTracePanel } from "./trace.js";

/** Latencies and draw times kept. */
const SAMPLES = 200;

/**
 * @param {number[]} list
 * @param {number} value
 */
function sample(list, value) {
  list.push(value);
  if (list.length > SAMPLES) list.shift();
}

/**
 * Records the push-to-paint latency of a snapshot once its frame is painted.
 *
 * @param {DashboardMetrics} metrics
 * @param {DashboardSnapshot} s
 */
function afterPaint(metrics, s) {
  requestAnimationFrame(() =>
    setTimeout(() => {
      const latency = Date.now() - s.sentAt;
      sample(metrics.latencies, latency);
      if (metrics.firstRenderMs === null) {
        metrics.firstRenderMs = Math.round(performance.now());
        setText("foot-render", `first figures in ${metrics.firstRenderMs} ms`);
      }
      setText("foot-latency", `push → paint ${latency} ms`);
    }, 0)
  );
}

/** Starts the page: its panels, the event stream and the drawing loop. */
function dashboardClient() {
  /** @type {DashboardMetrics} */
  const metrics = { firstRenderMs: null, updates: 0, latencies: [], drawMs: [], loads: 1 };
  Object.assign(globalThis, { __dashboard: metrics });

  /** @type {DashboardSnapshot | undefined} */
  let snapshot;
  /** @type {DashboardSnapshot | undefined} */
  let pending;
  let frame = 0;

  const trace = createTracePanel();
  /** @param {string} uuid */
  const select = (uuid) => {
    trace.select(uuid);
    laptops.markSelected(uuid);
  };
  const laptops = createLaptopList({ selected: trace.selected, onSelect: select });
  const deadLetters = createDeadLetterPanel({
    snapshot: () => snapshot,
    onOpen: select,
    onRedriven: () => {
      laptops.markStale();
      trace.markStale();
    },
  });

  const refreshStale = () => {
    const now = Date.now();
    laptops.refreshIfStale(now);
    trace.refreshIfStale(now);
    deadLetters.refreshIfStale();
  };

  const apply = () => {
    frame = 0;
    const s = pending;
    if (s === undefined) return;
    pending = undefined;
    const drawStarted = performance.now();
    const previous = snapshot;
    snapshot = s;
    drawHeader(s);
    drawFlow(s, previous);
    drawFunnel(s);
    drawRecent(s);
    deadLetters.drawTabs(s);
    if (s.touched.length > 0 || s.touchedMore) {
      laptops.touched();
      trace.touched(s.touched, s.touchedMore);
    }
    refreshStale();
    metrics.updates++;
    sample(metrics.drawMs, Math.round((performance.now() - drawStarted) * 10) / 10);
    afterPaint(metrics, s);
  };

  // Stale parts are fetched again even when no push comes.
  setInterval(refreshStale, 1000);

  const conn = byId("conn");
  const source = new EventSource("events");
  source.addEventListener("open", () => {
    conn.textContent = "live";
    conn.className = "conn live";
  });
  source.addEventListener("snapshot", (event) => {
    pending = JSON.parse(event.data ?? "");
    if (frame === 0) frame = requestAnimationFrame(apply);
  });
  source.addEventListener("error", () => {
    conn.textContent = "reconnecting…";
    conn.className = "conn down";
  });

  void laptops.refresh();
}

dashboardClient();
