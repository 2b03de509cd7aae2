// @ts-check
/**
 * Below a laptop's timeline: its file in S3, its item as put and its item
 * now, side by side, with the values the Lambda changed marked, and a
 * caption that says what changed.
 *
 * @module
 */

/** @import { LaptopDetail } from "../api_types.ts" */
import { h } from "./dom.js";
import { ms } from "./format.js";

/** @typedef {Readonly<Record<string, string>>} Values */

/**
 * A card of values; those that differ from `compare` are marked changed.
 *
 * @param {string} title
 * @param {string} tone
 * @param {string} where
 * @param {Values | null} values
 * @param {Values | null} [compare]
 * @returns {HTMLElement}
 */
function stateCard(title, tone, where, values, compare) {
  /** @type {HTMLElement[]} */
  const rows = [];
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
}

/**
 * The file's JSON fields as text, or its start when it is not JSON.
 *
 * @param {string | undefined} text
 * @returns {Values | null}
 */
function fileValues(text) {
  if (text === undefined) return null;
  try {
    const value = JSON.parse(text);
    /** @type {Record<string, string>} */
    const result = {};
    for (const [name, field] of Object.entries(value)) {
      result[name] = typeof field === "string" ? field : JSON.stringify(field);
    }
    return result;
  } catch {
    return { text: text.slice(0, 200) };
  }
}

/**
 * The values in the given order of names, then the others.
 *
 * @param {Values | null} values
 * @param {string[]} order
 * @returns {Values | null}
 */
function ordered(values, order) {
  if (values === null) return null;
  /** @type {Record<string, string>} */
  const result = {};
  for (const name of order) {
    const value = values[name];
    if (value !== undefined) result[name] = value;
  }
  for (const [name, value] of Object.entries(values)) if (!(name in result)) result[name] = value;
  return result;
}

/**
 * The three cards and the caption of a laptop.
 *
 * @param {LaptopDetail} detail
 * @returns {HTMLElement[]}
 */
export function drawStates(detail) {
  const trace = detail.trace;
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
  const parts = [h(
    "div",
    { class: "states", id: "states" },
    fileCard,
    h("div", { class: "link" }, h("b", {}, "="), "same values"),
    beforeCard,
    h("div", { class: "link" }, h("b", {}, "→"), "UpdateItem"),
    nowCard,
  )];
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
  return parts;
}
