// @ts-check
/**
 * The laptop list: newest first, filtered, searched and paged, fetched
 * again when a push says laptops on its page changed (at most every 0.7 s).
 *
 * @module
 */

/** @import { LaptopPage, LaptopRow } from "../api_types.ts" */
import { byId, byIdAs, h, setText } from "./dom.js";
import { fmt, plural, short } from "./format.js";
import { getJson } from "./http.js";
import { stagePill } from "./stages.js";

/** Rows per page. */
const PAGE = 50;

/**
 * @typedef {object} LaptopList
 * @property {() => Promise<void>} refresh Fetches and draws the page now.
 * @property {() => void} markStale Fetches it again at the next chance.
 * @property {() => void} touched Laptops changed: the first page is stale.
 * @property {(now: number) => void} refreshIfStale Fetches it when stale and not too soon.
 * @property {(uuid: string) => void} markSelected Highlights a laptop.
 */

/**
 * Makes the list and wires its controls.
 *
 * @param {{ selected(): string | undefined, onSelect(uuid: string): void }} options
 * @returns {LaptopList}
 */
export function createLaptopList(options) {
  const list = { filter: "all", q: "", offset: 0, loading: false, stale: true };
  let fetchedAt = 0;

  /** @param {LaptopRow} row */
  const rowItem = (row) =>
    h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: row.uuid === options.selected() ? "selected" : undefined,
          "data-uuid": row.uuid,
          title: row.uuid,
        },
        h("span", { class: "id" }, short(row.uuid)),
        h("span", { class: "file" }, row.s3Key ?? "(file not seen)"),
        stagePill(row),
      ),
    );

  /** @param {LaptopPage} page */
  const draw = (page) => {
    const items = page.rows.map(rowItem);
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
    byIdAs("newer", HTMLButtonElement).disabled = page.offset === 0;
    byIdAs("older", HTMLButtonElement).disabled = last >= page.total;
  };

  const refresh = async () => {
    if (list.loading) return;
    list.loading = true;
    list.stale = false;
    fetchedAt = Date.now();
    try {
      const query = new URLSearchParams({
        filter: list.filter,
        q: list.q,
        offset: String(list.offset),
        limit: String(PAGE),
      });
      draw(await getJson(`api/laptops?${query}`));
    } catch (error) {
      byId("laptop-list").replaceChildren(h("li", { class: "empty" }, String(error)));
    } finally {
      list.loading = false;
    }
  };

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let searchTimer;
  const search = byIdAs("q", HTMLInputElement);
  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      list.q = search.value;
      list.offset = 0;
      void refresh();
    }, 150);
  });
  const filter = byIdAs("filter", HTMLSelectElement);
  filter.addEventListener("change", () => {
    list.filter = filter.value;
    list.offset = 0;
    void refresh();
  });
  byId("newer").addEventListener("click", () => {
    list.offset = Math.max(0, list.offset - PAGE);
    void refresh();
  });
  byId("older").addEventListener("click", () => {
    list.offset += PAGE;
    void refresh();
  });
  byId("laptop-list").addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const button = target?.closest("button[data-uuid]");
    const uuid = button instanceof HTMLElement ? button.dataset.uuid : undefined;
    if (uuid) options.onSelect(uuid);
  });

  return {
    refresh,
    markStale: () => list.stale = true,
    touched: () => {
      if (list.offset === 0) list.stale = true;
    },
    refreshIfStale: (now) => {
      if (list.stale && now - fetchedAt > 700) void refresh();
    },
    markSelected: (uuid) => {
      for (const button of document.querySelectorAll("#laptop-list button")) {
        if (button instanceof HTMLElement) {
          button.classList.toggle("selected", button.dataset.uuid === uuid);
        }
      }
    },
  };
}
