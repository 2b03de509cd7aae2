/**
 * What the Lambda runner tells its caller: log entries in CloudWatch's line
 * format, one report per invocation, running totals. Pure.
 *
 * @module
 */

/** One log line of the function, as CloudWatch Logs would hold it. */
export interface LambdaLogEntry {
  /** Epoch milliseconds. */
  readonly time: number;
  /** Function name. */
  readonly functionName: string;
  /** Container (execution environment) number, from 1. */
  readonly container: number;
  /** The container's log stream, `YYYY/MM/DD/[$LATEST]<hex>`. */
  readonly logStreamName: string;
  /** Request id of the invocation, `undefined` during init. */
  readonly requestId: string | undefined;
  /** `platform` for Lambda's own lines (START, END, REPORT...), `function` for the code's output. */
  readonly source: "platform" | "function";
  /** The line as CloudWatch shows it, e.g. `2026-01-01T00:00:00.000Z\t<id>\tINFO\thello`. */
  readonly line: string;
}

/** Why an invocation failed as a whole. */
export type LambdaFailureKind =
  /** The handler threw or rejected. */
  | "error"
  /** The handler ran past the function timeout and was killed. */
  | "timeout"
  /** The handler returned a partial batch response AWS would refuse. */
  | "malformed"
  /** The process exited during the invocation. */
  | "crash"
  /** The module failed to load, or the export is not a function. */
  | "init";

/** A failed invocation: every message of the batch stays on the queue. */
export interface LambdaInvocationFailure {
  /** What went wrong. */
  readonly kind: LambdaFailureKind;
  /** Lambda's error type, e.g. `Error`, `Runtime.ImportModuleError`, `Sandbox.Timedout`. */
  readonly errorType: string;
  /** Message. */
  readonly message: string;
}

/** What became of one message of a batch. */
export interface LambdaRecordOutcome {
  /** Message id. */
  readonly messageId: string;
  /** `ApproximateReceiveCount` of this receive. */
  readonly receiveCount: number;
  /** `SentTimestamp`, epoch milliseconds. */
  readonly sentTimestamp: number;
  /** When the runner received it, epoch milliseconds. */
  readonly receivedAt: number;
  /** `deleted`, or `retry` when left on the queue until its visibility timeout ends. */
  readonly outcome: "deleted" | "retry";
}

/** One invocation, reported once its messages are deleted or left for a retry. */
export interface LambdaInvocationReport {
  /** The context's `awsRequestId`. */
  readonly requestId: string;
  /** Container number, from 1. */
  readonly container: number;
  /** Whether the container was started for this invocation. */
  readonly coldStart: boolean;
  /** Milliseconds from spawning the process to the module loaded, on a cold start. */
  readonly initDurationMs: number | undefined;
  /** When the invocation was sent to the container, epoch milliseconds. */
  readonly startedAt: number;
  /** Milliseconds from sending the event to reading the response, as the runner saw it. */
  readonly durationMs: number;
  /** Milliseconds the handler ran, as measured in its own process (Lambda's `Duration`). */
  readonly handlerDurationMs: number | undefined;
  /** Records in the event. */
  readonly batchSize: number;
  /** Size of the event in bytes. */
  readonly payloadBytes: number;
  /** `success` (all deleted), `partial` (reported failures kept), or `failure` (all kept). */
  readonly outcome: "success" | "partial" | "failure";
  /** Why the whole batch failed, when it did. */
  readonly failure: LambdaInvocationFailure | undefined;
  /** What the handler returned, when it returned. */
  readonly response: unknown;
  /** Each message's outcome. */
  readonly records: readonly LambdaRecordOutcome[];
}

/** Running totals since start. */
export interface LambdaRunnerStats {
  /** Invocations completed. */
  invocations: number;
  /** Invocations that started a container. */
  coldStarts: number;
  /** Invocations running now. */
  inFlight: number;
  /** Records handed to the function. */
  records: number;
  /** Records deleted after an invocation. */
  deletedRecords: number;
  /** Records left on the queue for a retry. */
  retriedRecords: number;
  /** Invocations by outcome. */
  outcomes: { success: number; partial: number; failure: number };
  /** Failed invocations by cause. */
  failures: Record<LambdaFailureKind, number>;
  /** Invocations by batch size. */
  batchSizes: Record<number, number>;
  /** Sum of `durationMs`. */
  totalDurationMs: number;
  /** Largest `durationMs`. */
  maxDurationMs: number;
}

/** Fresh, zeroed totals. */
export function emptyStats(): LambdaRunnerStats {
  return {
    invocations: 0,
    coldStarts: 0,
    inFlight: 0,
    records: 0,
    deletedRecords: 0,
    retriedRecords: 0,
    outcomes: { success: 0, partial: 0, failure: 0 },
    failures: { error: 0, timeout: 0, malformed: 0, crash: 0, init: 0 },
    batchSizes: {},
    totalDurationMs: 0,
    maxDurationMs: 0,
  };
}

/** Adds one invocation to the totals. */
export function addToStats(stats: LambdaRunnerStats, report: LambdaInvocationReport): void {
  stats.invocations++;
  if (report.coldStart) stats.coldStarts++;
  stats.records += report.batchSize;
  for (const record of report.records) {
    if (record.outcome === "deleted") stats.deletedRecords++;
    else stats.retriedRecords++;
  }
  stats.outcomes[report.outcome]++;
  if (report.failure !== undefined) stats.failures[report.failure.kind]++;
  stats.batchSizes[report.batchSize] = (stats.batchSizes[report.batchSize] ?? 0) + 1;
  stats.totalDurationMs += report.durationMs;
  stats.maxDurationMs = Math.max(stats.maxDurationMs, report.durationMs);
}

/** Deep copy of the totals, safe to hand out. */
export function copyStats(stats: LambdaRunnerStats): LambdaRunnerStats {
  return structuredClone(stats);
}

/** `2026-01-01T00:00:00.000Z\t<requestId>\tINFO\t<message>`, the Node.js runtime's console line. */
export function formatConsoleLine(
  time: number,
  requestId: string | undefined,
  level: string,
  message: string,
): string {
  return `${new Date(time).toISOString()}\t${requestId ?? "undefined"}\t${level}\t${message}`;
}

/** `START RequestId: <id> Version: $LATEST`. */
export function formatStartLine(requestId: string): string {
  return `START RequestId: ${requestId} Version: $LATEST`;
}

/** `END RequestId: <id>`. */
export function formatEndLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

/** Figures of Lambda's REPORT line. */
export interface ReportLineFigures {
  /** Request id. */
  readonly requestId: string;
  /** Handler duration, milliseconds. */
  readonly durationMs: number;
  /** Configured memory, MB. */
  readonly memoryMb: number;
  /** Peak resident memory of the process, MB, when known. */
  readonly maxMemoryUsedMb: number | undefined;
  /** Init duration on a cold start, milliseconds. */
  readonly initDurationMs: number | undefined;
  /** `timeout` or `error` status, as Lambda adds for a failed invocation. */
  readonly status?: string;
}

/** `REPORT RequestId: <id>\tDuration: 1.23 ms\tBilled Duration: 2 ms\t...`. */
export function formatReportLine(figures: ReportLineFigures): string {
  const parts = [
    `REPORT RequestId: ${figures.requestId}`,
    `Duration: ${figures.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.max(1, Math.ceil(figures.durationMs))} ms`,
    `Memory Size: ${figures.memoryMb} MB`,
    `Max Memory Used: ${figures.maxMemoryUsedMb ?? "?"} MB`,
  ];
  if (figures.initDurationMs !== undefined) {
    parts.push(`Init Duration: ${figures.initDurationMs.toFixed(2)} ms`);
  }
  if (figures.status !== undefined) parts.push(`Status: ${figures.status}`);
  return parts.join("\t");
}

/** `<time> <id> Task timed out after 10.00 seconds`. */
export function formatTimeoutLine(time: number, requestId: string, timeoutSeconds: number): string {
  return `${new Date(time).toISOString()} ${requestId} Task timed out after ${
    timeoutSeconds.toFixed(2)
  } seconds`;
}

/** `<time>\t<id>\tERROR\tInvoke Error \t{"errorType":...}`, the Node.js runtime's error line. */
export function formatInvokeErrorLine(
  time: number,
  requestId: string | undefined,
  error: {
    readonly errorType: string;
    readonly errorMessage: string;
    readonly trace: readonly string[];
  },
): string {
  const phase = requestId === undefined ? "Init Error" : "Invoke Error";
  return formatConsoleLine(time, requestId, "ERROR", `${phase} \t${JSON.stringify(error)}`);
}

/** A log stream name like Lambda's: `YYYY/MM/DD/[$LATEST]<32 hex>`. */
export function logStreamNameFor(time: number, hex: string): string {
  const date = new Date(time).toISOString().slice(0, 10).replaceAll("-", "/");
  return `${date}/[$LATEST]${hex}`;
}
