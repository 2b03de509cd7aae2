/**
 * The local AWS's own request rate, measured alone: each operation the
 * pipeline uses, repeated by one client thread with a fixed number of
 * requests in flight, against a fresh local AWS with nothing else running.
 *
 * @module
 */

import { startLocalAws } from "../local/local_aws.ts";
import type { LoadOperation, WorkerEvent } from "./_protocol.ts";

/** Operations measured, writes before the reads that use what they wrote. */
export const CEILING_OPERATIONS: readonly LoadOperation[] = [
  "sqs:GetQueueUrl",
  "s3:PutObject",
  "s3:GetObject",
  "dynamodb:PutItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:UpdateItem",
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "sqs:SendMessage",
  "sqs:SendMessageBatch",
  "sqs:ReceiveMessage",
  "sqs:DeleteMessageBatch",
];

/** Options of {@linkcode measureCeiling}. */
export interface CeilingOptions {
  /** Client threads (Web Workers), each with its own SDK clients. */
  readonly clients: number;
  /** Requests in flight at once per client thread. */
  readonly concurrency: number;
  /** Milliseconds per operation. */
  readonly durationMs: number;
}

/**
 * Measures requests per second of each operation against the local AWS
 * alone: every client thread repeats the operation at once, and their
 * rates add up.
 *
 * @param options Client threads, concurrency and duration.
 * @returns Requests per second by `service:Operation`.
 */
export async function measureCeiling(options: CeilingOptions): Promise<Record<string, number>> {
  const aws = await startLocalAws({ port: 0, inMemory: true });
  const workers = Array.from(
    { length: options.clients },
    (_, i) =>
      new Worker(new URL("./_pipeline_worker.ts", import.meta.url), {
        type: "module",
        name: `load-${i + 1}`,
      }),
  );
  try {
    const rates: Record<string, number> = {};
    for (const operation of CEILING_OPERATIONS) {
      const results = await Promise.all(workers.map((worker) => {
        const result = Promise.withResolvers<Partial<Record<LoadOperation, number>>>();
        worker.onmessage = (message: MessageEvent<WorkerEvent>) => {
          const event = message.data;
          if (event.type === "loaded") result.resolve(event.rates);
          else if (event.type === "error") {
            result.reject(new Error(`Cannot measure the local AWS alone: ${event.message}`));
          }
        };
        worker.onerror = (event) => {
          event.preventDefault();
          result.reject(new Error(`Cannot measure the local AWS alone: ${event.message}`));
        };
        worker.postMessage({
          type: "load",
          endpoint: aws.endpoint,
          operations: [operation],
          concurrency: options.concurrency,
          durationMs: options.durationMs,
        });
        return result.promise;
      }));
      rates[operation] = results.reduce((sum, r) => sum + (r[operation] ?? 0), 0);
    }
    return rates;
  } finally {
    for (const worker of workers) worker.terminate();
    await aws.close();
  }
}
