/**
 * Test doubles at the boundary the pipeline owns: an object with the SDK
 * client's `send`, answering per command name, and recording every call.
 *
 * @module
 */

import { createTracer, type SpanRecord } from "../../lib/tracer.ts";

/** One recorded call. */
export interface Call {
  /** Command name without `Command`, such as `PutObject`. */
  readonly operation: string;
  /** The command's input. */
  readonly input: Record<string, unknown>;
}

/** Answers one operation: returns output, or throws. */
export type Responder = (input: Record<string, unknown>) => unknown;

/** A fake SDK client. */
export interface FakeClient {
  /** The client's `send` (typed loosely to stand in for every SDK client's overloads). */
  // deno-lint-ignore no-explicit-any
  send(...args: any[]): Promise<any>;
  /** Calls made, in order. */
  readonly calls: Call[];
  /** Calls of one operation. */
  callsOf(operation: string): Call[];
}

/**
 * Makes a fake client. An operation with no responder throws, so a test
 * notices any call it did not expect.
 *
 * @param responders Per operation name (`PutObject`, `SendMessageBatch`, ...).
 * @param log Shared call log, to check order across clients.
 */
export function fakeClient(
  responders: Record<string, Responder>,
  log: Call[] = [],
): FakeClient {
  const calls: Call[] = [];
  return {
    calls,
    callsOf: (operation) => calls.filter((c) => c.operation === operation),
    async send(command: object, options?: { abortSignal?: AbortSignal }) {
      const operation = command.constructor.name.replace(/Command$/, "");
      const input = (command as { input: Record<string, unknown> }).input;
      const call = { operation, input };
      calls.push(call);
      log.push(call);
      const responder = responders[operation];
      if (!responder) throw new Error(`Unexpected call: ${operation}`);
      await Promise.resolve();
      if (options?.abortSignal?.aborted) throw abortError();
      return await responder(input) as never;
    },
  };
}

/**
 * An error shaped as the SDK throws them for a service error.
 *
 * @param name Error name (the service's error code).
 * @param status HTTP status.
 * @param message Message.
 */
export function awsError(name: string, status = 400, message = name): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
  });
}

function abortError(): Error {
  return Object.assign(new Error("Request aborted"), { name: "AbortError" });
}

/** An in-memory {@linkcode FileWriter} that behaves like `createNew`. */
export function memoryFiles(existing: string[] = [], log: Call[] = []) {
  const files = new Map<string, string>(existing.map((p) => [p, "{}"]));
  return {
    files,
    log,
    writeNew(path: string, data: string): Promise<void> {
      log.push({ operation: "writeFile", input: { path } });
      if (files.has(path)) {
        return Promise.reject(
          Object.assign(new Error(`File exists: ${path}`), { name: "AlreadyExists" }),
        );
      }
      files.set(path, data);
      return Promise.resolve();
    },
    remove(path: string): Promise<void> {
      log.push({ operation: "removeFile", input: { path } });
      files.delete(path);
      return Promise.resolve();
    },
  };
}

/** A valid UUID v4 for tests, distinct per `n`. */
export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
}

/** A tracer that keeps the spans it records, on a clock the test moves. */
export function recordingTracer(start = 1_000) {
  const spans: SpanRecord[] = [];
  let clock = start;
  let flushes = 0;
  const tracer = createTracer({
    exporter: {
      add: (span) => spans.push(span),
      flush: () => {
        flushes++;
        return Promise.resolve();
      },
    },
    now: () => clock,
  });
  return {
    tracer,
    spans,
    tick: (ms: number) => clock += ms,
    flushes: () => flushes,
    /** The one span of this name. */
    only(name: string): SpanRecord {
      const found = spans.filter((span) => span.name === name);
      if (found.length !== 1) throw new Error(`${found.length} spans named ${name}`);
      return found[0] as SpanRecord;
    },
  };
}
