/**
 * Destroying the pipeline's stack: empty the data bucket, delete the stack,
 * wait, and remove the artifact bucket.
 *
 * @module
 */

import { DeleteStackCommand } from "@aws-sdk/client-cloudformation";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { artifactBucketName, emptyBucket, removeBucket } from "./_buckets.ts";
import {
  describeStack,
  isInProgress,
  latestEventIds,
  progress as withDefaults,
  type ProgressOptions,
  waitForStack,
} from "./_stack.ts";
import type { InfraClients } from "./clients.ts";
import { StackOperationError } from "./stack_operation_error.ts";
import { ENV_OUTPUTS } from "./template.ts";

export type { ProgressOptions };

/** Options of {@linkcode destroy}. */
export interface DestroyOptions extends ProgressOptions {
  /** Stack name. */
  readonly stackName: string;
  /** Region, used for the artifact bucket's name. */
  readonly region: string;
  /** Endpoint the clients call, for messages; `undefined` for AWS. */
  readonly endpoint?: string | undefined;
  /** Keep the artifact bucket (deploy creates it outside the stack). */
  readonly keepArtifacts?: boolean;
  /** Print the plan and call nothing. */
  readonly dryRun?: boolean;
}

/** What {@linkcode destroy} did. */
export interface DestroyResult {
  /** `absent` when there was no stack of that name. */
  readonly outcome: "planned" | "deleted" | "absent";
  /** Object versions deleted from the data bucket. */
  readonly dataObjectsDeleted: number;
}

/**
 * Destroys the stack:
 * 1. empties the data bucket (every object version and delete marker), since
 *    CloudFormation cannot delete a bucket that holds objects;
 * 2. deletes the stack and waits, printing each resource event;
 * 3. empties and deletes the artifact bucket, unless `keepArtifacts`.
 *
 * With `dryRun`, it prints these steps and calls nothing.
 *
 * @example Usage
 * ```ts
 * import { createInfraClients } from "./clients.ts";
 * import { destroy } from "./destroy.ts";
 *
 * const clients = createInfraClients({ region: "us-east-1" });
 * // A dry run plans and calls nothing (`log` gets the plan); without `dryRun` it deletes.
 * const { outcome } = await destroy(clients, {
 *   stackName: "laptops",
 *   region: "us-east-1",
 *   dryRun: true,
 *   log: () => {},
 * });
 * console.log(outcome); // "planned"
 * ```
 *
 * @param clients CloudFormation, S3 and STS.
 * @param options Stack, region, progress and dry run.
 * @returns The outcome.
 * @throws {StackOperationError} When the deletion fails; the message lists
 * each resource that could not be deleted with CloudFormation's reason.
 * @throws {Error} When the stack is busy or a call fails.
 */
export async function destroy(
  clients: InfraClients,
  options: DestroyOptions,
): Promise<DestroyResult> {
  const { stackName, region, endpoint, keepArtifacts = false } = options;
  const p = withDefaults(options);
  const target = endpoint === undefined ? `AWS ${region}` : `${endpoint} (${region})`;
  if (options.dryRun) {
    p.log(`Dry run: destroy stack ${stackName} in ${target}; nothing is called`);
    p.log(
      `  1. Empty the data bucket (output ${ENV_OUTPUTS.AWS_S3_BUCKET}): every object version and delete marker`,
    );
    p.log(`  2. Delete stack ${stackName} and wait, printing each resource event`);
    p.log(
      keepArtifacts
        ? `  3. Keep the artifact bucket ${artifactBucketName("<account>", region)}`
        : `  3. Empty and delete the artifact bucket ${artifactBucketName("<account>", region)}`,
    );
    return { outcome: "planned", dataObjectsDeleted: 0 };
  }
  const started = p.now();
  const cloudformation = clients.cloudformation;
  const stack = await describeStack(cloudformation, stackName);
  let outcome: DestroyResult["outcome"] = "absent";
  let dataObjectsDeleted = 0;
  if (stack === undefined) {
    p.log(`Stack ${stackName} does not exist in ${target}: nothing to delete`);
  } else {
    if (isInProgress(stack.StackStatus)) {
      throw new Error(
        `Cannot destroy stack ${stackName}: it is ${stack.StackStatus}; wait until CloudFormation finishes, then run the command again`,
      );
    }
    p.log(`Destroying stack ${stackName} (${stack.StackStatus}) in ${target}`);
    const dataBucket = stack.Outputs?.find((output) =>
      output.OutputKey === ENV_OUTPUTS.AWS_S3_BUCKET
    )?.OutputValue;
    if (dataBucket !== undefined) {
      const deleted = await emptyBucket(clients.s3, dataBucket);
      dataObjectsDeleted = deleted ?? 0;
      p.log(
        deleted === undefined
          ? `Data bucket ${dataBucket} does not exist`
          : `Emptied data bucket ${dataBucket}: ${deleted} object versions deleted`,
      );
    }
    const stackId = stack.StackId ?? stackName;
    const seen = await latestEventIds(cloudformation, stackId);
    p.log(`Deleting stack ${stackName}`);
    await cloudformation.send(new DeleteStackCommand({ StackName: stackId }));
    const result = await waitForStack(cloudformation, stackId, seen, p);
    if (result.status !== "DELETE_COMPLETE") {
      throw new StackOperationError(
        `Cannot destroy stack ${stackName}: it ended in ${result.status}`,
        { stackName, status: result.status, failures: result.failures },
      );
    }
    p.log(`Stack ${stackName}: DELETE_COMPLETE in ${Math.round((p.now() - started) / 1000)} s`);
    outcome = "deleted";
  }
  if (!keepArtifacts) {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    if (identity.Account === undefined) {
      throw new Error("Cannot destroy: STS returned no account id");
    }
    const bucket = artifactBucketName(identity.Account, region);
    const deleted = await removeBucket(clients.s3, bucket);
    p.log(
      deleted === undefined
        ? `Artifact bucket ${bucket} does not exist`
        : `Deleted artifact bucket ${bucket} and its ${deleted} packages`,
    );
  }
  return { outcome, dataObjectsDeleted };
}
