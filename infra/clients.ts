/**
 * The SDK clients deploy and destroy use, and how the command-line programs
 * create them.
 *
 * @module
 */

import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { S3Client } from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";
import { FetchHttpHandler } from "@smithy/fetch-http-handler";

/**
 * The clients deploy and destroy call, narrowed to `send`, so that tests can
 * pass fakes.
 */
export interface InfraClients {
  /** CloudFormation. */
  readonly cloudformation: Pick<CloudFormationClient, "send">;
  /** S3, path-style when an endpoint is configured. */
  readonly s3: Pick<S3Client, "send">;
  /** STS, for the account id. */
  readonly sts: Pick<STSClient, "send">;
}

/** Options of {@linkcode createInfraClients}. */
export interface CreateInfraClientsOptions {
  /** Region of every client. */
  readonly region: string;
  /** Endpoint of every service (`AWS_ENDPOINT_URL`), or `undefined` for AWS's own. */
  readonly endpoint?: string | undefined;
  /**
   * Fixed credentials, or `undefined` for the SDK's default chain
   * (environment, `~/.aws` files).
   */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

const USER_AGENT: [string, string][] = [["aws-discovery-infra", "0.1.0"]];

/**
 * Creates the CloudFormation, S3 and STS clients. They need no `--allow-sys`
 * permission under Deno: the user agent is fixed rather than read from the
 * operating system, and requests go through `fetch` (Deno's `node:https`
 * asks for sys access to the system's CA certificates, which no scoped
 * `--allow-sys` value grants in Deno 2.9).
 *
 * @example Usage
 * ```ts
 * import { createInfraClients } from "./clients.ts";
 *
 * const clients = createInfraClients({ region: "us-east-1" });
 * ```
 *
 * @param options Region, endpoint and credentials.
 * @returns The clients.
 */
export function createInfraClients(options: CreateInfraClientsOptions): InfraClients {
  const { region, endpoint, credentials } = options;
  const common = () => ({
    region,
    defaultUserAgentProvider: () => Promise.resolve(USER_AGENT),
    requestHandler: new FetchHttpHandler({ requestTimeout: 60_000 }),
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(credentials === undefined ? {} : { credentials }),
  });
  return {
    cloudformation: new CloudFormationClient(common()),
    s3: new S3Client({ ...common(), forcePathStyle: endpoint !== undefined }),
    sts: new STSClient(common()),
  };
}
