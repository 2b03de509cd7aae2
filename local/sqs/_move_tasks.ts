/**
 * AWS's own dead-letter queue redrive: `StartMessageMoveTask`,
 * `ListMessageMoveTasks` and `CancelMessageMoveTask` (API reference pages of
 * the same names; developer guide "Learn how to configure a dead-letter queue
 * redrive in Amazon SQS").
 *
 * - The source must be the dead-letter queue of some queue; the destination
 *   defaults to that source queue. Only one active task per source.
 * - A task moves the messages visible when it starts
 *   (`ApproximateNumberOfMessagesToMove`), oldest first, at
 *   `MaxNumberOfMessagesPerSecond` (1 to 500) or, without it, as fast as it
 *   can. The developer guide: "A new messageID and enqueueTime are assigned to
 *   redriven messages"; body and attributes are kept.
 * - Statuses RUNNING, COMPLETED, CANCELLING, CANCELLED, FAILED. A task's
 *   handle names it for `CancelMessageMoveTask`; the list shows a handle only
 *   while the task runs, as AWS does.
 *
 * Tasks live in memory: a restart forgets them (the messages already moved
 * stay moved).
 *
 * @module
 */

import type { SqsQueues } from "../engines/mod.ts";
import type { Outcome, SqsErrorSpec } from "./_errors.ts";

/** Options of {@linkcode createMoveTasks}. */
export interface MoveTasksOptions {
  /** The queues the tasks move messages between. */
  readonly queues: SqsQueues;
  /** Milliseconds since the epoch (`StartedTimestamp`). Default `Date.now`. */
  readonly now?: () => number;
  /** Waits `ms`, or less when `signal` aborts. Default a timer that does not hold the process. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** A message a task moved: its id before and after, and its body. */
export interface MessageMove {
  /** Its id in the source queue. */
  readonly messageId: string;
  /** Its new id in the destination queue. */
  readonly newMessageId: string;
  /** Body. */
  readonly body: string;
}

/** Options of {@linkcode MoveTasks.start} for callers in this process. */
export interface StartOptions {
  /** Called for each message the task moves. */
  readonly onMove?: (move: MessageMove) => void;
}

/** The three actions of message move tasks, in the JSON protocol's shapes. */
export interface MoveTasks {
  /** `StartMessageMoveTask`. */
  start(body: Record<string, unknown>, options?: StartOptions): Outcome;
  /** The task's `ListMessageMoveTasks` entry once it has ended (completed, cancelled or failed). */
  ended(handle: string): Promise<Record<string, unknown>>;
  /** `ListMessageMoveTasks`. */
  list(body: Record<string, unknown>): Outcome;
  /** `CancelMessageMoveTask`. */
  cancel(body: Record<string, unknown>): Outcome;
}

type Status = "RUNNING" | "COMPLETED" | "CANCELLING" | "CANCELLED" | "FAILED";

interface Task {
  readonly handle: string;
  readonly sourceArn: string;
  readonly destinationArn?: string;
  readonly rate?: number;
  readonly startedTimestamp: number;
  readonly toMove: number;
  moved: number;
  status: Status;
  failureReason?: string;
  readonly stop: AbortController;
  readonly end: PromiseWithResolvers<void>;
  readonly onMove?: (move: MessageMove) => void;
}

/** How many messages a task without a rate moves before it lets other work run. */
const CHUNK = 100;

/** How many finished tasks of a source the list keeps (AWS lists up to 10). */
const KEPT = 10;

const registry = new WeakMap<SqsQueues, MoveTasks>();

/**
 * The message move tasks of a queue store: one set per store, so that the
 * SQS layer and the dashboard see the same tasks (and the rule of one active
 * task per source holds across them).
 *
 * @example Usage
 * ```ts
 * // Needs fauxqs, which the local AWS starts: type-checked by `deno task ok`, not run.
 * import type { FauxqsService } from "../engines/mod.ts";
 * import { messageMoveTasks } from "./_move_tasks.ts";
 *
 * declare const fauxqs: FauxqsService;
 * const tasks = messageMoveTasks(fauxqs.queues);
 * tasks.start({ SourceArn: "arn:aws:sqs:us-east-1:000000000000:jobs-dlq" });
 * ```
 */
export function messageMoveTasks(queues: SqsQueues): MoveTasks {
  let tasks = registry.get(queues);
  if (tasks === undefined) {
    tasks = createMoveTasks({ queues });
    registry.set(queues, tasks);
  }
  return tasks;
}

/** Makes a set of message move tasks over `options.queues` (tests give a clock and a sleep). */
export function createMoveTasks(options: MoveTasksOptions): MoveTasks {
  const { queues } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? unrefSleep;
  const bySource = new Map<string, Task[]>();

  return {
    start(body, startOptions = {}) {
      const source = body.SourceArn;
      if (typeof source !== "string" || source === "") return missing("SourceArn");
      const destination = typeof body.DestinationArn === "string" && body.DestinationArn !== ""
        ? body.DestinationArn
        : undefined;
      const rate = body.MaxNumberOfMessagesPerSecond ?? undefined;
      const refused = checkStart(source, destination, rate);
      if (refused !== undefined) return { error: refused };
      const sources = queues.deadLetterSources(source);
      const task: Task = {
        handle: taskHandle(source),
        sourceArn: source,
        ...(destination === undefined ? {} : { destinationArn: destination }),
        ...(typeof rate === "number" ? { rate } : {}),
        startedTimestamp: now(),
        toMove: queues.visibleCount(source),
        moved: 0,
        status: "RUNNING",
        stop: new AbortController(),
        end: Promise.withResolvers(),
        ...(startOptions.onMove === undefined ? {} : { onMove: startOptions.onMove }),
      };
      const tasks = [task, ...(bySource.get(source) ?? [])].slice(0, KEPT);
      bySource.set(source, tasks);
      const target = destination ?? (sources.length === 1 ? sources[0] : undefined);
      if (target === undefined) {
        finish(
          task,
          "FAILED",
          `The queue is the dead-letter queue of ${sources.length} queues and the local AWS does not record which one each message came from: give a DestinationArn`,
        );
      } else {
        // A store that fails ends the task, not the process.
        run(task, target).catch((error: unknown) => finish(task, "FAILED", String(error)));
      }
      return { ok: { TaskHandle: task.handle } };
    },

    list(body) {
      const source = body.SourceArn;
      if (typeof source !== "string" || source === "") return missing("SourceArn");
      const max = body.MaxResults ?? 1;
      if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 10) {
        return invalid(max, "MaxResults", "Must be between 1 and 10, if provided.");
      }
      if (queues.queueUrl(source) === undefined) return notFound("SourceArn", source);
      return { ok: { Results: (bySource.get(source) ?? []).slice(0, max).map(describe) } };
    },

    async ended(handle) {
      const task = findTask(handle);
      if (task === undefined) throw new RangeError(`Cannot find message move task ${handle}`);
      await task.end.promise;
      return describe(task);
    },

    cancel(body) {
      const handle = body.TaskHandle;
      if (typeof handle !== "string" || handle === "") return missing("TaskHandle");
      const task = findTask(handle);
      if (task === undefined || task.status !== "RUNNING") {
        return {
          error: {
            code: "ResourceNotFoundException",
            message: `No running message move task has the handle ${handle}.`,
          },
        };
      }
      task.status = "CANCELLING";
      task.stop.abort();
      return { ok: { ApproximateNumberOfMessagesMoved: task.moved } };
    },
  };

  function checkStart(source: string, destination?: string, rate?: unknown) {
    if (
      rate !== undefined &&
      (typeof rate !== "number" || !Number.isInteger(rate) || rate < 1 || rate > 500)
    ) {
      return invalid(rate, "MaxNumberOfMessagesPerSecond", "Must be between 1 and 500.").error;
    }
    if (queues.queueUrl(source) === undefined) return notFound("SourceArn", source).error;
    if (destination !== undefined && queues.queueUrl(destination) === undefined) {
      return notFound("DestinationArn", destination).error;
    }
    if (queues.deadLetterSources(source).length === 0) {
      return invalid(source, "SourceArn", "Source queue must be configured as a dead-letter queue.")
        .error;
    }
    if (destination !== undefined && queues.isFifo(destination) !== queues.isFifo(source)) {
      return invalid(
        destination,
        "DestinationArn",
        "The source and destination queues must be of the same type.",
      ).error;
    }
    if ((bySource.get(source) ?? []).some((task) => isActive(task.status))) {
      return invalid(source, "SourceArn", "The queue already has an active message move task.")
        .error;
    }
    return undefined;
  }

  async function run(task: Task, target: string): Promise<void> {
    const batch = task.rate ?? CHUNK;
    while (task.status === "RUNNING" && task.moved < task.toMove) {
      for (let i = 0; i < batch && task.moved < task.toMove; i++) {
        if (queues.queueUrl(target) === undefined) {
          return finish(task, "FAILED", `The destination queue ${target} does not exist`);
        }
        const message = queues.takeVisible(task.sourceArn);
        if (message === undefined) return finish(task, "COMPLETED");
        const newMessageId = queues.enqueue(target, message) ?? "";
        task.moved++;
        task.onMove?.({ messageId: message.messageId, newMessageId, body: message.body });
      }
      if (task.moved >= task.toMove) break;
      await sleep(task.rate === undefined ? 0 : 1000, task.stop.signal);
    }
    finish(task, task.status === "CANCELLING" ? "CANCELLED" : "COMPLETED");
  }

  function finish(task: Task, status: Status, reason?: string): void {
    task.status = status;
    if (reason !== undefined) task.failureReason = reason;
    task.end.resolve();
  }

  function findTask(handle: string): Task | undefined {
    for (const tasks of bySource.values()) {
      const task = tasks.find((candidate) => candidate.handle === handle);
      if (task !== undefined) return task;
    }
    return undefined;
  }
}

function isActive(status: Status): boolean {
  return status === "RUNNING" || status === "CANCELLING";
}

function describe(task: Task): Record<string, unknown> {
  return {
    ...(task.status === "RUNNING" ? { TaskHandle: task.handle } : {}),
    Status: task.status,
    SourceArn: task.sourceArn,
    ...(task.destinationArn === undefined ? {} : { DestinationArn: task.destinationArn }),
    ...(task.rate === undefined ? {} : { MaxNumberOfMessagesPerSecond: task.rate }),
    ApproximateNumberOfMessagesMoved: task.moved,
    ApproximateNumberOfMessagesToMove: task.toMove,
    ...(task.failureReason === undefined ? {} : { FailureReason: task.failureReason }),
    StartedTimestamp: task.startedTimestamp,
  };
}

/** An opaque handle naming the task and its source, as AWS's do. */
function taskHandle(sourceArn: string): string {
  return btoa(JSON.stringify({ taskId: crypto.randomUUID(), sourceArn }));
}

function missing(name: string): Outcome {
  return {
    error: { code: "MissingParameter", message: `The request must contain the parameter ${name}.` },
  };
}

function invalid(value: unknown, name: string, reason: string): { error: SqsErrorSpec } {
  return {
    error: {
      code: "InvalidParameterValue",
      message: `Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`,
    },
  };
}

function notFound(name: string, arn: string): { error: SqsErrorSpec } {
  return {
    error: {
      code: "ResourceNotFoundException",
      message: `The resource that you specified for the ${name} parameter doesn't exist: ${arn}`,
    },
  };
}

function unrefSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    Deno.unrefTimer(timer);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
