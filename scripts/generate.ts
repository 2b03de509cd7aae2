/**
 * `deno task generate [options] <name>.json`: make laptop records and send
 * them through the pipeline's first steps. See `--help`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { listenForStop } from "../lib/stop_signals.ts";
import { usageError } from "../lib/usage_error.ts";
import { createClients, destroyClients } from "../lib/clients.ts";
import { ConfigError, readConfig } from "../lib/config.ts";
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
import { generateLaptops } from "../lib/generate_laptops.ts";
import { LOCAL_IDENTITIES } from "../lib/local_identities.ts";
import { createQueueUrlResolver } from "../lib/queue_urls.ts";
import { startTracing } from "../lib/tracing_config.ts";

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

async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        count: { type: "string", default: "1" },
        concurrency: { type: "string" },
        "item-batch-size": { type: "string" },
        "out-dir": { type: "string", default: "out" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    return usageError(
      positionals.length === 0
        ? "Missing file name: give one such as laptop.json"
        : `Too many arguments: give one file name, not ${positionals.length}`,
    );
  }
  const count = Number(values.count);
  const concurrency = Number(values.concurrency ?? (count > 1 ? 16 : 1));
  const itemBatchSize = Number(values["item-batch-size"] ?? (count > 1 ? 25 : 1));
  let fileNames: string[];
  try {
    if (!Number.isSafeInteger(itemBatchSize) || itemBatchSize < 1 || itemBatchSize > 25) {
      throw new RangeError(
        `Invalid --item-batch-size ${values["item-batch-size"]}: give a whole number from 1 to 25`,
      );
    }
    if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 256) {
      throw new RangeError(
        `Invalid --concurrency ${values.concurrency}: give a whole number from 1 to 256`,
      );
    }
    fileNames = fileNamesFor(positionals[0] ?? "", count);
  } catch (error) {
    return usageError((error as Error).message.replace(/^Invalid count/, "Invalid --count"));
  }

  let config;
  try {
    config = readConfig((name) => Deno.env.get(name), { program: "generate" });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  // Against the local AWS with no credentials configured: the generator's own identity.
  const clients = createClients(config, { localCredentials: LOCAL_IDENTITIES.generator });
  let tracer;
  try {
    tracer = startTracing((name) => Deno.env.get(name), {
      serviceName: "generator",
      localEndpoint: config.local ? config.endpoint : undefined,
      // Exports to X-Ray's OTLP endpoint are signed as the program's AWS calls are.
      credentials: () => clients.sqs.config.credentials(),
    });
  } catch (error) {
    console.error(`Cannot start generate: ${(error as Error).message}`);
    destroyClients(clients);
    return 1;
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  using _stop = listenForStop(stop);
  const started = performance.now();
  const interactive = !values.json && fileNames.length > 1 && Deno.stderr.isTerminal();
  let messagesSent = 0;
  try {
    let queueUrl: string;
    try {
      queueUrl = await createQueueUrlResolver(clients.sqs)(config.uploadQueueName);
    } catch (error) {
      console.error(`Cannot generate: ${describeError(error, config)} (nothing was written)`);
      return 1;
    }
    const result = await generateLaptops({ ...clients, files: denoFiles() }, {
      fileNames,
      outDir: values["out-dir"],
      tableName: config.tableName,
      bucketName: config.bucketName,
      queueUrl,
      concurrency,
      itemBatchSize,
      signal: controller.signal,
      tracer,
      onProgress: (progress) => {
        if (values.json) return;
        if (fileNames.length === 1) {
          console.log(formatStep(progress, { ...config, outDir: values["out-dir"] }));
        } else if (progress.step === "message" && interactive) {
          const bar = progressBar(++messagesSent, fileNames.length);
          Deno.stderr.writeSync(new TextEncoder().encode(`\r${bar}`));
        }
      },
    });
    if (interactive) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
    const seconds = (performance.now() - started) / 1000;

    const describe = (error: unknown) => describeError(error, config);
    if (values.json) {
      console.log(JSON.stringify(generateJson(result, seconds, describe)));
    } else {
      for (const failure of result.failed) {
        console.error(formatFailure(failure, describe(failure.error)));
      }
      if (result.skipped.length > 0) {
        console.error(`Interrupted: ${result.skipped.length} file(s) not started`);
      }
      if (fileNames.length > 1 || result.failed.length > 0) {
        console.log(formatSummary(result, fileNames.length, seconds));
      }
    }
    if (result.failed.length > 0) return 1;
    if (result.skipped.length > 0) return 130;
    return 0;
  } finally {
    await tracer.flush();
    destroyClients(clients);
  }
}

if (import.meta.main) {
  Deno.exitCode = await main(Deno.args);
}
