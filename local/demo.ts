/**
 * `deno task demo`: the whole pipeline once, on a throwaway local AWS, with
 * every stage printed as it happens, then everything stopped.
 *
 * It starts the local AWS in memory on a free port and the SQS→Lambda
 * runner (the bundled handler under Node.js, as AWS runs it), then the
 * service and the generator as their own processes through their
 * `deno task`s, with the same permissions a user's run has.
 *
 * @module
 */

import { parseCommandLine, parseNumber, runProgram } from "../lib/cli.ts";
import { LOCAL_IDENTITIES } from "../lib/local_identities.ts";
import { RESOURCES } from "../lib/resources.ts";
import { type LambdaRunner, startLambdaRunner } from "./lambda/mod.ts";
import { startLocalAws } from "./local_aws.ts";

const USAGE = `Usage: deno task demo [--name <name>.json] [--timeout S]

Runs one laptop through the whole pipeline on a local AWS in memory:
generator -> S3 + DynamoDB -> upload queue -> Lambda -> update queue -> service.

Options:
  --name NAME.json  file name of the laptop (default demo-<time>.json, in out/)
  --timeout S       give up after S seconds (default 60)
  -h, --help        show this help`;

/** Prints one line of the demo: the time since the start, the stage and what happened. */
type Say = (stage: string, text: string) => void;

/** The demo's command line; `undefined` after `--help`. */
function parseDemoArgs(args: string[]): { name: string; timeoutSeconds: number } | undefined {
  const line = parseCommandLine(args, {
    usage: USAGE,
    options: {
      name: { type: "string" },
      timeout: { type: "string", default: "60" },
    },
  });
  if (line === undefined) return undefined;
  const { values } = line;
  const timeoutSeconds = parseNumber(values.timeout, {
    flag: "timeout",
    above: 0,
    whole: false,
    unit: "seconds",
  });
  const name = values.name ??
    `demo-${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "")}.json`;
  return { name, timeoutSeconds };
}

async function main(args: string[]): Promise<number> {
  const options = parseDemoArgs(args);
  if (options === undefined) return 0;
  const { name, timeoutSeconds } = options;

  const started = performance.now();
  const say: Say = (stage, text) => {
    const ms = Math.round(performance.now() - started);
    console.log(`${String(ms).padStart(6)} ms  ${stage.padEnd(9)} ${text}`);
  };

  const aws = await startLocalAws({ port: 0, inMemory: true, iam: "on" });
  const denied: string[] = [];
  aws.onRequest((request) => {
    if (request.denied) denied.push(`${request.denied.code}: ${request.denied.message}`);
  });
  const fail = (reason: string) => {
    for (const line of denied) say("iam", `denied ${line}`);
    console.error(`Demo failed: ${reason}`);
  };
  const cleanups: (() => Promise<unknown>)[] = [() => aws.close()];
  const children: Deno.ChildProcess[] = [];
  const timer = setTimeout(() => {
    console.error(`Demo timed out after ${timeoutSeconds} s: stopping everything`);
    for (const child of children) {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
    }
  }, timeoutSeconds * 1000);
  try {
    say("local", `AWS ready on ${aws.endpoint} in ${Math.round(aws.readyMs)} ms (in memory)`);
    say(
      "iam",
      "on: each component signs as its own local identity and may do only what " +
        "lib/policies.ts allows it",
    );
    for (const name of ["generator", "service", "updateFunction"] as const) {
      say("iam", `  ${name.padEnd(14)} ${LOCAL_IDENTITIES[name].arn}`);
    }
    const runner = await startDemoLambda(aws.endpoint, say);
    cleanups.unshift(() => runner.close());
    say(
      "lambda",
      `runner polling ${RESOURCES.uploadQueue.name}: dist/update_item.mjs under Node.js`,
    );

    const env = demoEnvironment(aws.endpoint);
    const service = spawnTask(["service", "--json", "--max-messages", "1"], env);
    children.push(service);
    say("service", `polling ${RESOURCES.updateQueue.name}`);
    let handled = false;
    const serviceDone = Promise.all([
      forEachLine(service.stdout, (line) => {
        handled = sayServiceLine(line, say) ?? handled;
      }),
      forEachLine(service.stderr, (line) => {
        if (!line.startsWith("Task ") && !line.includes("--env-file")) say("service", line);
      }),
      service.status,
    ]);

    const generate = spawnTask(["generate", name], env);
    children.push(generate);
    const [, , generated] = await Promise.all([
      forEachLine(generate.stdout, (line) => say("generate", line)),
      forEachLine(generate.stderr, (line) => {
        if (!line.startsWith("Task ") && !line.includes("--env-file")) say("generate", line);
      }),
      generate.status,
    ]);
    if (!generated.success) {
      fail("the generator did not finish");
      service.kill("SIGTERM");
      await serviceDone;
      return 1;
    }
    const [, , serviceStatus] = await serviceDone;
    if (!serviceStatus.success || !handled) {
      fail("the service did not see the updated item");
      return 1;
    }
    if (denied.length > 0) {
      fail("the local AWS denied requests the pipeline made");
      return 1;
    }
    say("iam", "no request denied: each component did its part with only its own permissions");
    say("done", `one laptop through the whole pipeline; out/${name} is the original file`);
    return 0;
  } finally {
    clearTimeout(timer);
    for (const cleanup of cleanups) await cleanup();
    say("done", "local AWS and Lambda runner stopped");
  }
}

/** The SQS→Lambda runner of the demo, each invocation said as a stage. */
function startDemoLambda(endpoint: string, say: Say): Promise<LambdaRunner> {
  return startLambdaRunner({
    endpoint,
    code: "dist/update_item.mjs",
    onInvoke: (report) => {
      const records = report.records.length;
      const kept = report.records.filter((r) => r.outcome === "retry").length;
      say(
        "lambda",
        `invoked with ${records} record(s) (${report.coldStart ? "cold" : "warm"} start, ` +
          `${Math.round(report.durationMs)} ms): ${report.outcome}` +
          (kept ? `, ${kept} left for retry` : ", item updated and keys forwarded"),
      );
    },
    logger: (entry) => {
      if (entry.source === "function" && /"level":"error"/.test(entry.line)) {
        say("lambda", entry.line);
      }
    },
  });
}

/** The environment of the programs the demo runs: the local AWS, no credentials configured. */
function demoEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_DISCOVERY_TARGET: "local",
    AWS_REGION: RESOURCES.region,
    AWS_DYNAMODB_TABLE: RESOURCES.table.name,
    AWS_S3_BUCKET: RESOURCES.bucket.name,
    AWS_SQS_UPLOAD_QUEUE: RESOURCES.uploadQueue.name,
    AWS_SQS_UPDATE_QUEUE: RESOURCES.updateQueue.name,
    // No credentials configured: each program signs as its own local identity.
    AWS_ACCESS_KEY_ID: "",
    AWS_SECRET_ACCESS_KEY: "",
    AWS_SESSION_TOKEN: "",
    AWS_PROFILE: "",
  };
}

/**
 * Says what the service printed: its JSON line as the comparison's stages.
 * Returns whether the file is the original while the item changed, or
 * `undefined` for a line that is not JSON.
 */
function sayServiceLine(line: string, say: Say): boolean | undefined {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line);
  } catch {
    say("service", line);
    return undefined;
  }
  const handled = parsed.same_record === true && parsed.state_changed === true;
  say(
    "service",
    `fetched item ${parsed.uuid} and s3://${RESOURCES.bucket.name}/${parsed.s3_key}`,
  );
  say("service", `  file (the original):  timestamp ${parsed.file_timestamp}`);
  say("service", `  item (its state now): timestamp ${parsed.item_timestamp}`);
  say(
    "service",
    handled
      ? "  same file, new state: the Lambda changed the item, not the file"
      : "  UNEXPECTED: the item did not change as it should",
  );
  return handled;
}

function spawnTask(args: string[], env: Record<string, string>): Deno.ChildProcess {
  return new Deno.Command("deno", {
    args: ["task", "--quiet", ...args],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function forEachLine(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) onLine(line);
  }
  if (rest.trim()) onLine(rest);
}

if (import.meta.main) {
  Deno.exitCode = await runProgram(USAGE, () => main(Deno.args));
}
