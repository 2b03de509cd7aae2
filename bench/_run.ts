/**
 * One benchmark run: a fresh local AWS (in memory, ephemeral port), the
 * Lambda through the local event source mapping on a bundle under Node.js,
 * the service and the generator in Web Workers of this process; N items
 * through the whole pipeline; the router's request counts.
 *
 * @module
 */

import { DEFAULT_ENVIRONMENT, startLambdaRunner } from "../local/lambda/mod.ts";
import { startLocalAws } from "../local/local_aws.ts";
import { processTreeCpuSeconds } from "./process_tree_cpu.ts";
import type { ToWorker, WorkerEvent } from "./_protocol.ts";
import type { RunMeasurement, RunSettings } from "./_types.ts";
import { drawLatencyMs } from "./aws_latency.ts";
import { readStoredData } from "./_stored_data.ts";
import { type MemorySampler, sampleMemory } from "./_memory_sampler.ts";

export type { RunMeasurement, RunSettings } from "./_types.ts";

const WORKER_URL = new URL("./_pipeline_worker.ts", import.meta.url);

/**
 * Runs N items through the pipeline with the given settings and measures.
 *
 * @param settings The run's settings.
 * @param onProgress Called with the items handled so far, at most every 250 ms.
 * @returns The measurement.
 */
export async function runPipeline(
  settings: RunSettings,
  onProgress: (handled: number) => void = () => {},
): Promise<RunMeasurement> {
  const aws = await startLocalAws({
    port: 0,
    inMemory: true,
    ...(settings.awsLatency
      ? { callLatencyMs: (service: string) => drawLatencyMs(service, Math.random) }
      : {}),
  });
  const handledAt = new Map<string, number>();
  const memory = memorySampler(settings, () => handledAt.size);
  const cleanups: (() => Promise<unknown> | void)[] = [
    () => aws.close(),
    () => memory.stop(),
  ];
  const failures: string[] = [];
  try {
    aws.resetStats();
    const lambda = await startBilledRunner(aws.endpoint, settings, failures);
    const { runner } = lambda;
    cleanups.unshift(() => runner.close());

    const started = new Map<string, number>();
    let duplicates = 0;
    let generated = 0;
    // Items to wait for: all of them, or those the generator got through.
    let target = settings.items;
    let serviceResult: Extract<WorkerEvent, { type: "served" }> | undefined;
    const allHandled = quietResolvers();
    const generatorDone = quietResolvers();
    const serviceDone = quietResolvers();
    const fail = (error: Error) => {
      allHandled.reject(error);
      generatorDone.reject(error);
      serviceDone.reject(error);
    };

    const instances = settings.service.instances ?? 1;
    const serviceResults: Extract<WorkerEvent, { type: "served" }>[] = [];
    const services = Array.from({ length: instances }, (_, i) => {
      const service = startWorker(instances === 1 ? "service" : `service-${i + 1}`, (event) => {
        if (event.type === "handled") {
          for (const [key, at] of event.entries) {
            if (handledAt.has(key)) duplicates++;
            else handledAt.set(key, at);
          }
          if (handledAt.size >= target) allHandled.resolve();
        } else if (event.type === "memory") {
          memory.worker("service", String(i), event.heapTotal + event.external);
        } else if (event.type === "served") {
          serviceResults.push(event);
          if (serviceResults.length === instances) {
            serviceResult = mergeServed(serviceResults);
            serviceDone.resolve();
          }
        }
      }, fail);
      cleanups.unshift(() => service.worker.terminate());
      return service;
    });
    const generator = startWorker("generator", (event) => {
      if (event.type === "started") {
        for (const [key, at] of event.entries) started.set(key, at);
      } else if (event.type === "generated") {
        generated = event.generated;
        target = generated;
        if (handledAt.size >= target) allHandled.resolve();
        failures.push(...event.failed.slice(0, 20).map((f) => `generator: ${f}`));
        generatorDone.resolve();
      } else if (event.type === "memory") {
        memory.worker("generator", "generator", event.heapTotal + event.external);
      }
    }, fail);
    cleanups.unshift(() => generator.worker.terminate());

    const cpuAtStart = await cpuSecondsOrUndefined();
    await startLoad({ services, generator }, aws.endpoint, settings);

    const timedOut = await waitWithProgress(
      allHandled.promise,
      settings.timeoutMs,
      () => onProgress(handledAt.size),
    );
    await memory.stop();
    const cpuAtEnd = await cpuSecondsOrUndefined();
    const requestStats = aws.stats();
    // Read after the counts: its requests are not the pipeline's.
    const stored = settings.soak && !timedOut ? await readStoredData(aws.endpoint) : undefined;
    const lambdaStats = runner.stats();
    const billedMs = lambda.billedMs;
    const initMs = lambda.initMs;
    // After a timeout the workers are not waited for: they are terminated below.
    if (!timedOut) {
      await generatorDone.promise;
      for (const service of services) service.send({ type: "stop" });
      await serviceDone.promise;
    }
    onProgress(handledAt.size);

    const { samples, durationMs } = latencySamples(started, handledAt);
    if (serviceResult) {
      failures.push(...serviceResult.failed.slice(0, 20).map((f) => `service: ${f}`));
    }
    return {
      settings,
      generated,
      handled: handledAt.size,
      duplicates,
      failures,
      durationMs,
      samples,
      requests: { ...requestStats.byOperation },
      requestErrors: requestStats.errors,
      invocations: lambdaStats.invocations,
      lambdaRecords: lambdaStats.records,
      lambdaBilledMs: billedMs,
      lambdaInitMs: initMs,
      servicePeakHeapBytes: serviceResult?.peakHeapBytes ?? 0,
      serviceIdleHeapBytes: serviceResult?.idleHeapBytes ?? 0,
      timedOut,
      memory: memory.samples,
      ...(stored === undefined ? {} : { stored }),
      ...(cpuAtStart === undefined || cpuAtEnd === undefined
        ? {}
        : { cpuSeconds: cpuAtEnd - cpuAtStart }),
    };
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}

/** {@linkcode processTreeCpuSeconds}, or undefined (with a warning) when it cannot be read. */
async function cpuSecondsOrUndefined(): Promise<number | undefined> {
  try {
    return await processTreeCpuSeconds();
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : error}`);
    return undefined;
  }
}

/**
 * The run's memory sampler: every second; in a soak every 5 s, after a full
 * garbage collection, with RssAnon and RssFile (a `cat` per sample).
 */
function memorySampler(settings: RunSettings, items: () => number): MemorySampler {
  return sampleMemory({
    everyMs: settings.soak ? 5000 : 1000,
    collect: settings.soak ?? false,
    items,
    ...(settings.soak ? {} : { readStatus: () => Promise.resolve(undefined) }),
  });
}

/**
 * Starts the Lambda runner of a run (prewarmed), which adds the function's
 * error lines to `failures` (20 at most) and adds up the billed and init
 * milliseconds.
 */
async function startBilledRunner(endpoint: string, settings: RunSettings, failures: string[]) {
  const billing = { billedMs: 0, initMs: 0 };
  const runner = await startLambdaRunner({
    endpoint,
    code: settings.lambda.code,
    batchSize: settings.lambda.batchSize,
    maximumBatchingWindowSeconds: settings.lambda.maximumBatchingWindowSeconds,
    maximumConcurrency: settings.lambda.maximumConcurrency,
    memoryMb: settings.lambda.memoryMb,
    environment: settings.tracing
      ? DEFAULT_ENVIRONMENT
      : { ...DEFAULT_ENVIRONMENT, OTEL_TRACES_EXPORTER: "none" },
    prewarm: true,
    logger: (entry) => {
      if (entry.source === "function" && /"level":"error"/.test(entry.line)) {
        if (failures.length < 20) failures.push(`lambda: ${entry.line}`);
      }
    },
    onInvoke: (report) => {
      billing.billedMs += Math.max(1, Math.ceil(report.handlerDurationMs ?? report.durationMs));
      billing.initMs += report.initDurationMs ?? 0;
    },
  });
  return {
    runner,
    get billedMs() {
      return billing.billedMs;
    },
    get initMs() {
      return billing.initMs;
    },
  };
}

/**
 * Each handled item's `[start since the first start, latency]`, by start,
 * and the milliseconds from the first start to the last handling.
 */
function latencySamples(
  started: ReadonlyMap<string, number>,
  handledAt: ReadonlyMap<string, number>,
): { samples: [number, number][]; durationMs: number } {
  let t0 = Infinity;
  for (const at of started.values()) t0 = Math.min(t0, at);
  const samples: [number, number][] = [];
  for (const [key, at] of handledAt) {
    const start = started.get(key);
    if (start !== undefined) samples.push([start - t0, at - start]);
  }
  samples.sort((a, b) => a[0] - b[0]);
  let end = t0;
  for (const at of handledAt.values()) end = Math.max(end, at);
  return { samples, durationMs: end - t0 };
}

/** Starts the services, waits until they are ready, then starts the generator. */
async function startLoad(
  workers: { services: readonly BenchWorker[]; generator: BenchWorker },
  endpoint: string,
  settings: RunSettings,
): Promise<void> {
  for (const service of workers.services) {
    service.send({
      type: "serve",
      endpoint,
      batchSize: settings.service.batchSize,
      batchGet: settings.service.batchGet,
      tracing: settings.tracing ?? false,
    });
  }
  await Promise.all(workers.services.map((service) => service.ready));
  workers.generator.send({
    type: "generate",
    endpoint,
    items: settings.items,
    prefix: `bench-${settings.name.replace(/[^A-Za-z0-9]+/g, "-")}`,
    ...settings.generator,
    tracing: settings.tracing ?? false,
  });
  await workers.generator.ready;
}

/** `Promise.withResolvers()` whose promise may be rejected with no one awaiting it yet. */
function quietResolvers(): PromiseWithResolvers<void> {
  const resolvers = Promise.withResolvers<void>();
  resolvers.promise.catch(() => {});
  return resolvers;
}

/**
 * Waits for `done`, calling `onTick` every 250 ms; resolves true when
 * `timeoutMs` passed first (what is in flight is then not waited for).
 */
async function waitWithProgress(
  done: Promise<void>,
  timeoutMs: number,
  onTick: () => void,
): Promise<boolean> {
  const progress = setInterval(onTick, 250);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  try {
    return await Promise.race([done.then(() => false), timeout]);
  } finally {
    clearInterval(progress);
    clearTimeout(timer);
  }
}

/** The service instances' results as one: failures and polls added, the largest heaps. */
function mergeServed(
  results: readonly Extract<WorkerEvent, { type: "served" }>[],
): Extract<WorkerEvent, { type: "served" }> {
  return {
    type: "served",
    handled: results.reduce((sum, r) => sum + r.handled, 0),
    failed: results.flatMap((r) => r.failed),
    polls: results.reduce((sum, r) => sum + r.polls, 0),
    peakHeapBytes: Math.max(0, ...results.map((r) => r.peakHeapBytes)),
    idleHeapBytes: Math.max(0, ...results.map((r) => r.idleHeapBytes)),
  };
}

/** A pipeline worker (service or generator) of a run. */
interface BenchWorker {
  readonly worker: Worker;
  /** Resolves when the worker says it is ready, rejects when it fails first. */
  readonly ready: Promise<void>;
  send(message: ToWorker): void;
}

function startWorker(
  name: string,
  onEvent: (event: WorkerEvent) => void,
  onError: (error: Error) => void,
): BenchWorker {
  const worker = new Worker(WORKER_URL, { type: "module", name });
  const ready = quietResolvers();
  worker.onmessage = (message: MessageEvent<WorkerEvent>) => {
    const event = message.data;
    if (event.type === "ready") ready.resolve();
    else if (event.type === "error") {
      const error = new Error(`Benchmark ${name} failed: ${event.message}`);
      ready.reject(error);
      onError(error);
    } else onEvent(event);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    const error = new Error(`Benchmark ${name} failed: ${event.message}`);
    ready.reject(error);
    onError(error);
  };
  return {
    worker,
    ready: ready.promise,
    send: (message: ToWorker) => worker.postMessage(message),
  };
}
