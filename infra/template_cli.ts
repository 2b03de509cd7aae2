/**
 * `deno task template`: prints the CloudFormation template as JSON.
 *
 * @module
 */

import { parseCommandLine, runProgram } from "../lib/cli.ts";
import { buildTemplate } from "./template.ts";

const USAGE = `Usage: deno task template

Prints the pipeline's CloudFormation template (JSON) to standard output.`;

function main(args: readonly string[]): number {
  if (parseCommandLine(args, { usage: USAGE, options: {} }) === undefined) return 0;
  console.log(JSON.stringify(buildTemplate(), null, 2));
  return 0;
}

if (import.meta.main) Deno.exitCode = await runProgram(USAGE, () => main(Deno.args));
