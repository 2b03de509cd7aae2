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
import type { ToWorker, WorkerEvent } from "./_protocol.ts";
import type { RunMeasurement, RunSettings } from "./_types.ts";
import { drawLatencyMs } from "./aws_latency.ts";

export type { RunMeasurement, RunSettings } from "./_types.ts";

const WORKER_URL = new URL("./_pipeline_worker.ts", import.meta.url);
/** The local AWS's memory is sampled this often (this thread's isolate is the local AWS's). */
const MEMORY_SAMPLE_MS = 1000;

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
  const runStarted = performance.now();
  const memory: [number, number, number][] = [];
  const sampleMemory = () => {
    const { heapUsed, rss } = Deno.memoryUsage();
    memory.push([Math.round(performance.now() - runStarted), heapUsed, rss]);
  };
  sampleMemory();
  const memoryTimer = setInterval(sampleMemory, MEMORY_SAMPLE_MS);
  const cleanups: (() => Promise<unknown> | void)[] = [
    () => aws.close(),
    () => clearInterval(memoryTimer),
  ];
  const failures: string[] = [];
  try {
    aws.resetStats();
    let lambdaBilledMs = 0;
    let lambdaInitMs = 0;
    const runner = await startLambdaRunner({
      endpoint: aws.endpoint,
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
        lambdaBilledMs += Math.max(1, Math.ceil(report.handlerDurationMs ?? report.durationMs));
        lambdaInitMs += report.initDurationMs ?? 0;
      },
    });
    cleanups.unshift(() => runner.close());

    const started = new Map<string, number>();
    const handledAt = new Map<string, number>();
    let duplicates = 0;
    let generated = 0;
    // Items to wait for: all of them, or those the generator got through.
    let target = settings.items;
    let serviceResult: Extract<WorkerEvent, { type: "served" }> | undefined;
    const allHandled = Promise.withResolvers<void>();
    const generatorDone = Promise.withResolvers<void>();
    const serviceDone = Promise.withResolvers<void>();
    const fail = (error: Error) => {
      allHandled.reject(error);
      generatorDone.reject(error);
      serviceDone.reject(error);
    };
    allHandled.promise.catch(() => {});
    generatorDone.promise.catch(() => {});
    serviceDone.promise.catch(() => {});

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
      }
    }, fail);
    cleanups.unshift(() => generator.worker.terminate());

    for (const service of services) {
      service.send({
        type: "serve",
        endpoint: aws.endpoint,
        batchSize: settings.service.batchSize,
        batchGet: settings.service.batchGet,
        tracing: settings.tracing ?? false,
      });
    }
    await Promise.all(services.map((service) => service.ready));
    generator.send({
      type: "generate",
      endpoint: aws.endpoint,
      items: settings.items,
      prefix: `bench-${settings.name.replace(/[^A-Za-z0-9]+/g, "-")}`,
      ...settings.generator,
      tracing: settings.tracing ?? false,
    });
    await generator.ready;

    const progress = setInterval(() => onProgress(handledAt.size), 250);
    let timedOut = false;
    const timeout = setTimeout(() => {
      timedOut = true;
      allHandled.resolve();
    }, settings.timeoutMs);
    try {
      await allHandled.promise;
    } finally {
      clearInterval(progress);
      clearTimeout(timeout);
    }
    const requestStats = aws.stats();
    const lambdaStats = runner.stats();
    const billedMs = lambdaBilledMs;
    const initMs = lambdaInitMs;
    // After a timeout the workers are not waited for: they are terminated below.
    if (!timedOut) {
      await generatorDone.promise;
      for (const service of services) service.send({ type: "stop" });
      await serviceDone.promise;
    }
    onProgress(handledAt.size);

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
    if (serviceResult) {
      failures.push(...serviceResult.failed.slice(0, 20).map((f) => `service: ${f}`));
    }
    return {
      settings,
      generated,
      handled: handledAt.size,
      duplicates,
      failures,
      durationMs: end - t0,
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
      memory,
    };
  } finally {
    for (const cleanup of cleanups) await cleanup();
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

function startWorker(
  name: string,
  onEvent: (event: WorkerEvent) => void,
  onError: (error: Error) => void,
) {
  const worker = new Worker(WORKER_URL, { type: "module", name });
  const ready = Promise.withResolvers<void>();
  ready.promise.catch(() => {});
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
