import assert from "node:assert/strict";
import {
  addToStats,
  emptyStats,
  formatConsoleLine,
  formatInvokeErrorLine,
  formatReportLine,
  formatTimeoutLine,
  type LambdaInvocationReport,
  logStreamNameFor,
} from "../../local/lambda/_report.ts";

const TIME = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const ID = "c0ffee00-0000-4000-8000-000000000000";

Deno.test("formatConsoleLine() writes the Node.js runtime's tab-separated line", () => {
  assert.equal(
    formatConsoleLine(TIME, ID, "INFO", "hello"),
    `2026-01-02T03:04:05.678Z\t${ID}\tINFO\thello`,
  );
  assert.equal(
    formatConsoleLine(TIME, undefined, "WARN", "init"),
    "2026-01-02T03:04:05.678Z\tundefined\tWARN\tinit",
  );
});

Deno.test("formatReportLine() writes Lambda's REPORT line, with Init Duration on a cold start", () => {
  assert.equal(
    formatReportLine({
      requestId: ID,
      durationMs: 12.345,
      memoryMb: 256,
      maxMemoryUsedMb: 70,
      initDurationMs: 150.5,
    }),
    `REPORT RequestId: ${ID}\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 70 MB\tInit Duration: 150.50 ms`,
  );
  assert.equal(
    formatReportLine({
      requestId: ID,
      durationMs: 0.2,
      memoryMb: 128,
      maxMemoryUsedMb: undefined,
      initDurationMs: undefined,
      status: "timeout",
    }),
    `REPORT RequestId: ${ID}\tDuration: 0.20 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: ? MB\tStatus: timeout`,
  );
});

Deno.test("formatTimeoutLine() and formatInvokeErrorLine() write Lambda's failure lines", () => {
  assert.equal(
    formatTimeoutLine(TIME, ID, 3),
    `2026-01-02T03:04:05.678Z ${ID} Task timed out after 3.00 seconds`,
  );
  assert.equal(
    formatInvokeErrorLine(TIME, ID, {
      errorType: "Error",
      errorMessage: "boom",
      trace: ["Error: boom"],
    }),
    `2026-01-02T03:04:05.678Z\t${ID}\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"boom","trace":["Error: boom"]}`,
  );
});

Deno.test("logStreamNameFor() names a stream like Lambda's", () => {
  assert.equal(logStreamNameFor(TIME, "ab".repeat(16)), `2026/01/02/[$LATEST]${"ab".repeat(16)}`);
});

Deno.test("addToStats() adds up outcomes, failures, batch sizes and durations", () => {
  const stats = emptyStats();
  const base: LambdaInvocationReport = {
    requestId: ID,
    container: 1,
    coldStart: true,
    initDurationMs: 80,
    startedAt: TIME,
    durationMs: 5,
    handlerDurationMs: 4,
    batchSize: 2,
    payloadBytes: 100,
    outcome: "partial",
    failure: undefined,
    response: null,
    records: [
      {
        messageId: "a",
        receiveCount: 1,
        sentTimestamp: TIME,
        receivedAt: TIME,
        outcome: "deleted",
      },
      { messageId: "b", receiveCount: 1, sentTimestamp: TIME, receivedAt: TIME, outcome: "retry" },
    ],
  };
  addToStats(stats, base);
  addToStats(stats, {
    ...base,
    coldStart: false,
    durationMs: 1000,
    outcome: "failure",
    failure: {
      kind: "timeout",
      errorType: "Sandbox.Timedout",
      message: "Task timed out after 1.00 seconds",
    },
    records: base.records.map((r) => ({ ...r, outcome: "retry" as const })),
  });
  assert.deepEqual(stats, {
    invocations: 2,
    coldStarts: 1,
    inFlight: 0,
    records: 4,
    deletedRecords: 1,
    retriedRecords: 3,
    outcomes: { success: 0, partial: 1, failure: 1 },
    failures: { error: 0, timeout: 1, malformed: 0, crash: 0, init: 0 },
    batchSizes: { 2: 2 },
    totalDurationMs: 1005,
    maxDurationMs: 1000,
  });
});
