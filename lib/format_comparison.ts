/**
 * How the service shows a handled message, to people and to machines.
 *
 * @module
 */

import { timestampMillis } from "./laptop.ts";
import type { HandledMessage } from "./poll_updates.ts";

/** The `--json` line of one handled message. */
export interface ComparisonLine {
  /** SQS message id. */
  message_id: string;
  /** Record uuid, the item's key. */
  uuid: string;
  /** The file's key. */
  s3_key: string;
  /** The file's timestamp: when the record was generated. */
  file_timestamp: string;
  /** The item's timestamp: when the Lambda last updated it. */
  item_timestamp: string;
  /** Every key but the timestamp is equal in file and item. */
  same_record: boolean;
  /** The item's timestamp is later than the file's. */
  state_changed: boolean;
  /** Deliveries of this message, this one included. */
  receive_count: number;
  /** The laptop's trace id (W3C form), null when the message carried none. */
  trace_id: string | null;
}

/**
 * The machine-readable form of a handled message.
 *
 * @param handled The handled message.
 * @returns One object, for `JSON.stringify`.
 */
export function comparisonLine(handled: HandledMessage): ComparisonLine {
  const { comparison } = handled;
  return {
    message_id: handled.messageId,
    uuid: comparison.uuid,
    s3_key: comparison.s3Key,
    file_timestamp: comparison.file.timestamp,
    item_timestamp: comparison.item.timestamp,
    same_record: comparison.sameRecord,
    state_changed: comparison.stateChanged,
    receive_count: handled.receiveCount,
    trace_id: handled.traceId ?? null,
  };
}

/**
 * The human-readable form of a handled message: the file (the original) and
 * the item (its state now), and the verdict.
 *
 * @example Output
 * ```text
 * laptop.json (uuid 6f1c2a9e-…, Lenovo ThinkPad T14, 2019)
 *   file in S3 (the original):  timestamp 2026-11-25T17:20:01.123Z
 *   item in DynamoDB (now):     timestamp 2026-11-25T17:20:01.456Z
 *   same file, new state: the Lambda updated the item 333 ms after the file was made
 * ```
 *
 * @param handled The handled message.
 * @returns Lines without a final newline.
 */
export function formatComparison(handled: HandledMessage): string {
  const { file, item, sameRecord, stateChanged, s3Key } = handled.comparison;
  const delta = timestampMillis(item.timestamp) - timestampMillis(file.timestamp);
  const verdict = !sameRecord
    ? "MISMATCH: the item's record differs from the file's beyond the timestamp"
    : stateChanged
    ? `same file, new state: the Lambda updated the item ${delta} ms after the file was made`
    : "same file, same state: the item's timestamp is not newer than the file's";
  const redelivered = handled.receiveCount > 1 ? ` (delivery ${handled.receiveCount})` : "";
  return [
    `${s3Key} (uuid ${file.uuid}, ${file.constructor} ${file.model}, ${file.year})${redelivered}`,
    `  file in S3 (the original):  timestamp ${file.timestamp}${zoneNote(file.timestamp)}`,
    `  item in DynamoDB (now):     timestamp ${item.timestamp}`,
    `  ${verdict}`,
  ].join("\n");
}

// The original Python project wrote local time with no zone (see timestampMillis).
function zoneNote(timestamp: string): string {
  return timestamp.includes("T") ? "" : " (the original project's local time, read in this zone)";
}
