/**
 * Types shared by the benchmark's runner and its pure report code.
 *
 * @module
 */

import type { MemorySample, StoredData } from "./soak.ts";

/** How one run drives the pipeline. */
export interface RunSettings {
  /** Name in the report. */
  readonly name: string;
  /** Items to send through. */
  readonly items: number;
  /** Generator settings. */
  readonly generator: {
    readonly concurrency: number;
    readonly itemBatchSize: number;
    readonly messageBatchSize: number;
    readonly queueUrlPerSend: boolean;
    /** Open loop at this many items per second; 0 = as fast as it goes. */
    readonly ratePerSecond: number;
  };
  /** Lambda settings. */
  readonly lambda: {
    /** Bundle path. */
    readonly code: string;
    readonly batchSize: number;
    readonly maximumBatchingWindowSeconds: number;
    readonly maximumConcurrency: number;
    readonly memoryMb: number;
  };
  /** Service settings. */
  readonly service: {
    readonly batchSize: number;
    readonly batchGet: boolean;
    /** Instances polling the update queue at once (competing consumers). Default 1. */
    readonly instances?: number;
  };
  /** Hold each call for a latency of AWS in a region (`bench/aws_latency.ts`). Default false. */
  readonly awsLatency?: boolean;
  /** Give up after this many milliseconds. */
  readonly timeoutMs: number;
  /**
   * Every program records its spans and exports them to the local AWS. Off
   * (the default), none does: the function runs with `OTEL_TRACES_EXPORTER=none`.
   */
  readonly tracing?: boolean;
  /**
   * A soak: memory sampled every 5 s instead of every second, each sample
   * after a full garbage collection of the local AWS's isolate when `gc` is
   * exposed (`--v8-flags=--expose-gc`), and what the local AWS keeps read at
   * the end. Default false.
   */
  readonly soak?: boolean;
}

/** What one run measured. */
export interface RunMeasurement {
  /** Settings of the run. */
  readonly settings: RunSettings;
  /** Items the generator got through every step. */
  readonly generated: number;
  /** Distinct items the service handled. */
  readonly handled: number;
  /** Deliveries the service handled more than once (at-least-once). */
  readonly duplicates: number;
  /** Errors reported by the generator or the service. */
  readonly failures: string[];
  /** Milliseconds from the first item's start to the last item handled. */
  readonly durationMs: number;
  /** Per item: `[start, latency]`, milliseconds from the run's start and end to end. */
  readonly samples: [number, number][];
  /** Requests counted at the router while the items went through, by `service:Operation`. */
  readonly requests: Record<string, number>;
  /** Requests answered with 400 or above. */
  readonly requestErrors: number;
  /** Lambda invocations. */
  readonly invocations: number;
  /** Records handed to the Lambda (redeliveries included). */
  readonly lambdaRecords: number;
  /** Sum of billed durations (handler time rounded up to 1 ms), milliseconds. */
  readonly lambdaBilledMs: number;
  /** Sum of cold-start init durations, milliseconds. */
  readonly lambdaInitMs: number;
  /** Peak V8 heap in use of the service's isolate, bytes. */
  readonly servicePeakHeapBytes: number;
  /** The service isolate's heap in use once started, before the first message, bytes. */
  readonly serviceIdleHeapBytes: number;
  /** Whether it ended before every item was handled. */
  readonly timedOut: boolean;
  /**
   * CPU seconds of every process of the run (the benchmark's own, with the
   * local AWS and the program workers, and the Lambda's containers) from the
   * load's start to the last item handled; absent when it could not be read.
   */
  readonly cpuSeconds?: number;
  /** The process's memory every second (every 5 s in a soak), broken down. */
  readonly memory?: readonly MemorySample[];
  /** What the local AWS kept once the items were through (soak only). */
  readonly stored?: StoredData;
}
