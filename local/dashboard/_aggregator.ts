/**
 * The dashboard's memory: running counts per node and edge of the pipeline,
 * and a trace per laptop, built from what the local AWS's router and the
 * Lambda runner report. It ties the parts together: the calls per service
 * (`_call_observer.ts`), the traces (`_traces.ts`), the request and Lambda
 * figures, and the dead-letter queues' contents. Bounded: at most
 * `maxTraces` laptops (the oldest are forgotten first), a fixed number of
 * events per laptop, and bounded look-up tables. Pure (the clock is
 * injected).
 *
 * @module
 */

import type { ResourceDefinition } from "../../lib/resources.ts";
import type { LambdaInvocationReport } from "../lambda/mod.ts";
import type { DashboardSnapshot, LaptopPage, QueueCounts, TraceView } from "./api_types.ts";
import { type CallDetail, describeCall } from "./_call_detail.ts";
import { CallObserver, type QueueRole } from "./_call_observer.ts";
import { LambdaFigures } from "./_lambda_figures.ts";
import type { ObservedRequest } from "./_observed_request.ts";
import { RequestFigures } from "./_request_figures.ts";
import { round } from "./_round.ts";
import { type ListOptions, type Trace, TraceBook } from "./_traces.ts";

export type { ObservedRequest } from "./_observed_request.ts";

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

/**
 * Aggregates the local AWS's requests and the Lambda runner's reports.
 *
 * @example Usage
 * ```ts
 * // Needs a running local AWS (`aws`) and its live counts: type-checked by `deno task ok`, not run.
 * import { RESOURCES } from "../../lib/resources.ts";
 * import type { LocalAws } from "../local_aws.ts";
 * import { DashboardAggregator, type LiveCounts } from "./_aggregator.ts";
 *
 * declare const aws: LocalAws, live: LiveCounts;
 * const aggregator = new DashboardAggregator({ resources: RESOURCES });
 * aws.onRequest((request) => aggregator.observeRequest(request));
 * const snapshot = aggregator.snapshot(live);
 * ```
 */
export class DashboardAggregator {
  readonly #resources: ResourceDefinition;
  readonly #now: () => number;
  readonly #startedAt: number;
  #version = 0;
  readonly #traces: TraceBook;
  readonly #calls: CallObserver;
  readonly #requests: RequestFigures;
  readonly #lambda = new LambdaFigures();

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
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    this.#traces = new TraceBook(maxTraces, maxEvents);
    this.#calls = new CallObserver(options.resources, this.#traces, maxTraces);
    this.#requests = new RequestFigures(this.#now);
  }

  /** Increases with every observation that changed something. */
  get version(): number {
    return this.#version;
  }

  /** Writes seen so far (items and objects put or deleted), to know when to count again. */
  get writes(): number {
    const { s3, dynamodb } = this.#calls.tallies;
    return s3.puts + s3.deletes + dynamodb.puts + dynamodb.deletes;
  }

  /**
   * Objects and items put minus deleted so far: added to the last count
   * between two counts (an overwrite counts as one more until the next count).
   */
  get netWrites(): { readonly objects: number; readonly items: number } {
    const { s3, dynamodb } = this.#calls.tallies;
    return { objects: s3.puts - s3.deletes, items: dynamodb.puts - dynamodb.deletes };
  }

  /** Takes one answered request. */
  observeRequest(request: ObservedRequest): void {
    this.#version++;
    const detail = describeCall(request, this.#resources.table.hashKey);
    this.#requests.count(request, targetOf(detail));
    if (request.denied !== undefined) return;
    this.#calls.observe(request, detail);
  }

  /** Takes one Lambda invocation report. */
  observeInvocation(report: LambdaInvocationReport): void {
    this.#version++;
    this.#lambda.count(report);
    const why = report.failure === undefined
      ? ""
      : `; ${report.failure.errorType}: ${report.failure.message}`;
    for (const record of report.records) {
      const uuid = this.#calls.uuidOfMessage(record.messageId);
      if (uuid === undefined) continue;
      this.#traces.add(uuid, {
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
        const uuid = this.#uuidOf(message);
        if (uuid !== undefined) present.add(uuid);
      }
      if (this.#traces.inDeadLetterQueue > 0) {
        for (const trace of this.#traces.values()) {
          if (trace.dlq === queue && !present.has(trace.uuid)) this.#setDlq(trace, undefined);
        }
      }
    }
    for (const message of messages) {
      const uuid = this.#uuidOf(message);
      if (uuid === undefined) continue;
      const trace = this.#traces.get(uuid);
      if (trace !== undefined && trace.dlq === queue) continue;
      this.#traces.add(uuid, {
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
      const uuid = this.#uuidOf(message);
      const role = this.#calls.roleOf(to);
      if (role !== undefined) this.#calls.tallies.queues[role].sent++;
      if (uuid === undefined) continue;
      this.#calls.rememberMessage(message.newMessageId, uuid);
      this.#traces.add(uuid, {
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
      const uuid = this.#uuidOf(message);
      if (uuid === undefined) continue;
      this.#traces.add(uuid, {
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
    return this.#calls.uuidOfMessage(messageId);
  }

  /** A laptop's trace, or undefined when it was never seen or is forgotten. */
  trace(uuid: string): TraceView | undefined {
    return this.#traces.view(uuid);
  }

  /**
   * A page of laptops, newest first, that match the filter and whose uuid or
   * file name starts with (or contains, for 3+ characters) `query`.
   */
  listLaptops(options: ListOptions = {}): LaptopPage {
    return this.#traces.list(options);
  }

  /** The page's figures; also resets the list of touched laptops. */
  snapshot(live: LiveCounts): DashboardSnapshot {
    const resources = this.#resources;
    const { queues, s3, dynamodb } = this.#calls.tallies;
    const queue = (role: QueueRole, name: string): QueueCounts => ({
      name,
      visible: live.queues[name]?.visible ?? 0,
      inFlight: live.queues[name]?.inFlight ?? 0,
      ...queues[role],
    });
    const { touched, touchedMore } = this.#traces.takeTouched();
    const requests = this.#requests.view();
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
        puts: s3.puts,
        putErrors: s3.putErrors,
        gets: s3.gets,
        getErrors: s3.getErrors,
      },
      dynamodb: {
        items: live.items,
        puts: dynamodb.puts,
        putErrors: dynamodb.putErrors,
        updates: dynamodb.updates,
        updateErrors: dynamodb.updateErrors,
        reads: dynamodb.reads,
        readErrors: dynamodb.readErrors,
      },
      lambda: this.#lambda.view(live.lambdaRunning),
      requests,
      laptops: this.#traces.counts(),
      touched,
      touchedMore,
    };
  }

  /** The laptop of a dead-letter message: by its id, or by the key in its body. */
  #uuidOf(message: { messageId: string; body: string }): string | undefined {
    return this.#calls.uuidOfMessage(message.messageId) ?? uuidOfBody(message.body);
  }

  #setDlq(trace: Trace, queue: string | undefined): void {
    this.#traces.setDlq(trace, queue);
    this.#version++;
  }
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
