/**
 * The local Lambda event source mapping: long-polls an SQS queue and invokes
 * a function with AWS's `SQSEvent`, following the documented semantics of
 * Lambda's SQS event source mapping (`BatchSize`,
 * `MaximumBatchingWindowInSeconds`, `FunctionResponseTypes`,
 * `ScalingConfig.MaximumConcurrency`, the function timeout). The function runs
 * isolated, in a Node.js child process per concurrent execution environment,
 * as AWS would run the bundle.
 *
 * What follows AWS: the record and context shapes; a batch is gathered until
 * `BatchSize`, the end of the batching window (opened by the first record) or
 * 6 MB; with `ReportBatchItemFailures` the reported ids stay on the queue and
 * the rest are deleted (DeleteMessageBatch), while an error, a timeout, a
 * crash or a malformed response fails the whole batch, which comes back after
 * the visibility timeout (the queue's redrive policy, not the runner, moves it
 * to the DLQ); the settings AWS refuses are refused with a `RangeError`.
 *
 * Where it differs: one poller per execution environment (AWS scales pollers
 * separately and backs off on errors); the Node.js on the machine runs the
 * code, not the deployed `nodejs22.x`; the process is not frozen between
 * invocations (timers keep running); memory is capped only through V8's
 * `--max-old-space-size`; logs go to the `logger`, not CloudWatch.
 *
 * @module
 */

import { GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { delay } from "../../lib/delay.ts";
import { LOCAL_IDENTITIES } from "../../lib/local_identities.ts";
import { readBatchResponse } from "./_batch_response.ts";
import {
  checkQueueForMapping,
  functionArn,
  type LambdaRunnerConfig,
  type LambdaRunnerOptions,
  resolveLambdaRunnerConfig,
} from "./_config.ts";
import { LambdaContainer } from "./_container.ts";
import {
  accountOf,
  EVENT_ENVELOPE_BYTES,
  eventPayloadBytes,
  recordPayloadBytes,
  type SqsRecord,
  toSqsRecord,
} from "./_event.ts";
import {
  addToStats,
  copyStats,
  emptyStats,
  type LambdaInvocationFailure,
  type LambdaInvocationReport,
  type LambdaLogEntry,
  type LambdaRecordOutcome,
  type LambdaRunnerStats,
} from "./_report.ts";
import {
  createSqsClient,
  deleteMessages,
  receiveMessages,
  type ResolvedQueue,
  resolveQueue,
} from "./_sqs.ts";

export type { LambdaRunnerOptions, LambdaRuntime } from "./_config.ts";
export type {
  LambdaFailureKind,
  LambdaInvocationFailure,
  LambdaInvocationReport,
  LambdaLogEntry,
  LambdaRecordOutcome,
  LambdaRunnerStats,
} from "./_report.ts";
export type { LambdaCredentials } from "./_sqs.ts";

/** Lambda's limit on a synchronous invocation's payload: 6 MB. */
const PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

/** Longest long poll SQS allows. */
const MAX_WAIT_SECONDS = 20;

/** Pause after a failed ReceiveMessage. */
const RECEIVE_RETRY_MS = 1_000;

/** A running event source mapping. */
export interface LambdaRunner extends AsyncDisposable {
  /** URL of the polled queue. */
  readonly queueUrl: string;
  /** ARN of the polled queue (the records' `eventSourceARN`). */
  readonly queueArn: string;
  /** ARN of the function (the context's `invokedFunctionArn`). */
  readonly functionArn: string;
  /** Totals since start. */
  stats(): LambdaRunnerStats;
  /**
   * Stops polling, waits for the batches in flight (each at most the function
   * timeout), deletes what they processed, then stops every child process.
   */
  close(): Promise<void>;
}

/**
 * Starts polling the queue and invoking the function. Settings default to
 * `RESOURCES.updateFunction` and `RESOURCES.uploadQueue`, so the local mapping
 * matches the deployed one.
 *
 * Rejects with a `RangeError` for a setting AWS would refuse (e.g. a
 * `BatchSize` above 10 without a batching window, or a queue whose visibility
 * timeout is below the function timeout), and with an `Error` when the code
 * is missing or the queue cannot be reached.
 *
 * @example Usage
 * ```ts
 * // Needs Node.js, dist/ and a local AWS: type-checked by `deno task ok`, not run.
 * import { startLambdaRunner } from "./_runner.ts";
 *
 * const runner = await startLambdaRunner({
 *   code: "dist/update_item.mjs",
 *   onInvoke: (report) => console.log(report.outcome, report.batchSize),
 * });
 * // ... later
 * await runner.close();
 * ```
 */
export async function startLambdaRunner(
  options: LambdaRunnerOptions = {},
): Promise<LambdaRunner> {
  const config = resolveLambdaRunnerConfig(options);
  await checkCode(config.code);
  const client = createSqsClient(config);
  let queue: ResolvedQueue;
  try {
    queue = await resolveQueue(client, await queueUrlOf(config));
    checkQueueForMapping(config, queue);
  } catch (error) {
    client.destroy();
    if (error instanceof RangeError) throw error;
    // A refusal by AWS (IAM) says why; anything else is an unreachable queue.
    const name = (error as { name?: string }).name ?? "";
    const why = /^(AccessDenied|InvalidClientTokenId|SignatureDoesNotMatch)/.test(name)
      ? `: ${name}: ${(error as Error).message}`
      : "";
    throw new Error(
      `Cannot start Lambda runner: queue "${config.queue}" is not reachable at ${config.endpoint}${why}`,
      { cause: error },
    );
  }
  const mapping = new EventSourceMapping(config, client, queue, options);
  await mapping.start();
  let closing: Promise<void> | undefined;
  const close = () => closing ??= mapping.close();
  return {
    queueUrl: queue.url,
    queueArn: queue.arn,
    functionArn: functionArn(config.region, accountOf(queue.arn), config.functionName),
    stats: () => copyStats(mapping.stats),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A received message waiting in a batch. */
interface Pending {
  readonly record: SqsRecord;
  readonly bytes: number;
  readonly receivedAt: number;
}

class EventSourceMapping {
  readonly stats: LambdaRunnerStats = emptyStats();
  readonly #config: LambdaRunnerConfig;
  readonly #client: SQSClient;
  readonly #queue: ResolvedQueue;
  readonly #log: (entry: LambdaLogEntry) => void;
  readonly #onInvoke: ((report: LambdaInvocationReport) => void) | undefined;
  readonly #abort = new AbortController();
  readonly #containers: LambdaContainer[];
  #pollers: Promise<void>[] = [];

  constructor(
    config: LambdaRunnerConfig,
    client: SQSClient,
    queue: ResolvedQueue,
    options: LambdaRunnerOptions,
  ) {
    this.#config = config;
    this.#client = client;
    this.#queue = queue;
    this.#log = options.logger ?? printLogEntry;
    this.#onInvoke = options.onInvoke;
    this.#containers = Array.from(
      { length: config.maximumConcurrency },
      (_, index) =>
        new LambdaContainer({
          number: index + 1,
          config,
          account: accountOf(queue.arn),
          log: this.#log,
        }),
    );
  }

  async start(): Promise<void> {
    if (this.#config.prewarm) await Promise.all(this.#containers.map((c) => c.start()));
    // One poller per container: at most MaximumConcurrency batches in flight.
    this.#pollers = this.#containers.map((container, index) => this.#poll(container, index + 1));
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await Promise.all(this.#pollers);
    await Promise.all(this.#containers.map((c) => c.close()));
    this.#client.destroy();
  }

  async #poll(container: LambdaContainer, number: number): Promise<void> {
    let carry: Pending[] = [];
    while (!this.#abort.signal.aborted) {
      const gathered = await this.#gather(carry, number);
      carry = gathered.carry;
      if (gathered.batch.length === 0) continue;
      try {
        await this.#invoke(container, number, gathered.batch);
      } catch (error) {
        // Not expected: the messages come back after their visibility timeout.
        this.#platform(number, `Invocation failed in the runner: ${describeError(error)}`);
      }
    }
  }

  /**
   * Gathers one batch: up to BatchSize records, until the batching window
   * ends (it opens with the first record) or the payload would pass 6 MB.
   * Records over the payload limit are carried to the next batch.
   */
  async #gather(
    carried: readonly Pending[],
    number: number,
  ): Promise<{ batch: Pending[]; carry: Pending[] }> {
    const { batchSize, maximumBatchingWindowSeconds } = this.#config;
    const signal = this.#abort.signal;
    const windowMs = maximumBatchingWindowSeconds * 1000;
    const batch: Pending[] = [];
    const carry: Pending[] = [];
    let bytes = EVENT_ENVELOPE_BYTES;
    const add = (pending: Pending) => {
      // A message whose visibility timeout ran out during the window can be
      // received again: keep one record, with the newer receipt handle.
      const again = batch.findIndex((p) => p.record.messageId === pending.record.messageId);
      if (again >= 0) {
        bytes += pending.bytes - (batch[again]?.bytes ?? 0);
        batch[again] = pending;
        return;
      }
      const added = bytes + pending.bytes + (batch.length > 0 ? 1 : 0);
      if (carry.length > 0 || (batch.length > 0 && added > PAYLOAD_LIMIT_BYTES)) {
        carry.push(pending);
      } else {
        batch.push(pending);
        bytes = added;
      }
    };
    carried.forEach(add);
    let windowEnd = batch.length > 0 ? performance.now() + windowMs : undefined;
    while (!signal.aborted && carry.length === 0 && batch.length < batchSize) {
      if (batch.length > 0 && windowMs === 0) break;
      let waitSeconds = MAX_WAIT_SECONDS;
      let remainingMs = Infinity;
      if (windowEnd !== undefined) {
        remainingMs = windowEnd - performance.now();
        if (remainingMs <= 0) break;
        waitSeconds = Math.min(MAX_WAIT_SECONDS, Math.floor(remainingMs / 1000));
      }
      let messages;
      try {
        messages = await receiveMessages(this.#client, this.#queue.url, {
          maxMessages: Math.min(10, batchSize - batch.length),
          waitSeconds,
          signal,
        });
      } catch (error) {
        if (signal.aborted) break;
        this.#platform(number, `ReceiveMessage failed, retrying: ${describeError(error)}`);
        if (batch.length > 0) break;
        await sleep(RECEIVE_RETRY_MS, signal);
        continue;
      }
      const receivedAt = Date.now();
      for (const message of messages) {
        try {
          const record = toSqsRecord(message, {
            queueArn: this.#queue.arn,
            region: this.#config.region,
          });
          add({ record, bytes: recordPayloadBytes(record), receivedAt });
        } catch (error) {
          this.#platform(number, describeError(error));
        }
      }
      if (windowEnd === undefined && batch.length > 0) windowEnd = performance.now() + windowMs;
      if (waitSeconds === 0 && messages.length === 0) {
        // Under a second of window left: short polls, a little apart.
        await sleep(Math.min(50, remainingMs), signal);
      }
    }
    return { batch, carry };
  }

  async #invoke(container: LambdaContainer, number: number, batch: Pending[]): Promise<void> {
    this.stats.inFlight++;
    try {
      await this.#invokeAndSettle(container, number, batch);
    } finally {
      this.stats.inFlight--;
    }
  }

  /** Invokes the function with a batch, then deletes what succeeded. */
  async #invokeAndSettle(
    container: LambdaContainer,
    number: number,
    batch: Pending[],
  ): Promise<void> {
    const requestId = crypto.randomUUID();
    const records = batch.map((pending) => pending.record);
    const result = await container.invoke(requestId, { Records: records });
    let failure: LambdaInvocationFailure | undefined = result.outcome.ok
      ? undefined
      : result.outcome.failure;
    let failedIds = new Set<string>();
    if (result.outcome.ok && this.#config.reportBatchItemFailures) {
      const verdict = readBatchResponse(
        result.outcome.response,
        new Set(records.map((r) => r.messageId)),
      );
      if (verdict.valid) {
        failedIds = new Set(verdict.failedIds);
      } else {
        failure = {
          kind: "malformed",
          errorType: "InvalidBatchResponse",
          message: `Invalid partial batch response: ${verdict.reason}`,
        };
        this.#platform(number, `${failure.message}: the whole batch fails`, requestId);
      }
    }
    const toDelete = failure === undefined
      ? records.filter((record) => !failedIds.has(record.messageId))
      : [];
    const deleteFailures = toDelete.length === 0
      ? []
      : await deleteMessages(this.#client, this.#queue.url, toDelete);
    for (const { messageId, reason } of deleteFailures) {
      this.#platform(number, `DeleteMessageBatch failed for ${messageId}: ${reason}`, requestId);
    }
    const notDeleted = new Set(deleteFailures.map((f) => f.messageId));
    const deleted = new Set(
      toDelete.map((r) => r.messageId).filter((id) => !notDeleted.has(id)),
    );
    const outcomes = batch.map(({ record, receivedAt }): LambdaRecordOutcome => ({
      messageId: record.messageId,
      receiveCount: Number(record.attributes.ApproximateReceiveCount),
      sentTimestamp: Number(record.attributes.SentTimestamp),
      receivedAt,
      outcome: deleted.has(record.messageId) ? "deleted" : "retry",
    }));
    const report: LambdaInvocationReport = {
      requestId,
      container: number,
      coldStart: result.coldStart,
      initDurationMs: result.initDurationMs,
      startedAt: result.startedAt,
      durationMs: result.durationMs,
      handlerDurationMs: result.handlerDurationMs,
      batchSize: batch.length,
      payloadBytes: eventPayloadBytes(batch.map((pending) => pending.bytes)),
      outcome: failure !== undefined ? "failure" : failedIds.size > 0 ? "partial" : "success",
      failure,
      response: result.outcome.ok ? result.outcome.response : undefined,
      records: outcomes,
    };
    addToStats(this.stats, report);
    try {
      this.#onInvoke?.(report);
    } catch (error) {
      this.#platform(number, `onInvoke listener threw: ${describeError(error)}`, requestId);
    }
  }

  #platform(container: number, message: string, requestId?: string): void {
    try {
      this.#log({
        time: Date.now(),
        functionName: this.#config.functionName,
        container,
        logStreamName: "",
        requestId,
        source: "platform",
        line: `Event source mapping: ${message}`,
      });
    } catch {
      // A failing logger must not stop the mapping.
    }
  }
}

/** The default logger: one console line per entry, prefixed with the function and container. */
function printLogEntry(entry: LambdaLogEntry): void {
  console.log(`[${entry.functionName}#${entry.container}] ${entry.line}`);
}

/**
 * AWS's event source mapping knows its queue by ARN, so the execution role
 * needs no `sqs:GetQueueUrl`: a queue name is turned into its URL once, as
 * the local admin identity (the deployer's step), and the role does the rest
 * (`GetQueueAttributes`, `ReceiveMessage`, `DeleteMessageBatch`).
 */
async function queueUrlOf(config: LambdaRunnerConfig): Promise<string> {
  if (config.queue.includes("://")) return config.queue;
  const { accessKeyId, secretAccessKey } = LOCAL_IDENTITIES.admin;
  const setup = createSqsClient({ ...config, credentials: { accessKeyId, secretAccessKey } });
  try {
    const { QueueUrl } = await setup.send(new GetQueueUrlCommand({ QueueName: config.queue }));
    if (QueueUrl === undefined) {
      throw new Error(`Cannot resolve queue "${config.queue}": no QueueUrl returned`);
    }
    return QueueUrl;
  } finally {
    setup.destroy();
  }
}

async function checkCode(path: string): Promise<void> {
  try {
    await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        `Cannot start Lambda runner: code "${path}" does not exist${
          path.endsWith(".mjs") ? " (run `deno task build`)" : ""
        }`,
        { cause: error },
      );
    }
    // No read permission: the child process reports a missing module itself.
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, { signal, onAbort: "resolve" });
}
