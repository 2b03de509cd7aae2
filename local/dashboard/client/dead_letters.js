// @ts-check
/**
 * The dead-letter queues: a tab per queue with its count, a page of its
 * messages (fetched again when its counts change), and the redrive (one
 * message or all) and purge actions, each confirmed first.
 *
 * @module
 */

/** @import { DashboardSnapshot, DeadLetterPage, DeadLetterRow } from "../api_types.ts" */
import { confirmAction } from "./confirm.js";
import { byId, byIdAs, h, setText } from "./dom.js";
import { ago, clock, fmt, plural, short } from "./format.js";
import { getJson, postJson } from "./http.js";

/** Messages per page. */
const DLQ_PAGE = 50;
const ROLES = /** @type {const} */ (["uploadDlq", "updateDlq"]);

/**
 * @typedef {object} DeadLetterPanel
 * @property {(s: DashboardSnapshot) => void} drawTabs Draws the tabs' counts; the page is stale
 *   when the shown queue's counts changed.
 * @property {() => void} refreshIfStale Fetches the page when stale.
 */

/**
 * @typedef {object} DeadLetterOptions
 * @property {() => DashboardSnapshot | undefined} snapshot The latest snapshot (for the names).
 * @property {(uuid: string) => void} onOpen Shows a laptop's trace.
 * @property {() => void} onRedriven Messages went back through the pipeline.
 */

/**
 * A row of the messages' table.
 *
 * @param {DeadLetterRow} message
 * @returns {HTMLElement}
 */
function messageRow(message) {
  return h(
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
  );
}

/**
 * Draws a page of a queue's messages, its caption, actions and pager.
 *
 * @param {DeadLetterPage} page
 */
function drawPage(page) {
  byId("dlq-rows").replaceChildren(...page.messages.map(messageRow));
  byId("dlq-empty").hidden = page.total > 0;
  setText(
    "dlq-info",
    page.total === 0
      ? `back to ${page.source} on redrive`
      : `${plural(page.total, "message")} · redrive sends them back to ${page.source}`,
  );
  byIdAs("redrive-all", HTMLButtonElement).disabled = page.total === 0;
  byIdAs("purge", HTMLButtonElement).disabled = page.total === 0;
  byId("dlq-pager").hidden = page.listed <= DLQ_PAGE;
  setText(
    "dlq-page",
    `${fmt(page.offset + 1)}–${fmt(page.offset + page.messages.length)} of ${fmt(page.listed)}${
      page.total > page.listed ? ` (first ${fmt(page.listed)} listed)` : ""
    }`,
  );
  byIdAs("dlq-prev", HTMLButtonElement).disabled = page.offset === 0;
  byIdAs("dlq-next", HTMLButtonElement).disabled = page.offset + DLQ_PAGE >= page.listed;
}

/**
 * Makes the panel and wires its tabs, actions and pager.
 *
 * @param {DeadLetterOptions} options
 * @returns {DeadLetterPanel}
 */
export function createDeadLetterPanel(options) {
  let queue = byId("tab-uploadDlq").dataset.queue ?? "";
  let offset = 0;
  let stale = true;
  let loading = false;
  let signature = "";
  let total = 0;

  const refresh = async () => {
    if (loading) return;
    loading = true;
    stale = false;
    try {
      const query = new URLSearchParams({ offset: String(offset), limit: String(DLQ_PAGE) });
      /** @type {DeadLetterPage} */
      const page = await getJson(`api/dlq/${encodeURIComponent(queue)}?${query}`);
      total = page.total;
      drawPage(page);
    } catch (error) {
      setText("dlq-info", String(error));
    } finally {
      loading = false;
    }
  };

  /** @param {DashboardSnapshot} s */
  const drawTabs = (s) => {
    for (const role of ROLES) {
      const tab = byId(`tab-${role}`);
      const counts = s.queues[role];
      const count = counts.visible + counts.inFlight;
      const shown = tab.dataset.queue === queue;
      tab.setAttribute("aria-selected", String(shown));
      tab.replaceChildren(
        counts.name,
        h("span", { class: count > 0 ? "count bad" : "count" }, fmt(count)),
      );
      if (shown) {
        const now = `${counts.visible}/${counts.inFlight}/${counts.sent}/${counts.received}`;
        if (now !== signature) {
          signature = now;
          stale = true;
        }
      }
    }
  };

  /** @param {string} text */
  const toast = (text) => setText("dlq-info", text);

  /** @param {string} [messageId] one message, or all */
  const redrive = async (messageId) => {
    const snapshot = options.snapshot();
    const source = snapshot === undefined
      ? "its source queue"
      : queue === snapshot.names.uploadDlq
      ? snapshot.names.uploadQueue
      : snapshot.names.updateQueue;
    const ok = await confirmAction(
      messageId === undefined ? "Redrive all messages?" : "Redrive this message?",
      messageId === undefined
        ? `Send all ${plural(total, "message")} of ${queue} back to ${source}?`
        : `Send message ${short(messageId)} of ${queue} back to ${source}? ` +
          "It goes through the pipeline again.",
      "Redrive",
    );
    if (!ok) return;
    try {
      const result = await postJson(
        `api/dlq/${encodeURIComponent(queue)}/redrive`,
        messageId === undefined ? {} : { messageId },
      );
      toast(`Redriven ${plural(Number(result.moved ?? 0), "message")} to ${source}`);
    } catch (error) {
      toast(`Cannot redrive: ${error instanceof Error ? error.message : error}`);
    }
    stale = true;
    options.onRedriven();
  };

  const purge = async () => {
    const ok = await confirmAction(
      `Purge ${queue}?`,
      `Delete all ${plural(total, "message")} of ${queue} for good? This cannot be undone.`,
      "Purge",
    );
    if (!ok) return;
    try {
      const result = await postJson(`api/dlq/${encodeURIComponent(queue)}/purge`, {
        confirm: queue,
      });
      toast(`Purged ${plural(Number(result.purged ?? 0), "message")}`);
    } catch (error) {
      toast(`Cannot purge: ${error instanceof Error ? error.message : error}`);
    }
    stale = true;
  };

  for (const role of ROLES) {
    const tab = byId(`tab-${role}`);
    tab.addEventListener("click", () => {
      queue = tab.dataset.queue ?? queue;
      offset = 0;
      signature = "";
      const snapshot = options.snapshot();
      if (snapshot !== undefined) drawTabs(snapshot);
      void refresh();
    });
  }
  byId("dlq-rows").addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const open = target?.closest("[data-open]");
    if (open instanceof HTMLElement && open.dataset.open) options.onOpen(open.dataset.open);
    const message = target?.closest("[data-redrive]");
    if (message instanceof HTMLElement && message.dataset.redrive) {
      void redrive(message.dataset.redrive);
    }
  });
  byId("redrive-all").addEventListener("click", () => void redrive());
  byId("purge").addEventListener("click", () => void purge());
  byId("dlq-prev").addEventListener("click", () => {
    offset = Math.max(0, offset - DLQ_PAGE);
    void refresh();
  });
  byId("dlq-next").addEventListener("click", () => {
    offset += DLQ_PAGE;
    void refresh();
  });

  return {
    drawTabs,
    refreshIfStale: () => {
      if (stale) void refresh();
    },
  };
}
