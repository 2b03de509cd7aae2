/**
 * Options of the local Lambda runner, their defaults (taken from
 * `RESOURCES.updateFunction`, so the local mapping and the deployed one agree)
 * and their validation against AWS's limits. Pure.
 *
 * @module
 */

import { LOCAL_IDENTITIES, type LocalIdentity } from "../../lib/local_identities.ts";
import { RESOURCES } from "../../lib/resources.ts";
import type { LambdaCredentials } from "./_sqs.ts";
import type { LambdaInvocationReport, LambdaLogEntry } from "./_report.ts";

/** How the runner runs the function's code. */
export type LambdaRuntime = "node" | "deno";

/** Options of {@linkcode startLambdaRunner}; every one has a default. */
export interface LambdaRunnerOptions {
  /** SQS endpoint. Default `RESOURCES.localEndpoint` (`http://127.0.0.1:4566`). */
  readonly endpoint?: string;
  /** Region. Default `RESOURCES.region`. */
  readonly region?: string;
  /**
   * Credentials for polling SQS and for the function (its execution role's).
   * Default the local identity of the function's role session
   * (`LOCAL_IDENTITIES.updateFunction`: key, secret and session token), so
   * the mapping and the function run under the role's policy when the local
   * AWS enforces IAM. The function gets them as Lambda gives a function its
   * role's credentials: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
   * `AWS_SESSION_TOKEN`.
   */
  readonly credentials?: LambdaCredentials;
  /** Queue name or URL, resolved once at start. Default `RESOURCES.uploadQueue.name`. */
  readonly queue?: string;
  /**
   * The function's code: a bundled ES module (`.mjs`/`.js`, run by Node.js as
   * AWS would) or a TypeScript source (`.ts`, run by `deno run` with scoped
   * permissions, for fast edits). Default `dist/<module>.mjs` from
   * `RESOURCES.updateFunction.handler`, i.e. what `deno task build` writes.
   */
  readonly code?: string;
  /** Exported handler name. Default the part after the dot of `RESOURCES.updateFunction.handler`. */
  readonly handlerExport?: string;
  /** Runtime. Default `deno` for `.ts`/`.mts`/`.tsx` code, else `node`. */
  readonly runtime?: LambdaRuntime;
  /** Function name. Default `RESOURCES.updateFunction.name`. */
  readonly functionName?: string;
  /** Function timeout in whole seconds (1 to 900). Default `RESOURCES.updateFunction.timeoutSeconds`. */
  readonly timeoutSeconds?: number;
  /** Memory in MB (128 to 10240). Default `RESOURCES.updateFunction.memoryMb`. */
  readonly memoryMb?: number;
  /**
   * The function's own environment variables. Default `AWS_DYNAMODB_TABLE`
   * and `AWS_SQS_UPDATE_QUEUE` from `RESOURCES`. Lambda's reserved names
   * (`AWS_REGION`, `AWS_ACCESS_KEY_ID`, ...) are set by the runner and are
   * rejected here, as Lambda rejects them.
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** `BatchSize` (1 to 10000; above 10 needs a batching window of 1 s or more). Default `RESOURCES`. */
  readonly batchSize?: number;
  /** `MaximumBatchingWindowInSeconds` (0 to 300). Default `RESOURCES`. */
  readonly maximumBatchingWindowSeconds?: number;
  /** `ScalingConfig.MaximumConcurrency` (2 to 1000). Default `RESOURCES`. */
  readonly maximumConcurrency?: number;
  /** `FunctionResponseTypes`. Default `["ReportBatchItemFailures"]`, as the pipeline deploys it. */
  readonly functionResponseTypes?: readonly "ReportBatchItemFailures"[];
  /** Start every container at once instead of on its first invocation (cold start). Default false. */
  readonly prewarm?: boolean;
  /** Receives every log line (the function's console output and Lambda's platform lines). */
  readonly logger?: (entry: LambdaLogEntry) => void;
  /** Called after each invocation, once the batch's messages are deleted or left for a retry. */
  readonly onInvoke?: (report: LambdaInvocationReport) => void;
  /** Node.js executable. Default `node`. */
  readonly nodeCommand?: string;
  /** Deno executable. Default `deno`. */
  readonly denoCommand?: string;
  /**
   * Permission flags of the `deno run` child (runtime `deno`). Default:
   * `--allow-env` for the function's variables, `AWS_*`, `OTEL_*`,
   * `_X_AMZN_TRACE_ID` and the home directory's variables, `--allow-net` for the endpoint's
   * host, `--allow-read=.` (the project) and `--allow-sys=osRelease`.
   */
  readonly denoPermissions?: readonly string[];
}

/** Options after defaults and validation. */
export interface LambdaRunnerConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: LambdaCredentials;
  readonly queue: string;
  readonly code: string;
  readonly handlerExport: string;
  readonly handlerName: string;
  readonly runtime: LambdaRuntime;
  readonly functionName: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  readonly maximumConcurrency: number;
  readonly reportBatchItemFailures: boolean;
  readonly prewarm: boolean;
  readonly nodeCommand: string;
  readonly denoCommand: string;
  readonly denoPermissions: readonly string[] | undefined;
}

/** The role session's credentials of the function's local identity. */
const ROLE_CREDENTIALS: LambdaCredentials = roleCredentials(LOCAL_IDENTITIES.updateFunction);

function roleCredentials(identity: LocalIdentity): LambdaCredentials {
  const { accessKeyId, secretAccessKey, sessionToken } = identity;
  return { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) };
}

/** Environment variables Lambda sets itself and refuses in a function's configuration. */
export const RESERVED_ENVIRONMENT_VARIABLES: readonly string[] = [
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
];

/** Lambda's limit on the total size of a function's environment variables. */
const ENVIRONMENT_LIMIT_BYTES = 4096;

/** The pipeline's default function environment, from `RESOURCES`. */
export const DEFAULT_ENVIRONMENT: Readonly<Record<string, string>> = Object.freeze({
  AWS_DYNAMODB_TABLE: RESOURCES.table.name,
  AWS_SQS_UPDATE_QUEUE: RESOURCES.updateQueue.name,
});

/**
 * Applies the defaults and validates every setting against AWS's limits.
 * Throws a `RangeError` for a setting AWS would refuse.
 */
export function resolveLambdaRunnerConfig(options: LambdaRunnerOptions): LambdaRunnerConfig {
  const fn = RESOURCES.updateFunction;
  const [defaultModule = "index", defaultExport = "handler"] = splitHandler(fn.handler);
  const code = options.code ?? `dist/${defaultModule}.mjs`;
  const handlerExport = options.handlerExport ?? defaultExport;
  const config: LambdaRunnerConfig = {
    endpoint: options.endpoint ?? RESOURCES.localEndpoint,
    region: options.region ?? RESOURCES.region,
    credentials: options.credentials ?? ROLE_CREDENTIALS,
    queue: options.queue ?? RESOURCES.uploadQueue.name,
    code,
    handlerExport,
    handlerName: `${moduleName(code)}.${handlerExport}`,
    runtime: options.runtime ?? (/\.(c|m)?tsx?$/.test(code) ? "deno" : "node"),
    functionName: options.functionName ?? fn.name,
    timeoutSeconds: options.timeoutSeconds ?? fn.timeoutSeconds,
    memoryMb: options.memoryMb ?? fn.memoryMb,
    environment: options.environment ?? DEFAULT_ENVIRONMENT,
    batchSize: options.batchSize ?? fn.batchSize,
    maximumBatchingWindowSeconds: options.maximumBatchingWindowSeconds ??
      fn.maximumBatchingWindowSeconds,
    maximumConcurrency: options.maximumConcurrency ?? fn.maximumConcurrency,
    reportBatchItemFailures: (options.functionResponseTypes ?? ["ReportBatchItemFailures"])
      .includes("ReportBatchItemFailures"),
    prewarm: options.prewarm ?? false,
    nodeCommand: options.nodeCommand ?? "node",
    denoCommand: options.denoCommand ?? "deno",
    denoPermissions: options.denoPermissions,
  };
  validateConfig(config, options);
  return config;
}

function validateConfig(config: LambdaRunnerConfig, options: LambdaRunnerOptions): void {
  checkInteger("Timeout", config.timeoutSeconds, 1, 900);
  checkInteger("MemorySize", config.memoryMb, 128, 10_240);
  checkInteger("BatchSize", config.batchSize, 1, 10_000);
  checkInteger("MaximumBatchingWindowInSeconds", config.maximumBatchingWindowSeconds, 0, 300);
  checkInteger("MaximumConcurrency", config.maximumConcurrency, 2, 1000);
  if (config.batchSize > 10 && config.maximumBatchingWindowSeconds < 1) {
    throw new RangeError(
      `Cannot start Lambda runner: BatchSize ${config.batchSize} is above 10, so MaximumBatchingWindowInSeconds must be at least 1, got ${config.maximumBatchingWindowSeconds}`,
    );
  }
  for (const type of options.functionResponseTypes ?? []) {
    if (type !== "ReportBatchItemFailures") {
      throw new RangeError(
        `Cannot start Lambda runner: FunctionResponseTypes accepts only "ReportBatchItemFailures", got "${type}"`,
      );
    }
  }
  if (config.functionName === "" || !/^[a-zA-Z0-9_-]{1,64}$/.test(config.functionName)) {
    throw new RangeError(
      `Cannot start Lambda runner: function name "${config.functionName}" must be 1 to 64 letters, digits, hyphens or underscores`,
    );
  }
  if (!/^[A-Za-z_$][\w$]*$/.test(config.handlerExport)) {
    throw new RangeError(
      `Cannot start Lambda runner: handler export "${config.handlerExport}" is not an identifier`,
    );
  }
  let size = 0;
  for (const [name, value] of Object.entries(config.environment)) {
    if (RESERVED_ENVIRONMENT_VARIABLES.includes(name)) {
      throw new RangeError(
        `Cannot start Lambda runner: environment variable ${name} is reserved by Lambda`,
      );
    }
    if (!/^[a-zA-Z]\w*$/.test(name)) {
      throw new RangeError(
        `Cannot start Lambda runner: environment variable name "${name}" must start with a letter and hold only letters, digits and underscores`,
      );
    }
    size += new TextEncoder().encode(name + value).byteLength;
  }
  if (size > ENVIRONMENT_LIMIT_BYTES) {
    throw new RangeError(
      `Cannot start Lambda runner: environment variables take ${size} bytes, above Lambda's ${ENVIRONMENT_LIMIT_BYTES}`,
    );
  }
}

/** Settings of the queue that matter to a mapping. */
export interface QueueFacts {
  /** Queue name. */
  readonly name: string;
  /** The queue's visibility timeout in seconds. */
  readonly visibilityTimeoutSeconds: number;
  /** Whether it is a FIFO queue. */
  readonly fifo: boolean;
}

/**
 * Checks the mapping against its queue as `CreateEventSourceMapping` does:
 * the queue's visibility timeout must not be below the function timeout, and
 * a FIFO queue takes at most 10 records and no batching window.
 */
export function checkQueueForMapping(config: LambdaRunnerConfig, queue: QueueFacts): void {
  if (queue.visibilityTimeoutSeconds < config.timeoutSeconds) {
    throw new RangeError(
      `Cannot start Lambda runner: queue ${queue.name} has a visibility timeout of ${queue.visibilityTimeoutSeconds} s, below the function timeout of ${config.timeoutSeconds} s`,
    );
  }
  if (queue.fifo && config.batchSize > 10) {
    throw new RangeError(
      `Cannot start Lambda runner: BatchSize ${config.batchSize} is above 10, the limit of FIFO queue ${queue.name}`,
    );
  }
  if (queue.fifo && config.maximumBatchingWindowSeconds > 0) {
    throw new RangeError(
      `Cannot start Lambda runner: FIFO queue ${queue.name} does not support a batching window`,
    );
  }
}

/**
 * The environment Lambda gives a function: its own variables plus the ones
 * Lambda reserves, and `AWS_ENDPOINT_URL` so the SDK reaches the local AWS.
 */
export function lambdaEnvironment(
  config: LambdaRunnerConfig,
  logStreamName: string,
): Record<string, string> {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    LANG: "en_US.UTF-8",
    TZ: ":UTC",
    AWS_ENDPOINT_URL: config.endpoint,
    ...config.environment,
    _HANDLER: config.handlerName,
    AWS_REGION: config.region,
    AWS_DEFAULT_REGION: config.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${RESOURCES.updateFunction.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: config.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb),
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(config.functionName),
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
    AWS_ACCESS_KEY_ID: config.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: config.credentials.secretAccessKey,
    ...(config.credentials.sessionToken === undefined
      ? {}
      : { AWS_SESSION_TOKEN: config.credentials.sessionToken }),
    LAMBDA_TASK_ROOT: directoryOf(config.code),
  };
}

/** `/aws/lambda/<function>`, the function's CloudWatch log group. */
export function logGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>`. */
export function functionArn(region: string, account: string, functionName: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${functionName}`;
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Cannot start Lambda runner: ${name} must be an integer from ${min} to ${max}, got ${value}`,
    );
  }
}

function splitHandler(handler: string): [string, string] {
  const dot = handler.lastIndexOf(".");
  return dot < 0 ? [handler, "handler"] : [handler.slice(0, dot), handler.slice(dot + 1)];
}

function moduleName(path: string): string {
  const file = path.split(/[\\/]/).at(-1) ?? path;
  const dot = file.lastIndexOf(".");
  return dot <= 0 ? file : file.slice(0, dot);
}

function directoryOf(path: string): string {
  const slash = path.search(/[\\/][^\\/]*$/);
  return slash < 0 ? "." : path.slice(0, slash) || "/";
}
