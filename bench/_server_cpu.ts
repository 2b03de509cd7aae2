/**
 * The local AWS alone, before and after: the base commit's server (from a
 * separate checkout) and this tree's, each a `local/main.ts` process with
 * IAM and the dashboard on (`--no-lambda`, in memory), loaded in turn by one
 * client thread with the same number of requests of each operation, in the
 * same order (so that both servers hold as much state when an operation is
 * measured: stored objects and items, the dashboard's records); the server's
 * CPU time is read from `/proc/<pid>/stat` (by `cat`)
 * around each operation, so the figure is CPU per request, which other load
 * on the machine changes far less than a rate.
 *
 * @module
 */

import { CEILING_OPERATIONS } from "./_ceiling.ts";
import type { LoadOperation, WorkerEvent } from "./_protocol.ts";
import { type CpuSample, processCpuTicks } from "./server_cpu.ts";

/** Options of {@linkcode measureServerCpu}. */
export interface ServerCpuOptions {
  /** Root of the base commit's checkout (`git worktree add /tmp/perf-base <commit>`). */
  readonly baseRoot: string;
  /** Root of this tree. */
  readonly root: string;
  /** Rounds; each runs every operation on both servers, alternating. */
  readonly rounds: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** Requests per operation (fewer for `BatchWriteItem`, 25 items each). */
  readonly requests: number;
}

/** Requests per operation of the warm-up pass. */
const WARM_UP_REQUESTS = 100;

/** Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`, 100 on Linux). */
const CLOCK_TICKS_PER_S = 100;

/** Same flags as `deno task local`. */
const SERVER_FLAGS = [
  "--allow-net=127.0.0.1",
  "--allow-run=node,deno",
  "--allow-read=.local,dist,lambda,lib,local/dashboard/client,deno.json,deno.lock," +
  "/etc/alpine-release,node_modules",
  "--allow-write=.local,dist",
  "--allow-env=AWS_*,HOME,USERPROFILE,HOMEPATH,HOMEDRIVE,_X_AMZN_TRACE_ID,PREBUILDS_ONLY," +
  "ELECTRON_RUN_AS_NODE,npm_config_arch,npm_config_platform,LIBC,ARM_VERSION",
  "--allow-ffi=node_modules",
];

/**
 * Measures server CPU per request for each operation of the pipeline's mix
 * on the base commit's server and on this tree's, alternating.
 *
 * @param options Checkouts, rounds, load.
 * @returns One sample per round, operation and server.
 */
export async function measureServerCpu(options: ServerCpuOptions): Promise<CpuSample[]> {
  const samples: CpuSample[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (const [server, root] of [["before", options.baseRoot], ["after", options.root]] as const) {
      samples.push(...await measureOne(server, root, options));
    }
  }
  return samples;
}

async function measureOne(
  server: "before" | "after",
  root: string,
  options: ServerCpuOptions,
): Promise<CpuSample[]> {
  const process = await startServer(root);
  const worker = new Worker(new URL("./_pipeline_worker.ts", import.meta.url), {
    type: "module",
    name: `cpu-${server}`,
  });
  try {
    // Warm up the server (JIT, caches) on every operation before measuring.
    for (const operation of CEILING_OPERATIONS) {
      await loadOnce(worker, process.endpoint, operation, options.concurrency, WARM_UP_REQUESTS);
    }
    const samples: CpuSample[] = [];
    for (const operation of CEILING_OPERATIONS) {
      const before = await cpuUs(process.pid);
      const requests = operation === "dynamodb:BatchWriteItem"
        ? Math.ceil(options.requests / 4)
        : options.requests;
      const result = await loadOnce(
        worker,
        process.endpoint,
        operation,
        options.concurrency,
        requests,
      );
      const spent = await cpuUs(process.pid) - before;
      samples.push({
        operation,
        server,
        cpuUs: spent,
        requests: result.sent,
        requestsPerS: result.rate,
      });
    }
    return samples;
  } finally {
    worker.terminate();
    await process.stop();
  }
}

function loadOnce(
  worker: Worker,
  endpoint: string,
  operation: LoadOperation,
  concurrency: number,
  requests: number,
): Promise<{ sent: number; rate: number }> {
  const result = Promise.withResolvers<{ sent: number; rate: number }>();
  worker.onmessage = (message: MessageEvent<WorkerEvent>) => {
    const event = message.data;
    if (event.type === "loaded") {
      result.resolve({ sent: event.sent[operation] ?? 0, rate: event.rates[operation] ?? 0 });
    } else if (event.type === "error") {
      result.reject(new Error(`Cannot measure server CPU: ${event.message}`));
    }
  };
  worker.onerror = (event) => {
    event.preventDefault();
    result.reject(new Error(`Cannot measure server CPU: ${event.message}`));
  };
  worker.postMessage({
    type: "load",
    endpoint,
    operations: [operation],
    concurrency,
    durationMs: 0,
    requests,
  });
  return result.promise;
}

/**
 * The process's CPU time so far, microseconds. Deno lets only `--allow-all`
 * read `/proc/<pid>/stat`, so `cat` reads it.
 */
async function cpuUs(pid: number): Promise<number> {
  const output = await new Deno.Command("cat", {
    args: [`/proc/${pid}/stat`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(
      `Cannot read the CPU time of process ${pid}: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
  const ticks = processCpuTicks(new TextDecoder().decode(output.stdout));
  return (ticks / CLOCK_TICKS_PER_S) * 1_000_000;
}

interface ServerProcess {
  readonly pid: number;
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts `local/main.ts` of a checkout on a free port; resolves once it is ready. */
async function startServer(root: string): Promise<ServerProcess> {
  const child = new Deno.Command("deno", {
    args: ["run", ...SERVER_FLAGS, "local/main.ts", "--port", "0", "--in-memory", "--no-lambda"],
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const ready = Promise.withResolvers<string>();
  // Read all its output, so that it never blocks on a full pipe.
  const reading = (async () => {
    let text: string | undefined = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      if (text === undefined) continue;
      text += chunk;
      const match = /local AWS ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (match?.[1] === undefined) continue;
      ready.resolve(match[1]);
      text = undefined;
    }
    ready.reject(new Error(`Cannot start the local AWS of ${root}: it exited before it was ready`));
  })();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    await child.status;
    await reading;
  };
  try {
    return { pid: child.pid, endpoint: await ready.promise, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
