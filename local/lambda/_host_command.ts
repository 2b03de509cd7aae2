/**
 * The command line of a container's host process.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import type { LambdaRunnerConfig } from "./_config.ts";

const HOST_PATH = fileURLToPath(new URL("./_host.mjs", import.meta.url));

/**
 * The command that runs the host (`_host.mjs`) of one container: Node.js
 * with a heap capped below the function's memory, or `deno run` allowed only
 * the function's variables and the endpoint.
 */
export function hostCommand(
  config: LambdaRunnerConfig,
  environment: Record<string, string>,
): { command: string; args: string[]; clearEnv: boolean } {
  if (config.runtime === "node") {
    // The Node.js runtime caps the V8 heap below the function's memory.
    const heap = Math.floor(config.memoryMb * 0.9);
    return {
      command: config.nodeCommand,
      args: [`--max-old-space-size=${heap}`, HOST_PATH],
      clearEnv: true,
    };
  }
  const endpoint = new URL(config.endpoint);
  const permissions = config.denoPermissions ?? [
    // The AWS SDK reads AWS_*, _X_AMZN_TRACE_ID and the home directory's
    // variables (for ~/.aws, which it may not read: it carries on without);
    // the function's tracing reads OpenTelemetry's OTEL_*.
    `--allow-env=${
      [
        ...Object.keys(environment),
        "AWS_*",
        "OTEL_*",
        "_X_AMZN_TRACE_ID",
        "HOME",
        "USERPROFILE",
        "HOMEPATH",
        "HOMEDRIVE",
      ].join(",")
    }`,
    `--allow-net=${endpoint.host}`,
    "--allow-read=.",
    "--allow-sys=osRelease",
  ];
  // The deno child keeps the runner's environment (HOME, DENO_DIR: its cache)
  // but may read only the function's variables.
  return {
    command: config.denoCommand,
    args: ["run", "--quiet", "--no-prompt", ...permissions, HOST_PATH],
    clearEnv: false,
  };
}
