/**
 * `deno task destroy`: empties the data bucket, deletes the stack and removes
 * the artifact bucket.
 *
 * @module
 */

import { parseInfraArgs, readEnv, readTarget, runCli, TARGET_USAGE } from "./_cli.ts";
import { createInfraClients } from "./clients.ts";
import { destroy } from "./destroy.ts";

const USAGE =
  `Usage: deno task destroy [--stack NAME] [--region REGION] [--keep-artifacts] [--dry-run]

Empties the stack's data bucket (every object version), deletes the CloudFormation stack,
waits, then empties and deletes the artifact bucket that \`deno task deploy\` created.

Options:
  --stack NAME       Stack name (default: laptops)
  --region REGION    Region (default: AWS_REGION, AWS_DEFAULT_REGION, then us-east-1)
  --keep-artifacts   Keep the artifact bucket
  --dry-run          Print the plan and call nothing
  -h, --help         Show this help

${TARGET_USAGE}`;

async function main(args: readonly string[]): Promise<void> {
  await runCli(USAGE, async (signal) => {
    const flags = parseInfraArgs(args, ["keep-artifacts"]);
    if (flags.help) {
      console.log(USAGE);
      return;
    }
    const target = readTarget(readEnv, flags.region);
    await destroy(createInfraClients(target), {
      stackName: flags.stack,
      region: target.region,
      endpoint: target.endpoint,
      keepArtifacts: flags.keepArtifacts,
      dryRun: flags.dryRun,
      signal,
    });
  });
}

if (import.meta.main) await main(Deno.args);
