/**
 * Shared pieces of the conformance tests (`conformance_*_test.ts`): SDK
 * clients for any region, and a check that a call fails as AWS documents.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import {
  type BucketLocationConstraint,
  type CompletedPart,
  CreateBucketCommand,
  type CreateBucketCommandOutput,
  CreateMultipartUploadCommand,
  PutBucketVersioningCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { run, type RunResult } from "../_helpers/e2e.ts";
import { type LocalAws, type LocalAwsOptions, startLocalAws } from "../../local/local_aws.ts";

/** Options every conformance client shares. */
function common(endpoint: string, region: string) {
  return {
    endpoint,
    region,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
    defaultUserAgentProvider: () => Promise.resolve([["conformance", "1"]] as [string, string][]),
  };
}

/** An S3 client (path style) for `region`. */
export function s3Client(endpoint: string, region = "us-east-1"): S3Client {
  return new S3Client({ ...common(endpoint, region), forcePathStyle: true });
}

/** An SQS client for `region`. */
export function sqsClient(endpoint: string, region = "us-east-1"): SQSClient {
  return new SQSClient(common(endpoint, region));
}

/** A DynamoDB client for `region`. */
export function dynamoDbClient(endpoint: string, region = "us-east-1"): DynamoDBClient {
  return new DynamoDBClient(common(endpoint, region));
}

/**
 * Creates an on-demand table and waits until it is `ACTIVE`, as a client of
 * AWS must (items of a `CREATING` table answer `ResourceNotFoundException`).
 * Returns the table's ARN.
 */
export async function createActiveTable(
  db: DynamoDBClient,
  input: Omit<CreateTableCommandInput, "BillingMode">,
): Promise<string> {
  const { TableDescription } = await db.send(
    new CreateTableCommand({ ...input, BillingMode: "PAY_PER_REQUEST" }),
  );
  for (let attempt = 0; attempt < 200; attempt++) {
    const { Table } = await db.send(new DescribeTableCommand({ TableName: input.TableName }));
    if (Table?.TableStatus === "ACTIVE") return TableDescription?.TableArn ?? "";
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Table ${input.TableName} did not become ACTIVE`);
}

/** What a failed call must show. */
export interface ExpectedError {
  /**
   * The SDK's error name (the JSON shape, or the S3 code). Left out for
   * answers without a body (304, HEAD), which the SDK names by guess.
   */
  readonly name?: string;
  /** HTTP status. */
  readonly status?: number;
  /** Exact message. */
  readonly message?: string;
  /** SQS: the query-protocol code the SDK reads from `x-amzn-query-error`. */
  readonly code?: string;
}

/** Awaits `call`, which must fail as `expected` says; returns the error. */
export async function expectError(
  call: Promise<unknown>,
  expected: ExpectedError,
): Promise<Record<string, unknown>> {
  const error = await call.then(
    () => assert.fail(`expected ${expected.name ?? expected.status}, the call succeeded`),
    (error: unknown) => error as Record<string, unknown>,
  );
  if (expected.name !== undefined) assert.equal(error.name, expected.name, String(error.message));
  if (expected.status !== undefined) {
    assert.equal((error.$metadata as { httpStatusCode?: number }).httpStatusCode, expected.status);
  }
  if (expected.message !== undefined) assert.equal(error.message, expected.message);
  if (expected.code !== undefined) assert.equal(error.Code, expected.code);
  return error;
}

/** Creates `Bucket` (in the client's region's default), with versioning enabled when asked. */
export async function createBucket(
  s3: S3Client,
  Bucket: string,
  options: { versioned?: boolean } = {},
): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket }));
  if (options.versioned) {
    await s3.send(
      new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }),
    );
  }
}

/** A local AWS and a client of it, closed together. */
export interface ClientFixture<C> extends AsyncDisposable {
  /** The local AWS. */
  readonly local: LocalAws;
  /** Its endpoint. */
  readonly endpoint: string;
  /** The client. */
  readonly client: C;
}

/** Settings of the in-memory local AWS of {@linkcode startWithClient}. */
export type FixtureOptions = Omit<LocalAwsOptions, "port" | "inMemory">;

/**
 * Starts an in-memory local AWS on an ephemeral port with a client of it
 * (`s3Client`, `sqsClient`, `dynamoDbClient`): the set-up of the conformance
 * tests. Disposing destroys the client, then closes the local AWS.
 */
export async function startWithClient<C extends { destroy(): void }>(
  makeClient: (endpoint: string) => C,
  options: FixtureOptions = {},
): Promise<ClientFixture<C>> {
  const aws = await startLocalAws({ ...options, port: 0, inMemory: true });
  const client = makeClient(aws.endpoint);
  return {
    local: aws,
    endpoint: aws.endpoint,
    client,
    async [Symbol.asyncDispose]() {
      client.destroy();
      await aws.close();
    },
  };
}

/**
 * {@linkcode startWithClient} with an S3 client, which creates `bucket`
 * (versioned when asked) if one is named.
 */
export async function startS3(
  options: FixtureOptions & { bucket?: string; versioned?: boolean } = {},
): Promise<ClientFixture<S3Client>> {
  const { bucket, versioned = false, ...settings } = options;
  const fixture = await startWithClient(s3Client, settings);
  try {
    if (bucket !== undefined) await createBucket(fixture.client, bucket, { versioned });
  } catch (error) {
    await fixture[Symbol.asyncDispose]();
    throw error;
  }
  return fixture;
}

/**
 * `CreateBucket` with a location constraint: any string, so that the tests
 * can send the ones AWS refuses.
 */
export function createBucketIn(
  s3: S3Client,
  Bucket: string,
  LocationConstraint: string,
): Promise<CreateBucketCommandOutput> {
  return s3.send(
    new CreateBucketCommand({
      Bucket,
      CreateBucketConfiguration: {
        LocationConstraint: LocationConstraint as BucketLocationConstraint,
      },
    }),
  );
}

/**
 * Starts a multipart upload of `Key` and uploads `Body` as its part 1;
 * returns the upload's id and the parts to complete it with.
 */
export async function uploadFirstPart(
  s3: S3Client,
  Bucket: string,
  Key: string,
  Body: string,
): Promise<{ UploadId: string | undefined; Parts: CompletedPart[] }> {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
  const { ETag } = await s3.send(
    new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body }),
  );
  return { UploadId, Parts: [{ PartNumber: 1, ETag }] };
}

/** What {@linkcode rawS3} got back. */
export interface RawAnswer {
  /** HTTP status. */
  readonly status: number;
  /** Response headers. */
  readonly headers: Headers;
  /** The body as text (an S3 error document, when it failed). */
  readonly text: string;
}

/**
 * An unsigned S3 request (path style), for a local AWS started with
 * `iam: "off"`: lets a test read the elements of an error document that the
 * JS SDK does not expose (`BucketName`, `Condition`, `Key`).
 */
export async function rawS3(
  endpoint: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  const response = await fetch(`${endpoint}${path}`, {
    method: init.method ?? "GET",
    headers: { "content-type": "application/octet-stream", ...init.headers },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The text of element `name` of an XML document, or undefined. */
export function xmlElement(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

// ── the SQS query protocol, with Debian's AWS CLI 2.9 ───────────────────────

/** Debian's AWS CLI 2.9 (it speaks SQS's query protocol). */
export const CLI = "/usr/bin/aws";

let knownCliVersion: { version: string | undefined } | undefined;

/** The AWS CLI's version, or undefined when it is not installed. */
export function cliVersion(): string | undefined {
  knownCliVersion ??= { version: readCliVersion() };
  return knownCliVersion.version;
}

function readCliVersion(): string | undefined {
  try {
    const output = new Deno.Command(CLI, { args: ["--version"], stdout: "piped", stderr: "piped" })
      .outputSync();
    return new TextDecoder().decode(output.stdout).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A test of the AWS CLI against an in-memory local AWS on an ephemeral port,
 * ignored where the CLI is not installed.
 */
export function cliTest(name: string, fn: (endpoint: string) => Promise<void>): void {
  Deno.test({
    name,
    ignore: cliVersion() === undefined,
    async fn() {
      await using aws = await startLocalAws({ port: 0, inMemory: true });
      await fn(aws.endpoint);
    },
  });
}

/** Runs the AWS CLI against `endpoint` as the administrator, in `region` (default us-east-1). */
export async function cli(endpoint: string, ...args: string[]): Promise<RunResult> {
  return await cliIn("us-east-1", endpoint, ...args);
}

/** {@linkcode cli} with a region of the caller's choice. */
export async function cliIn(
  region: string,
  endpoint: string,
  ...args: string[]
): Promise<RunResult> {
  return await run(CLI, ["--endpoint-url", endpoint, "--output", "json", ...args], {
    clearEnv: true,
    env: {
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_DEFAULT_REGION: region,
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      AWS_PAGER: "",
      PATH: "/usr/bin:/bin",
      HOME: "/nonexistent",
    },
  });
}

/** Runs the AWS CLI, which must succeed, and returns its JSON output. */
export async function cliJson(
  endpoint: string,
  ...args: string[]
): Promise<Record<string, unknown>> {
  const result = await cli(endpoint, ...args);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim() === "" ? {} : JSON.parse(result.stdout);
}
