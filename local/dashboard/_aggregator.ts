/**
 * The dashboard's memory: running counts per node and edge of the pipeline,
 * and a trace per laptop, built from what the local AWS's router and the
 * Lambda runner report. Bounded: at most `maxTraces` laptops (the oldest are
 * forgotten first), a fixed number of events per laptop, and bounded
 * look-up tables. Pure (the clock is injected).
 *
 * @module
 */

import type { ResourceDefinition } from "../../lib/resources.ts";
import type { LambdaInvocationReport } from "../lambda/mod.ts";
import {
  type CallDetail,
  type CallMessage,
  describeCall,
  type ObservedCall,
} from "./_call_detail.ts";
import { BoundedMap } from "./_bounded_map.ts";

/** A request as the aggregator takes it: the router's report (a subset). */
export interface ObservedRequest extends ObservedCall {
  /** `service:Operation`. */
  readonly name: string;
  /** Arrival time, epoch milliseconds. */
  readonly startedAt: number;
  /** Time to answer, milliseconds. */
  readonly durationMs: number;
  /** Who signed it, when IAM is on. */
  readonly principal?: string;
  /** Why IAM (or another interceptor) refused it. */
  readonly denied?: { readonly code: string; readonly message: string };
}

/** How far a laptop got, in the pipeline's order. */
export type TraceStage =
  | "stored"
  | "queued"
  | "lambda"
  | "updated"
  | "forwarded"
  | "service"
  | "handled";

/** The stages in order. */
export const TRACE_STAGES: readonly TraceStage[] = [
  "stored",
  "queued",
  "lambda",
  "updated",
  "forwarded",
  "service",
  "handled",
];

/** What happened to a laptop at one moment. */
export type TraceEventKind =
  | "object-put"
  | "item-put"
  | "sent"
  | "lambda-received"
  | "lambda-invoked"
  | "updated"
  | "forwarded"
  | "lambda-deleted"
  | "service-received"
  | "item-read"
  | "object-read"
  | "handled"
  | "dlq"
  | "redriven"
  | "purged"
  | "other";

/** One event of a trace. */
export interface TraceEvent {
  /** Epoch milliseconds. */
  readonly at: number;
  /** What happened. */
  readonly kind: TraceEventKind;
  /** Whether it succeeded. */
  readonly ok: boolean;
  /** `service:Operation` of the request, or `lambda:Invoke`. */
  readonly call: string;
  /** HTTP status, for requests. */
  readonly status?: number;
  /** Duration, milliseconds. */
  readonly ms?: number;
  /** Message id involved. */
  readonly messageId?: string;
  /** Receive count of a received message. */
  readonly receiveCount?: number;
  /** Short human detail (queue, key, update, outcome...). */
  readonly detail?: string;
}

/** A laptop's trace as the API returns it. */
export interface TraceView {
  /** The item's hash key. */
  readonly uuid: string;
  /** The file's S3 key, once seen. */
  readonly s3Key: string | undefined;
  /** Furthest stage reached. */
  readonly stage: TraceStage;
  /** Whether any step failed (a retry, an error answer). */
  readonly failed: boolean;
  /** The dead-letter queue it is in, when it was last seen in one. */
  readonly dlq: string | undefined;
  /** First and last event, epoch milliseconds. */
  readonly firstAt: number;
  /** Last event. */
  readonly lastAt: number;
  /** The item as the generator put it (attributes as text). */
  readonly putItem: Readonly<Record<string, string>> | undefined;
  /** Events in order. */
  readonly events: readonly TraceEvent[];
  /** Events left out because the trace reached its limit. */
  readonly droppedEvents: number;
}

/** One row of the laptop list. */
export interface LaptopRow {
  /** Hash key. */
  readonly uuid: string;
  /** File name. */
  readonly s3Key: string | undefined;
  /** Furthest stage. */
  readonly stage: TraceStage;
  /** Any failure. */
  readonly failed: boolean;
  /** Dead-letter queue, if in one. */
  readonly dlq: string | undefined;
  /** Last event, epoch milliseconds. */
  readonly lastAt: number;
}

/** Which laptops {@linkcode DashboardAggregator.listLaptops} returns. */
export type LaptopFilter = "all" | "moving" | "handled" | "failed" | "dlq";

/** A page of the laptop list, newest first. */
export interface LaptopPage {
  /** Laptops matching the filter and query. */
  readonly total: number;
  /** Offset of the first row. */
  readonly offset: number;
  /** The rows. */
  readonly rows: readonly LaptopRow[];
}

/** Counts of one queue. */
export interface QueueCounts {
  /** Queue name. */
  readonly name: string;
  /** Messages visible (live, from the emulator). */
  readonly visible: number;
  /** Messages received and not yet deleted or visible again (live). */
  readonly inFlight: number;
  /** Messages sent (observed). */
  readonly sent: number;
  /** Messages received (observed). */
  readonly received: number;
  /** Messages deleted (observed). */
  readonly deleted: number;
}

/** Live figures the aggregator cannot see in requests: read from the emulators. */
export interface LiveCounts {
  /** Per queue name: visible and in flight. */
  readonly queues: Readonly<Record<string, { visible: number; inFlight: number }>>;
  /** Objects in the bucket, or null before the first count. */
  readonly objects: number | null;
  /** Items in the table, or null before the first count. */
  readonly items: number | null;
  /** Invocations running now, or null without a Lambda runner. */
  readonly lambdaRunning: number | null;
}

/** One recent request, as the page lists it. */
export interface RecentRequest {
  /** Arrival, epoch milliseconds. */
  readonly at: number;
  /** `service:Operation`. */
  readonly name: string;
  /** HTTP status. */
  readonly status: number;
  /** Duration, milliseconds (rounded to 0.1). */
  readonly ms: number;
  /** Queue, key or uuid it touched. */
  readonly target: string;
  /** Who signed it, when known. */
  readonly principal?: string;
  /** Why it was refused, when it was. */
  readonly denied?: string;
}

/** Everything the page shows apart from traces and dead-letter messages. */
export interface DashboardSnapshot {
  /** Increases with every observation. */
  readonly version: number;
  /** When this snapshot was made, epoch milliseconds (for latency figures). */
  readonly sentAt: number;
  /** When the aggregator started. */
  readonly startedAt: number;
  /** The pipeline's names. */
  readonly names: {
    readonly bucket: string;
    readonly table: string;
    readonly uploadQueue: string;
    readonly uploadDlq: string;
    readonly updateQueue: string;
    readonly updateDlq: string;
    readonly functionName: string;
    readonly maxReceiveCount: number;
  };
  /** The four queues. */
  readonly queues: {
    readonly upload: QueueCounts;
    readonly uploadDlq: QueueCounts;
    readonly update: QueueCounts;
    readonly updateDlq: QueueCounts;
  };
  /** The bucket. */
  readonly s3: {
    readonly objects: number | null;
    readonly puts: number;
    readonly putErrors: number;
    readonly gets: number;
    readonly getErrors: number;
  };
  /** The table. */
  readonly dynamodb: {
    readonly items: number | null;
    readonly puts: number;
    readonly putErrors: number;
    readonly updates: number;
    readonly updateErrors: number;
    readonly reads: number;
    readonly readErrors: number;
  };
  /** The Lambda function (from the runner's reports). */
  readonly lambda: {
    readonly running: number | null;
    readonly invocations: number;
    readonly records: number;
    readonly coldStarts: number;
    readonly success: number;
    readonly partial: number;
    readonly failure: number;
    readonly retriedRecords: number;
    readonly failures: Readonly<Record<string, number>>;
    /** `[batch size, invocations]`, sizes ascending. */
    readonly batchSizes: readonly (readonly [number, number])[];
    readonly avgMs: number;
    readonly p50Ms: number;
    readonly p95Ms: number;
    readonly maxMs: number;
  };
  /** Requests. */
  readonly requests: {
    readonly total: number;
    readonly errors: number;
    readonly denied: number;
    /** Requests per second over the last 60 seconds, oldest first. */
    readonly perSecond: readonly number[];
    /** The latest requests, newest first. */
    readonly recent: readonly RecentRequest[];
    /** The latest refused requests, newest first. */
    readonly recentDenied: readonly RecentRequest[];
  };
  /** Laptops traced. */
  readonly laptops: {
    readonly traced: number;
    readonly forgotten: number;
    readonly byStage: Readonly<Record<TraceStage, number>>;
    readonly failed: number;
    readonly dlq: number;
  };
  /** Laptops whose trace changed since the previous snapshot (capped). */
  readonly touched: readonly string[];
  /** Whether more laptops changed than `touched` lists. */
  readonly touchedMore: boolean;
}

/** A message of a dead-letter queue, as the emulator shows it. */
export interface DeadLetter {
  /** Message id. */
  readonly messageId: string;
  /** Body. */
  readonly body: string;
}

/** Options of {@linkcode DashboardAggregator}. */
export interface AggregatorOptions {
  /** The pipeline's resources (names of the queues, table, bucket). */
  readonly resources: ResourceDefinition;
  /** Laptops kept; the oldest are forgotten beyond it. Default 20,000. */
  readonly maxTraces?: number;
  /** Events kept per laptop. Default 48. */
  readonly maxEventsPerTrace?: number;
  /** Clock, epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/** Laptops reported as touched per snapshot, at most. */
const MAX_TOUCHED = 256;
/** Recent requests kept. */
const RECENT_REQUESTS = 40;
/** Lambda durations kept for percentiles. */
const DURATION_SAMPLES = 512;

interface Trace {
  readonly uuid: string;
  s3Key: string | undefined;
  stage: number;
  failed: boolean;
  dlq: string | undefined;
  firstAt: number;
  lastAt: number;
  putItem: Readonly<Record<string, string>> | undefined;
  events: TraceEvent[];
  droppedEvents: number;
}

interface QueueTally {
  sent: number;
  received: number;
  deleted: number;
}

type QueueRole = "upload" | "uploadDlq" | "update" | "updateDlq";

/**
 * Aggregates the local AWS's requests and the Lambda runner's reports.
 *
 * @example Usage
 * ```ts ignore
 * const aggregator = new DashboardAggregator({ resources: RESOURCES });
 * aws.onRequest((request) => aggregator.observeRequest(request));
 * const snapshot = aggregator.snapshot(live);
 * ```
 */
export class DashboardAggregator {
  readonly #resources: ResourceDefinition;
  readonly #maxEvents: number;
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #roles: Map<string, QueueRole>;
  #version = 0;

  readonly #traces: BoundedMap<string, Trace>;
  #forgotten = 0;
  readonly #byStage: number[] = TRACE_STAGES.map(() => 0);
  #failedTraces = 0;
  #dlqTraces = 0;
  #touched = new Set<string>();
  #touchedMore = false;

  readonly #messageUuids: BoundedMap<string, string>;
  readonly #receipts: BoundedMap<string, string>;
  readonly #keyUuids: BoundedMap<string, string>;

  readonly #queues: Record<QueueRole, QueueTally> = {
    upload: { sent: 0, received: 0, deleted: 0 },
    uploadDlq: { sent: 0, received: 0, deleted: 0 },
    update: { sent: 0, received: 0, deleted: 0 },
    updateDlq: { sent: 0, received: 0, deleted: 0 },
  };
  readonly #s3 = { puts: 0, putErrors: 0, gets: 0, getErrors: 0, deletes: 0 };
  readonly #dynamodb = {
    puts: 0,
    putErrors: 0,
    updates: 0,
    updateErrors: 0,
    reads: 0,
    readErrors: 0,
    deletes: 0,
  };
  readonly #lambda = {
    invocations: 0,
    records: 0,
    coldStarts: 0,
    success: 0,
    partial: 0,
    failure: 0,
    retriedRecords: 0,
    totalMs: 0,
    maxMs: 0,
    failures: {} as Record<string, number>,
    batchSizes: new Map<number, number>(),
    durations: [] as number[],
    nextDuration: 0,
  };
  readonly #requests = { total: 0, errors: 0, denied: 0 };
  readonly #perSecond = new Array<number>(60).fill(0);
  #perSecondAt = 0;
  readonly #recent: RecentRequest[] = [];
  readonly #recentDenied: RecentRequest[] = [];

  /** Makes an empty aggregator. */
  constructor(options: AggregatorOptions) {
    const maxTraces = options.maxTraces ?? 20_000;
    const maxEvents = options.maxEventsPerTrace ?? 48;
    if (!Number.isInteger(maxTraces) || maxTraces < 1) {
      throw new RangeError(`Invalid maxTraces: expected a whole number above 0, got ${maxTraces}`);
    }
    if (!Number.isInteger(maxEvents) || maxEvents < 4) {
      throw new RangeError(
        `Invalid maxEventsPerTrace: expected a whole number of 4 or more, got ${maxEvents}`,
      );
    }
    this.#resources = options.resources;
    this.#traces = new BoundedMap(maxTraces);
    this.#messageUuids = new BoundedMap(2 * maxTraces);
    this.#receipts = new BoundedMap(2 * maxTraces);
    this.#keyUuids = new BoundedMap(maxTraces);
    this.#maxEvents = maxEvents;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    const { uploadQueue, updateQueue } = options.resources;
    this.#roles = new Map([
      [uploadQueue.name, "upload"],
      [uploadQueue.deadLetterQueueName, "uploadDlq"],
      [updateQueue.name, "update"],
      [updateQueue.deadLetterQueueName, "updateDlq"],
    ]);
  }

  /** Increases with every observation that changed something. */
  get version(): number {
    return this.#version;
  }

  /** Writes seen so far (items and objects put or deleted), to know when to count again. */
  get writes(): number {
    return this.#s3.puts + this.#s3.deletes + this.#dynamodb.puts + this.#dynamodb.deletes;
  }

  /**
   * Objects and items put minus deleted so far: added to the last count
   * between two counts (an overwrite counts as one more until the next count).
   */
  get netWrites(): { readonly objects: number; readonly items: number } {
    return {
      objects: this.#s3.puts - this.#s3.deletes,
      items: this.#dynamodb.puts - this.#dynamodb.deletes,
    };
  }

  /** Takes one answered request. */
  observeRequest(request: ObservedRequest): void {
    this.#version++;
    const detail = describeCall(request, this.#resources.table.hashKey);
    this.#countRequest(request, targetOf(detail));
    if (request.denied !== undefined) return;
    const ok = request.status < 300;
    const at = request.startedAt;
    const done = Math.round(request.startedAt + request.durationMs);
    const ms = round(request.durationMs);
    const base = { call: request.name, status: request.status, ms };

    switch (request.service) {
      case "s3": {
        const key = detail.key;
        if (request.operation === "PutObject") {
          if (ok) this.#s3.puts++;
          else this.#s3.putErrors++;
          const uuid = detail.objectUuid ??
            (key === undefined ? undefined : this.#keyUuids.get(key));
          if (key !== undefined && detail.objectUuid !== undefined) {
            this.#keyUuids.set(key, detail.objectUuid);
          }
          if (uuid !== undefined) {
            this.#event(uuid, { ...base, at, kind: "object-put", ok, detail: key ?? "" }, key);
          }
        } else if (request.operation === "GetObject") {
          if (ok) this.#s3.gets++;
          else this.#s3.getErrors++;
          const uuid = key === undefined ? undefined : this.#keyUuids.get(key);
          if (uuid !== undefined) {
            this.#event(uuid, { ...base, at: done, kind: "object-read", ok, detail: key ?? "" });
          }
        } else if (request.operation === "DeleteObject" && ok) {
          this.#s3.deletes++;
        }
        return;
      }
      case "dynamodb":
        this.#observeDynamodb(request, detail.uuids, detail.putItems, detail.update, base, ok);
        return;
      case "sqs":
        this.#observeSqs(request, detail, base, ok);
        return;
      default:
        return;
    }
  }

  #observeDynamodb(
    request: ObservedRequest,
    uuids: readonly string[],
    putItems: readonly { uuid: string; attributes: Readonly<Record<string, string>> }[],
    update: string | undefined,
    base: { call: string; status: number; ms: number },
    ok: boolean,
  ): void {
    const at = request.startedAt;
    switch (request.operation) {
      case "PutItem":
      case "BatchWriteItem": {
        const put = new Set(putItems.map((item) => item.uuid));
        this.#dynamodb.puts += put.size;
        if (!ok) this.#dynamodb.putErrors += uuids.length;
        for (const item of putItems) {
          this.#event(item.uuid, { ...base, at, kind: "item-put", ok: true }, undefined, item);
        }
        for (const uuid of uuids) {
          if (!put.has(uuid)) {
            this.#event(uuid, { ...base, at, kind: "item-put", ok: false });
          }
        }
        return;
      }
      case "UpdateItem":
        if (ok) this.#dynamodb.updates++;
        else this.#dynamodb.updateErrors++;
        for (const uuid of uuids) {
          this.#event(uuid, {
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
        if (ok) this.#dynamodb.reads += uuids.length;
        else this.#dynamodb.readErrors += uuids.length;
        for (const uuid of uuids) this.#event(uuid, { ...base, at, kind: "item-read", ok });
        return;
      case "DeleteItem":
        if (ok) this.#dynamodb.deletes += uuids.length;
        return;
      default:
        return;
    }
  }

  #observeSqs(
    request: ObservedRequest,
    detail: {
      queue?: string;
      sent: readonly CallMessage[];
      received: readonly CallMessage[];
      deleted: readonly string[];
    },
    base: { call: string; status: number; ms: number },
    ok: boolean,
  ): void {
    const role = detail.queue === undefined ? undefined : this.#roles.get(detail.queue);
    const tally = role === undefined ? undefined : this.#queues[role];
    const at = request.startedAt;
    const done = Math.round(request.startedAt + request.durationMs);
    const queue = detail.queue;
    for (const message of detail.sent) {
      if (tally) tally.sent++;
      const uuid = message.uuid;
      if (uuid === undefined) continue;
      if (message.messageId !== undefined) {
        this.#messageUuids.set(message.messageId, uuid);
      }
      if (message.s3Key !== undefined) {
        this.#keyUuids.set(message.s3Key, uuid);
      }
      const kind = role === "upload" ? "sent" : role === "update" ? "forwarded" : "other";
      this.#event(uuid, {
        ...base,
        at,
        kind,
        ok,
        ...(message.messageId === undefined ? {} : { messageId: message.messageId }),
        ...(queue === undefined ? {} : { detail: queue }),
      }, message.s3Key);
    }
    for (const message of detail.received) {
      if (tally) tally.received++;
      const uuid = message.uuid ??
        (message.messageId === undefined ? undefined : this.#messageUuids.get(message.messageId));
      if (uuid === undefined) continue;
      if (message.receiptHandle !== undefined) {
        this.#receipts.set(message.receiptHandle, uuid);
      }
      if (message.messageId !== undefined) {
        this.#messageUuids.set(message.messageId, uuid);
      }
      const kind = role === "upload"
        ? "lambda-received"
        : role === "update"
        ? "service-received"
        : "other";
      this.#event(uuid, {
        ...base,
        at: done,
        kind,
        ok,
        ...(message.messageId === undefined ? {} : { messageId: message.messageId }),
        ...(message.receiveCount === undefined ? {} : { receiveCount: message.receiveCount }),
        ...(queue === undefined ? {} : { detail: queue }),
      }, message.s3Key);
    }
    for (const handle of detail.deleted) {
      if (tally) tally.deleted++;
      const uuid = this.#receipts.get(handle);
      if (uuid === undefined) continue;
      this.#receipts.delete(handle);
      const kind = role === "upload" ? "lambda-deleted" : role === "update" ? "handled" : "other";
      this.#event(uuid, {
        ...base,
        at: done,
        kind,
        ok,
        ...(queue === undefined ? {} : { detail: queue }),
      });
    }
  }

  /** Takes one Lambda invocation report. */
  observeInvocation(report: LambdaInvocationReport): void {
    this.#version++;
    const lambda = this.#lambda;
    lambda.invocations++;
    lambda.records += report.batchSize;
    if (report.coldStart) lambda.coldStarts++;
    lambda[report.outcome]++;
    if (report.failure !== undefined) {
      lambda.failures[report.failure.kind] = (lambda.failures[report.failure.kind] ?? 0) + 1;
    }
    lambda.batchSizes.set(report.batchSize, (lambda.batchSizes.get(report.batchSize) ?? 0) + 1);
    lambda.totalMs += report.durationMs;
    lambda.maxMs = Math.max(lambda.maxMs, report.durationMs);
    if (lambda.durations.length < DURATION_SAMPLES) lambda.durations.push(report.durationMs);
    else lambda.durations[lambda.nextDuration] = report.durationMs;
    lambda.nextDuration = (lambda.nextDuration + 1) % DURATION_SAMPLES;
    const why = report.failure === undefined
      ? ""
      : `; ${report.failure.errorType}: ${report.failure.message}`;
    for (const record of report.records) {
      if (record.outcome === "retry") lambda.retriedRecords++;
      const uuid = this.#messageUuids.get(record.messageId);
      if (uuid === undefined) continue;
      this.#event(uuid, {
        at: report.startedAt,
        kind: "lambda-invoked",
        ok: record.outcome === "deleted",
        call: "lambda:Invoke",
        ms: round(report.durationMs),
        messageId: record.messageId,
        receiveCount: record.receiveCount,
        detail: `request ${report.requestId}, batch of ${report.batchSize}` +
          `${report.coldStart ? ", cold start" : ""}, ${
            record.outcome === "deleted" ? "done" : "left for a retry"
          }${why}`.slice(0, 300),
      });
    }
  }

  /**
   * Takes what a dead-letter queue holds now: marks the laptops of its
   * messages as in it. With `complete` (all its messages were listed), the
   * laptops marked as in it but not listed are unmarked.
   */
  observeDeadLetters(queue: string, messages: readonly DeadLetter[], complete: boolean): void {
    const at = this.#now();
    if (complete) {
      // Laptops that left the queue by other means are no longer in it.
      const present = new Set<string>();
      for (const message of messages) {
        const uuid = this.#messageUuids.get(message.messageId) ?? uuidOfBody(message.body);
        if (uuid !== undefined) present.add(uuid);
      }
      if (this.#dlqTraces > 0) {
        for (const trace of this.#traces.values()) {
          if (trace.dlq === queue && !present.has(trace.uuid)) this.#setDlq(trace, undefined);
        }
      }
    }
    for (const message of messages) {
      const uuid = this.#messageUuids.get(message.messageId) ?? uuidOfBody(message.body);
      if (uuid === undefined) continue;
      const trace = this.#traces.get(uuid);
      if (trace !== undefined && trace.dlq === queue) continue;
      this.#event(uuid, {
        at,
        kind: "dlq",
        ok: false,
        call: "sqs:RedrivePolicy",
        messageId: message.messageId,
        detail: queue,
      });
      const updated = this.#traces.get(uuid);
      if (updated !== undefined) this.#setDlq(updated, queue);
    }
  }

  /** Takes messages the dashboard moved from a dead-letter queue back to its source. */
  observeRedrive(
    from: string,
    to: string,
    moved: readonly { messageId: string; newMessageId: string; body: string }[],
  ): void {
    const at = this.#now();
    for (const message of moved) {
      const uuid = this.#messageUuids.get(message.messageId) ?? uuidOfBody(message.body);
      const role = this.#roles.get(to);
      if (role !== undefined) this.#queues[role].sent++;
      if (uuid === undefined) continue;
      this.#messageUuids.set(message.newMessageId, uuid);
      this.#event(uuid, {
        at,
        kind: "redriven",
        ok: true,
        call: "dashboard:Redrive",
        messageId: message.newMessageId,
        detail: `${from} → ${to}`,
      });
      const trace = this.#traces.get(uuid);
      if (trace !== undefined) this.#setDlq(trace, undefined);
    }
    this.#version++;
  }

  /** Takes messages deleted by a purge of a dead-letter queue. */
  observePurge(queue: string, purged: readonly DeadLetter[]): void {
    const at = this.#now();
    for (const message of purged) {
      const uuid = this.#messageUuids.get(message.messageId) ?? uuidOfBody(message.body);
      if (uuid === undefined) continue;
      this.#event(uuid, {
        at,
        kind: "purged",
        ok: false,
        call: "sqs:PurgeQueue",
        messageId: message.messageId,
        detail: queue,
      });
      const trace = this.#traces.get(uuid);
      if (trace !== undefined) this.#setDlq(trace, undefined);
    }
    this.#version++;
  }

  /** The laptop uuid a message id belongs to, when known. */
  uuidOfMessage(messageId: string): string | undefined {
    return this.#messageUuids.get(messageId);
  }

  /** A laptop's trace, or undefined when it was never seen or is forgotten. */
  trace(uuid: string): TraceView | undefined {
    const trace = this.#traces.get(uuid);
    if (trace === undefined) return undefined;
    return {
      uuid: trace.uuid,
      s3Key: trace.s3Key,
      stage: stageName(trace.stage),
      failed: trace.failed,
      dlq: trace.dlq,
      firstAt: trace.firstAt,
      lastAt: trace.lastAt,
      putItem: trace.putItem,
      events: trace.events.slice(),
      droppedEvents: trace.droppedEvents,
    };
  }

  /**
   * A page of laptops, newest first, that match the filter and whose uuid or
   * file name starts with (or contains, for 3+ characters) `query`.
   */
  listLaptops(
    options: { filter?: LaptopFilter; query?: string; offset?: number; limit?: number } = {},
  ): LaptopPage {
    const { filter = "all", query = "", offset = 0, limit = 50 } = options;
    const needle = query.trim().toLowerCase();
    const handled = TRACE_STAGES.indexOf("handled");
    const matches = (trace: Trace): boolean => {
      switch (filter) {
        case "moving":
          if (trace.stage >= handled || trace.dlq !== undefined) return false;
          break;
        case "handled":
          if (trace.stage < handled) return false;
          break;
        case "failed":
          if (!trace.failed) return false;
          break;
        case "dlq":
          if (trace.dlq === undefined) return false;
          break;
      }
      if (needle === "") return true;
      const key = trace.s3Key?.toLowerCase() ?? "";
      return needle.length >= 3
        ? trace.uuid.includes(needle) || key.includes(needle)
        : trace.uuid.startsWith(needle) || key.startsWith(needle);
    };
    const rows: LaptopRow[] = [];
    let total = 0;
    // Newest first: the map holds laptops in the order they were first seen.
    for (const trace of this.#traces.valuesNewestFirst()) {
      if (!matches(trace)) continue;
      if (total >= offset && rows.length < limit) {
        rows.push({
          uuid: trace.uuid,
          s3Key: trace.s3Key,
          stage: stageName(trace.stage),
          failed: trace.failed,
          dlq: trace.dlq,
          lastAt: trace.lastAt,
        });
      }
      total++;
    }
    return { total, offset, rows };
  }

  /** The page's figures; also resets the list of touched laptops. */
  snapshot(live: LiveCounts): DashboardSnapshot {
    const resources = this.#resources;
    const queue = (role: QueueRole, name: string): QueueCounts => ({
      name,
      visible: live.queues[name]?.visible ?? 0,
      inFlight: live.queues[name]?.inFlight ?? 0,
      ...this.#queues[role],
    });
    const lambda = this.#lambda;
    const sorted = lambda.durations.slice().sort((a, b) => a - b);
    const touched = Array.from(this.#touched);
    const touchedMore = this.#touchedMore;
    this.#touched = new Set();
    this.#touchedMore = false;
    this.#rollSeconds();
    const byStage = {} as Record<TraceStage, number>;
    TRACE_STAGES.forEach((stage, index) => byStage[stage] = this.#byStage[index] ?? 0);
    return {
      version: this.#version,
      sentAt: this.#now(),
      startedAt: this.#startedAt,
      names: {
        bucket: resources.bucket.name,
        table: resources.table.name,
        uploadQueue: resources.uploadQueue.name,
        uploadDlq: resources.uploadQueue.deadLetterQueueName,
        updateQueue: resources.updateQueue.name,
        updateDlq: resources.updateQueue.deadLetterQueueName,
        functionName: resources.updateFunction.name,
        maxReceiveCount: resources.uploadQueue.maxReceiveCount,
      },
      queues: {
        upload: queue("upload", resources.uploadQueue.name),
        uploadDlq: queue("uploadDlq", resources.uploadQueue.deadLetterQueueName),
        update: queue("update", resources.updateQueue.name),
        updateDlq: queue("updateDlq", resources.updateQueue.deadLetterQueueName),
      },
      s3: {
        objects: live.objects,
        puts: this.#s3.puts,
        putErrors: this.#s3.putErrors,
        gets: this.#s3.gets,
        getErrors: this.#s3.getErrors,
      },
      dynamodb: {
        items: live.items,
        puts: this.#dynamodb.puts,
        putErrors: this.#dynamodb.putErrors,
        updates: this.#dynamodb.updates,
        updateErrors: this.#dynamodb.updateErrors,
        reads: this.#dynamodb.reads,
        readErrors: this.#dynamodb.readErrors,
      },
      lambda: {
        running: live.lambdaRunning,
        invocations: lambda.invocations,
        records: lambda.records,
        coldStarts: lambda.coldStarts,
        success: lambda.success,
        partial: lambda.partial,
        failure: lambda.failure,
        retriedRecords: lambda.retriedRecords,
        failures: { ...lambda.failures },
        batchSizes: Array.from(lambda.batchSizes).sort((a, b) => a[0] - b[0]),
        avgMs: lambda.invocations === 0 ? 0 : round(lambda.totalMs / lambda.invocations),
        p50Ms: round(percentile(sorted, 0.5)),
        p95Ms: round(percentile(sorted, 0.95)),
        maxMs: round(lambda.maxMs),
      },
      requests: {
        total: this.#requests.total,
        errors: this.#requests.errors,
        denied: this.#requests.denied,
        perSecond: this.#perSecond.slice(),
        recent: this.#recent.slice().reverse(),
        recentDenied: this.#recentDenied.slice().reverse(),
      },
      laptops: {
        traced: this.#traces.size,
        forgotten: this.#forgotten,
        byStage,
        failed: this.#failedTraces,
        dlq: this.#dlqTraces,
      },
      touched,
      touchedMore,
    };
  }

  #countRequest(request: ObservedRequest, target: string): void {
    this.#requests.total++;
    if (request.status >= 400) this.#requests.errors++;
    this.#rollSeconds();
    this.#perSecond[59] = (this.#perSecond[59] ?? 0) + 1;
    const entry: RecentRequest = {
      at: request.startedAt,
      name: request.name,
      status: request.status,
      ms: round(request.durationMs),
      target,
      ...(request.principal === undefined ? {} : { principal: request.principal }),
      ...(request.denied === undefined
        ? {}
        : { denied: `${request.denied.code}: ${request.denied.message}`.slice(0, 300) }),
    };
    push(this.#recent, entry, RECENT_REQUESTS);
    if (request.denied !== undefined) {
      this.#requests.denied++;
      push(this.#recentDenied, entry, RECENT_REQUESTS);
    }
  }

  /** Shifts the per-second counts so that the last slot is the current second. */
  #rollSeconds(): void {
    const second = Math.floor(this.#now() / 1000);
    if (this.#perSecondAt === 0) this.#perSecondAt = second;
    const shift = Math.min(60, second - this.#perSecondAt);
    if (shift <= 0) return;
    this.#perSecond.splice(0, shift);
    for (let i = 0; i < shift; i++) this.#perSecond.push(0);
    this.#perSecondAt = second;
  }

  #event(
    uuid: string,
    event: TraceEvent,
    s3Key?: string,
    putItem?: { attributes: Readonly<Record<string, string>> },
  ): void {
    let trace = this.#traces.get(uuid);
    if (trace === undefined) {
      trace = {
        uuid,
        s3Key: undefined,
        stage: -1,
        failed: false,
        dlq: undefined,
        firstAt: event.at,
        lastAt: event.at,
        putItem: undefined,
        events: [],
        droppedEvents: 0,
      };
      const forgotten = this.#traces.set(uuid, trace);
      if (forgotten !== undefined) this.#forget(forgotten[1]);
    }
    if (s3Key !== undefined && trace.s3Key === undefined) trace.s3Key = s3Key;
    if (putItem !== undefined) trace.putItem = putItem.attributes;
    if (trace.events.length >= this.#maxEvents) {
      // Keep the first half (how it started) and the latest events.
      trace.events.splice(Math.floor(this.#maxEvents / 2), 1);
      trace.droppedEvents++;
    }
    // Requests are reported when answered; keep the events in time order.
    let index = trace.events.length;
    while (index > 0 && (trace.events[index - 1] as TraceEvent).at > event.at) index--;
    trace.events.splice(index, 0, event);
    trace.firstAt = Math.min(trace.firstAt, event.at);
    trace.lastAt = Math.max(trace.lastAt, event.at);
    if (!event.ok && !trace.failed) {
      trace.failed = true;
      this.#failedTraces++;
    }
    const stage = stageOf(event.kind);
    if (event.ok && stage > trace.stage) {
      this.#countStage(trace.stage, -1);
      trace.stage = stage;
      this.#countStage(stage, 1);
    } else if (trace.stage < 0) {
      trace.stage = 0;
      this.#countStage(0, 1);
    }
    this.#touch(uuid);
  }

  #countStage(stage: number, delta: number): void {
    if (stage >= 0) this.#byStage[stage] = (this.#byStage[stage] ?? 0) + delta;
  }

  #setDlq(trace: Trace, queue: string | undefined): void {
    if (trace.dlq === undefined && queue !== undefined) this.#dlqTraces++;
    if (trace.dlq !== undefined && queue === undefined) this.#dlqTraces--;
    trace.dlq = queue;
    this.#touch(trace.uuid);
    this.#version++;
  }

  #touch(uuid: string): void {
    if (this.#touched.size < MAX_TOUCHED) this.#touched.add(uuid);
    else if (!this.#touched.has(uuid)) this.#touchedMore = true;
  }

  /** Takes a forgotten laptop out of the counts. */
  #forget(trace: Trace): void {
    this.#forgotten++;
    this.#countStage(trace.stage, -1);
    if (trace.failed) this.#failedTraces--;
    if (trace.dlq !== undefined) this.#dlqTraces--;
  }
}

function stageOf(kind: TraceEventKind): number {
  switch (kind) {
    case "object-put":
    case "item-put":
      return 0;
    case "sent":
    case "redriven":
      return 1;
    case "lambda-received":
    case "lambda-invoked":
    case "lambda-deleted":
      return 2;
    case "updated":
      return 3;
    case "forwarded":
      return 4;
    case "service-received":
    case "item-read":
    case "object-read":
      return 5;
    case "handled":
      return 6;
    default:
      return -1;
  }
}

function stageName(index: number): TraceStage {
  return TRACE_STAGES[Math.max(0, index)] as TraceStage;
}

/** What a request touched, in a few words: a queue, an object or an item. */
function targetOf(detail: CallDetail): string {
  if (detail.queue !== undefined) return detail.queue;
  if (detail.bucket !== undefined) {
    return (detail.key === undefined ? detail.bucket : `${detail.bucket}/${detail.key}`).slice(
      0,
      120,
    );
  }
  const [first] = detail.uuids;
  if (first !== undefined) {
    return detail.uuids.length > 1 ? `${first} +${detail.uuids.length - 1}` : first;
  }
  return detail.table ?? "";
}

function uuidOfBody(body: string): string | undefined {
  if (body.length > 4096) return undefined;
  try {
    const value = JSON.parse(body) as { dynamodb_key?: unknown };
    return typeof value?.dynamodb_key === "string" ? value.dynamodb_key : undefined;
  } catch {
    return undefined;
  }
}

function push<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.shift();
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
