/**
 * Internal: what the infra command-line programs share: argument parsing,
 * reading the target from the environment, and turning errors into exit codes.
 *
 * @module
 */

import { parseFlags, reportUsageError } from "../lib/cli.ts";
import { isLoopback, parseHttpUrl } from "../lib/endpoint.ts";
import { UsageError } from "../lib/errors.ts";
import { RESOURCES } from "../lib/resources.ts";
import { StackOperationError } from "./stack_operation_error.ts";

export { UsageError };

/** Flags of deploy and destroy. */
export interface InfraArgs {
  readonly help: boolean;
  readonly stack: string;
  readonly region: string | undefined;
  readonly dryRun: boolean;
  readonly envOut: string | undefined;
  readonly package: string | undefined;
  readonly keepArtifacts: boolean;
}

/** Stack used when `--stack` is not given. */
export const DEFAULT_STACK = "laptops";

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * Parses the flags of a program; `allowed` names the flags beyond `--help`,
 * `--stack`, `--region` and `--dry-run`.
 */
export function parseInfraArgs(
  args: readonly string[],
  allowed: readonly ("env-out" | "package" | "keep-artifacts")[],
): InfraArgs {
  const options = {
    stack: { type: "string", default: DEFAULT_STACK },
    region: { type: "string" },
    "dry-run": { type: "boolean", default: false },
    "env-out": { type: "string" },
    package: { type: "string" },
    "keep-artifacts": { type: "boolean", default: false },
  } as const;
  const { values } = parseFlags(args, { options });
  for (const flag of ["env-out", "package", "keep-artifacts"] as const) {
    const given = flag === "keep-artifacts" ? values[flag] : values[flag] !== undefined;
    if (given && !allowed.includes(flag)) throw new UsageError(`Unknown option '--${flag}'`);
  }
  if (!STACK_NAME.test(values.stack)) {
    throw new UsageError(
      `Invalid --stack ${
        JSON.stringify(values.stack)
      }: a stack name is a letter, then up to 127 letters, digits or '-'`,
    );
  }
  if (values.region !== undefined && !REGION.test(values.region)) {
    throw new UsageError(
      `Invalid --region ${JSON.stringify(values.region)}: expected a region such as us-east-1`,
    );
  }
  for (const flag of ["env-out", "package"] as const) {
    if (values[flag] === "") throw new UsageError(`Invalid --${flag}: the path is empty`);
  }
  return {
    help: values.help,
    stack: values.stack,
    region: values.region,
    dryRun: values["dry-run"],
    envOut: values["env-out"],
    package: values.package,
    keepArtifacts: values["keep-artifacts"],
  };
}

/** Where the calls go, read from the flags and the environment. */
export interface Target {
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/**
 * Reads the target: `--region`, else `AWS_REGION`, else `AWS_DEFAULT_REGION`,
 * else the definition's region; the endpoint from `AWS_ENDPOINT_URL`. An
 * endpoint on this machine with no credentials configured gets the local
 * convention `test`/`test`.
 */
export function readTarget(
  env: (name: string) => string | undefined,
  regionFlag: string | undefined,
): Target {
  const regionVariable = env("AWS_REGION") ? "AWS_REGION" : "AWS_DEFAULT_REGION";
  const region = regionFlag ?? (env(regionVariable) || RESOURCES.region);
  if (!REGION.test(region)) {
    throw new UsageError(
      `Invalid ${regionVariable} ${JSON.stringify(region)}: expected a region such as us-east-1`,
    );
  }
  const raw = env("AWS_ENDPOINT_URL");
  let endpoint: string | undefined;
  let local = false;
  if (raw) {
    const url = parseHttpUrl(raw);
    if (url === undefined) {
      throw new UsageError(
        `Invalid AWS_ENDPOINT_URL ${JSON.stringify(raw)}: expected an http(s) URL`,
      );
    }
    endpoint = raw.replace(/\/$/, "");
    local = isLoopback(url.hostname);
  }
  const configured = Boolean(env("AWS_ACCESS_KEY_ID") || env("AWS_PROFILE"));
  return {
    region,
    endpoint,
    credentials: local && !configured
      ? { accessKeyId: "test", secretAccessKey: "test" }
      : undefined,
  };
}

/**
 * Runs a program's body: exit code 0 on success, 2 on a {@linkcode UsageError}
 * (with the usage text), 1 on any other error, printed without a stack trace
 * where it is one of ours or the SDK's. SIGINT aborts the signal it is given.
 */
export async function runCli(
  usage: string,
  body: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error("Interrupted"));
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    await body(controller.signal);
  } catch (error) {
    if (error instanceof UsageError) {
      reportUsageError(error, usage);
      Deno.exitCode = 2;
      return;
    }
    Deno.exitCode = 1;
    if (controller.signal.aborted) {
      console.error(
        "Stopped waiting (CloudFormation goes on with the operation; run the command again to follow it)",
      );
    } else if (error instanceof StackOperationError) {
      console.error(error.message);
    } else if (error instanceof Deno.errors.NotCapable) {
      console.error(`Cannot run: ${error.message}`);
    } else if (error instanceof Error && error.name === "CredentialsProviderError") {
      console.error(
        `Cannot find AWS credentials: ${error.message}\nSet AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (see README, "Deploy to AWS")`,
      );
    } else if (error instanceof Error) {
      // SDK errors carry the service's code as their name.
      const prefix = error.name && error.name !== "Error" ? `${error.name}: ` : "";
      const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
      console.error(`${prefix}${error.message}${cause}`);
    } else {
      console.error(String(error));
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
}

/** The usage text's paragraph on where deploy and destroy send their calls. */
export const TARGET_USAGE =
  `Environment: AWS credentials as the AWS CLI reads them (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...);
AWS_ENDPOINT_URL sends every call to that endpoint instead of AWS (moto, the local AWS).`;

/** Reads a variable, `undefined` when unset. */
export function readEnv(name: string): string | undefined {
  return Deno.env.get(name);
}
