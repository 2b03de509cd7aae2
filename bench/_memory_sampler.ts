/**
 * Samples the benchmark process's memory while a run goes on: this thread's
 * isolate (the local AWS's: heap in use, heap reserved, external memory),
 * the program workers' isolates as they last reported them, the process's
 * resident set and its anonymous and file-backed parts, and the items
 * through so far.
 *
 * @module
 */

import type { MemorySample } from "./soak.ts";

/** Options of {@linkcode sampleMemory}. */
export interface MemorySamplerOptions {
  /** Milliseconds between two samples. */
  readonly everyMs: number;
  /**
   * Run a full garbage collection of this isolate before each sample, when
   * `gc` is exposed (`--v8-flags=--expose-gc`), so that the heap in use is
   * what is live. Otherwise the heap in use includes garbage not yet collected.
   */
  readonly collect: boolean;
  /** Items through the pipeline so far. */
  readonly items: () => number;
  /**
   * Reads this process's `/proc/<pid>/status`; resolves undefined when it
   * cannot. Default: `cat` of it (Deno reads `/proc/<pid>/` only with every
   * permission; the benchmark may run `cat`).
   */
  readonly readStatus?: () => Promise<string | undefined>;
}

/** A running sampler. */
export interface MemorySampler {
  /** The samples so far, oldest first. */
  readonly samples: MemorySample[];
  /** Records a worker isolate's heap reserve plus external memory, as it reports it. */
  worker(kind: "generator" | "service", name: string, bytes: number): void;
  /** Takes a last sample and stops; later calls only wait for it. */
  stop(): Promise<void>;
}

/**
 * Samples now and every `everyMs` until stopped.
 *
 * @param options How often, whether to collect garbage first, the item count.
 * @returns The sampler.
 */
export function sampleMemory(options: MemorySamplerOptions): MemorySampler {
  const readStatus = options.readStatus ?? catOwnStatus;
  const gc = options.collect ? (globalThis as { gc?: () => void }).gc : undefined;
  const workers = { generator: new Map<string, number>(), service: new Map<string, number>() };
  const started = performance.now();
  const samples: MemorySample[] = [];
  const sum = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);
  const sample = async () => {
    gc?.();
    const at = Math.round(performance.now() - started);
    const { heapUsed, heapTotal, external, rss } = Deno.memoryUsage();
    const generator = sum(workers.generator);
    const service = sum(workers.service);
    const items = options.items();
    const status = await readStatus();
    samples.push({
      at_ms: at,
      heap_used: heapUsed,
      heap_total: heapTotal,
      external,
      generator,
      service,
      rss,
      rss_anon: status === undefined ? null : statusKb(status, "RssAnon"),
      rss_file: status === undefined ? null : statusKb(status, "RssFile"),
      items,
    });
  };
  // One sample at a time, in order.
  let last = sample();
  const timer = setInterval(() => {
    last = last.then(sample);
  }, options.everyMs);
  let stopped: Promise<void> | undefined;
  return {
    samples,
    worker: (kind, name, bytes) => void workers[kind].set(name, bytes),
    stop() {
      if (stopped === undefined) {
        clearInterval(timer);
        stopped = last.then(sample);
      }
      return stopped;
    },
  };
}

/** A `kB` field of `/proc/<pid>/status`, in bytes; null when absent. */
export function statusKb(status: string, field: string): number | null {
  const match = new RegExp(`^${field}:\\s*(\\d+) kB$`, "m").exec(status);
  return match === null ? null : Number(match[1]) * 1024;
}

/** This process's `/proc/<pid>/status` through `cat`, or undefined (not Linux, or not allowed). */
async function catOwnStatus(): Promise<string | undefined> {
  // Asked first, so that a terminal session is not prompted for the permission.
  if (Deno.permissions.querySync({ name: "run", command: "cat" }).state !== "granted") {
    return undefined;
  }
  try {
    const output = await new Deno.Command("cat", {
      args: [`/proc/${Deno.pid}/status`],
      stdout: "piped",
      stderr: "null",
    }).output();
    return output.success ? new TextDecoder().decode(output.stdout) : undefined;
  } catch {
    return undefined;
  }
}
