/**
 * Creating the SDK clients the pipeline uses, configured once from a
 * {@linkcode PipelineConfig}.
 *
 * @module
 */

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { FetchHttpHandler } from "@smithy/fetch-http-handler";
import type { PipelineConfig } from "./config.ts";
import { createFetchHandler } from "./fetch_handler.ts";
import { createRetryStrategy, SDK_ATTEMPTS, type SdkRetryStrategy } from "./retry.ts";

/** The three clients every part of the pipeline is built from. */
export interface AwsClients {
  /** S3, path-style when an endpoint is configured. */
  readonly s3: S3Client;
  /** DynamoDB. */
  readonly dynamodb: DynamoDBClient;
  /** SQS. */
  readonly sqs: SQSClient;
}

/** Options of {@linkcode createClients}. */
export interface CreateClientsOptions {
  /**
   * Credentials used when the endpoint is local and none are configured in the
   * environment: each program passes its own local identity
   * (`LOCAL_IDENTITIES` of `local_identities.ts`), so that the local AWS
   * checks it against that program's policy. Defaults to the admin identity
   * `test`/`test` (LocalStack's convention), which may do everything.
   */
  readonly localCredentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Milliseconds to wait for a TCP connection (`http: "node"` only). Defaults to 3,000. */
  readonly connectionTimeoutMs?: number;
  /**
   * Attempts per call, the first included, by the project's retry policy
   * carried as each client's retry strategy (`createRetryStrategy` of
   * `retry.ts`: transient errors only, backoff of 100 ms doubling up to 2 s,
   * with jitter). Defaults to `SDK_ATTEMPTS` (3: 0.15 to 0.3 s of waits).
   * A program that retries whole steps itself (the generator) passes 1, so
   * that no call is retried by two layers.
   */
  readonly maxAttempts?: number;
  /**
   * Milliseconds a call may wait for its answer to start (`http: "fetch"`
   * only); it is then aborted and retried. A long poll passes its own with
   * `send(command, { requestTimeout })`. Defaults to 3,000: the pipeline's
   * calls take milliseconds, and an endpoint that accepts connections but
   * never answers must not hang a program.
   */
  readonly requestTimeoutMs?: number;
  /**
   * HTTP stack. `"fetch"` (the default) uses the runtime's `fetch`: under
   * Deno it needs no `--allow-sys` (Deno's `node:https` asks for sys access
   * to the CA store). `"node"` uses `node:http(s)`, the SDK's own default on
   * Node.js: the Lambda uses it.
   */
  readonly http?: "fetch" | "node";
}

const USER_AGENT: [string, string][] = [["aws-discovery", "0.1.0"]];

/**
 * Creates the S3, DynamoDB and SQS clients for a configuration. Create them
 * once per process (or Lambda container) and pass them on.
 *
 * The user agent is fixed rather than read from the operating system, so the
 * clients need no `--allow-sys` permission under Deno.
 *
 * @example Usage
 * ```ts
 * import { createClients } from "./clients.ts";
 * import { readConfig } from "./config.ts";
 *
 * const config = readConfig((name) => Deno.env.get(name), { program: "service" });
 * const { s3, dynamodb, sqs } = createClients(config);
 * ```
 *
 * @param config The validated configuration.
 * @param options Local credentials, timeouts and retries.
 * @returns The three clients.
 */
export function createClients(
  config: PipelineConfig,
  options: CreateClientsOptions = {},
): AwsClients {
  const common = clientConfig(config, options);
  return {
    s3: new S3Client({ ...common, forcePathStyle: config.endpoint !== undefined }),
    dynamodb: new DynamoDBClient(common),
    sqs: new SQSClient(common),
  };
}

/** The settings every client of {@linkcode createClients} shares. */
export interface ClientConfig {
  /** Region. */
  region: string;
  /** Attempts per call. */
  maxAttempts: number;
  /** The project's retry policy, as the SDK's retry strategy. */
  retryStrategy: SdkRetryStrategy;
  /** Fixed user agent (no `os.release()` call). */
  defaultUserAgentProvider: () => Promise<[string, string][]>;
  /** The HTTP handler, or settings for the SDK's Node.js one. */
  requestHandler: FetchHttpHandler | { connectionTimeout: number };
  /** Endpoint, when not AWS's own. */
  endpoint?: string;
  /** Local credentials, when the endpoint is local and none are configured. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * The shared client settings of {@linkcode createClients}, for a program
 * that needs only some clients (the Lambda bundle leaves S3 out).
 *
 * @example Usage
 * ```ts
 * import { SQSClient } from "@aws-sdk/client-sqs";
 * import { clientConfig } from "./clients.ts";
 * import { readConfig } from "./config.ts";
 *
 * const config = readConfig(() => undefined, { program: "example" });
 * const sqs = new SQSClient(clientConfig(config));
 * ```
 *
 * @param config The validated configuration.
 * @param options Local credentials, timeouts and retries.
 * @returns Settings for any SDK v3 client's constructor.
 */
export function clientConfig(
  config: PipelineConfig,
  options: CreateClientsOptions = {},
): ClientConfig {
  const {
    localCredentials = { accessKeyId: "test", secretAccessKey: "test" },
    connectionTimeoutMs = 3_000,
    maxAttempts = SDK_ATTEMPTS,
    http = "fetch",
    requestTimeoutMs = 3_000,
  } = options;
  return {
    region: config.region,
    maxAttempts,
    retryStrategy: createRetryStrategy({ attempts: maxAttempts }),
    defaultUserAgentProvider: () => Promise.resolve(USER_AGENT),
    // Under Deno, a fetch handler whose network errors the SDK retries.
    requestHandler: http === "fetch"
      ? createFetchHandler({ requestTimeoutMs })
      : { connectionTimeout: connectionTimeoutMs },
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.local && !config.credentialsConfigured
      ? {
        credentials: {
          accessKeyId: localCredentials.accessKeyId,
          secretAccessKey: localCredentials.secretAccessKey,
        },
      }
      : {}),
  };
}

/**
 * Closes the clients' connections, so that a program ends promptly.
 *
 * @param clients The clients of {@linkcode createClients}.
 */
export function destroyClients(clients: AwsClients): void {
  clients.s3.destroy();
  clients.dynamodb.destroy();
  clients.sqs.destroy();
}
