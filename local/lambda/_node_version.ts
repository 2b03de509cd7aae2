/**
 * Which Node.js runs the function locally, beside the runtime it is deployed
 * on, for the local AWS's start-up line.
 *
 * @module
 */

import { RESOURCES } from "../../lib/resources.ts";

/**
 * Describes the local Node.js next to the deployed runtime, such as
 * `Node.js v20.20.2 here, nodejs22.x when deployed`.
 *
 * @example Usage
 * ```ts
 * // Needs permission to run `node`: type-checked by `deno task ok`, not run.
 * import { describeNodeRuntime } from "./_node_version.ts";
 *
 * console.log(await describeNodeRuntime()); // "Node.js v22.12.0, as deployed (nodejs22.x)"
 * ```
 *
 * @param nodeCommand The `node` the runner starts.
 * @returns One phrase; names the command when it cannot be run.
 */
export async function describeNodeRuntime(nodeCommand = "node"): Promise<string> {
  const deployed = RESOURCES.updateFunction.runtime;
  let version: string;
  try {
    const output = await new Deno.Command(nodeCommand, {
      args: ["--version"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    version = new TextDecoder().decode(output.stdout).trim();
  } catch {
    return `${nodeCommand} not found; ${deployed} when deployed`;
  }
  const major = /^v(\d+)\./.exec(version)?.[1];
  return `nodejs${major}.x` === deployed
    ? `Node.js ${version}, as deployed (${deployed})`
    : `Node.js ${version} here, ${deployed} when deployed`;
}
