// @ts-check
/**
 * How the page names a laptop's stage, and its coloured pill.
 *
 * @module
 */

/** @import { TraceStage } from "../api_types.ts" */
import { h } from "./dom.js";

/** @type {Readonly<Record<TraceStage, string>>} */
export const STAGE_TEXT = {
  stored: "stored",
  queued: "queued",
  lambda: "in the Lambda",
  updated: "updated",
  forwarded: "forwarded",
  service: "at the service",
  handled: "handled",
};

/**
 * The pill of a laptop: its stage (with ⚠ after a failure), or DLQ.
 *
 * @param {{ stage: TraceStage, dlq: string | undefined, failed: boolean }} row
 * @returns {HTMLElement}
 */
export function stagePill(row) {
  return row.dlq !== undefined ? h("span", { class: "pill stage-dlq" }, "DLQ") : h(
    "span",
    { class: `pill stage-${row.stage}` },
    STAGE_TEXT[row.stage] ?? row.stage,
    row.failed ? " ⚠" : "",
  );
}
