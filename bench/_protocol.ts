/**
 * Messages between the benchmark and its pipeline workers.
 *
 * @module
 */

/** Starts the generator. */
export interface GenerateMessage {
  readonly type: "generate";
  /** The local AWS's endpoint. */
  readonly endpoint: string;
  /** Records to make. */
  readonly items: number;
  /** File name stem: files are `<prefix>-1.json` ... */
  readonly prefix: string;
  /** Records in flight at once. */
  readonly concurrency: number;
  /** Items per DynamoDB write (1 = conditional PutItem). */
  readonly itemBatchSize: number;
  /** Messages per send call (1 = SendMessage). */
  readonly messageBatchSize: number;
  /** Look the queue URL up before every send call (the seed's pattern). */
  readonly queueUrlPerSend: boolean;
  /** Open loop: records started per second on a fixed schedule; 0 = closed loop. */
  readonly ratePerSecond: number;
  /** Record and export spans to the local AWS. */
  readonly tracing: boolean;
}

/** Starts the service. */
export interface ServeMessage {
  readonly type: "serve";
  /** The local AWS's endpoint. */
  readonly endpoint: string;
  /** Messages per receive. */
  readonly batchSize: number;
  /** One BatchGetItem per received batch instead of a GetItem per message. */
  readonly batchGet: boolean;
  /** Record and export spans to the local AWS. */
  readonly tracing: boolean;
}

/** Operations the load worker can repeat against the local AWS alone. */
export type LoadOperation =
  | "sqs:GetQueueUrl"
  | "s3:PutObject"
  | "s3:GetObject"
  | "dynamodb:PutItem"
  | "dynamodb:UpdateItem"
  | "dynamodb:GetItem"
  | "dynamodb:BatchWriteItem"
  | "dynamodb:BatchGetItem"
  | "sqs:SendMessage"
  | "sqs:SendMessageBatch"
  | "sqs:ReceiveMessage"
  | "sqs:DeleteMessageBatch";

/** Repeats each operation alone, as fast as the local AWS answers, and counts. */
export interface LoadMessage {
  readonly type: "load";
  /** The local AWS's endpoint. */
  readonly endpoint: string;
  /** Operations, measured one after the other. */
  readonly operations: readonly LoadOperation[];
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** Milliseconds per operation (after a short warm-up). */
  readonly durationMs: number;
  /**
   * Requests per operation instead of a duration (the warm-up included), so
   * that two servers compared see the same requests in the same order.
   */
  readonly requests?: number;
}

/** What the benchmark sends a worker. */
export type ToWorker = GenerateMessage | ServeMessage | LoadMessage | { readonly type: "stop" };

/** What a worker sends back. */
export type WorkerEvent =
  | { readonly type: "ready" }
  | { readonly type: "started"; readonly entries: [string, number][] }
  | { readonly type: "handled"; readonly entries: [string, number][] }
  | { readonly type: "generated"; readonly generated: number; readonly failed: string[] }
  | {
    readonly type: "served";
    readonly handled: number;
    readonly failed: string[];
    readonly polls: number;
    readonly peakHeapBytes: number;
    readonly idleHeapBytes: number;
  }
  | {
    readonly type: "loaded";
    /** Requests per second by operation. */
    readonly rates: Partial<Record<LoadOperation, number>>;
    /** Requests sent by operation, warm-up included. */
    readonly sent: Partial<Record<LoadOperation, number>>;
  }
  | {
    /** The worker's isolate, every second while it generates or serves; bytes. */
    readonly type: "memory";
    readonly heapTotal: number;
    readonly external: number;
  }
  | { readonly type: "error"; readonly message: string };
