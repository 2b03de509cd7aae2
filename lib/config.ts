/**
 * Reading and validating the pipeline's configuration from environment
 * variables, once, at start-up.
 *
 * @module
 */

import { RESOURCES } from "./resources.ts";
import { isLoopback, parseHttpUrl } from "./endpoint.ts";
import { ConfigError } from "./errors.ts";

/** A function that returns an environment variable's value, if set. */
export type EnvReader = (name: string) => string | undefined;

/** Where the AWS calls go. */
export type Target = "local" | "aws";

/** The validated configuration of one program of the pipeline. */
export interface PipelineConfig {
  /** AWS region. */
  readonly region: string;
  /**
   * Endpoint URL for every AWS service, or `undefined` for AWS's own regional
   * endpoints.
   */
  readonly endpoint: string | undefined;
  /** Whether the endpoint is on this machine (the local AWS or a test server). */
  readonly local: boolean;
  /** DynamoDB table name. */
  readonly tableName: string;
  /** S3 bucket name. */
  readonly bucketName: string;
  /** Name of the queue the generator sends to. */
  readonly uploadQueueName: string;
  /** Name of the queue the Lambda forwards to. */
  readonly updateQueueName: string;
  /** Whether credentials are configured in the environment (keys or a profile). */
  readonly credentialsConfigured: boolean;
}

/** The variables a program reads, each a key of {@linkcode PipelineConfig}. */
export const CONFIG_VARIABLES = Object.freeze(
  {
    tableName: "AWS_DYNAMODB_TABLE",
    bucketName: "AWS_S3_BUCKET",
    uploadQueueName: "AWS_SQS_UPLOAD_QUEUE",
    updateQueueName: "AWS_SQS_UPDATE_QUEUE",
  } as const,
);

/** Names of the variables in {@linkcode CONFIG_VARIABLES}. */
export type ConfigVariable = typeof CONFIG_VARIABLES[keyof typeof CONFIG_VARIABLES];

/** Options of {@linkcode readConfig}. */
export interface ReadConfigOptions {
  /** Program name used in error messages: `Cannot start <program>: ...`. */
  readonly program: string;
  /**
   * Variables that must be set, with no default. The Lambda requires its table
   * and queue this way: its environment comes from the deployment.
   */
  readonly required?: readonly ConfigVariable[];
  /**
   * Target when neither `AWS_ENDPOINT_URL` nor `AWS_DISCOVERY_TARGET` is set.
   * Defaults to `"local"`: the local AWS at `http://127.0.0.1:4566`.
   */
  readonly defaultTarget?: Target;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const TABLE = /^[A-Za-z0-9_.-]{3,255}$/;
const BUCKET = /^(?!\d+\.\d+\.\d+\.\d+$)(?!xn--)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const QUEUE = /^[A-Za-z0-9_-]{1,75}(\.fifo)?$|^[A-Za-z0-9_-]{1,80}$/;

const RULES: Record<ConfigVariable, { pattern: RegExp; what: string; fallback: string }> = {
  AWS_DYNAMODB_TABLE: {
    pattern: TABLE,
    what: "a table name (3 to 255 letters, digits, '_', '-' or '.')",
    fallback: RESOURCES.table.name,
  },
  AWS_S3_BUCKET: {
    pattern: BUCKET,
    what: "a bucket name (3 to 63 lowercase letters, digits, '-' or '.')",
    fallback: RESOURCES.bucket.name,
  },
  AWS_SQS_UPLOAD_QUEUE: {
    pattern: QUEUE,
    what: "a queue name (1 to 80 letters, digits, '-' or '_'; not a URL)",
    fallback: RESOURCES.uploadQueue.name,
  },
  AWS_SQS_UPDATE_QUEUE: {
    pattern: QUEUE,
    what: "a queue name (1 to 80 letters, digits, '-' or '_'; not a URL)",
    fallback: RESOURCES.updateQueue.name,
  },
};

/**
 * Reads and validates the configuration. Unset variables take the defaults of
 * {@linkcode RESOURCES}, except those in `options.required`.
 *
 * Endpoint: `AWS_ENDPOINT_URL` when set always wins; otherwise
 * `AWS_DISCOVERY_TARGET=aws` selects AWS's own endpoints and
 * `AWS_DISCOVERY_TARGET=local` (the default for the programs run on a laptop)
 * the local AWS at `http://127.0.0.1:4566`.
 *
 * @example Usage
 * ```ts
 * import { readConfig } from "./config.ts";
 *
 * const config = readConfig((name) => Deno.env.get(name), { program: "service" });
 * console.log(config.updateQueueName);
 * ```
 *
 * @param env Reads one environment variable.
 * @param options Program name, required variables and default target.
 * @returns The validated configuration.
 * @throws {ConfigError} When a variable is missing or invalid.
 */
export function readConfig(env: EnvReader, options: ReadConfigOptions): PipelineConfig {
  const { program, required = [], defaultTarget = "local" } = options;
  const fail = (variable: string, detail: string): never => {
    throw new ConfigError(`Cannot start ${program}: ${variable} ${detail}`, variable);
  };
  const value = (variable: ConfigVariable): string => {
    const raw = env(variable);
    const rule = RULES[variable];
    if (raw === undefined || raw === "") {
      if (required.includes(variable)) fail(variable, "is not set");
      return rule.fallback;
    }
    if (!rule.pattern.test(raw)) {
      fail(variable, `is invalid: ${JSON.stringify(raw)} is not ${rule.what}`);
    }
    return raw;
  };

  const regionRaw = env("AWS_REGION") || env("AWS_DEFAULT_REGION") || RESOURCES.region;
  if (!REGION.test(regionRaw)) {
    const variable = env("AWS_REGION") ? "AWS_REGION" : "AWS_DEFAULT_REGION";
    fail(variable, `is invalid: ${JSON.stringify(regionRaw)} is not a region such as us-east-1`);
  }

  const targetRaw = env("AWS_DISCOVERY_TARGET") || defaultTarget;
  if (targetRaw !== "local" && targetRaw !== "aws") {
    fail(
      "AWS_DISCOVERY_TARGET",
      `is invalid: ${JSON.stringify(targetRaw)} is not "local" or "aws"`,
    );
  }
  const endpointRaw = env("AWS_ENDPOINT_URL");
  let endpoint: string | undefined;
  if (endpointRaw) {
    const url = parseHttpUrl(endpointRaw);
    if (!url || url.pathname !== "/") {
      fail(
        "AWS_ENDPOINT_URL",
        `is invalid: ${
          JSON.stringify(endpointRaw)
        } is not an http(s) URL such as ${RESOURCES.localEndpoint}`,
      );
    }
    endpoint = endpointRaw.replace(/\/$/, "");
  } else if (targetRaw === "local") {
    endpoint = RESOURCES.localEndpoint;
  }

  return Object.freeze({
    region: regionRaw,
    endpoint,
    local: endpoint !== undefined && isLoopback(new URL(endpoint).hostname),
    tableName: value("AWS_DYNAMODB_TABLE"),
    bucketName: value("AWS_S3_BUCKET"),
    uploadQueueName: value("AWS_SQS_UPLOAD_QUEUE"),
    updateQueueName: value("AWS_SQS_UPDATE_QUEUE"),
    credentialsConfigured: Boolean(env("AWS_ACCESS_KEY_ID") || env("AWS_PROFILE")),
  });
}
