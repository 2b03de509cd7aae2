/**
 * The dashboard's script, run in the browser. It is written here in
 * TypeScript, type-checked with the rest of the project, and served as the
 * source of {@linkcode dashboardClient} (`Function.prototype.toString()` of a
 * function Deno already compiled to JavaScript): no build step. So the
 * function must stand alone: it uses only its own inner declarations, the
 * browser's globals, and types (erased).
 *
 * It listens to the server-sent `snapshot` events, draws the figures once
 * per animation frame at most, fetches the laptop list, a trace or a
 * dead-letter queue only when they are shown and changed, and records how
 * long a push takes to reach the screen in `window.__dashboard`.
 *
 * @module
 */

import type {
  DashboardMetrics,
  DashboardSnapshot,
  DeadLetterPage,
  LaptopDetail,
  LaptopPage,
  LaptopRow,
  RecentRequest,
  TraceEvent,
} from "./api_types.ts";

/**
 * The few browser APIs the script uses, typed here rather than through the
 * `dom` library, whose global types would leak into the whole project's type
 * check (and clash with Deno's streams).
 */
interface DomNode {
  textContent: string | null;
}

/** An element (HTML or SVG), with the members the script uses. */
interface DomElement extends DomNode {
  readonly classList: {
    add(name: string): void;
    remove(name: string): void;
    toggle(name: string, force?: boolean): boolean;
  };
  readonly dataset: Record<string, string | undefined>;
  readonly children: ArrayLike<DomElement>;
  readonly childElementCount: number;
  hidden: boolean;
  disabled: boolean;
  value: string;
  className: string;
  readonly open: boolean;
  setAttribute(name: string, value: string): void;
  append(...nodes: (DomNode | string)[]): void;
  replaceChildren(...nodes: (DomNode | string)[]): void;
  closest(selector: string): DomElement | null;
  addEventListener(type: string, listener: (event: DomEvent) => void): void;
  removeEventListener(type: string, listener: (event: DomEvent) => void): void;
  showModal(): void;
  close(): void;
}

interface DomEvent {
  readonly target: DomElement | null;
  readonly currentTarget: DomElement | null;
  readonly data?: string;
}

/** The browser's globals the script uses. */
interface BrowserGlobals {
  readonly document: {
    getElementById(id: string): DomElement | null;
    createElement(tag: string): DomElement;
    createElementNS(namespace: string, tag: string): DomElement;
    querySelectorAll(selector: string): Iterable<DomElement>;
  };
  readonly EventSource: new (url: string) => {
    addEventListener(type: string, listener: (event: DomEvent) => void): void;
  };
  requestAnimationFrame(callback: () => void): number;
  __dashboard?: DashboardMetrics;
}

/** The dashboard's browser code; served as `(${dashboardClient})()`. */
export function dashboardClient(): void {
  const PAGE = 50;
  const DLQ_PAGE = 50;
  const metrics: DashboardMetrics = {
    firstRenderMs: null,
    updates: 0,
    latencies: [],
    drawMs: [],
    loads: 1,
  };
  const browser = globalThis as unknown as BrowserGlobals;
  const document = browser.document;
  browser.__dashboard = metrics;

  const byId = (id: string): DomElement => {
    const found = document.getElementById(id);
    if (found === null) throw new Error(`Missing element #${id}`);
    return found;
  };
  const fmt = (n: number): string => n.toLocaleString("en-US");
  const plural = (n: number, one: string, many = `${one}s`): string =>
    `${fmt(n)} ${n === 1 ? one : many}`;
  const short = (uuid: string): string => uuid.slice(0, 8);
  const clock = (at: number): string => {
    const d = new Date(at);
    const pad = (n: number, w = 2) => String(n).padStart(w, "0");
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${
      pad(d.getMilliseconds(), 3)
    }`;
  };
  const ago = (at: number): string => {
    const s = Math.max(0, Math.round((Date.now() - at) / 1000));
    if (s < 60) return `${s}s ago`;
    if (s < 3600) return `${Math.floor(s / 60)}m ago`;
    return `${Math.floor(s / 3600)}h ago`;
  };
  const ms = (value: number): string =>
    value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;

  /** Makes an element: h("li", {class: "x"}, "text", child). */
  const h = (
    tag: string,
    attrs: Record<string, string | boolean | undefined> = {},
    ...children: (DomNode | string | null | undefined | false)[]
  ): DomElement => {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === false) continue;
      if (value === true) element.setAttribute(name, "");
      else element.setAttribute(name, value);
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child);
    }
    return element;
  };
  const setText = (id: string, text: string): void => {
    const element = document.getElementById(id);
    if (element !== null && element.textContent !== text) element.textContent = text;
  };
  const getJson = async <T>(path: string): Promise<T> => {
    const response = await fetch(path, { headers: { accept: "application/json" } });
    const body = await response.json() as T & { error?: string };
    if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
    return body;
  };
  const postJson = async (path: string, value: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(value),
    });
    const body = await response.json() as Record<string, unknown>;
    if (!response.ok) throw new Error(String(body.error ?? `HTTP ${response.status}`));
    return body;
  };

  // --- state ---
  let snapshot: DashboardSnapshot | undefined;
  let previous: DashboardSnapshot | undefined;
  let pending: DashboardSnapshot | undefined;
  let frame = 0;
  const list = { filter: "all", q: "", offset: 0, total: 0, loading: false, stale: true };
  let listFetchedAt = 0;
  let selected: string | undefined;
  let traceStale = false;
  let traceFetchedAt = 0;
  let traceLoading = false;
  let dlqQueue = byId("tab-uploadDlq").dataset.queue ?? "";
  let dlqOffset = 0;
  let dlqStale = true;
  let dlqLoading = false;
  let dlqSignature = "";
  let dlqTotal = 0;

  // --- the flow diagram ---
  const label = (id: string, text: string, bad = false): void => {
    const element = document.getElementById(`label-${id}`);
    if (element === null) return;
    if (element.textContent !== text) element.textContent = text;
    element.classList.toggle("bad", bad);
  };
  const flowing = (id: string, now: number, before: number | undefined): void => {
    const edge = document.getElementById(`edge-${id}`);
    if (edge === null) return;
    const active = before !== undefined && now > before;
    if (active) {
      edge.classList.add("flowing");
      const timers = edge as unknown as { _timer?: ReturnType<typeof setTimeout> };
      clearTimeout(timers._timer);
      timers._timer = setTimeout(() => edge.classList.remove("flowing"), 1200);
    }
  };
  const node = (id: string, main: string, sub: string, alarm = false, busy = false): void => {
    setText(`main-${id}`, main);
    setText(`sub-${id}`, sub);
    const group = document.getElementById(`node-${id}`);
    group?.classList.toggle("alarm", alarm);
    group?.classList.toggle("busy", busy);
  };

  const drawHistogram = (sizes: readonly (readonly [number, number])[]): void => {
    const group = document.getElementById("hist-lambda");
    if (group === null) return;
    const svg = "http://www.w3.org/2000/svg";
    const buckets = new Array<number>(10).fill(0);
    for (const [size, count] of sizes) {
      const index = Math.min(10, Math.max(1, size)) - 1;
      buckets[index] = (buckets[index] ?? 0) + count;
    }
    const max = Math.max(1, ...buckets);
    group.replaceChildren();
    group.setAttribute("class", "hist");
    const title = document.createElementNS(svg, "title");
    title.textContent = "Invocations by batch size (1 to 10)";
    group.append(title);
    buckets.forEach((count, index) => {
      const height = count === 0 ? 1 : Math.max(2, Math.round((count / max) * 30));
      const bar = document.createElementNS(svg, "rect");
      bar.setAttribute("x", String(index * 5));
      bar.setAttribute("y", String(32 - height));
      bar.setAttribute("width", "4");
      bar.setAttribute("height", String(height));
      group.append(bar);
    });
    const caption = document.createElementNS(svg, "text");
    caption.setAttribute("x", "0");
    caption.setAttribute("y", "42");
    caption.textContent = "batch 1–10";
    group.append(caption);
  };

  const drawFlow = (s: DashboardSnapshot, p: DashboardSnapshot | undefined): void => {
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
    for (const role of ["upload", "update"] as const) {
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
    for (const role of ["uploadDlq", "updateDlq"] as const) {
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
    const lambdaGroup = document.getElementById("sub2-lambda");
    lambdaGroup?.classList.toggle("bad", failed > 0);
    drawHistogram(l.batchSizes);
    node(
      "svc",
      `${fmt(q.update.deleted)} handled`,
      `received ${fmt(q.update.received)}`,
      false,
      p !== undefined && q.update.received > p.queues.update.received,
    );

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
    flowing("upload-dlq", dlqUpload, p === undefined ? undefined : p.queues.uploadDlq.visible);
    flowing("update-dlq", dlqUpdate, p === undefined ? undefined : p.queues.updateDlq.visible);
  };

  const STAGE_TEXT: Record<string, string> = {
    stored: "stored",
    queued: "queued",
    lambda: "in the Lambda",
    updated: "updated",
    forwarded: "forwarded",
    service: "at the service",
    handled: "handled",
  };

  const drawFunnel = (s: DashboardSnapshot): void => {
    const funnel = byId("funnel");
    const steps: [string, number, boolean][] = [
      ...Object.entries(s.laptops.byStage).map(([stage, count]): [string, number, boolean] => [
        STAGE_TEXT[stage] ?? stage,
        count,
        false,
      ]),
      ["with failures", s.laptops.failed, s.laptops.failed > 0],
      ["in a DLQ", s.laptops.dlq, s.laptops.dlq > 0],
    ];
    if (funnel.childElementCount !== steps.length) {
      funnel.replaceChildren(
        ...steps.map(() => h("div", { class: "step" }, h("b"), h("span"))),
      );
    }
    steps.forEach(([name, count, bad], index) => {
      const step = funnel.children[index] as DomElement;
      step.classList.toggle("bad", bad);
      const [value, caption] = [step.children[0], step.children[1]];
      if (value && value.textContent !== fmt(count)) value.textContent = fmt(count);
      if (caption && caption.textContent !== name) caption.textContent = name;
    });
  };

  const drawHeader = (s: DashboardSnapshot): void => {
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
  };

  const drawRecent = (s: DashboardSnapshot): void => {
    const rows = [...s.requests.recentDenied.slice(0, 5), ...s.requests.recent]
      .filter((row, index, all) => all.indexOf(row) === index)
      .slice(0, 16)
      .sort((a, b) => b.at - a.at);
    const seen = new Set<string>();
    const unique = rows.filter((row) => {
      const key = `${row.at}|${row.name}|${row.target}|${row.status}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    byId("recent-rows").replaceChildren(...unique.map((row: RecentRequest) =>
      h(
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
      )
    ));
  };

  const drawTabs = (s: DashboardSnapshot): void => {
    for (const role of ["uploadDlq", "updateDlq"] as const) {
      const tab = byId(`tab-${role}`);
      const counts = s.queues[role];
      const total = counts.visible + counts.inFlight;
      const selectedTab = tab.dataset.queue === dlqQueue;
      tab.setAttribute("aria-selected", String(selectedTab));
      tab.replaceChildren(
        counts.name,
        h("span", { class: total > 0 ? "count bad" : "count" }, fmt(total)),
      );
      if (selectedTab) {
        const signature = `${counts.visible}/${counts.inFlight}/${counts.sent}/${counts.received}`;
        if (signature !== dlqSignature) {
          dlqSignature = signature;
          dlqStale = true;
        }
      }
    }
  };

  // --- laptops list ---
  const refreshList = async (): Promise<void> => {
    if (list.loading) return;
    list.loading = true;
    list.stale = false;
    listFetchedAt = Date.now();
    try {
      const query = new URLSearchParams({
        filter: list.filter,
        q: list.q,
        offset: String(list.offset),
        limit: String(PAGE),
      });
      const page = await getJson<LaptopPage>(`api/laptops?${query}`);
      list.total = page.total;
      drawList(page);
    } catch (error) {
      byId("laptop-list").replaceChildren(h("li", { class: "empty" }, String(error)));
    } finally {
      list.loading = false;
    }
  };

  const stagePill = (row: { stage: string; dlq: string | undefined; failed: boolean }) =>
    row.dlq !== undefined ? h("span", { class: "pill stage-dlq" }, "DLQ") : h(
      "span",
      { class: `pill stage-${row.stage}` },
      STAGE_TEXT[row.stage] ?? row.stage,
      row.failed ? " ⚠" : "",
    );

  const drawList = (page: LaptopPage): void => {
    const items = page.rows.map((row: LaptopRow) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: row.uuid === selected ? "selected" : undefined,
            "data-uuid": row.uuid,
            title: row.uuid,
          },
          h("span", { class: "id" }, short(row.uuid)),
          h("span", { class: "file" }, row.s3Key ?? "(file not seen)"),
          stagePill(row),
        ),
      )
    );
    byId("laptop-list").replaceChildren(
      ...(items.length > 0 ? items : [
        h(
          "li",
          { class: "empty" },
          list.q || list.filter !== "all"
            ? "No laptop matches."
            : "No laptop yet: run deno task generate laptop.json",
        ),
      ]),
    );
    const last = Math.min(page.total, page.offset + page.rows.length);
    setText(
      "page-info",
      page.total === 0 ? "" : `${fmt(page.offset + 1)}–${fmt(last)} of ${fmt(page.total)}`,
    );
    setText("laptop-total", plural(page.total, "laptop"));
    byId("newer").disabled = page.offset === 0;
    byId("older").disabled = last >= page.total;
  };

  // --- trace ---
  const EVENT_TEXT: Record<string, string> = {
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
  const EVENT_TONE: Record<string, string> = {
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

  const stateCard = (
    title: string,
    tone: string,
    where: string,
    values: Record<string, string> | null,
    compare?: Record<string, string> | null,
  ): DomElement => {
    const rows: DomElement[] = [];
    if (values === null) {
      rows.push(h("dt", {}, "–"), h("dd", {}, "not found"));
    } else {
      for (const [name, value] of Object.entries(values)) {
        // The key is the trace's own: shown once, in its header.
        if (name === "uuid") continue;
        const changed = compare !== undefined && compare !== null && compare[name] !== value;
        rows.push(
          h("dt", {}, name),
          // An ISO time may wrap after its date.
          h(
            "dd",
            { class: changed ? "changed" : undefined, title: value },
            value.replace(/^(\d{4}-\d{2}-\d{2})T/, "$1T\u200b"),
          ),
        );
      }
    }
    return h(
      "div",
      { class: `state tone-${tone}` },
      h("h4", {}, title),
      h("div", { class: "where", title: where }, where),
      h("dl", {}, ...rows),
    );
  };

  const fileValues = (text: string | undefined): Record<string, string> | null => {
    if (text === undefined) return null;
    try {
      const value = JSON.parse(text) as Record<string, unknown>;
      const result: Record<string, string> = {};
      for (const [name, field] of Object.entries(value)) {
        result[name] = typeof field === "string" ? field : JSON.stringify(field);
      }
      return result;
    } catch {
      return { text: text.slice(0, 200) };
    }
  };

  const ordered = (
    values: Record<string, string> | null,
    order: string[],
  ): Record<string, string> | null => {
    if (values === null) return null;
    const result: Record<string, string> = {};
    for (const name of order) if (name in values) result[name] = values[name] as string;
    for (const [name, value] of Object.entries(values)) if (!(name in result)) result[name] = value;
    return result;
  };

  const drawTrace = (detail: LaptopDetail): void => {
    const trace = detail.trace;
    const container = byId("trace");
    setText("trace-id", detail.uuid);
    const parts: (DomElement | null)[] = [];
    if (trace !== null) {
      const handled = trace.events.find((event) => event.kind === "handled" && event.ok);
      parts.push(h(
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
      ));
      const start = trace.firstAt;
      parts.push(h(
        "ol",
        { class: "timeline", id: "timeline" },
        ...trace.events.map((event: TraceEvent) => {
          const extra: string[] = [];
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
        }),
      ));
      if (trace.droppedEvents > 0) {
        parts.push(h("p", { class: "muted" }, `${fmt(trace.droppedEvents)} events left out`));
      }
    } else {
      parts.push(
        h("p", { class: "muted" }, "No request for this laptop since the local AWS started."),
      );
    }

    const file = fileValues(detail.file?.text);
    const order = Object.keys(file ?? trace?.putItem ?? detail.item ?? {});
    const before = ordered(trace?.putItem ? { ...trace.putItem } : null, order);
    const now = ordered(detail.item, order);
    const fileCard = stateCard(
      "S3 file",
      "s3",
      detail.file ? `s3://${detail.file.bucket}/${detail.file.key}` : "not seen",
      ordered(file, order),
    );
    const beforeCard = stateCard("Item as put", "ddb", "PutItem by the generator", before);
    const nowCard = stateCard("Item now", "ddb", "GetItem, consistent read", now, before ?? file);
    parts.push(h(
      "div",
      { class: "states", id: "states" },
      fileCard,
      h("div", { class: "link" }, h("b", {}, "="), "same values"),
      beforeCard,
      h("div", { class: "link" }, h("b", {}, "→"), "UpdateItem"),
      nowCard,
    ));
    const fileTime = file?.timestamp;
    const nowTime = now?.timestamp;
    if (fileTime !== undefined && nowTime !== undefined && fileTime !== nowTime) {
      const delta = Date.parse(nowTime) - Date.parse(fileTime);
      parts.push(h(
        "p",
        { class: "caption" },
        h("b", {}, "Same file, new state: "),
        `the file in S3 is still the original record, while the item's timestamp moved on by ${
          Number.isFinite(delta) ? ms(delta) : "?"
        }.`,
      ));
    } else if (fileTime !== undefined && nowTime !== undefined) {
      parts.push(h(
        "p",
        { class: "caption muted" },
        "The item is still as put: the Lambda has not updated it yet.",
      ));
    }
    container.replaceChildren(...parts.filter((part): part is DomElement => part !== null));
  };

  const refreshTrace = async (): Promise<void> => {
    if (selected === undefined || traceLoading) return;
    traceLoading = true;
    traceStale = false;
    traceFetchedAt = Date.now();
    const uuid = selected;
    try {
      const detail = await getJson<LaptopDetail>(`api/laptops/${uuid}`);
      if (uuid === selected) drawTrace(detail);
    } catch (error) {
      byId("trace").replaceChildren(h("p", { class: "empty" }, String(error)));
    } finally {
      traceLoading = false;
    }
  };

  const select = (uuid: string): void => {
    selected = uuid;
    for (const button of document.querySelectorAll("#laptop-list button")) {
      button.classList.toggle("selected", button.dataset.uuid === uuid);
    }
    void refreshTrace();
  };

  // --- dead-letter queues ---
  const confirmAction = (title: string, text: string, ok: string): Promise<boolean> => {
    const dialog = byId("confirm");
    setText("confirm-title", title);
    setText("confirm-text", text);
    const okButton = byId("confirm-ok");
    okButton.textContent = ok;
    okButton.classList.toggle("danger", ok.startsWith("Purge"));
    return new Promise((resolve) => {
      const done = (answer: boolean) => {
        okButton.removeEventListener("click", yes);
        cancel.removeEventListener("click", no);
        dialog.removeEventListener("cancel", no);
        dialog.close();
        resolve(answer);
      };
      const yes = () => done(true);
      const no = () => done(false);
      const cancel = byId("confirm-cancel");
      okButton.addEventListener("click", yes);
      cancel.addEventListener("click", no);
      dialog.addEventListener("cancel", no);
      dialog.showModal();
    });
  };

  const refreshDlq = async (): Promise<void> => {
    if (dlqLoading) return;
    dlqLoading = true;
    dlqStale = false;
    try {
      const query = new URLSearchParams({ offset: String(dlqOffset), limit: String(DLQ_PAGE) });
      const page = await getJson<DeadLetterPage>(
        `api/dlq/${encodeURIComponent(dlqQueue)}?${query}`,
      );
      dlqTotal = page.total;
      byId("dlq-rows").replaceChildren(...page.messages.map((message) =>
        h(
          "tr",
          { "data-message": message.messageId },
          h("td", { class: "mono", title: message.messageId }, short(message.messageId)),
          h(
            "td",
            {},
            message.uuid
              ? h(
                "button",
                { type: "button", class: "linky", "data-open": message.uuid, title: message.uuid },
                short(message.uuid),
              )
              : h("span", { class: "muted", title: message.body }, "not a pipeline message"),
          ),
          h("td", { class: "mono", title: message.body }, message.s3Key ?? "–"),
          h("td", {}, fmt(message.receiveCount)),
          h("td", { title: clock(message.sentAt) }, ago(message.sentAt)),
          h(
            "td",
            {},
            h(
              "button",
              {
                type: "button",
                class: "redrive",
                "data-redrive": message.messageId,
                disabled: message.state !== "ready",
              },
              "Redrive",
            ),
          ),
        )
      ));
      byId("dlq-empty").hidden = page.total > 0;
      setText(
        "dlq-info",
        page.total === 0
          ? `back to ${page.source} on redrive`
          : `${plural(page.total, "message")} · redrive sends them back to ${page.source}`,
      );
      byId("redrive-all").disabled = page.total === 0;
      byId("purge").disabled = page.total === 0;
      const pager = byId("dlq-pager");
      pager.hidden = page.listed <= DLQ_PAGE;
      setText(
        "dlq-page",
        `${fmt(page.offset + 1)}–${fmt(page.offset + page.messages.length)} of ${fmt(page.listed)}${
          page.total > page.listed ? ` (first ${fmt(page.listed)} listed)` : ""
        }`,
      );
      byId("dlq-prev").disabled = page.offset === 0;
      byId("dlq-next").disabled = page.offset + DLQ_PAGE >= page.listed;
    } catch (error) {
      setText("dlq-info", String(error));
    } finally {
      dlqLoading = false;
    }
  };

  const toast = (text: string): void => setText("dlq-info", text);

  const redrive = async (messageId?: string): Promise<void> => {
    const source = snapshot === undefined
      ? "its source queue"
      : dlqQueue === snapshot.names.uploadDlq
      ? snapshot.names.uploadQueue
      : snapshot.names.updateQueue;
    const ok = await confirmAction(
      messageId === undefined ? "Redrive all messages?" : "Redrive this message?",
      messageId === undefined
        ? `Send all ${plural(dlqTotal, "message")} of ${dlqQueue} back to ${source}?`
        : `Send message ${short(messageId)} of ${dlqQueue} back to ${source}? ` +
          "It goes through the pipeline again.",
      "Redrive",
    );
    if (!ok) return;
    try {
      const result = await postJson(
        `api/dlq/${encodeURIComponent(dlqQueue)}/redrive`,
        messageId === undefined ? {} : { messageId },
      );
      toast(`Redriven ${plural(Number(result.moved ?? 0), "message")} to ${source}`);
    } catch (error) {
      toast(`Cannot redrive: ${error instanceof Error ? error.message : error}`);
    }
    dlqStale = true;
    list.stale = true;
    traceStale = true;
  };

  const purge = async (): Promise<void> => {
    const ok = await confirmAction(
      `Purge ${dlqQueue}?`,
      `Delete all ${plural(dlqTotal, "message")} of ${dlqQueue} for good? This cannot be undone.`,
      "Purge",
    );
    if (!ok) return;
    try {
      const result = await postJson(`api/dlq/${encodeURIComponent(dlqQueue)}/purge`, {
        confirm: dlqQueue,
      });
      toast(`Purged ${plural(Number(result.purged ?? 0), "message")}`);
    } catch (error) {
      toast(`Cannot purge: ${error instanceof Error ? error.message : error}`);
    }
    dlqStale = true;
  };

  // --- drawing loop ---
  const apply = (): void => {
    frame = 0;
    const s = pending;
    if (s === undefined) return;
    pending = undefined;
    const drawStarted = performance.now();
    previous = snapshot;
    snapshot = s;
    drawHeader(s);
    drawFlow(s, previous);
    drawFunnel(s);
    drawRecent(s);
    drawTabs(s);
    const now = Date.now();
    if (s.touched.length > 0 || s.touchedMore) {
      if (list.offset === 0) list.stale = true;
      if (selected !== undefined && (s.touchedMore || s.touched.includes(selected))) {
        traceStale = true;
      }
    }
    if (list.stale && now - listFetchedAt > 700) void refreshList();
    if (traceStale && now - traceFetchedAt > 400) void refreshTrace();
    if (dlqStale) void refreshDlq();
    metrics.updates++;
    metrics.drawMs.push(Math.round((performance.now() - drawStarted) * 10) / 10);
    if (metrics.drawMs.length > 200) metrics.drawMs.shift();
    // After this frame is painted: the push-to-paint latency.
    browser.requestAnimationFrame(() =>
      setTimeout(() => {
        const latency = Date.now() - s.sentAt;
        metrics.latencies.push(latency);
        if (metrics.latencies.length > 200) metrics.latencies.shift();
        if (metrics.firstRenderMs === null) {
          metrics.firstRenderMs = Math.round(performance.now());
          setText("foot-render", `first figures in ${metrics.firstRenderMs} ms`);
        }
        setText("foot-latency", `push → paint ${latency} ms`);
      }, 0)
    );
  };

  const receive = (data: string): void => {
    pending = JSON.parse(data) as DashboardSnapshot;
    if (frame === 0) frame = browser.requestAnimationFrame(apply);
  };

  // Stale parts are fetched again even when no push comes.
  setInterval(() => {
    const now = Date.now();
    if (list.stale && now - listFetchedAt > 700) void refreshList();
    if (traceStale && now - traceFetchedAt > 400) void refreshTrace();
    if (dlqStale) void refreshDlq();
  }, 1000);

  const connect = (): void => {
    const conn = byId("conn");
    const source = new browser.EventSource("events");
    source.addEventListener("open", () => {
      conn.textContent = "live";
      conn.className = "conn live";
    });
    source.addEventListener("snapshot", (event) => receive(event.data ?? ""));
    source.addEventListener("error", () => {
      conn.textContent = "reconnecting…";
      conn.className = "conn down";
    });
  };

  // --- controls ---
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  byId("q").addEventListener("input", (event) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      list.q = (event.target as DomElement).value;
      list.offset = 0;
      void refreshList();
    }, 150);
  });
  byId("filter").addEventListener("change", (event) => {
    list.filter = (event.target as DomElement).value;
    list.offset = 0;
    void refreshList();
  });
  byId("newer").addEventListener("click", () => {
    list.offset = Math.max(0, list.offset - PAGE);
    void refreshList();
  });
  byId("older").addEventListener("click", () => {
    list.offset += PAGE;
    void refreshList();
  });
  byId("laptop-list").addEventListener("click", (event) => {
    const button = (event.target as DomElement).closest("button[data-uuid]");
    if (button?.dataset.uuid) select(button.dataset.uuid);
  });
  for (const role of ["uploadDlq", "updateDlq"]) {
    byId(`tab-${role}`).addEventListener("click", (event) => {
      dlqQueue = (event.currentTarget as DomElement).dataset.queue ?? dlqQueue;
      dlqOffset = 0;
      dlqSignature = "";
      if (snapshot !== undefined) drawTabs(snapshot);
      void refreshDlq();
    });
  }
  byId("dlq-rows").addEventListener("click", (event) => {
    const target = event.target as DomElement;
    const open = target.closest("[data-open]")?.dataset.open;
    if (open) select(open);
    const message = target.closest("[data-redrive]")?.dataset.redrive;
    if (message) void redrive(message);
  });
  byId("redrive-all").addEventListener("click", () => void redrive());
  byId("purge").addEventListener("click", () => void purge());
  byId("dlq-prev").addEventListener("click", () => {
    dlqOffset = Math.max(0, dlqOffset - DLQ_PAGE);
    void refreshDlq();
  });
  byId("dlq-next").addEventListener("click", () => {
    dlqOffset += DLQ_PAGE;
    void refreshDlq();
  });

  connect();
  void refreshList();
}
