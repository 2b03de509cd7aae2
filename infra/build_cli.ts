/**
 * `deno task build`: bundles the Lambda handler for Node.js into
 * `dist/update_item.mjs` and zips it as its deployment package
 * `dist/update_item.zip` (`buildLambda` of `lib/build_lambda.ts`).
 *
 * @module
 */

import { buildLambda } from "../lib/build_lambda.ts";
import { parseCommandLine, runProgram } from "../lib/cli.ts";
import { PACKAGE_PATHS } from "../lib/deployment_package.ts";

const USAGE = `Usage: deno task build

Bundles lambda/update_item.ts for Node.js (the SDK's ES module builds,
minified, tree-shaken) into ${PACKAGE_PATHS.bundle} and zips it as the
Lambda's deployment package ${PACKAGE_PATHS.zip}.`;

async function main(args: readonly string[]): Promise<number> {
  if (parseCommandLine(args, { usage: USAGE, options: {} }) === undefined) return 0;
  let build;
  try {
    build = await buildLambda();
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  console.log(
    `Wrote ${PACKAGE_PATHS.zip}: ${build.zipBytes} bytes (bundle ${build.bundleBytes} bytes), sha256 ${build.sha256}`,
  );
  return 0;
}

if (import.meta.main) Deno.exitCode = await runProgram(USAGE, () => main(Deno.args));
