/**
 * `deno task test:chaos`: items through the whole pipeline, as separate
 * processes started from their `deno.json` tasks (the local AWS with its
 * data on disk and faults on, the Lambda runner, the service, the
 * generator), while the test kills the service, the runner and the local AWS
 * with SIGKILL at random moments and starts them again (the local AWS on the
 * same port and data). Then it checks that nothing was lost:
 *
 * - every generated item's object in S3 is byte for byte its local file;
 * - every item in DynamoDB is the record with a newer timestamp;
 * - the service handled every item at least once (its `--json` lines,
 *   gathered across its restarts);
 * - no message is left in either queue or dead-letter queue.
 *
 * The last line reads `chaos: items=N lost=L duplicates=D kills=K faults=F`;
 * the exit code is 0 only when every check passed (L = 0).
 *
 * Options: `--items N` (1000), `--seed S` (random, printed), `--fault-rate R`
 * (5%), `--keep` (leave the data directory for a post-mortem).
 *
 * @module
 */

import { BatchGetItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
} from "@aws-sdk/client-sqs";
import { parseCommandLine, parseNumber, runProgram } from "../../lib/cli.ts";
import { delay } from "../../lib/delay.ts";
import { UsageError } from "../../lib/errors.ts";
import { itemToLaptop } from "../../lib/item_codec.ts";
import { type Laptop, parseLaptop } from "../../lib/laptop.ts";
import { RESOURCES } from "../../lib/resources.ts";
import { createRandom, faultOptionsFromFlags } from "../../local/faults/mod.ts";
import { buildBundle, testClients } from "../_helpers/e2e.ts";
import { startTask, type TaskProcess } from "../_helpers/processes.ts";
import { PIPELINE_QUEUES } from "../_helpers/sqs.ts";
import { FaultCounter, killNext, restarts, superviseAll, type Victim } from "./_supervised.ts";

const QUEUES = PIPELINE_QUEUES;

/** The whole run must end within this. */
const DEADLINE_MS = 6 * 60_000;

/** The messages left in queues that should be empty, with how often the service handled each. */
async function leftovers(
  clients: ReturnType<typeof testClients>,
  depths: Record<string, number>,
  handled: ReadonlyMap<string, number>,
): Promise<string[]> {
  const found: string[] = [];
  for (const [queue, depth] of Object.entries(depths)) {
    if (depth === 0) continue;
    found.push(`${depth} message(s) left in ${queue}`);
    for (const body of await peek(clients.sqs, queue)) {
      const uuid = /"dynamodb_key":"([^"]+)"/.exec(body)?.[1] ?? "?";
      found.push(`  ${body} (handled ${handled.get(uuid) ?? 0} time(s))`);
    }
  }
  return found;
}

/** Every generated item checked end to end; returns what is lost or wrong. */
async function checkEveryItem(
  clients: ReturnType<typeof testClients>,
  run: {
    report: GeneratorReport | undefined;
    items: number;
    handled: ReadonlyMap<string, number>;
  },
): Promise<string[]> {
  const { report, items, handled } = run;
  const lost: string[] = [];
  for (const name of report?.failed ?? []) lost.push(`${name.s3_key}: ${name.error}`);
  const all = report?.generated ?? [];
  const stored = await readItems(clients.dynamodb, all.map((g) => g.uuid));
  await Promise.all(
    chunks(all, 25).map(async (chunk) => {
      for (const g of chunk) {
        const problem = await checkItem(clients, g, stored.get(g.uuid), handled.get(g.uuid) ?? 0);
        if (problem !== undefined) lost.push(`${g.s3_key}: ${problem}`);
      }
    }),
  );
  const missing = items - all.length - (report?.failed.length ?? 0);
  if (missing > 0) lost.push(`${missing} item(s) never reported by the generator`);
  return lost;
}

const USAGE = `Usage: deno task test:chaos [options]

Runs items through the whole pipeline as separate processes while the local
AWS, the Lambda runner and the service are killed (SIGKILL) and restarted at
random; checks that nothing was lost. The last line reads
chaos: items=N lost=L duplicates=D kills=K faults=F; exit code 0 only when L = 0.

Options:
  --items N        items to generate (default 1000)
  --seed S         seed of the kills and the faults (default random, printed)
  --fault-rate R   share of calls the local AWS fails, 0 to 1 or a percentage (default 5%)
  --keep           leave the data directory for a post-mortem
  -h, --help       show this help`;

/** The chaos run's settings, from its flags. */
interface ChaosArgs {
  readonly items: number;
  readonly seed: number;
  readonly faultRate: string;
  readonly keep: boolean;
}

/** Reads `--items`, `--seed` (default random), `--fault-rate` and `--keep`; undefined after `--help`. */
function parseChaosArgs(args: readonly string[]): ChaosArgs | undefined {
  const line = parseCommandLine(args, {
    usage: USAGE,
    options: {
      items: { type: "string", default: "1000" },
      seed: { type: "string" },
      "fault-rate": { type: "string", default: "5%" },
      keep: { type: "boolean", default: false },
    },
  });
  if (line === undefined) return undefined;
  const { values } = line;
  try {
    faultOptionsFromFlags({ "fault-rate": values["fault-rate"] });
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  return {
    items: parseNumber(values.items, { flag: "items", min: 1 }),
    seed: values.seed === undefined
      ? Math.floor(Math.random() * 2 ** 31)
      : parseNumber(values.seed, { flag: "seed", min: 0, max: 2 ** 31 - 1 }),
    faultRate: values["fault-rate"],
    keep: values.keep,
  };
}

/** The run's folders (data, files), the bundle, and a free port for the local AWS. */
async function prepare(seed: number) {
  const id = `${Date.now().toString(36)}-${seed}`;
  const dir = `.local/tmp/chaos-${id}`;
  await Deno.mkdir(dir, { recursive: true });
  const code = await buildBundle(dir);
  const port = freePort();
  return { dir, outDir: `out/chaos-${id}`, code, port, endpoint: `http://127.0.0.1:${port}` };
}

async function main(chaos: ChaosArgs): Promise<number> {
  const { items, seed, faultRate, keep } = chaos;
  const random = createRandom(seed);
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const log = (text: string) => console.log(`[${elapsed().padStart(7)}] ${text}`);

  const place = await prepare(seed);
  const { dir, outDir, endpoint } = place;
  const env = { AWS_ENDPOINT_URL: endpoint, AWS_REGION: RESOURCES.region };
  log(`chaos seed ${seed}: ${items} items, local AWS on ${endpoint}, data in ${dir}/data`);

  // What the service handled, across its restarts: uuid -> times.
  const handled = new Map<string, number>();
  const onServiceLine = (line: string) => {
    if (!line.startsWith("{")) return;
    try {
      const { uuid } = JSON.parse(line) as { uuid?: string };
      if (uuid !== undefined) handled.set(uuid, (handled.get(uuid) ?? 0) + 1);
    } catch {
      // A line cut by SIGKILL.
    }
  };

  const faults = new FaultCounter(endpoint);

  const supervised = superviseAll({
    ...place,
    dataDir: `${dir}/data`,
    faultRate,
    seed,
    onServiceLine,
  });
  const { aws, lambda, service } = supervised;

  let generator: TaskProcess | undefined;
  let report: GeneratorReport | undefined;
  const problems: string[] = [];
  let kills = 0;
  const finish = async () => {
    const stopped = await Promise.all([service.stop(), lambda.stop()]);
    await faults.read();
    stopped.push(await aws.stop());
    log(
      `stopped: service, Lambda runner, local AWS: ${
        stopped.map((s) => s?.code ?? s?.signal).join(", ")
      }`,
    );
    if (!keep) await Deno.remove(dir, { recursive: true }).catch(() => {});
    await Deno.remove(outDir, { recursive: true }).catch(() => {});
  };

  try {
    await aws.up();
    await Promise.all([lambda.up(), service.up()]);
    log("local AWS, Lambda runner and service up; generating");

    // The generator runs once. It checks the queue first and exits 1 with
    // "nothing was written" when the local AWS is down at that moment: only
    // then is it run again.
    const generating = (async () => {
      for (;;) {
        generator = startTask("generate", [
          "chaos.json",
          "--count",
          String(items),
          "--out-dir",
          outDir,
          "--json",
        ], { env });
        const status = await generator.status;
        if (status.code === 1 && generator.stderr.some((l) => /nothing was written/.test(l))) {
          await delay(500);
          continue;
        }
        const last = generator.stdout.at(-1) ?? "";
        try {
          report = JSON.parse(last) as GeneratorReport;
        } catch {
          problems.push(
            `generator exited ${status.code} without a report: ${generator.stderr.join("\n")}`,
          );
        }
        if (status.code !== 0) problems.push(`generator exited ${status.code}`);
        log(`generator done: ${report?.generated.length ?? 0} generated, exit ${status.code}`);
        return;
      }
    })();
    let generated = false;
    generating.then(() => generated = true);

    const polling = setInterval(() => faults.read(), 500);
    try {
      const victims: Victim[] = [];
      const allHandled = () =>
        report !== undefined && report.generated.every((g) => handled.has(g.uuid));
      // Until every item is handled, and each program was killed at least once.
      const finished = () => generated && allHandled() && victims.length === 0 && kills >= 3;
      while (!finished()) {
        if (performance.now() - started > DEADLINE_MS) {
          problems.push(`not done after ${DEADLINE_MS / 1000} s`);
          break;
        }
        await delay(1_000 + random() * (3_000 - 1_000));
        if (finished()) break;
        await killNext(victims, {
          supervised,
          faults,
          random,
          log,
          killed: () => ++kills,
          progress: () => `${handled.size}/${report?.generated.length ?? "?"}`,
        });
      }
      await generating;
    } finally {
      clearInterval(polling);
    }
    log(`kills done: ${kills}; waiting for every queue to empty`);

    // Stop the faults for the checks, and let the duplicates in flight drain.
    await faults.clear();
    using clients = testClients(endpoint);
    const depths = await waitForEmptyQueues(clients.sqs, 60_000);
    problems.push(...await leftovers(clients, depths, handled));
    log(`queues: ${JSON.stringify(depths)}; checking every item`);

    // Check every item.
    const lost = await checkEveryItem(clients, { report, items, handled });

    log(`checked ${report?.generated.length ?? 0} items; stopping`);
    await finish();
    for (const line of [...lost, ...problems]) console.log(`  ${line}`);
    log(`done: ${restarts(supervised)}; seed ${seed}`);
    const duplicates = [...handled.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    console.log(
      `chaos: items=${items} lost=${lost.length} duplicates=${duplicates} kills=${kills} faults=${faults.total}`,
    );
    return lost.length === 0 && problems.length === 0 ? 0 : 1;
  } catch (error) {
    generator?.kill("SIGKILL");
    await finish();
    console.error(error);
    console.log(`chaos: items=${items} lost=${items} duplicates=0 kills=${kills} faults=0`);
    return 1;
  }
}

/** The generator's `--json` report. */
interface GeneratorReport {
  generated: { file: string; s3_key: string; uuid: string; laptop: Laptop }[];
  failed: { s3_key: string; error: string }[];
}

async function checkItem(
  clients: ReturnType<typeof testClients>,
  generated: GeneratorReport["generated"][number],
  item: Record<string, unknown> | undefined,
  timesHandled: number,
): Promise<string | undefined> {
  const local = await Deno.readTextFile(generated.file);
  if (local !== JSON.stringify(generated.laptop, null, 2) + "\n") {
    return "the local file is not the record the generator reported";
  }
  const object = await clients.s3.send(
    new GetObjectCommand({ Bucket: RESOURCES.bucket.name, Key: generated.s3_key }),
  );
  const stored = await object.Body?.transformToString();
  if (stored !== local) return "the object in S3 is not the generated file";
  const original = parseLaptop(JSON.parse(local));
  if (original.uuid !== generated.uuid) return "the file is not the generated record";
  if (item === undefined) return "no item in DynamoDB";
  const now = itemToLaptop(item as Parameters<typeof itemToLaptop>[0]);
  if (now.model !== original.model || now.constructor !== original.constructor) {
    return "the item is not the generated record";
  }
  if (!(Date.parse(now.timestamp) > Date.parse(original.timestamp))) {
    return "the item's timestamp is not newer than the file's";
  }
  if (timesHandled === 0) return "never handled by the service";
  return undefined;
}

async function readItems(
  dynamodb: ReturnType<typeof testClients>["dynamodb"],
  uuids: string[],
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  for (const chunk of chunks(uuids, 100)) {
    let keys = chunk.map((uuid) => ({ uuid: { S: uuid } }));
    while (keys.length > 0) {
      const output = await dynamodb.send(
        new BatchGetItemCommand({
          RequestItems: { [RESOURCES.table.name]: { Keys: keys, ConsistentRead: true } },
        }),
      );
      for (const item of output.Responses?.[RESOURCES.table.name] ?? []) {
        if (item.uuid?.S) found.set(item.uuid.S, item);
      }
      keys = (output.UnprocessedKeys?.[RESOURCES.table.name]?.Keys ?? []) as typeof keys;
    }
  }
  return found;
}

async function waitForEmptyQueues(
  sqs: ReturnType<typeof testClients>["sqs"],
  timeoutMs: number,
): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let depths: Record<string, number> = {};
  for (;;) {
    depths = {};
    for (const name of QUEUES) {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl,
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
      );
      depths[name] = Number(Attributes.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    }
    if (Object.values(depths).every((n) => n === 0) || Date.now() > deadline) return depths;
    await delay(500);
  }
}

/** The bodies of the messages visible in a queue, left visible. */
async function peek(sqs: ReturnType<typeof testClients>["sqs"], name: string): Promise<string[]> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
  );
  return Messages.map((m) => m.Body ?? "");
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function chunks<T>(list: T[], size: number): T[][] {
  return Array.from(
    { length: Math.ceil(list.length / size) },
    (_, i) => list.slice(i * size, i * size + size),
  );
}

if (import.meta.main) {
  Deno.exitCode = await runProgram(USAGE, async () => {
    const chaos = parseChaosArgs(Deno.args);
    return chaos === undefined ? 0 : await main(chaos);
  });
}
