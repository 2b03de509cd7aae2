/**
 * `deno task local`: runs the local AWS (S3, DynamoDB, SQS on one port of
 * 127.0.0.1) until Ctrl-C or SIGTERM.
 *
 * ```sh
 * deno task local [--port N] [--in-memory] [--data-dir DIR] [--reset] [--no-lambda]
 *                  [--lambda-source] [--iam on|off] [--no-dashboard] [--ttl-sweep S]
 * ```
 *
 * Unless `--no-dashboard`, the same port serves the dashboard at
 * `/_dashboard/` (its address ends the ready line).
 *
 * Unless `--no-lambda`, it also runs the SQS→Lambda runner on the upload
 * queue with the bundle `deno task build` writes (rebuilt first when older
 * than its sources),
 * or with the TypeScript source under `--lambda-source`.
 *
 * Exit codes: 0 after a clean stop, 1 when it cannot start (port in use,
 * data directory in use or not permitted), 2 for bad arguments.
 *
 * @module
 */

import { ensureLambdaBuilt } from "../lib/build_lambda.ts";
import { parseCommandLine, parseNumber, runProgram } from "../lib/cli.ts";
import { UsageError } from "../lib/errors.ts";
import { listenForStop } from "../lib/stop_signals.ts";
import { RESOURCES } from "../lib/resources.ts";
import { resetDataDir } from "./_reset_data.ts";
import {
  describeFaults,
  FAULT_FLAGS,
  FAULT_FLAGS_USAGE,
  type FaultOptions,
  faultOptionsFromFlags,
  faultsActive,
} from "./faults/mod.ts";
import { describeNodeRuntime, type LambdaRunner, startLambdaRunner } from "./lambda/mod.ts";
import { DEFAULT_DATA_DIR, DEFAULT_PORT, type LocalAws, startLocalAws } from "./local_aws.ts";

const USAGE = `Usage: deno task local [options]

Runs S3, DynamoDB and SQS on one port of 127.0.0.1 for any AWS client
(set AWS_ENDPOINT_URL=http://127.0.0.1:${DEFAULT_PORT}), with the pipeline's
bucket, table and queues created. Ctrl-C stops it.

Options:
  --port N          port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)
  --in-memory       keep nothing: data is lost when it stops
  --data-dir DIR    keep data in DIR (default ${DEFAULT_DATA_DIR}); needs read and
                    write permission for DIR when outside ${DEFAULT_DATA_DIR}
  --reset           start from empty data: remove the objects, items and
                    messages kept in the data directory first
  --no-lambda       do not run the Lambda function on the upload queue
  --lambda-source   run the Lambda from lambda/update_item.ts under deno run
                    (fast edits) instead of the Node.js bundle dist/update_item.mjs
  --no-dashboard    do not serve the dashboard at /_dashboard
  --iam on|off      check each request's signature and the IAM policies of
                    lib/policies.ts for its identity (default on; the admin
                    keys test/test may do everything)
  --visibility-timeout S
                    visibility timeout of the two queues in seconds, instead of
                    the definition's (tests: failed messages come back sooner)
  --ttl-sweep S     seconds between two sweeps that delete expired DynamoDB
                    items (tables with time to live enabled; default 60)
  -h, --help        show this help

${FAULT_FLAGS_USAGE}`;

/** Parsed command line of `deno task local`. */
interface LocalArgs {
  readonly port: number;
  readonly inMemory: boolean;
  readonly dataDir: string;
  readonly reset: boolean;
  readonly lambda: boolean;
  readonly lambdaSource: boolean;
  readonly visibilityTimeoutSeconds: number | undefined;
  readonly ttlSweepSeconds: number | undefined;
  readonly iam: "on" | "off";
  readonly dashboard: boolean;
  readonly faults: FaultOptions | undefined;
}

/** Reads the command line; `undefined` after `--help`. */
function parseLocalArgs(args: string[]): LocalArgs | undefined {
  const line = parseCommandLine(args, {
    usage: USAGE,
    options: {
      "port": { type: "string" },
      "in-memory": { type: "boolean", default: false },
      "data-dir": { type: "string" },
      "reset": { type: "boolean", default: false },
      "no-lambda": { type: "boolean", default: false },
      "lambda-source": { type: "boolean", default: false },
      "visibility-timeout": { type: "string" },
      "ttl-sweep": { type: "string" },
      "iam": { type: "string", default: "on" },
      "no-dashboard": { type: "boolean", default: false },
      ...FAULT_FLAGS,
    },
  });
  if (line === undefined) return undefined;
  const { values } = line;
  const port = values.port === undefined
    ? DEFAULT_PORT
    : parseNumber(values.port, { flag: "port", min: 0, max: 65535 });
  if (values["in-memory"] && values["data-dir"] !== undefined) {
    throw new UsageError("Invalid options: --in-memory and --data-dir exclude each other");
  }
  if (values["in-memory"] && values.reset) {
    throw new UsageError("Invalid options: --in-memory keeps nothing to --reset");
  }
  if (values["data-dir"] === "") throw new UsageError("Invalid --data-dir: it is empty");
  if (values["no-lambda"] && values["lambda-source"]) {
    throw new UsageError("Invalid options: --no-lambda and --lambda-source exclude each other");
  }
  const visibility = values["visibility-timeout"];
  const visibilityTimeoutSeconds = visibility === undefined ? undefined : parseNumber(visibility, {
    flag: "visibility-timeout",
    min: 0,
    max: 43200,
    unit: "seconds",
  });
  const sweep = values["ttl-sweep"];
  const ttlSweepSeconds = sweep === undefined
    ? undefined
    : parseNumber(sweep, { flag: "ttl-sweep", above: 0, whole: false, unit: "seconds" });
  const iam = values.iam;
  if (iam !== "on" && iam !== "off") {
    throw new UsageError(`Invalid --iam: expected on or off, got "${iam}"`);
  }
  let faults: FaultOptions | undefined;
  try {
    faults = faultOptionsFromFlags(values);
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  return {
    port,
    visibilityTimeoutSeconds,
    ttlSweepSeconds,
    iam,
    dashboard: !values["no-dashboard"],
    faults,
    inMemory: values["in-memory"],
    dataDir: values["data-dir"] ?? DEFAULT_DATA_DIR,
    lambda: !values["no-lambda"],
    lambdaSource: values["lambda-source"],
    reset: values.reset,
  };
}

/** Empties the data directory, unless a local AWS may be using it on the same port. */
async function reset(args: LocalArgs): Promise<void> {
  if (args.port !== 0) {
    try {
      Deno.listen({ hostname: "127.0.0.1", port: args.port }).close();
    } catch (error) {
      if (!(error instanceof Deno.errors.AddrInUse)) throw error;
      throw new Error(
        `Cannot reset: port ${args.port} is in use; stop the local AWS running there first`,
        { cause: error },
      );
    }
  }
  try {
    console.log(await resetDataDir(args.dataDir));
  } catch (error) {
    throw new Error(`Cannot reset ${args.dataDir}: ${(error as Error).message}`, { cause: error });
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseLocalArgs(argv);
  if (args === undefined) return 0;

  const stop = new AbortController();
  using _stop = listenForStop(() => {
    // A second Ctrl-C while stopping means "now".
    if (stop.signal.aborted) Deno.exit(130);
    stop.abort();
  });
  let aws: LocalAws | undefined;
  let runner: LambdaRunner | undefined;
  try {
    try {
      if (args.reset) await reset(args);
      aws = await startLocalAws({
        port: args.port,
        ...(args.inMemory ? { inMemory: true } : { dataDir: args.dataDir }),
        ...(args.visibilityTimeoutSeconds === undefined
          ? {}
          : { visibilityTimeoutSeconds: args.visibilityTimeoutSeconds }),
        ...(args.ttlSweepSeconds === undefined ? {} : { ttlSweepMs: args.ttlSweepSeconds * 1000 }),
        ...(args.faults === undefined ? {} : { faults: args.faults }),
        iam: args.iam,
        dashboard: args.dashboard,
      });
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      if ((error as Error).cause instanceof Deno.errors.NotCapable) {
        console.error(
          `Hint: deno task local may only read and write ${DEFAULT_DATA_DIR}/; ` +
            `use a --data-dir inside it, or run local/main.ts with your own --allow-read and --allow-write`,
        );
      }
      return 1;
    }

    // Denials as they happen, as the client sees them.
    aws.onRequest((request) => {
      if (request.denied) console.log(`[iam] ${request.denied.code}: ${request.denied.message}`);
    });

    let lambdaLine = "Lambda off (--no-lambda)";
    const dashboard = aws.dashboard;
    if (args.lambda) {
      const code = args.lambdaSource ? "lambda/update_item.ts" : "dist/update_item.mjs";
      try {
        if (!args.lambdaSource) await ensureLambdaBuilt();
        runner = await startLambdaRunner({
          endpoint: aws.endpoint,
          code,
          logger: (entry) => console.log(`[lambda ${entry.functionName}] ${entry.line}`),
          ...(dashboard === undefined
            ? {}
            : { onInvoke: (report) => dashboard.observeInvocation(report) }),
        });
        dashboard?.attachLambda(runner);
      } catch (error) {
        console.error(
          `Cannot start the Lambda runner: ${error instanceof Error ? error.message : error}` +
            (args.lambdaSource ? "" : "; build the bundle with `deno task build`"),
        );
        return 1;
      }
      lambdaLine = `Lambda ${RESOURCES.updateFunction.name} on ${RESOURCES.uploadQueue.name} ` +
        `(${code}, ${args.lambdaSource ? "deno" : await describeNodeRuntime()})`;
    }

    const where = aws.dataDir === null ? "in memory" : `data in ${withSlash(aws.dataDir)}`;
    // performance.now() counts from process start: this is the time a user waits.
    console.log(
      `local AWS ready on ${aws.endpoint} (S3, DynamoDB, SQS; ${where}; ` +
        `listening on 127.0.0.1 only; ${lambdaLine}) in ${Math.round(performance.now())} ms` +
        (dashboard === undefined ? "" : `; dashboard ${dashboard.url}`),
    );
    if (faultsActive(aws.faults.config())) console.log(describeFaults(aws.faults.config()));
    console.log(
      args.iam === "on"
        ? "IAM on: each request must be signed by a local identity and allowed by its policy " +
          "(lib/policies.ts); admin test/test may do everything. --iam off to accept anything"
        : "IAM off: any request is accepted, signed or not",
    );
    if (!stop.signal.aborted) {
      await new Promise((resolve) =>
        stop.signal.addEventListener("abort", resolve, { once: true })
      );
    }
    console.log("local AWS stopping");
    return 0;
  } finally {
    await runner?.close();
    await aws?.close();
  }
}

function withSlash(path: string): string {
  return path.endsWith("/") ? path : `${path}/`;
}

if (import.meta.main) {
  Deno.exitCode = await runProgram(USAGE, () => main(Deno.args));
}
