/**
 * Shared pieces of the end-to-end tests: temporary folders under
 * `.local/tmp` (the one folder the e2e task may write), SDK clients for a
 * local endpoint, and running a subprocess with its output collected.
 *
 * @module
 */

import assert from "node:assert/strict";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import {
  type LambdaRunner,
  type LambdaRunnerOptions,
  startLambdaRunner,
} from "../../local/lambda/mod.ts";
import { LAMBDA_BUNDLE } from "../../lib/build_lambda.ts";
import { bundle } from "../../lib/bundle.ts";
import type { ComparisonLine } from "../../lib/format_comparison.ts";

/** Root of the e2e tests' temporary folders. */
export const TMP_ROOT = ".local/tmp";

/** Makes a temporary folder under {@linkcode TMP_ROOT}. */
export async function tempDir(prefix: string): Promise<string> {
  await Deno.mkdir(TMP_ROOT, { recursive: true });
  return await Deno.makeTempDir({ dir: TMP_ROOT, prefix });
}

/** The three clients, for a local endpoint, with the admin identity. */
export interface TestClients extends Disposable {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
}

/** Options of {@linkcode testClients}. */
export interface TestClientsOptions {
  /** Keys to sign with. Default the local admin, `test`/`test`. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Attempts per call. Default the SDK's (3). */
  readonly maxAttempts?: number;
  /** Milliseconds the clients' clock is off (to sign with a skewed date). Default 0. */
  readonly systemClockOffset?: number;
}

/** Creates clients for a local endpoint; dispose them to close their sockets. */
export function testClients(endpoint: string, options: TestClientsOptions = {}): TestClients {
  const common = {
    endpoint,
    region: "us-east-1",
    credentials: options.credentials ?? { accessKeyId: "test", secretAccessKey: "test" },
    defaultUserAgentProvider: () => Promise.resolve([["e2e", "1"]] as [string, string][]),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    systemClockOffset: options.systemClockOffset ?? 0,
  };
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const dynamodb = new DynamoDBClient(common);
  const sqs = new SQSClient(common);
  return {
    s3,
    dynamodb,
    sqs,
    [Symbol.dispose]() {
      s3.destroy();
      dynamodb.destroy();
      sqs.destroy();
    },
  };
}

/** Output of {@linkcode run}. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command to the end and collects its output. With `clearEnv` the
 * command sees only `env` (the program is still found on the test's PATH).
 */
export async function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; clearEnv?: boolean; cwd?: string } = {},
): Promise<RunResult> {
  const output = await new Deno.Command(command, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.clearEnv ? { clearEnv: true } : {}),
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Runs `deno task --quiet <name> <args>` to the end, with `env` added to the test's. */
export function runTask(
  name: string,
  args: string[],
  env?: Record<string, string>,
): Promise<RunResult> {
  return run("deno", ["task", "--quiet", name, ...args], env === undefined ? {} : { env });
}

/** The environment of a program run against a local endpoint as the local admin, `test`. */
export function adminEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
  };
}

/**
 * The environment of a program run against a local endpoint with no
 * credentials configured, so that it signs as its own local identity.
 */
export function ownIdentityEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "",
    AWS_SECRET_ACCESS_KEY: "",
    AWS_SESSION_TOKEN: "",
    AWS_PROFILE: "",
  };
}

/** One record of `deno task generate --json`'s report. */
export interface GeneratedLine {
  readonly file: string;
  readonly s3_key: string;
  readonly uuid: string;
}

/**
 * Runs `deno task generate <stem>.json --count N --json` to the end, asserts
 * it exited 0, and returns the records its report lists.
 */
export async function generateLines(
  env: Record<string, string>,
  stem: string,
  count: number,
): Promise<GeneratedLine[]> {
  const generated = await runTask(
    "generate",
    [`${stem}.json`, "--count", String(count), "--json"],
    env,
  );
  assert.equal(generated.code, 0, generated.stderr);
  return (JSON.parse(generated.stdout) as { generated: GeneratedLine[] }).generated;
}

/**
 * Runs `deno task service --json --max-messages N` to the end, asserts it
 * exited 0, and returns its JSON lines (one per handled message).
 */
export async function serviceLines(
  env: Record<string, string>,
  maxMessages: number,
): Promise<ComparisonLine[]> {
  const service = await runTask("service", ["--json", "--max-messages", String(maxMessages)], env);
  assert.equal(service.code, 0, service.stderr);
  return service.stdout.trim().split("\n").map((line) => JSON.parse(line) as ComparisonLine);
}

/** Reads a laptop's item with a consistent read, as the service does. */
export async function readItem(dynamodb: DynamoDBClient, table: string, uuid: string) {
  const { Item } = await dynamodb.send(
    new GetItemCommand({ TableName: table, Key: { uuid: { S: uuid } }, ConsistentRead: true }),
  );
  return Item;
}

/** Bundles the Lambda handler into `dir` ({@linkcode buildBundle}) and starts the runner on it. */
export async function startBundleRunner(
  dir: string,
  options: LambdaRunnerOptions,
): Promise<LambdaRunner> {
  return await startLambdaRunner({ ...options, code: await buildBundle(dir) });
}

/** Bundles the Lambda handler as `deno task build` does, into `dir`. */
export async function buildBundle(dir: string): Promise<string> {
  const file = `${dir}/update_item.mjs`;
  await bundle({ ...LAMBDA_BUNDLE, output: file });
  return file;
}

/** A moto server (`python3 -m moto.server`) on an ephemeral port of 127.0.0.1. */
export interface Moto {
  /** `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  /** Stops the server and waits for it. */
  close(): Promise<void>;
}

const MOTO_READY = /Running on (http:\/\/127\.0\.0\.1:\d+)/;

/** Starts moto on an ephemeral port; resolves once it prints its address. */
export async function startMoto(): Promise<Moto> {
  const child = new Deno.Command("python3", {
    args: ["-m", "moto.server", "-H", "127.0.0.1", "-p", "0"],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const head = await readUntil(child.stderr, (text) => MOTO_READY.test(text));
  const endpoint = MOTO_READY.exec(head.text)?.[1];
  if (endpoint === undefined) {
    await child.status;
    throw new Error(`Cannot start moto: ${head.text}`);
  }
  return {
    endpoint,
    async close() {
      child.kill("SIGTERM");
      await child.status;
      // moto logs every request on stderr, which readUntil() went on reading.
      await head.drained;
    },
  };
}

/** What {@linkcode readUntil} read. */
export interface StreamHead {
  /** The text read until it was enough, or the whole stream if it ended first. */
  readonly text: string;
  /** Resolves once the rest of the stream is read and dropped. */
  readonly drained: Promise<void>;
}

/**
 * Reads a child's output until `enough(text)` holds or the stream ends, then
 * goes on reading and dropping the rest, so that the child never blocks on a
 * full pipe.
 */
export async function readUntil(
  stream: ReadableStream<Uint8Array>,
  enough: (text: string) => boolean,
): Promise<StreamHead> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!enough(text)) {
    const { value, done } = await reader.read();
    if (done) return { text, drained: Promise.resolve() };
    text += value;
  }
  const drained = (async () => {
    while (!(await reader.read()).done) { /* drop */ }
  })();
  return { text, drained };
}

/**
 * Whether `python3` can import the given modules (boto3, moto). The tests
 * that need them are skipped, saying so, where it cannot.
 *
 * @param modules Python module names.
 * @param who The test file, for the message.
 */
export async function pythonHas(modules: string[], who: string): Promise<boolean> {
  let ok = false;
  try {
    ok = (await run("python3", ["-c", `import ${modules.join(", ")}`])).code === 0;
  } catch {
    ok = false;
  }
  if (!ok) {
    console.log(`${who}: skipping what needs python3 with ${modules.join(" and ")}: not installed`);
  }
  return ok;
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
