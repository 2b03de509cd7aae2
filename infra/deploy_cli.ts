/**
 * `deno task deploy`: uploads the Lambda's package and creates or updates the
 * stack, then writes its outputs as a `.env`.
 *
 * @module
 */

import { parseInfraArgs, readEnv, readTarget, runCli, TARGET_USAGE, UsageError } from "./_cli.ts";
import { createInfraClients } from "./clients.ts";
import { deploy } from "./deploy.ts";
import { PACKAGE_PATHS } from "../lib/deployment_package.ts";
import { formatEnvFile } from "./env_file.ts";

const USAGE = `Usage: deno task deploy [--stack NAME] [--region REGION] [--env-out FILE] [--dry-run]

Uploads ${PACKAGE_PATHS.zip} (run \`deno task build\` first) to an artifact bucket,
creates or updates the CloudFormation stack, waits, and prints its outputs as a .env.

Options:
  --stack NAME      Stack name (default: laptops)
  --region REGION   Region (default: AWS_REGION, AWS_DEFAULT_REGION, then us-east-1)
  --env-out FILE    Write the outputs as a .env to FILE (the task may write .env)
  --package FILE    Deployment package (default: ${PACKAGE_PATHS.zip})
  --dry-run         Print the plan and call nothing
  -h, --help        Show this help

${TARGET_USAGE}`;

async function main(args: readonly string[]): Promise<void> {
  await runCli(USAGE, async (signal) => {
    const flags = parseInfraArgs(args, ["env-out", "package"]);
    if (flags.help) {
      console.log(USAGE);
      return;
    }
    if (flags.envOut !== undefined && !flags.dryRun) {
      const permission = await Deno.permissions.query({ name: "write", path: flags.envOut });
      if (permission.state !== "granted") {
        throw new UsageError(
          `Cannot write --env-out ${flags.envOut}: the deploy task may write .env only`,
        );
      }
    }
    const target = readTarget(readEnv, flags.region);
    const packagePath = flags.package ?? PACKAGE_PATHS.zip;
    let deploymentPackage: Uint8Array | undefined;
    try {
      deploymentPackage = await Deno.readFile(packagePath);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      if (!flags.dryRun) {
        throw new Error(`Cannot deploy: ${packagePath} does not exist (run \`deno task build\`)`);
      }
    }
    const clients = createInfraClients(target);
    const result = await deploy(clients, {
      stackName: flags.stack,
      region: target.region,
      endpoint: target.endpoint,
      deploymentPackage,
      packagePath,
      dryRun: flags.dryRun,
      signal,
    });
    if (result.outcome === "planned") {
      console.log(
        flags.envOut === undefined
          ? "  6. Print the outputs as a .env"
          : `  6. Write the outputs as a .env to ${flags.envOut}`,
      );
      return;
    }
    const envFile = formatEnvFile(result.outputs, {
      stackName: flags.stack,
      endpoint: target.endpoint,
    });
    if (flags.envOut === undefined) {
      console.log(`\nOutputs as a .env (--env-out FILE writes them):\n${envFile}`);
    } else {
      await Deno.writeTextFile(flags.envOut, envFile);
      console.log(`Wrote ${flags.envOut}`);
    }
  });
}

if (import.meta.main) await main(Deno.args);
