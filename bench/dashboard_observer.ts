/**
 * What the dashboard's observer costs per record as it runs: the generator's
 * calls (`BatchWriteItem` of 25, then `SendMessageBatch` of 10, 10 and 5)
 * fed straight to the dashboard, in rounds of `--window` laptops, long past
 * the point where it holds its 20,000 laptops and forgets the oldest on
 * every new one. No server and no network: only the observer is timed.
 *
 * ```sh
 * deno run bench/dashboard_observer.ts --laptops 200000 --window 20000
 * ```
 *
 * Prints one line per window: laptops forgotten so far, and µs per laptop (its
 * share of the four calls) in that window, of wall time and of the process's
 * CPU time (steadier on a shared machine). A flat column means the cost does not grow with
 * the time the local AWS has been running.
 *
 * @module
 */

import process from "node:process";
import { parseCommandLine, parseNumber, runProgram } from "../lib/cli.ts";
import { RESOURCES } from "../lib/resources.ts";
import { createDashboard } from "../local/dashboard/mod.ts";
import type { InnerService } from "../local/core/mod.ts";

const USAGE = `Usage: deno run bench/dashboard_observer.ts [--laptops N] [--window N]

Feeds the dashboard the generator's calls for N laptops (default 200,000) and
prints µs per laptop for each window of N laptops (default 20,000).`;

const encoder = new TextEncoder();
const UPLOAD = `http://127.0.0.1:4566/000000000000/${RESOURCES.uploadQueue.name}`;

function uuidOf(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
}

function call(operation: string, body: unknown, answer: unknown, service: "sqs" | "dynamodb") {
  return {
    service,
    operation,
    name: `${service}:${operation}`,
    status: 200,
    startedAt: Date.now(),
    durationMs: 1,
    inner: {
      method: "POST",
      url: "/",
      headers: { host: "127.0.0.1:4566" },
      body: encoder.encode(JSON.stringify(body)),
    },
    answer: { status: 200, headers: {}, body: encoder.encode(JSON.stringify(answer)) },
  };
}

/** The generator's calls for the 25 laptops from `first` on. */
function batchOf(first: number): ReturnType<typeof call>[] {
  const uuids = Array.from({ length: 25 }, (_, index) => uuidOf(first + index));
  const calls = [call(
    "BatchWriteItem",
    {
      RequestItems: {
        [RESOURCES.table.name]: uuids.map((uuid) => ({
          PutRequest: { Item: { uuid: { S: uuid }, year: { N: "2021" }, model: { S: "XPS 13" } } },
        })),
      },
    },
    { UnprocessedItems: {} },
    "dynamodb",
  )];
  for (let start = 0; start < uuids.length; start += 10) {
    const entries = uuids.slice(start, start + 10).map((uuid, index) => ({
      Id: String(index),
      MessageBody: JSON.stringify({ dynamodb_key: uuid, s3_key: `laptops/${uuid}.json` }),
    }));
    calls.push(call("SendMessageBatch", { QueueUrl: UPLOAD, Entries: entries }, {
      Successful: entries.map((entry) => ({
        Id: entry.Id,
        MessageId: `m-${first + start}-${entry.Id}`,
      })),
    }, "sqs"));
  }
  return calls;
}

function main(args: readonly string[]): number {
  const line = parseCommandLine(args, {
    usage: USAGE,
    options: {
      laptops: { type: "string", default: "200000" },
      window: { type: "string", default: "20000" },
    },
  });
  if (line === undefined) return 0;
  const laptops = parseNumber(line.values.laptops, { flag: "laptops", min: 1 });
  const window = parseNumber(line.values.window, { flag: "window", min: 1 });
  // The observer never reads the emulators: nothing is answered.
  const unused: InnerService = {
    handle: () => Promise.reject(new Error("Not reached")),
    close: () => Promise.resolve(),
  };
  const dashboard = createDashboard({
    dynamodb: unused,
    fauxqs: unused,
    resources: RESOURCES,
    port: 4566,
  });
  const maxTraces = 20_000;
  console.log(`laptops  forgotten  µs/laptop  CPU µs/laptop (window of ${window})`);
  for (let done = 0; done < laptops;) {
    // Build the window's calls first: only the observer is timed.
    const calls: ReturnType<typeof call>[] = [];
    const end = Math.min(laptops, done + window);
    for (let first = done; first < end; first += 25) calls.push(...batchOf(first));
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (const request of calls) dashboard.observeRequest(request);
    const spent = process.cpuUsage(cpu);
    const us = ((performance.now() - started) * 1000) / (end - done);
    const cpuUs = (spent.user + spent.system) / (end - done);
    done = end;
    const forgotten = Math.max(0, done - maxTraces);
    console.log(
      `${String(done).padStart(7)}  ${String(forgotten).padStart(9)}  ${
        us.toFixed(2).padStart(9)
      }  ${cpuUs.toFixed(2).padStart(13)}`,
    );
  }
  return 0;
}

if (import.meta.main) Deno.exitCode = await runProgram(USAGE, () => main(Deno.args));
