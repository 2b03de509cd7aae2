/**
 * One execution environment of the local Lambda runner: a Node.js (or
 * `deno run`) child process that imports the function's module once and
 * serves invocations one at a time, killed on timeout or crash and started
 * again, cold, on the next invocation.
 *
 * @module
 */

import {
  functionArn,
  lambdaEnvironment,
  type LambdaRunnerConfig,
  logGroupName,
} from "./_config.ts";
import {
  formatConsoleLine,
  formatEndLine,
  formatInvokeErrorLine,
  formatReportLine,
  formatStartLine,
  formatTimeoutLine,
  type LambdaInvocationFailure,
  type LambdaLogEntry,
  logStreamNameFor,
} from "./_report.ts";
import { hostCommand } from "./_host_command.ts";

/** Lambda's limit on an on-demand init phase. */
const INIT_TIMEOUT_MS = 10_000;

/** How long a closing container may take to exit on its own before it is killed. */
const EXIT_GRACE_MS = 1_000;

/** Settings of one container. */
export interface ContainerSettings {
  /** Container number, from 1. */
  readonly number: number;
  /** The runner's configuration. */
  readonly config: LambdaRunnerConfig;
  /** The account the queue lives in, for the function's ARN. */
  readonly account: string;
  /** Receives every log line. */
  readonly log: (entry: LambdaLogEntry) => void;
}

/** What one invocation gave. */
export interface ContainerResult {
  /** The response, or why the invocation failed. */
  readonly outcome:
    | { readonly ok: true; readonly response: unknown }
    | { readonly ok: false; readonly failure: LambdaInvocationFailure };
  /** Whether the container was started for this invocation. */
  readonly coldStart: boolean;
  /** Spawn-to-ready milliseconds on a cold start. */
  readonly initDurationMs: number | undefined;
  /** When the event was sent, epoch milliseconds. */
  readonly startedAt: number;
  /** Milliseconds from sending the event to reading the response. */
  readonly durationMs: number;
  /** Milliseconds the handler ran, measured in the child. */
  readonly handlerDurationMs: number | undefined;
}

type Frame =
  | { t: "ready"; initMs: number }
  | { t: "init_error"; errorType: string; errorMessage: string; trace: string[] }
  | { t: "log"; level: string; message: string; requestId: string | null; time: number }
  | { t: "result"; id: string; response: unknown; durationMs: number; maxMemoryMb?: number }
  | {
    t: "error";
    id: string | null;
    errorType: string;
    errorMessage: string;
    trace: string[];
    durationMs: number;
    maxMemoryMb?: number;
    fatal: boolean;
  }
  | { t: "memory_exceeded"; maxMemoryMb: number };

type InitOutcome = { ok: true; initMs: number } | { ok: false; failure: LambdaInvocationFailure };

type Settled =
  | { kind: "frame"; frame: Extract<Frame, { t: "result" | "error" }> }
  | { kind: "exit"; status: Deno.CommandStatus }
  | { kind: "timeout" };

/** One invocation under way: its request id and its timing so far. */
interface Invocation {
  readonly requestId: string;
  readonly timing: {
    readonly coldStart: boolean;
    readonly initDurationMs: number | undefined;
    readonly startedAt: number;
    readonly durationMs: number;
  };
}

interface ChildState {
  readonly child: Deno.ChildProcess;
  readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly logStreamName: string;
  /** Resolves when the process has exited and its output is read to the end. */
  readonly done: Promise<Deno.CommandStatus>;
  ready: Promise<InitOutcome>;
  exited: boolean;
  /** Set when the process reported going over MemorySize, just before it killed itself. */
  memoryExceededMb?: number;
}

/** An execution environment: a child process kept warm between invocations. */
export class LambdaContainer {
  readonly #settings: ContainerSettings;
  readonly #nonce = crypto.randomUUID().replaceAll("-", "");
  #proc: ChildState | undefined;
  #onInit: ((frame: Frame | { t: "exit"; status: Deno.CommandStatus }) => void) | undefined;
  #onSettle: ((settled: Settled) => void) | undefined;
  #currentId: string | undefined;
  #lastId: string | undefined;

  /** Creates a cold container; nothing runs until {@linkcode start} or {@linkcode invoke}. */
  constructor(settings: ContainerSettings) {
    this.#settings = settings;
  }

  /** Whether a process is running (the container is warm or starting). */
  get warm(): boolean {
    return this.#proc !== undefined && !this.#proc.exited;
  }

  /** Starts the process and loads the module, if not already done. */
  start(): Promise<InitOutcome> {
    if (this.#proc !== undefined && !this.#proc.exited) return this.#proc.ready;
    const proc = this.#spawn();
    this.#proc = proc;
    return proc.ready;
  }

  /** Invokes the handler with an event, enforcing the function timeout. */
  async invoke(requestId: string, event: unknown): Promise<ContainerResult> {
    const coldStart = !this.warm;
    const init = await this.start();
    const proc = this.#proc;
    if (!init.ok || proc === undefined) return await this.#initFailed(init, coldStart);
    const initDurationMs = coldStart ? init.initMs : undefined;
    this.#currentId = requestId;
    this.#lastId = requestId;
    this.#platform(formatStartLine(requestId), requestId);
    const startedAt = Date.now();
    const started = performance.now();
    const result = await this.#send(proc, requestId, event, startedAt);
    this.#currentId = undefined;
    const timing = {
      coldStart,
      initDurationMs,
      startedAt,
      durationMs: performance.now() - started,
    };
    const invocation: Invocation = { requestId, timing };
    switch (result.kind) {
      case "timeout":
        return await this.#timedOut(invocation);
      case "exit":
        return this.#exited(invocation, result.status, proc.memoryExceededMb);
      case "frame":
        return await this.#answered(invocation, result.frame);
    }
  }

  /** The result of an invocation whose container could not start. */
  async #initFailed(init: InitOutcome, coldStart: boolean): Promise<ContainerResult> {
    const failure = init.ok
      ? { kind: "init" as const, errorType: "Runtime.Unknown", message: "no process" }
      : init.failure;
    await this.#stop();
    return {
      outcome: { ok: false, failure },
      coldStart,
      initDurationMs: undefined,
      startedAt: Date.now(),
      durationMs: 0,
      handlerDurationMs: undefined,
    };
  }

  /** Sends the event and waits for its answer, the process's exit or the function timeout. */
  async #send(
    proc: ChildState,
    requestId: string,
    event: unknown,
    startedAt: number,
  ): Promise<Settled> {
    const timeoutMs = this.#settings.config.timeoutSeconds * 1000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settled = new Promise<Settled>((resolve) => {
      this.#onSettle = resolve;
      timer = setTimeout(() => resolve({ kind: "timeout" }), timeoutMs);
    });
    const line = JSON.stringify({
      t: "invoke",
      id: requestId,
      deadline: startedAt + timeoutMs,
      event,
    });
    proc.writer.write(new TextEncoder().encode(`${line}\n`)).catch(() => {
      // The process died: its exit settles the invocation.
    });
    const result = await settled;
    clearTimeout(timer);
    this.#onSettle = undefined;
    return result;
  }

  /** Logs END and REPORT for an invocation. */
  #report(
    { requestId, timing }: Invocation,
    handlerMs: number | undefined,
    memory: number | undefined,
    status?: string,
  ): void {
    this.#platform(formatEndLine(requestId), requestId);
    this.#platform(
      formatReportLine({
        requestId,
        durationMs: handlerMs ?? timing.durationMs,
        memoryMb: this.#settings.config.memoryMb,
        maxMemoryUsedMb: memory,
        initDurationMs: timing.initDurationMs,
        ...(status === undefined ? {} : { status }),
      }),
      requestId,
    );
  }

  /** The function ran past its timeout: the container is killed. */
  async #timedOut(invocation: Invocation): Promise<ContainerResult> {
    const { requestId } = invocation;
    const { timeoutSeconds } = this.#settings.config;
    this.#platform(formatTimeoutLine(Date.now(), requestId, timeoutSeconds), requestId);
    await this.#kill();
    this.#report(invocation, undefined, undefined, "timeout");
    return {
      ...invocation.timing,
      handlerDurationMs: undefined,
      outcome: {
        ok: false,
        failure: {
          kind: "timeout",
          errorType: "Sandbox.Timedout",
          message: `Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
        },
      },
    };
  }

  /** The process exited during the invocation. */
  #exited(
    invocation: Invocation,
    status: Deno.CommandStatus,
    memoryExceededMb: number | undefined,
  ): ContainerResult {
    const { requestId } = invocation;
    const message = `RequestId: ${requestId} Error: Runtime exited with error: ${
      describeStatus(status)
    }`;
    this.#platform(formatConsoleLine(Date.now(), requestId, "ERROR", message), requestId);
    // Over MemorySize, Lambda reports the size itself as the memory used.
    this.#report(invocation, undefined, memoryExceededMb, "error");
    return {
      ...invocation.timing,
      handlerDurationMs: undefined,
      outcome: { ok: false, failure: { kind: "crash", errorType: "Runtime.ExitError", message } },
    };
  }

  /** The handler answered: a response, or an error (fatal ones end the container). */
  async #answered(
    invocation: Invocation,
    frame: Extract<Frame, { t: "result" | "error" }>,
  ): Promise<ContainerResult> {
    const { requestId } = invocation;
    if (frame.t === "result") {
      this.#report(invocation, frame.durationMs, frame.maxMemoryMb);
      return {
        ...invocation.timing,
        handlerDurationMs: frame.durationMs,
        outcome: { ok: true, response: frame.response },
      };
    }
    this.#platform(
      formatInvokeErrorLine(Date.now(), requestId, {
        errorType: frame.errorType,
        errorMessage: frame.errorMessage,
        trace: frame.trace,
      }),
      requestId,
    );
    if (frame.fatal) await this.#kill();
    this.#report(invocation, frame.durationMs, frame.maxMemoryMb, "error");
    return {
      ...invocation.timing,
      handlerDurationMs: frame.durationMs,
      outcome: {
        ok: false,
        failure: {
          kind: frame.fatal ? "crash" : "error",
          errorType: frame.errorType,
          message: frame.errorMessage,
        },
      },
    };
  }

  /** Stops the process: closes its stdin, waits a moment, then kills it. */
  async close(): Promise<void> {
    await this.#stop();
  }

  #spawn(): ChildState {
    const { config, number } = this.#settings;
    const logStreamName = logStreamNameFor(
      Date.now(),
      crypto.randomUUID().replaceAll("-", ""),
    );
    const environment = lambdaEnvironment(config, logStreamName);
    const { command, args, clearEnv } = hostCommand(config, environment);
    this.#platform(
      `INIT_START Runtime Version: ${
        config.runtime === "node" ? "local node" : "local deno"
      }\tContainer: ${number}`,
      undefined,
      logStreamName,
    );
    const spawnedAt = performance.now();
    const child = new Deno.Command(command, {
      args,
      env: environment,
      clearEnv,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    let resolveReady!: (outcome: InitOutcome) => void;
    const ready = new Promise<InitOutcome>((resolve) => resolveReady = resolve);
    const initTimer = setTimeout(() => {
      resolveReady({
        ok: false,
        failure: {
          kind: "init",
          errorType: "Runtime.InitTimeout",
          message: `Init phase timed out after ${INIT_TIMEOUT_MS / 1000} seconds`,
        },
      });
    }, INIT_TIMEOUT_MS);
    this.#onInit = (frame) => {
      clearTimeout(initTimer);
      this.#onInit = undefined;
      if (frame.t === "ready") {
        resolveReady({ ok: true, initMs: performance.now() - spawnedAt });
      } else if (frame.t === "init_error") {
        this.#platform(
          formatInvokeErrorLine(Date.now(), undefined, {
            errorType: frame.errorType,
            errorMessage: frame.errorMessage,
            trace: frame.trace,
          }),
          undefined,
          logStreamName,
        );
        resolveReady({
          ok: false,
          failure: { kind: "init", errorType: frame.errorType, message: frame.errorMessage },
        });
      } else if (frame.t === "exit") {
        resolveReady({
          ok: false,
          failure: {
            kind: "init",
            errorType: "Runtime.ExitError",
            message: `Runtime exited during init: ${describeStatus(frame.status)}`,
          },
        });
      }
    };
    const reading = Promise.all([
      this.#readLines(child.stdout, logStreamName, true),
      this.#readLines(child.stderr, logStreamName, false),
    ]);
    const proc: ChildState = {
      child,
      writer,
      logStreamName,
      ready,
      exited: false,
      done: child.status.then(async (status) => {
        await reading;
        proc.exited = true;
        clearTimeout(initTimer);
        this.#onInit?.({ t: "exit", status });
        this.#onSettle?.({ kind: "exit", status });
        await writer.close().catch(() => {});
        return status;
      }),
    };
    const init = {
      t: "init",
      nonce: this.#nonce,
      module: config.code,
      export: config.handlerExport,
      handlerName: config.handlerName,
      context: {
        functionName: config.functionName,
        functionVersion: "$LATEST",
        invokedFunctionArn: functionArn(config.region, this.#settings.account, config.functionName),
        memoryLimitInMB: String(config.memoryMb),
        logGroupName: logGroupName(config.functionName),
        logStreamName,
      },
    };
    writer.write(new TextEncoder().encode(`${JSON.stringify(init)}\n`)).catch(() => {});
    return proc;
  }

  async #readLines(
    stream: ReadableStream<Uint8Array>,
    logStreamName: string,
    framed: boolean,
  ): Promise<void> {
    let buffer = "";
    const decoder = new TextDecoder();
    const handle = (line: string) => {
      const at = framed ? line.indexOf(this.#nonce) : -1;
      if (at < 0) {
        this.#functionOutput(line, logStreamName);
        return;
      }
      if (at > 0) this.#functionOutput(line.slice(0, at), logStreamName);
      let frame: Frame;
      try {
        frame = JSON.parse(line.slice(at + this.#nonce.length));
      } catch {
        this.#functionOutput(line.slice(at), logStreamName);
        return;
      }
      this.#frame(frame, logStreamName);
    };
    for await (const chunk of stream) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        handle(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf("\n");
      }
    }
    buffer += decoder.decode();
    if (buffer !== "") handle(buffer);
  }

  #frame(frame: Frame, logStreamName: string): void {
    switch (frame.t) {
      case "ready":
      case "init_error":
        this.#onInit?.(frame);
        return;
      case "log":
        this.#emit({
          time: frame.time,
          requestId: frame.requestId ?? undefined,
          source: "function",
          line: formatConsoleLine(
            frame.time,
            frame.requestId ?? undefined,
            frame.level,
            frame.message,
          ),
        }, logStreamName);
        return;
      case "memory_exceeded":
        if (this.#proc !== undefined) this.#proc.memoryExceededMb = frame.maxMemoryMb;
        return;
      case "result":
      case "error":
        if (frame.id !== null && frame.id !== this.#currentId) return;
        if (frame.t === "error" && frame.id === null && this.#currentId === undefined) {
          this.#platform(
            formatInvokeErrorLine(Date.now(), this.#lastId, frame),
            this.#lastId,
            logStreamName,
          );
          return;
        }
        this.#onSettle?.({ kind: "frame", frame });
        this.#onSettle = undefined;
    }
  }

  #functionOutput(text: string, logStreamName: string): void {
    const requestId = this.#currentId ?? this.#lastId;
    this.#emit({ time: Date.now(), requestId, source: "function", line: text }, logStreamName);
  }

  #platform(line: string, requestId: string | undefined, logStreamName?: string): void {
    this.#emit(
      { time: Date.now(), requestId, source: "platform", line },
      logStreamName ?? this.#proc?.logStreamName ?? "",
    );
  }

  #emit(
    entry: Pick<LambdaLogEntry, "time" | "requestId" | "source" | "line">,
    logStreamName: string,
  ): void {
    try {
      this.#settings.log({
        ...entry,
        functionName: this.#settings.config.functionName,
        container: this.#settings.number,
        logStreamName,
      });
    } catch {
      // A failing logger must not break the runner.
    }
  }

  async #kill(): Promise<void> {
    const proc = this.#proc;
    if (proc === undefined) return;
    if (!proc.exited) {
      try {
        proc.child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
    }
    await proc.done;
    this.#proc = undefined;
  }

  async #stop(): Promise<void> {
    const proc = this.#proc;
    if (proc === undefined) return;
    await proc.writer.close().catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    const graceful = await Promise.race([
      proc.done.then(() => true),
      new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), EXIT_GRACE_MS)),
    ]);
    clearTimeout(timer);
    if (!graceful) await this.#kill();
    await proc.done;
    if (this.#proc === proc) this.#proc = undefined;
  }
}

// Lambda's runtime interface names a signal as Go's os.ProcessState does.
const SIGNAL_NAMES: Partial<Record<Deno.Signal, string>> = {
  SIGKILL: "killed",
  SIGABRT: "aborted",
  SIGSEGV: "segmentation fault",
  SIGTERM: "terminated",
};

function describeStatus(status: Deno.CommandStatus): string {
  if (status.signal === null) return `exit status ${status.code}`;
  return `signal: ${SIGNAL_NAMES[status.signal] ?? status.signal}`;
}
