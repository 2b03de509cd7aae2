/**
 * `deno task lambda`: runs only the SQS→Lambda runner, as its own process,
 * against a local AWS started with `deno task local --no-lambda` (or any SQS
 * endpoint), until Ctrl-C or SIGTERM. The chaos test kills and restarts it
 * apart from the local AWS.
 *
 * ```sh
 * deno task lambda [--endpoint URL] [--code FILE] [--timeout S] [--concurrency N]
 * ```
 *
 * Exit codes: 0 after a clean stop, 1 when it cannot start (no bundle, queue
 * not reachable), 2 for bad arguments.
 *
 * @module
 */

import { parseCommandLine, parseNumber, runProgram } from "../lib/cli.ts";
import { UsageError } from "../lib/errors.ts";
import { listenForStop } from "../lib/stop_signals.ts";
import { RESOURCES } from "../lib/resources.ts";
import { startLambdaRunner } from "./lambda/mod.ts";

const FUNCTION = RESOURCES.updateFunction;

const USAGE = `Usage: deno task lambda [options]

Runs the Lambda function ${FUNCTION.name} on the queue ${RESOURCES.uploadQueue.name}
(the SQS event source mapping, with partial batch responses) against a local
AWS already running, e.g. \`deno task local --no-lambda\`. Ctrl-C stops it once
the batches in flight are done.

Options:
  --endpoint URL     SQS endpoint (default ${RESOURCES.localEndpoint})
  --code FILE        the bundle to run under Node.js (default dist/update_item.mjs;
                     build it with \`deno task build\`)
  --timeout S        function timeout in seconds (default ${FUNCTION.timeoutSeconds}; at most
                     the queue's visibility timeout)
  --concurrency N    maximum concurrent batches, 2 or more (default ${FUNCTION.maximumConcurrency})
  -h, --help         show this help`;

async function main(argv: string[]): Promise<number> {
  const line = parseCommandLine(argv, {
    usage: USAGE,
    options: {
      endpoint: { type: "string", default: RESOURCES.localEndpoint },
      code: { type: "string", default: "dist/update_item.mjs" },
      timeout: { type: "string" },
      concurrency: { type: "string" },
    },
  });
  if (line === undefined) return 0;
  const { values } = line;
  let endpoint: URL;
  try {
    endpoint = new URL(values.endpoint);
  } catch {
    throw new UsageError(`Invalid --endpoint: "${values.endpoint}" is not a URL`);
  }
  if (endpoint.hostname !== "127.0.0.1" && endpoint.hostname !== "localhost") {
    throw new UsageError(
      `Invalid --endpoint: "${values.endpoint}" is not on 127.0.0.1 or localhost`,
    );
  }
  const timeoutSeconds = values.timeout === undefined
    ? undefined
    : parseNumber(values.timeout, { flag: "timeout", min: 1, max: 900 });
  const concurrency = values.concurrency === undefined
    ? undefined
    : parseNumber(values.concurrency, { flag: "concurrency", min: 2, max: 1000 });

  const stop = new AbortController();
  using _stop = listenForStop(() => stop.abort());
  let runner;
  try {
    runner = await startLambdaRunner({
      endpoint: endpoint.origin,
      code: values.code,
      ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
      ...(concurrency === undefined ? {} : { maximumConcurrency: concurrency }),
      logger: (entry) =>
        console.log(`[lambda ${entry.functionName}#${entry.container}] ${entry.line}`),
    });
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  console.log(
    `Lambda runner ready: ${FUNCTION.name} on ${RESOURCES.uploadQueue.name} at ${endpoint.origin} ` +
      `(${values.code}, Node.js)`,
  );
  if (!stop.signal.aborted) {
    await new Promise((resolve) => stop.signal.addEventListener("abort", resolve, { once: true }));
  }
  console.log("Lambda runner stopping: finishing the batches in flight");
  await runner.close();
  const stats = runner.stats();
  console.log(
    `Lambda runner stopped: ${stats.invocations} invocations, ${stats.deletedRecords} records done, ` +
      `${stats.retriedRecords} left for a retry`,
  );
  return 0;
}

if (import.meta.main) {
  // Exit as soon as main returns: the runner is closed and its batches are
  // done, but an aborted long poll can hold its socket open until the local
  // AWS answers it (up to 20 s), which would keep the process alive.
  Deno.exit(await runProgram(USAGE, () => main(Deno.args)));
}
