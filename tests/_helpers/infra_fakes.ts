/**
 * Test doubles for deploy and destroy: fake CloudFormation, S3 and STS
 * clients sharing one call log, stacks and events as CloudFormation returns
 * them, and a progress that records lines and never sleeps.
 *
 * @module
 */

import type { Stack, StackEvent } from "@aws-sdk/client-cloudformation";
import type { InfraClients } from "../../infra/clients.ts";
import { awsError, type Call, type FakeClient, fakeClient, type Responder } from "./fakes.ts";

export { awsError, type Call };

/** Account id STS answers. */
export const ACCOUNT = "123456789012";
/** The stack id CloudFormation gives the stack `laptops`. */
export const STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/laptops/1111";
/** The artifact bucket of {@linkcode ACCOUNT} in us-east-1. */
export const ARTIFACT_BUCKET = "laptops-artifacts-123456789012-us-east-1";
/** The data bucket the stack outputs. */
export const DATA_BUCKET = "laptops-123456789012-us-east-1";

/** Outputs of a complete stack. */
export const OUTPUTS = [
  { OutputKey: "AwsRegion", OutputValue: "us-east-1" },
  { OutputKey: "AwsDynamodbTable", OutputValue: "laptops" },
  { OutputKey: "AwsS3Bucket", OutputValue: DATA_BUCKET },
  { OutputKey: "AwsSqsUploadQueue", OutputValue: "uploaded-laptops" },
  { OutputKey: "AwsSqsUpdateQueue", OutputValue: "updated-laptops" },
];

/** A stack as DescribeStacks returns it. */
export function stack(status: string, options: { id?: string; outputs?: boolean } = {}): Stack {
  return {
    StackName: "laptops",
    StackId: options.id ?? STACK_ID,
    StackStatus: status as Stack["StackStatus"],
    CreationTime: new Date("2026-01-01T00:00:00Z"),
    ...(options.outputs ? { Outputs: OUTPUTS } : {}),
  };
}

/** A stack event. */
export function event(
  id: string,
  logicalId: string,
  type: string,
  status: string,
  reason?: string,
): StackEvent {
  return {
    StackId: STACK_ID,
    StackName: "laptops",
    EventId: id,
    LogicalResourceId: logicalId,
    ResourceType: type,
    ResourceStatus: status as StackEvent["ResourceStatus"],
    Timestamp: new Date(`2026-01-01T00:00:${id.padStart(2, "0").slice(-2)}Z`),
    ...(reason === undefined ? {} : { ResourceStatusReason: reason }),
  };
}

/** A responder that returns the next value of a list on each call (the last one repeats). */
export function sequence(...answers: (() => unknown)[]): Responder {
  let index = 0;
  return () => {
    const answer = answers[Math.min(index, answers.length - 1)];
    index++;
    return answer?.();
  };
}

/** Answers of a DescribeStackEvents that replays successive snapshots (newest first). */
export function eventSnapshots(...snapshots: StackEvent[][]): Responder {
  return sequence(...snapshots.map((events) => () => ({ StackEvents: events })));
}

/** CloudFormation's answer to DescribeStacks for a stack that does not exist. */
export function missingStack(name = "laptops"): never {
  throw awsError("ValidationError", 400, `Stack with id ${name} does not exist`);
}

/**
 * DescribeStacks answers in turn (the last one repeats): `"missing"` for a
 * stack that does not exist, else the stack.
 */
export function stacks(...answers: (Stack | "missing")[]): Responder {
  return sequence(
    ...answers.map((answer) => () => answer === "missing" ? missingStack() : { Stacks: [answer] }),
  );
}

/** The three fake clients with one shared log. */
export interface FakeInfra {
  readonly clients: InfraClients;
  readonly cloudformation: FakeClient;
  readonly s3: FakeClient;
  readonly sts: FakeClient;
  /** Every call of every client, in order. */
  readonly log: Call[];
  /** Operation names of {@linkcode log}. */
  operations(): string[];
}

/** Makes the fake clients. STS answers {@linkcode ACCOUNT} unless told otherwise. */
export function fakeInfra(responders: {
  cloudformation?: Record<string, Responder>;
  s3?: Record<string, Responder>;
  sts?: Record<string, Responder>;
}): FakeInfra {
  const log: Call[] = [];
  const cloudformation = fakeClient(responders.cloudformation ?? {}, log);
  const s3 = fakeClient(responders.s3 ?? {}, log);
  const sts = fakeClient(
    responders.sts ?? { GetCallerIdentity: () => ({ Account: ACCOUNT }) },
    log,
  );
  return {
    clients: { cloudformation, s3, sts },
    cloudformation,
    s3,
    sts,
    log,
    operations: () => log.map((call) => call.operation),
  };
}

/** Progress options that record lines, never sleep, and count time in polls. */
export function recordingProgress() {
  const lines: string[] = [];
  let clock = 0;
  let sleeps = 0;
  return {
    lines,
    sleeps: () => sleeps,
    options: {
      log: (line: string) => lines.push(line),
      pollIntervalMs: 5_000,
      sleep: (ms: number) => {
        sleeps++;
        clock += ms;
        return Promise.resolve();
      },
      now: () => clock,
    },
  };
}
