/**
 * Internal: looking up a stack, and waiting for an operation on it while
 * printing each resource event.
 *
 * @module
 */

import {
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type Stack,
  type StackEvent,
} from "@aws-sdk/client-cloudformation";
import { delay } from "../lib/delay.ts";
import type { InfraClients } from "./clients.ts";
import type { StackFailure } from "./stack_operation_error.ts";

/** How deploy and destroy report progress and wait. */
export interface ProgressOptions {
  /** Prints one line for people. Defaults to `console.log`. */
  readonly log?: (line: string) => void;
  /** Milliseconds between two polls of the stack. Defaults to 5,000. */
  readonly pollIntervalMs?: number;
  /** Milliseconds to wait for an operation before giving up. Defaults to 30 minutes. */
  readonly timeoutMs?: number;
  /** Stops waiting (the operation goes on in CloudFormation). */
  readonly signal?: AbortSignal;
  /** Waits; replaced in tests. Defaults to a timer that the signal cancels. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The clock; replaced in tests. Defaults to `Date.now`. */
  readonly now?: () => number;
}

/** {@linkcode ProgressOptions} with every default applied. */
export interface Progress {
  readonly log: (line: string) => void;
  readonly pollIntervalMs: number;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now: () => number;
}

type CloudFormation = InfraClients["cloudformation"];

/** Applies the defaults of {@linkcode ProgressOptions}. */
export function progress(options: ProgressOptions): Progress {
  return {
    log: options.log ?? ((line) => console.log(line)),
    pollIntervalMs: options.pollIntervalMs ?? 5_000,
    timeoutMs: options.timeoutMs ?? 30 * 60_000,
    signal: options.signal,
    sleep: options.sleep ?? ((ms, signal) => delay(ms, { signal })),
    now: options.now ?? Date.now,
  };
}

/** Whether an SDK error is CloudFormation's answer for a stack that does not exist. */
export function isMissingStack(error: unknown): boolean {
  return error instanceof Error && error.name === "ValidationError" &&
    /does not exist/.test(error.message);
}

/** The stack, or `undefined` when none has that name (or id). */
export async function describeStack(
  cloudformation: CloudFormation,
  stackName: string,
): Promise<Stack | undefined> {
  try {
    const output = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    return output.Stacks?.[0];
  } catch (error) {
    if (isMissingStack(error)) return undefined;
    throw error;
  }
}

/** Whether a stack status is one CloudFormation is still working on. */
export function isInProgress(status: string | undefined): boolean {
  return status !== undefined && status.endsWith("_IN_PROGRESS");
}

/** Ids of the stack's latest events, so that waiting prints only newer ones. */
export async function latestEventIds(
  cloudformation: CloudFormation,
  stackId: string,
): Promise<Set<string>> {
  const output = await cloudformation.send(new DescribeStackEventsCommand({ StackName: stackId }));
  return new Set((output.StackEvents ?? []).flatMap((event) => event.EventId ?? []));
}

/** What {@linkcode waitForStack} saw. */
export interface WaitResult {
  /** The stack at the end (`undefined` when it no longer exists). */
  readonly stack: Stack | undefined;
  /** Its final status. */
  readonly status: string;
  /** The resource events of the operation that failed, oldest first. */
  readonly failures: readonly StackFailure[];
}

/**
 * Polls a stack until CloudFormation is done with it, printing every new
 * resource event, oldest first.
 *
 * @param cloudformation The client.
 * @param stackId Stack id (events of a deleted stack are found by id only).
 * @param seen Ids of events already printed or older than the operation; updated.
 * @param progress Log, clock and timer.
 * @returns The stack, its status and the failed events.
 * @throws {Error} When the timeout passes or the signal aborts.
 */
export async function waitForStack(
  cloudformation: CloudFormation,
  stackId: string,
  seen: Set<string>,
  progress: Progress,
): Promise<WaitResult> {
  const deadline = progress.now() + progress.timeoutMs;
  const failures: StackFailure[] = [];
  while (true) {
    for (const event of await newEvents(cloudformation, stackId, seen)) {
      progress.log(formatEvent(event));
      if (event.ResourceStatus?.endsWith("_FAILED")) {
        failures.push({
          logicalId: event.LogicalResourceId ?? "?",
          resourceType: event.ResourceType ?? "?",
          status: event.ResourceStatus,
          reason: event.ResourceStatusReason ?? "no reason given",
        });
      }
    }
    const stack = await describeStack(cloudformation, stackId);
    const status = stack?.StackStatus ?? "DELETE_COMPLETE";
    if (!isInProgress(status)) return { stack, status, failures };
    if (progress.now() >= deadline) {
      throw new Error(
        `Cannot wait for stack ${stack?.StackName ?? stackId}: still ${status} after ${
          Math.round(progress.timeoutMs / 1000)
        } s (CloudFormation goes on; see its console or run the command again)`,
      );
    }
    await progress.sleep(progress.pollIntervalMs, progress.signal);
  }
}

async function newEvents(
  cloudformation: CloudFormation,
  stackId: string,
  seen: Set<string>,
): Promise<StackEvent[]> {
  // Events come newest first, a page at a time: read pages until one that was seen.
  const fresh: StackEvent[] = [];
  let nextToken: string | undefined;
  pages: do {
    const output = await cloudformation.send(
      new DescribeStackEventsCommand({
        StackName: stackId,
        ...(nextToken === undefined ? {} : { NextToken: nextToken }),
      }),
    );
    for (const event of output.StackEvents ?? []) {
      if (event.EventId === undefined || seen.has(event.EventId)) break pages;
      fresh.push(event);
    }
    nextToken = output.NextToken;
  } while (nextToken !== undefined);
  for (const event of fresh) if (event.EventId !== undefined) seen.add(event.EventId);
  return fresh.reverse();
}

const ROUTINE_REASONS = new Set(["User Initiated", "Resource creation Initiated"]);

function formatEvent(event: StackEvent): string {
  const time = event.Timestamp instanceof Date ? event.Timestamp.toISOString().slice(11, 19) : "";
  const status = event.ResourceStatus ?? "?";
  const reason = event.ResourceStatusReason && !ROUTINE_REASONS.has(event.ResourceStatusReason)
    ? `: ${event.ResourceStatusReason}`
    : "";
  return `  ${time}  ${status.padEnd(28)} ${(event.ResourceType ?? "?").padEnd(34)} ${
    event.LogicalResourceId ?? "?"
  }${reason}`;
}
