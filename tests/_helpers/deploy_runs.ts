/**
 * Runs of deploy() on the fakes of {@linkcode fakeInfra}: the package, the
 * stack's parameters, S3 with or without the artifacts, and a stack that is
 * up to date.
 *
 * @module
 */

import { deploy, type DeployOptions } from "../../infra/deploy.ts";
import type { Responder } from "./fakes.ts";
import {
  ARTIFACT_BUCKET,
  awsError,
  type FakeInfra,
  fakeInfra,
  recordingProgress,
  stack,
  STACK_ID,
  stacks,
} from "./infra_fakes.ts";

/** The deployment package of the tests. */
export const ZIP = new TextEncoder().encode("PK fake zip");
/** Where deploy() puts {@linkcode ZIP} in the artifact bucket. */
export const ZIP_KEY = `update-item/${await sha256(ZIP)}.zip`;
/** The stack parameters that point at {@linkcode ZIP}. */
export const PARAMETERS = [
  { ParameterKey: "ArtifactBucket", ParameterValue: ARTIFACT_BUCKET },
  { ParameterKey: "ArtifactKey", ParameterValue: ZIP_KEY },
];

/** The SHA-256 of `bytes`, in hex. */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Deploys stack `laptops` to us-east-1 with {@linkcode ZIP} on `fake`, with
 * progress that records lines and never sleeps; `options` override.
 */
export function runDeploy(fake: FakeInfra, options: Partial<DeployOptions> = {}) {
  const progress = recordingProgress();
  const done = deploy(fake.clients, {
    stackName: "laptops",
    region: "us-east-1",
    deploymentPackage: ZIP,
    ...progress.options,
    ...options,
  });
  return { progress, done };
}

/** Runs {@linkcode runDeploy} to the end: its result and the progress printed. */
export async function deployed(fake: FakeInfra, options: Partial<DeployOptions> = {}) {
  const { progress, done } = runDeploy(fake, options);
  return { result: await done, progress };
}

/** deploy()'s first calls: who am I, is the stack there, is the artifact bucket there. */
export const CHECKS = ["GetCallerIdentity", "DescribeStacks", "HeadBucket"];

/**
 * Fakes for a complete stack with its package uploaded already, whose
 * UpdateStack answers with `updateStack`.
 */
export function stackUpToDate(updateStack: Responder): FakeInfra {
  return fakeInfra({
    s3: readyS3(),
    cloudformation: {
      DescribeStacks: stacks(stack("UPDATE_COMPLETE", { outputs: true })),
      DescribeStackEvents: () => ({ StackEvents: [] }),
      UpdateStack: updateStack,
    },
  });
}

/**
 * Fakes for a complete stack in status `before` with its package uploaded
 * already, which UpdateStack takes to status `after`; its events come from
 * `events`.
 */
export function stackUpdate(before: string, after: string, events: Responder): FakeInfra {
  return fakeInfra({
    s3: readyS3(),
    cloudformation: {
      DescribeStacks: stacks(stack(before, { outputs: true }), stack(after, { outputs: true })),
      DescribeStackEvents: events,
      UpdateStack: () => ({ StackId: STACK_ID }),
    },
  });
}

/** S3 answers for an account with neither the artifact bucket nor the package. */
export function emptyS3() {
  return {
    HeadBucket: () => {
      throw awsError("NotFound", 404);
    },
    CreateBucket: () => ({}),
    PutPublicAccessBlock: () => ({}),
    HeadObject: () => {
      throw awsError("NotFound", 404);
    },
    PutObject: () => ({}),
  };
}

/** S3 answers for an account that has both. */
export function readyS3() {
  return { HeadBucket: () => ({}), HeadObject: () => ({ ContentLength: ZIP.byteLength }) };
}
