/**
 * The shapes of the dashboard's HTTP API, as JSON: what the server sends and
 * the page (`client/`, browser code checked against these types) reads.
 * Types only.
 *
 * @module
 */

/** How far a laptop got, in the pipeline's order. */
export type TraceStage =
  | "stored"
  | "queued"
  | "lambda"
  | "updated"
  | "forwarded"
  | "service"
  | "handled";

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

/** Which laptops `GET /api/laptops?filter=` returns. */
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

/** `GET /api/laptops/<uuid>`: a laptop's trace, its item now and its file. */
export interface LaptopDetail {
  /** The item's hash key. */
  readonly uuid: string;
  /** Its trace, or null when no request named it since the start. */
  readonly trace: TraceView | null;
  /** The item now (attributes as text), or null when it is not in the table. */
  readonly item: Readonly<Record<string, string>> | null;
  /** The file, or null when its key was not seen or it is not in the bucket. */
  readonly file: {
    readonly bucket: string;
    readonly key: string | undefined;
    readonly text: string;
  } | null;
  /** Its trace id (W3C), when a program sent spans of it to `/v1/traces`. */
  readonly traceId: string | null;
  /** The programs' own spans of it, by start time (empty when none were sent). */
  readonly spans: readonly ProgramSpan[];
}

/** A span a program sent, as `GET /_local/traces/<id>` serves it (the fields the page uses). */
export interface ProgramSpan {
  /** Span id. */
  readonly span_id: string;
  /** Parent span id, null for the root. */
  readonly parent_span_id: string | null;
  /** `generator`, the function's name, `service`. */
  readonly service_name: string;
  /** Span name. */
  readonly name: string;
  /** Start, epoch milliseconds. */
  readonly start_ms: number;
  /** Duration, milliseconds. */
  readonly duration_ms: number;
  /** `ok`, `error` or `unset`, with the error's message. */
  readonly status: { readonly code: string; readonly message?: string };
}

/** A message of a dead-letter queue, as `GET /api/dlq/<queue>` lists it. */
export interface DeadLetterRow {
  /** Message id. */
  readonly messageId: string;
  /** Body. */
  readonly body: string;
  /** When it was first sent, epoch milliseconds. */
  readonly sentAt: number;
  /** Times it was received. */
  readonly receiveCount: number;
  /** Whether it can be received now (`ready`), or is in flight or delayed. */
  readonly state: "ready" | "inflight" | "delayed";
  /** The laptop it carries, when known. */
  readonly uuid?: string;
  /** The file key in its body, when it has one. */
  readonly s3Key?: string;
}

/** `GET /api/dlq/<queue>`: a page of a dead-letter queue's messages. */
export interface DeadLetterPage {
  /** The dead-letter queue. */
  readonly queue: string;
  /** The queue it takes failed messages from (where a redrive sends them). */
  readonly source: string;
  /** Messages in it. */
  readonly total: number;
  /** Messages listed (at most 1,000). */
  readonly listed: number;
  /** Offset of the first message of the page. */
  readonly offset: number;
  /** The page. */
  readonly messages: readonly DeadLetterRow[];
}

/** Figures the page records about itself in `window.__dashboard` (read by the browser test). */
export interface DashboardMetrics {
  /** Milliseconds from navigation start to the first figures on screen. */
  firstRenderMs: number | null;
  /** Snapshots drawn. */
  updates: number;
  /** Push-to-paint latencies of the last 200 snapshots, milliseconds. */
  latencies: number[];
  /** Milliseconds spent drawing each of the last 200 snapshots (script time). */
  drawMs: number[];
  /** Full page loads seen (stays 1: the page never reloads itself). */
  loads: number;
}
