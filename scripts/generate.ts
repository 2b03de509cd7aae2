/**
 * `deno task generate [options] <name>.json`: make laptop records and send
 * them through the pipeline's first steps. See `--help`.
 *
 * @module
 */

import { listenForStop } from "../lib/stop_signals.ts";
import { parseCommandLine, parseNumber, runProgram } from "../lib/cli.ts";
import { destroyClients } from "../lib/clients.ts";
import type { PipelineConfig } from "../lib/config.ts";
import { UsageError } from "../lib/errors.ts";
import { denoFiles } from "../lib/deno_files.ts";
import { describeError } from "../lib/describe_error.ts";
import { fileNamesFor } from "../lib/file_name.ts";
import {
  formatFailure,
  formatStep,
  formatSummary,
  generateJson,
  progressBar,
} from "../lib/format_generate.ts";
import { generateLaptops, type GenerateResult } from "../lib/generate_laptops.ts";
import { LOCAL_IDENTITIES } from "../lib/local_identities.ts";
import { createQueueUrlResolver } from "../lib/queue_urls.ts";
import { setUpProgram } from "../lib/program_setup.ts";
import { retryTransient, SDK_ATTEMPTS } from "../lib/retry.ts";

const USAGE = `Usage: deno task generate [options] <name>.json

Makes a laptop record, writes it to <out-dir>/<name>.json, uploads the file to
S3 (key <name>.json), puts the same values in DynamoDB and, once both are
stored, sends {"dynamodb_key", "s3_key"} to the upload queue. Nothing existing
is overwritten.

Options:
  --count N        make N records, files <name>-1.json ... <name>-N.json (default 1)
  --concurrency C  records in flight at once (default 1, or 16 with --count)
  --item-batch-size B
                   items per DynamoDB write, 1 to 25 (default 1, or 25 with
                   --count). 1 uses PutItem on condition attribute_not_exists;
                   more use BatchWriteItem, which takes no condition (the keys
                   are random UUIDs, so an overwrite would need a collision)
  --out-dir DIR    folder for the files (default out; the task may write only there)
  --json           print one JSON line instead of text
  -h, --help       show this help

Configuration (environment or .env; see example.env): AWS_DYNAMODB_TABLE,
AWS_S3_BUCKET, AWS_SQS_UPLOAD_QUEUE, AWS_REGION, AWS_ENDPOINT_URL,
AWS_DISCOVERY_TARGET (local | aws). With none set, it uses the local AWS at
http://127.0.0.1:4566 (start it with \`deno task local\`).`;

/** The generator's command line; `undefined` after `--help`. */
function parseGenerateArgs(args: string[]) {
  const line = parseCommandLine(args, {
    usage: USAGE,
    allowPositionals: true,
    options: {
      count: { type: "string", default: "1" },
      concurrency: { type: "string" },
      "item-batch-size": { type: "string" },
      "out-dir": { type: "string", default: "out" },
      json: { type: "boolean", default: false },
    },
  });
  if (line === undefined) return undefined;
  const { values, positionals } = line;
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "Missing file name: give one such as laptop.json"
        : `Too many arguments: give one file name, not ${positionals.length}`,
    );
  }
  const count = parseNumber(values.count, { flag: "count", min: 1 });
  const concurrency = values.concurrency === undefined
    ? (count > 1 ? 16 : 1)
    : parseNumber(values.concurrency, { flag: "concurrency", min: 1, max: 256 });
  const itemBatchSize = values["item-batch-size"] === undefined
    ? (count > 1 ? 25 : 1)
    : parseNumber(values["item-batch-size"], { flag: "item-batch-size", min: 1, max: 25 });
  let fileNames: string[];
  try {
    fileNames = fileNamesFor(positionals[0] ?? "", count);
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  return { fileNames, concurrency, itemBatchSize, outDir: values["out-dir"], json: values.json };
}

async function main(args: string[]): Promise<number> {
  const options = parseGenerateArgs(args);
  if (options === undefined) return 0;
  const { fileNames, concurrency, itemBatchSize, outDir, json } = options;

  // Against the local AWS with no credentials configured: the generator's own identity.
  // generateLaptops retries whole steps (lib/retry.ts): the clients make one attempt per call.
  const { config, clients, tracer } = setUpProgram((name) => Deno.env.get(name), {
    program: "generate",
    serviceName: "generator",
    localCredentials: LOCAL_IDENTITIES.generator,
    maxAttempts: 1,
  });
  const controller = new AbortController();
  const stop = () => controller.abort();
  using _stop = listenForStop(stop);
  const started = performance.now();
  const interactive = !json && fileNames.length > 1 && Deno.stderr.isTerminal();
  let messagesSent = 0;
  try {
    let queueUrl: string;
    try {
      // A short budget (as an SDK call's): a wrong endpoint is reported within seconds.
      queueUrl = await retryTransient(
        () => createQueueUrlResolver(clients.sqs)(config.uploadQueueName),
        { attempts: SDK_ATTEMPTS },
      );
    } catch (error) {
      console.error(`Cannot generate: ${describeError(error, config)} (nothing was written)`);
      return 1;
    }
    const result = await generateLaptops({ ...clients, files: denoFiles() }, {
      fileNames,
      outDir,
      tableName: config.tableName,
      bucketName: config.bucketName,
      queueUrl,
      concurrency,
      itemBatchSize,
      signal: controller.signal,
      tracer,
      onProgress: (progress) => {
        if (json) return;
        if (fileNames.length === 1) {
          console.log(formatStep(progress, { ...config, outDir }));
        } else if (progress.step === "message" && interactive) {
          const bar = progressBar(++messagesSent, fileNames.length);
          Deno.stderr.writeSync(new TextEncoder().encode(`\r${bar}`));
        }
      },
    });
    if (interactive) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
    const seconds = (performance.now() - started) / 1000;

    printResult(result, { json, files: fileNames.length, seconds, config });
    if (result.failed.length > 0) return 1;
    if (result.skipped.length > 0) return 130;
    return 0;
  } finally {
    await tracer.flush();
    destroyClients(clients);
  }
}

/** Prints a run's outcome: one JSON line, or the failures and a summary. */
function printResult(
  result: GenerateResult,
  run: { json: boolean; files: number; seconds: number; config: PipelineConfig },
): void {
  const { json, files, seconds, config } = run;
  const describe = (error: unknown) => describeError(error, config);
  if (json) {
    console.log(JSON.stringify(generateJson(result, seconds, describe)));
  } else {
    for (const failure of result.failed) {
      console.error(formatFailure(failure, describe(failure.error)));
    }
    if (result.skipped.length > 0) {
      console.error(`Interrupted: ${result.skipped.length} file(s) not started`);
    }
    if (files > 1 || result.failed.length > 0) {
      console.log(formatSummary(result, files, seconds));
    }
  }
}

if (import.meta.main) {
  Deno.exitCode = await runProgram(USAGE, () => main(Deno.args));
}
