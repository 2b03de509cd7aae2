/**
 * What each answered call means for the pipeline, per service: the counts of
 * the bucket, the table and the four queues, and the events it adds to the
 * laptops' traces. It follows a laptop from key to key (file key, message
 * ids, receipt handles) in bounded look-up tables. Pure.
 *
 * @module
 */

import type { ResourceDefinition } from "../../lib/resources.ts";
import type { TraceEventKind } from "./api_types.ts";
import { BoundedMap } from "../core/mod.ts";
import type { CallDetail } from "./_call_detail.ts";
import type { ObservedRequest } from "./_observed_request.ts";
import { round } from "./_round.ts";
import type { TraceBook } from "./_traces.ts";

/** Which of the pipeline's queues. */
export type QueueRole = "upload" | "uploadDlq" | "update" | "updateDlq";

/** Messages seen per queue. */
export interface QueueTally {
  sent: number;
  received: number;
  deleted: number;
}

/** The calls' counts per resource. */
export interface CallTallies {
  readonly queues: Record<QueueRole, QueueTally>;
  readonly s3: {
    puts: number;
    putErrors: number;
    gets: number;
    getErrors: number;
    deletes: number;
  };
  readonly dynamodb: {
    puts: number;
    putErrors: number;
    updates: number;
    updateErrors: number;
    reads: number;
    readErrors: number;
    deletes: number;
  };
}

/** What every event of one call shares. */
interface Base {
  readonly call: string;
  readonly status: number;
  readonly ms: number;
}

/** Reads the pipeline's calls into counts and trace events. */
export class CallObserver {
  readonly #traces: TraceBook;
  readonly #roles: Map<string, QueueRole>;
  readonly #messageUuids: BoundedMap<string, string>;
  readonly #receipts: BoundedMap<string, string>;
  readonly #keyUuids: BoundedMap<string, string>;
  /** The counts (read by the snapshot; the aggregator counts redrives in them). */
  readonly tallies: CallTallies = {
    queues: {
      upload: { sent: 0, received: 0, deleted: 0 },
      uploadDlq: { sent: 0, received: 0, deleted: 0 },
      update: { sent: 0, received: 0, deleted: 0 },
      updateDlq: { sent: 0, received: 0, deleted: 0 },
    },
    s3: { puts: 0, putErrors: 0, gets: 0, getErrors: 0, deletes: 0 },
    dynamodb: {
      puts: 0,
      putErrors: 0,
      updates: 0,
      updateErrors: 0,
      reads: 0,
      readErrors: 0,
      deletes: 0,
    },
  };

  /** Makes an observer adding events to `traces`; look-ups sized for `maxTraces` laptops. */
  constructor(resources: ResourceDefinition, traces: TraceBook, maxTraces: number) {
    this.#traces = traces;
    this.#messageUuids = new BoundedMap(2 * maxTraces);
    this.#receipts = new BoundedMap(2 * maxTraces);
    this.#keyUuids = new BoundedMap(maxTraces);
    const { uploadQueue, updateQueue } = resources;
    this.#roles = new Map([
      [uploadQueue.name, "upload"],
      [uploadQueue.deadLetterQueueName, "uploadDlq"],
      [updateQueue.name, "update"],
      [updateQueue.deadLetterQueueName, "updateDlq"],
    ]);
  }

  /** The role of a queue of the pipeline, or undefined. */
  roleOf(queue: string): QueueRole | undefined {
    return this.#roles.get(queue);
  }

  /** The laptop a message id belongs to, when known. */
  uuidOfMessage(messageId: string): string | undefined {
    return this.#messageUuids.get(messageId);
  }

  /** Remembers the laptop of a message (one the dashboard sent itself). */
  rememberMessage(messageId: string, uuid: string): void {
    this.#messageUuids.set(messageId, uuid);
  }

  /** Takes one answered (not refused) call and what it touched. */
  observe(request: ObservedRequest, detail: CallDetail): void {
    const ok = request.status < 300;
    const base = { call: request.name, status: request.status, ms: round(request.durationMs) };
    switch (request.service) {
      case "s3":
        return this.#observeS3(request, detail, base, ok);
      case "dynamodb":
        return this.#observeDynamodb(request, detail, base, ok);
      case "sqs":
        return this.#observeSqs(request, detail, base, ok);
      default:
        return;
    }
  }

  #observeS3(request: ObservedRequest, detail: CallDetail, base: Base, ok: boolean): void {
    const s3 = this.tallies.s3;
    const key = detail.key;
    if (request.operation === "PutObject") {
      if (ok) s3.puts++;
      else s3.putErrors++;
      const uuid = detail.objectUuid ?? (key === undefined ? undefined : this.#keyUuids.get(key));
      if (key !== undefined && detail.objectUuid !== undefined) {
        this.#keyUuids.set(key, detail.objectUuid);
      }
      if (uuid !== undefined) {
        const at = request.startedAt;
        this.#traces.add(uuid, { ...base, at, kind: "object-put", ok, detail: key ?? "" }, key);
      }
    } else if (request.operation === "GetObject") {
      if (ok) s3.gets++;
      else s3.getErrors++;
      const uuid = key === undefined ? undefined : this.#keyUuids.get(key);
      if (uuid !== undefined) {
        const at = Math.round(request.startedAt + request.durationMs);
        this.#traces.add(uuid, { ...base, at, kind: "object-read", ok, detail: key ?? "" });
      }
    } else if (request.operation === "DeleteObject" && ok) {
      s3.deletes++;
    }
  }

  #observeDynamodb(request: ObservedRequest, detail: CallDetail, base: Base, ok: boolean): void {
    const dynamodb = this.tallies.dynamodb;
    const { uuids, putItems, update } = detail;
    const at = request.startedAt;
    switch (request.operation) {
      case "PutItem":
      case "BatchWriteItem": {
        const put = new Set(putItems.map((item) => item.uuid));
        dynamodb.puts += put.size;
        if (!ok) dynamodb.putErrors += uuids.length;
        for (const item of putItems) {
          this.#traces.add(item.uuid, { ...base, at, kind: "item-put", ok: true }, undefined, item);
        }
        for (const uuid of uuids) {
          if (!put.has(uuid)) this.#traces.add(uuid, { ...base, at, kind: "item-put", ok: false });
        }
        return;
      }
      case "UpdateItem":
        if (ok) dynamodb.updates++;
        else dynamodb.updateErrors++;
        for (const uuid of uuids) {
          this.#traces.add(uuid, {
            ...base,
            at,
            kind: "updated",
            ok,
            ...(update === undefined ? {} : { detail: update }),
          });
        }
        return;
      case "GetItem":
      case "BatchGetItem":
        if (ok) dynamodb.reads += uuids.length;
        else dynamodb.readErrors += uuids.length;
        for (const uuid of uuids) this.#traces.add(uuid, { ...base, at, kind: "item-read", ok });
        return;
      case "DeleteItem":
        if (ok) dynamodb.deletes += uuids.length;
        return;
      default:
        return;
    }
  }

  #observeSqs(request: ObservedRequest, detail: CallDetail, base: Base, ok: boolean): void {
    const queue = detail.queue;
    const role = queue === undefined ? undefined : this.#roles.get(queue);
    const tally = role === undefined ? undefined : this.tallies.queues[role];
    const at = request.startedAt;
    const done = Math.round(request.startedAt + request.durationMs);
    const where = queue === undefined ? {} : { detail: queue };
    for (const message of detail.sent) {
      if (tally) tally.sent++;
      const uuid = message.uuid;
      if (uuid === undefined) continue;
      if (message.messageId !== undefined) this.#messageUuids.set(message.messageId, uuid);
      if (message.s3Key !== undefined) this.#keyUuids.set(message.s3Key, uuid);
      this.#traces.add(uuid, {
        ...base,
        at,
        kind: byRole(role, "sent", "forwarded"),
        ok,
        ...(message.messageId === undefined ? {} : { messageId: message.messageId }),
        ...where,
      }, message.s3Key);
    }
    for (const message of detail.received) {
      if (tally) tally.received++;
      const uuid = message.uuid ??
        (message.messageId === undefined ? undefined : this.#messageUuids.get(message.messageId));
      if (uuid === undefined) continue;
      if (message.receiptHandle !== undefined) this.#receipts.set(message.receiptHandle, uuid);
      if (message.messageId !== undefined) this.#messageUuids.set(message.messageId, uuid);
      this.#traces.add(uuid, {
        ...base,
        at: done,
        kind: byRole(role, "lambda-received", "service-received"),
        ok,
        ...(message.messageId === undefined ? {} : { messageId: message.messageId }),
        ...(message.receiveCount === undefined ? {} : { receiveCount: message.receiveCount }),
        ...where,
      }, message.s3Key);
    }
    for (const handle of detail.deleted) {
      if (tally) tally.deleted++;
      const uuid = this.#receipts.get(handle);
      if (uuid === undefined) continue;
      this.#receipts.delete(handle);
      const kind = byRole(role, "lambda-deleted", "handled");
      this.#traces.add(uuid, { ...base, at: done, kind, ok, ...where });
    }
  }
}

/** The event of a message on the upload queue, on the update queue, or on another. */
function byRole(
  role: QueueRole | undefined,
  upload: TraceEventKind,
  update: TraceEventKind,
): TraceEventKind {
  return role === "upload" ? upload : role === "update" ? update : "other";
}
