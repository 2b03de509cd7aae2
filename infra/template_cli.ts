/**
 * `deno task template`: prints the CloudFormation template as JSON.
 *
 * @module
 */

import { buildTemplate } from "./template.ts";

const USAGE = `Usage: deno task template

Prints the pipeline's CloudFormation template (JSON) to standard output.`;

function main(args: readonly string[]): void {
  if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) {
    console.log(USAGE);
    return;
  }
  if (args.length > 0) {
    console.error(`Unknown argument ${JSON.stringify(args[0])}\n\n${USAGE}`);
    Deno.exitCode = 2;
    return;
  }
  console.log(JSON.stringify(buildTemplate(), null, 2));
}

if (import.meta.main) main(Deno.args);
