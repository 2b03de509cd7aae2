/**
 * Deploying the pipeline's stack: upload the Lambda's package, create or
 * update the stack, wait, and return its outputs.
 *
 * @module
 */

import {
  CreateStackCommand,
  DeleteStackCommand,
  type Parameter,
  type Stack,
  UpdateStackCommand,
} from "@aws-sdk/client-cloudformation";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { artifactBucketName, artifactKey, ensureBucket, uploadUnlessPresent } from "./_buckets.ts";
import {
  describeStack,
  isInProgress,
  latestEventIds,
  type Progress,
  progress as withDefaults,
  type ProgressOptions,
  waitForStack,
} from "./_stack.ts";
import type { InfraClients } from "./clients.ts";
import { StackOperationError } from "./stack_operation_error.ts";
import { buildTemplate, type CloudFormationTemplate, TEMPLATE_PARAMETERS } from "./template.ts";

export type { ProgressOptions };

/** Options of {@linkcode deploy}. */
export interface DeployOptions extends ProgressOptions {
  /** Stack name. */
  readonly stackName: string;
  /** Region, used for the artifact bucket's name and location. */
  readonly region: string;
  /**
   * The deployment package (`deno task build`'s zip). May be `undefined` for
   * a dry run only.
   */
  readonly deploymentPackage: Uint8Array | undefined;
  /** Where the package was read from, for messages. Defaults to `dist/update_item.zip`. */
  readonly packagePath?: string;
  /** Endpoint the clients call, for messages; `undefined` for AWS. */
  readonly endpoint?: string | undefined;
  /** The template. Defaults to {@linkcode buildTemplate}'s. */
  readonly template?: CloudFormationTemplate;
  /** Print the plan and call nothing. */
  readonly dryRun?: boolean;
}

/** What {@linkcode deploy} did. */
export interface DeployResult {
  /** `planned` for a dry run, `unchanged` when CloudFormation had nothing to update. */
  readonly outcome: "planned" | "created" | "updated" | "unchanged";
  /** The stack's outputs by output key (empty for a dry run). */
  readonly outputs: Readonly<Record<string, string>>;
  /** Where the package is (absent for a dry run). */
  readonly artifact?: { readonly bucket: string; readonly key: string };
}

/** Capabilities the template needs: it creates IAM resources with generated names. */
const CAPABILITIES = ["CAPABILITY_IAM" as const];
const TAGS = [{ Key: "project", Value: "aws-discovery" }];
const SUCCESS = new Set(["CREATE_COMPLETE", "UPDATE_COMPLETE"]);

/**
 * Deploys the stack:
 * 1. looks up the account id (STS `GetCallerIdentity`) and the stack, and
 *    stops, before changing anything, when the stack is busy or stuck;
 * 2. creates the private artifact bucket `laptops-artifacts-<account>-<region>`
 *    unless it exists;
 * 3. uploads the package under its SHA-256 unless that key exists;
 * 4. creates the stack, or updates it (a stack left in `ROLLBACK_COMPLETE` by
 *    a failed create is deleted first, since CloudFormation can only delete it);
 * 5. waits, printing each resource event, and returns the outputs.
 *
 * With `dryRun`, it prints these steps with the template's resources and calls
 * nothing.
 *
 * @example Usage
 * ```ts
 * import { createInfraClients } from "./clients.ts";
 * import { deploy } from "./deploy.ts";
 *
 * const clients = createInfraClients({ region: "us-east-1" });
 * // A dry run plans and calls nothing (`log` gets the plan); without `dryRun` it deploys
 * // and returns the stack's outputs.
 * const zip = new TextEncoder().encode("PK"); // await Deno.readFile("dist/update_item.zip")
 * const { outcome, outputs } = await deploy(clients, {
 *   stackName: "laptops",
 *   region: "us-east-1",
 *   deploymentPackage: zip,
 *   dryRun: true,
 *   log: () => {},
 * });
 * console.log(outcome, outputs); // "planned" {}
 * ```
 *
 * @param clients CloudFormation, S3 and STS.
 * @param options Stack, region, package, progress and dry run.
 * @returns The outcome and the outputs.
 * @throws {StackOperationError} When the stack ends rolled back or failed; the
 * message lists each failed resource with CloudFormation's reason.
 * @throws {Error} When the stack is busy or stuck, or a call fails.
 */
export async function deploy(clients: InfraClients, options: DeployOptions): Promise<DeployResult> {
  const { stackName, region, deploymentPackage, endpoint } = options;
  const packagePath = options.packagePath ?? "dist/update_item.zip";
  const template = options.template ?? buildTemplate();
  const p = withDefaults(options);
  if (options.dryRun) {
    await printPlan(p, { stackName, region, endpoint, packagePath, deploymentPackage, template });
    return { outcome: "planned", outputs: {} };
  }
  if (deploymentPackage === undefined) {
    throw new TypeError(
      `Cannot deploy stack ${stackName}: no deployment package (run \`deno task build\`)`,
    );
  }
  const started = p.now();
  p.log(`Deploying stack ${stackName} to ${describeTarget(region, endpoint)}`);

  const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
  const accountId = identity.Account;
  if (accountId === undefined) throw new Error("Cannot deploy: STS returned no account id");
  p.log(`Account ${accountId}`);

  const cloudformation = clients.cloudformation;

  let existing = await describeStack(cloudformation, stackName);
  const status = existing?.StackStatus;
  checkDeployable(stackName, status);

  const artifact = await uploadArtifact(clients.s3, {
    accountId,
    region,
    packagePath,
    deploymentPackage,
  }, p);
  const { bucket, key } = artifact;

  const parameters: Parameter[] = [
    { ParameterKey: TEMPLATE_PARAMETERS.artifactBucket, ParameterValue: bucket },
    { ParameterKey: TEMPLATE_PARAMETERS.artifactKey, ParameterValue: key },
  ];
  const input = {
    StackName: stackName,
    TemplateBody: JSON.stringify(template),
    Parameters: parameters,
    Capabilities: CAPABILITIES,
    Tags: TAGS,
  };

  if (existing !== undefined && status === "ROLLBACK_COMPLETE") {
    p.log(`Stack ${stackName} is ROLLBACK_COMPLETE after a failed create: deleting it first`);
    await deleteAndWait(clients, existing, p);
    existing = undefined;
  }

  let result;
  let outcome: DeployResult["outcome"];
  if (existing === undefined) {
    p.log(`Creating stack ${stackName}`);
    const output = await cloudformation.send(new CreateStackCommand(input));
    const stackId = output.StackId ?? stackName;
    result = await waitForStack(cloudformation, stackId, new Set(), p);
    outcome = "created";
  } else {
    const stackId = existing.StackId ?? stackName;
    const seen = await latestEventIds(cloudformation, stackId);
    p.log(`Updating stack ${stackName}`);
    try {
      await cloudformation.send(new UpdateStackCommand(input));
    } catch (error) {
      if (error instanceof Error && /No updates are to be performed/.test(error.message)) {
        p.log(`Stack ${stackName} is up to date: ${existing.StackStatus}`);
        return { outcome: "unchanged", outputs: outputsOf(existing), artifact };
      }
      throw error;
    }
    result = await waitForStack(cloudformation, stackId, seen, p);
    outcome = "updated";
  }
  if (!SUCCESS.has(result.status) || result.stack === undefined) {
    throw new StackOperationError(
      `Cannot deploy stack ${stackName}: it ended in ${result.status}`,
      {
        stackName,
        status: result.status,
        failures: result.failures,
      },
    );
  }
  p.log(`Stack ${stackName}: ${result.status} in ${Math.round((p.now() - started) / 1000)} s`);
  return { outcome, outputs: outputsOf(result.stack), artifact };
}

/** Refuses a stack that CloudFormation is busy with or that only a delete can repair. */
function checkDeployable(stackName: string, status: string | undefined): void {
  if (isInProgress(status)) {
    throw new Error(
      `Cannot deploy stack ${stackName}: it is ${status}; wait until CloudFormation finishes, then run the command again`,
    );
  }
  if (
    (status === "ROLLBACK_FAILED" || status === "DELETE_FAILED" ||
      status === "UPDATE_ROLLBACK_FAILED")
  ) {
    throw new Error(
      `Cannot deploy stack ${stackName}: it is ${status}; run \`deno task destroy --stack ${stackName}\` (or fix it in the CloudFormation console) first`,
    );
  }
}

/** Uploads the package to the account's artifact bucket (made if missing), unless it is there. */
async function uploadArtifact(
  s3: InfraClients["s3"],
  what: { accountId: string; region: string; packagePath: string; deploymentPackage: Uint8Array },
  p: Progress,
): Promise<{ bucket: string; key: string }> {
  const { accountId, region, packagePath, deploymentPackage } = what;
  const bucket = artifactBucketName(accountId, region);
  const created = await ensureBucket(s3, bucket, region);
  p.log(`Artifact bucket ${bucket}: ${created ? "created" : "exists"}`);
  const key = await artifactKey(deploymentPackage);
  const uploaded = await uploadUnlessPresent(s3, bucket, key, deploymentPackage);
  p.log(
    `Package ${packagePath} (${deploymentPackage.byteLength} bytes) as ${key}: ${
      uploaded ? "uploaded" : "already there"
    }`,
  );
  return { bucket, key };
}

async function deleteAndWait(clients: InfraClients, stack: Stack, p: Progress): Promise<void> {
  const stackId = stack.StackId ?? stack.StackName ?? "";
  const seen = await latestEventIds(clients.cloudformation, stackId);
  await clients.cloudformation.send(new DeleteStackCommand({ StackName: stackId }));
  const result = await waitForStack(clients.cloudformation, stackId, seen, p);
  if (result.status !== "DELETE_COMPLETE") {
    throw new StackOperationError(
      `Cannot delete stack ${stack.StackName}: it ended in ${result.status}`,
      { stackName: stack.StackName ?? stackId, status: result.status, failures: result.failures },
    );
  }
}

function outputsOf(stack: Stack): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey !== undefined && output.OutputValue !== undefined) {
      outputs[output.OutputKey] = output.OutputValue;
    }
  }
  return outputs;
}

function describeTarget(region: string, endpoint: string | undefined): string {
  return endpoint === undefined ? `AWS ${region}` : `${endpoint} (${region})`;
}

async function printPlan(
  p: Progress,
  plan: {
    stackName: string;
    region: string;
    endpoint: string | undefined;
    packagePath: string;
    deploymentPackage: Uint8Array | undefined;
    template: CloudFormationTemplate;
  },
): Promise<void> {
  const { stackName, region, endpoint, packagePath, deploymentPackage, template } = plan;
  const pkg = deploymentPackage === undefined
    ? `${packagePath} (not built yet: run \`deno task build\`)`
    : `${packagePath} (${deploymentPackage.byteLength} bytes) as ${await artifactKey(
      deploymentPackage,
    )}`;
  const resources = Object.entries(template.Resources);
  const width = Math.max(...resources.map(([id]) => id.length));
  p.log(
    `Dry run: deploy stack ${stackName} to ${describeTarget(region, endpoint)}; nothing is called`,
  );
  p.log(`  1. Look up the account id (sts:GetCallerIdentity)`);
  p.log(
    `  2. Create the private bucket ${artifactBucketName("<account>", region)} unless it exists`,
  );
  p.log(`  3. Upload ${pkg} unless that key exists`);
  p.log(
    `  4. Create stack ${stackName}, or update it if it exists (${
      CAPABILITIES.join(", ")
    }), with ${resources.length} resources:`,
  );
  for (const [id, resource] of resources) {
    p.log(`       ${id.padEnd(width)}  ${resource.Type}`);
  }
  p.log(`  5. Wait, printing each resource event; on a rollback, print the reasons and fail`);
}
