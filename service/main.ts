/**
 * `deno task service [options]`: long-poll the update queue and show, for
 * each message, that the file is the original while the item changed.
 * See `--help`.
 *
 * @module
 */

import { listenForStop } from "../lib/stop_signals.ts";
import { parseCommandLine, parseNumber, runProgram } from "../lib/cli.ts";
import { destroyClients } from "../lib/clients.ts";
import { describeError } from "../lib/describe_error.ts";
import { comparisonLine, formatComparison } from "../lib/format_comparison.ts";
import { LOCAL_IDENTITIES } from "../lib/local_identities.ts";
import { pollUpdates } from "../lib/poll_updates.ts";
import { createQueueUrlResolver } from "../lib/queue_urls.ts";
import { setUpProgram } from "../lib/program_setup.ts";

const USAGE = `Usage: deno task service [options]

Long-polls the update queue. For each message it reads the DynamoDB item
(consistent read) and the S3 file it names and shows that the file is the
original record while the item has a newer timestamp. A message is deleted
only once handled; one that fails stays for redelivery and, after the
queue's maxReceiveCount, goes to the dead-letter queue. Ctrl-C stops polling,
finishes the messages in hand and exits 0.

Options:
  --max-messages N  exit after N messages (handled or failed)
  --once            exit after one poll
  --wait S          long-poll wait in seconds, 0 to 20 (default 20)
  --json            one JSON line per message instead of text
  -h, --help        show this help

Configuration (environment or .env; see example.env): AWS_DYNAMODB_TABLE,
AWS_S3_BUCKET, AWS_SQS_UPDATE_QUEUE, AWS_REGION, AWS_ENDPOINT_URL,
AWS_DISCOVERY_TARGET (local | aws).`;

async function main(args: string[]): Promise<number> {
  const line = parseCommandLine(args, {
    usage: USAGE,
    options: {
      "max-messages": { type: "string" },
      once: { type: "boolean", default: false },
      wait: { type: "string", default: "20" },
      json: { type: "boolean", default: false },
    },
  });
  if (line === undefined) return 0;
  const { values } = line;
  const maxMessages = values["max-messages"] === undefined
    ? Infinity
    : parseNumber(values["max-messages"], { flag: "max-messages", min: 1 });
  const wait = parseNumber(values.wait, { flag: "wait", min: 0, max: 20, unit: "seconds" });

  // Against the local AWS with no credentials configured: the service's own identity.
  const { config, clients, tracer } = setUpProgram((name) => Deno.env.get(name), {
    program: "service",
    serviceName: "service",
    localCredentials: LOCAL_IDENTITIES.service,
  });
  const controller = new AbortController();
  const stop = () => {
    if (!values.json) console.error("Stopping: finishing the messages in hand");
    controller.abort();
  };
  using _stop = listenForStop(stop);
  try {
    let queueUrl: string;
    try {
      queueUrl = await createQueueUrlResolver(clients.sqs)(config.updateQueueName);
    } catch (error) {
      console.error(`Cannot start service: ${describeError(error, config)}`);
      return 1;
    }
    if (!values.json) {
      console.error(
        `Polling ${config.updateQueueName} at ${config.endpoint ?? `AWS ${config.region}`}`,
      );
    }
    let pollErrors = 0;
    const result = await pollUpdates(clients, {
      queueUrl,
      tableName: config.tableName,
      bucketName: config.bucketName,
      signal: controller.signal,
      maxMessages,
      once: values.once,
      waitTimeSeconds: wait,
      tracer,
      onHandled: (handled) => {
        console.log(
          values.json ? JSON.stringify(comparisonLine(handled)) : formatComparison(handled),
        );
      },
      onFailed: ({ messageId, receiveCount, error }) => {
        const message = describeError(error, config);
        console.error(
          values.json
            ? JSON.stringify({ message_id: messageId, receive_count: receiveCount, error: message })
            : `Cannot handle message ${messageId} (delivery ${receiveCount}): ${message}; ` +
              "left on the queue for redelivery",
        );
      },
      onPollError: (error) => {
        pollErrors++;
        console.error(`Cannot poll ${config.updateQueueName}: ${describeError(error, config)}`);
      },
    });
    if (!values.json) {
      console.error(`Stopped: ${result.handled} handled, ${result.failed} failed`);
    }
    return result.failed > 0 || (values.once && pollErrors > 0) ? 1 : 0;
  } finally {
    await tracer.flush();
    destroyClients(clients);
  }
}

if (import.meta.main) {
  Deno.exitCode = await runProgram(USAGE, () => main(Deno.args));
}
