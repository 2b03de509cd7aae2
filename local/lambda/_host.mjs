// The child-process side of the local Lambda runner: one "execution
// environment". It runs under Node.js (a bundled handler, as AWS runs it) or
// under `deno run` (a TypeScript source), so it uses `node:` modules only.
//
// Protocol. The runner writes JSON lines to stdin:
//   {"t":"init","nonce","module","export","context":{functionName,...}}
//   {"t":"invoke","id","deadline","event"}
// The host answers on stdout with frames, one per line, each starting with the
// nonce so that the function's own stdout writes cannot pass for one:
//   {"t":"ready","initMs"} | {"t":"init_error",errorType,errorMessage,trace}
//   {"t":"log",level,message,requestId,time}
//   {"t":"result",id,response,durationMs,maxMemoryMb}
//   {"t":"error",id,errorType,errorMessage,trace,durationMs,maxMemoryMb,fatal}
//   {"t":"memory_exceeded",maxMemoryMb} (written just before the process kills itself)
// Everything else on stdout or stderr is the function's raw output.
//
// Like the Node.js runtime, console.log/info/warn/error/debug/trace become log
// lines tagged with the current request id and level.
//
// Memory, as Lambda measures and enforces it. "Max Memory Used" is this
// process's own peak resident set (Linux's VmHWM, which starts anew at exec;
// getrusage's maxRSS would carry the parent's peak across the exec). A watch
// on its own thread, which a busy handler cannot hold up, kills the process
// with SIGKILL once it holds more than the function's MemorySize, as Lambda's
// sandbox does: the runner then reports "Runtime exited with error: signal:
// killed" (Runtime.ExitError).

import { readFileSync, writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import { Worker } from "node:worker_threads";

const rawWrite = process.stdout.write.bind(process.stdout);
let nonce = "";
let handler;
let staticContext = {};
/** Request id of the invocation running now. */
let currentId;
let lastId;

function send(frame) {
  rawWrite(`${nonce}${JSON.stringify(frame)}\n`);
}

function patchConsole() {
  const levels = {
    log: "INFO",
    info: "INFO",
    warn: "WARN",
    error: "ERROR",
    debug: "DEBUG",
    trace: "TRACE",
  };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      send({
        t: "log",
        level,
        message: format(...args),
        requestId: currentId ?? lastId,
        time: Date.now(),
      });
    };
  }
}

function toError(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name || error.constructor?.name || "Error",
      errorMessage: error.message,
      trace: String(error.stack ?? "").split("\n"),
    };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

/** Peak resident set in MB seen by the watch, shared with its thread. */
const watchedPeakMb = new Int32Array(new SharedArrayBuffer(4));

function maxMemoryMb() {
  let peak = Atomics.load(watchedPeakMb, 0);
  try {
    const kb = /^VmHWM:\s*(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    if (kb !== undefined) peak = Math.max(peak, Math.ceil(Number(kb) / 1024));
  } catch {
    // Not Linux, or not allowed to read it (the deno runtime): the watch's samples.
  }
  return peak > 0 ? peak : Math.ceil(process.memoryUsage.rss() / 1048576);
}

const WATCH = `
const { workerData } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const { limitMb, peak, frame } = workerData;
const shared = new Int32Array(peak);
setInterval(() => {
  const mb = Math.ceil(process.memoryUsage.rss() / 1048576);
  if (mb > Atomics.load(shared, 0)) Atomics.store(shared, 0, mb);
  if (mb > limitMb) {
    writeSync(1, frame);
    process.kill(process.pid, "SIGKILL");
  }
}, 10);
`;

let memoryLimitMb = 0;

/** The frame a process over its memory writes before it kills itself. */
function memoryExceededFrame() {
  return `${nonce}${JSON.stringify({ t: "memory_exceeded", maxMemoryMb: memoryLimitMb })}\n`;
}

/**
 * Kills the process when its peak went over the limit between two samples
 * of the watch, so that no invocation reports more than its MemorySize.
 */
function enforcePeak() {
  if (memoryLimitMb > 0 && maxMemoryMb() > memoryLimitMb) {
    writeSync(1, memoryExceededFrame());
    process.kill(process.pid, "SIGKILL");
  }
}

/** Starts the memory watch on its own thread; it keeps no event loop alive. */
function watchMemory(limitMb) {
  if (!(limitMb > 0)) return;
  memoryLimitMb = limitMb;
  const frame = memoryExceededFrame();
  try {
    const worker = new Worker(WATCH, {
      eval: true,
      workerData: { limitMb, peak: watchedPeakMb.buffer, frame },
    });
    // A runtime that cannot run it (no require in an eval worker): no limit.
    worker.on("error", () => {});
    worker.unref();
  } catch {
    // No worker threads here: the peak is still reported, the limit not enforced.
  }
}

// The SDK warns once per process that its releases after January 2027 need
// Node.js 22. Lambda runs this function on nodejs22.x; the local AWS says so
// once at start-up, so the warning stays out of the function's log.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const text = typeof warning === "string" ? warning : warning?.message;
  if (String(text).startsWith("NodeVersionSupportWarning")) return;
  return emitWarning(warning, ...rest);
};

async function init(message) {
  nonce = message.nonce;
  staticContext = message.context;
  patchConsole();
  watchMemory(Number(staticContext.memoryLimitInMB));
  const started = performance.now();
  let module;
  try {
    module = await import(pathToFileURL(resolve(message.module)).href);
  } catch (error) {
    const { errorMessage, trace } = toError(error);
    send({ t: "init_error", errorType: "Runtime.ImportModuleError", errorMessage, trace });
    return;
  }
  handler = module[message.export];
  if (typeof handler !== "function") {
    send({
      t: "init_error",
      errorType: "Runtime.HandlerNotFound",
      errorMessage: `${message.handlerName} is undefined or not exported`,
      trace: [],
    });
    return;
  }
  send({ t: "ready", initMs: performance.now() - started });
}

function runHandler(event, context) {
  return new Promise((resolvePromise, rejectPromise) => {
    const callback = (error, result) =>
      error == null ? resolvePromise(result) : rejectPromise(error);
    context.done = callback;
    context.succeed = (result) => resolvePromise(result);
    context.fail = (error) => rejectPromise(error ?? new Error("handled"));
    try {
      const returned = handler(event, context, callback);
      if (returned !== null && typeof returned?.then === "function") {
        returned.then(resolvePromise, rejectPromise);
      } else if (handler.length < 3) {
        resolvePromise(returned);
      }
    } catch (error) {
      rejectPromise(error);
    }
  });
}

async function invoke(message) {
  currentId = message.id;
  lastId = message.id;
  const deadline = message.deadline;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    ...staticContext,
    awsRequestId: message.id,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const started = performance.now();
  try {
    const response = await runHandler(message.event, context);
    const durationMs = performance.now() - started;
    enforcePeak();
    let frame;
    try {
      frame = `${nonce}${
        JSON.stringify({
          t: "result",
          id: message.id,
          response: response === undefined ? null : response,
          durationMs,
          maxMemoryMb: maxMemoryMb(),
        })
      }\n`;
    } catch (error) {
      send({
        t: "error",
        id: message.id,
        errorType: "Runtime.MarshalError",
        errorMessage: `Unable to stringify response body: ${toError(error).errorMessage}`,
        trace: [],
        durationMs,
        maxMemoryMb: maxMemoryMb(),
        fatal: false,
      });
      return;
    }
    rawWrite(frame);
  } catch (error) {
    enforcePeak();
    send({
      t: "error",
      id: message.id,
      ...toError(error),
      durationMs: performance.now() - started,
      maxMemoryMb: maxMemoryMb(),
      fatal: false,
    });
  } finally {
    currentId = undefined;
  }
}

function fatal(error, errorType) {
  const details = toError(error);
  send({
    t: "error",
    id: currentId ?? null,
    ...details,
    errorType: errorType ?? details.errorType,
    durationMs: 0,
    maxMemoryMb: maxMemoryMb(),
    fatal: true,
  });
  process.exit(129);
}

process.on("uncaughtException", (error) => fatal(error));
process.on("unhandledRejection", (reason) => fatal(reason, "Runtime.UnhandledPromiseRejection"));

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  if (line === "") return;
  const message = JSON.parse(line);
  if (message.t === "init") void init(message);
  else if (message.t === "invoke") void invoke(message);
});
lines.on("close", () => process.exit(0));
