/**
 * A Web Worker that runs one program of the pipeline in process, on its own
 * thread and V8 isolate: the generator ({@linkcode generateLaptops}) or the
 * service ({@linkcode pollUpdates}), with the lib's own SDK clients
 * ({@linkcode createClients}). It reports timestamps to the benchmark
 * (`Date.now()`, shared by every thread) in batches, so the thread that runs
 * the local AWS does little extra work.
 *
 * @module
 */

/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { createClients } from "../lib/clients.ts";
import { readConfig } from "../lib/config.ts";
import { fileNamesFor } from "../lib/file_name.ts";
import { type FileWriter, generateLaptops } from "../lib/generate_laptops.ts";
import { laptopToItem } from "../lib/item_codec.ts";
import { makeLaptop } from "../lib/laptop.ts";
import { formatPipelineMessage } from "../lib/message.ts";
import { pollUpdates } from "../lib/poll_updates.ts";
import { createQueueUrlResolver } from "../lib/queue_urls.ts";
import { startTracing } from "../lib/tracing_config.ts";
import { NOOP_TRACER, type Tracer } from "../lib/tracer.ts";
import type { LoadMessage, LoadOperation, ToWorker, WorkerEvent } from "./_protocol.ts";

const REPORT_INTERVAL_MS = 100;
const MEMORY_SAMPLE_MS = 20;
/** The isolate's memory is reported to the benchmark this often (the soak's breakdown). */
const MEMORY_REPORT_MS = 1000;

let stopService: (() => void) | undefined;

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === "stop") {
    stopService?.();
    return;
  }
  const run = message.type === "generate"
    ? generate(message)
    : message.type === "serve"
    ? serve(message)
    : load(message);
  run.catch((error: unknown) => {
    post({
      type: "error",
      message: error instanceof Error ? error.stack ?? error.message : String(error),
    });
  });
};

function post(event: WorkerEvent): void {
  self.postMessage(event);
}

/** The program's tracer: exporting to the local AWS when tracing is on. */
function tracerFor(serviceName: string, endpoint: string, tracing: boolean): Tracer {
  return tracing
    ? startTracing(() => undefined, { serviceName, localEndpoint: endpoint })
    : NOOP_TRACER;
}

function clientsFor(endpoint: string) {
  const env: Record<string, string> = { AWS_ENDPOINT_URL: endpoint, AWS_REGION: "us-east-1" };
  const config = readConfig((name) => env[name], { program: "bench" });
  return { config, clients: createClients(config) };
}

/** Posts this isolate's heap reserve and external memory now and every second; returns a stopper. */
function reportMemory(): () => void {
  const report = () => {
    const { heapTotal, external } = Deno.memoryUsage();
    post({ type: "memory", heapTotal, external });
  };
  report();
  const timer = setInterval(report, MEMORY_REPORT_MS);
  return () => clearInterval(timer);
}

/** Collects `[key, time]` pairs and posts them every 100 ms. */
function reporter(kind: "started" | "handled") {
  let pending: [string, number][] = [];
  const flush = () => {
    if (pending.length === 0) return;
    post({ type: kind, entries: pending });
    pending = [];
  };
  const timer = setInterval(flush, REPORT_INTERVAL_MS);
  return {
    add: (key: string, at: number) => pending.push([key, at]),
    close() {
      clearInterval(timer);
      flush();
    },
  };
}

async function generate(message: Extract<ToWorker, { type: "generate" }>): Promise<void> {
  const { config, clients } = clientsFor(message.endpoint);
  const tracer = tracerFor("generator", message.endpoint, message.tracing);
  const queueName = config.uploadQueueName;
  const queueUrl = message.queueUrlPerSend
    // A new resolver per send call: one GetQueueUrl each time, as the seed did.
    ? () => createQueueUrlResolver(clients.sqs)(queueName)
    : await createQueueUrlResolver(clients.sqs)(queueName);
  const fileNames = fileNamesFor(`${message.prefix}.json`, message.items);
  const slotMs = message.ratePerSecond > 0 ? 1000 / message.ratePerSecond : 0;
  const started = reporter("started");
  const stopMemory = reportMemory();
  post({ type: "ready" });
  const t0 = Date.now() + 50;
  const slotOf = new Map(
    fileNames.map((name, i) => [`${message.prefix}/${name}`, t0 + i * slotMs]),
  );
  // The generator's file step, in memory: the record's start is when the
  // generator begins it (closed loop) or its slot in the schedule (open loop:
  // latency then counts any wait for a free worker too).
  const files: FileWriter = {
    async writeNew(path) {
      const slot = slotOf.get(path);
      if (slotMs > 0 && slot !== undefined) {
        const wait = slot - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        started.add(path.slice(message.prefix.length + 1), slot);
      } else {
        started.add(path.slice(message.prefix.length + 1), Date.now());
      }
    },
    remove: () => Promise.resolve(),
  };
  try {
    const result = await generateLaptops({ ...clients, files }, {
      fileNames,
      outDir: message.prefix,
      tableName: config.tableName,
      bucketName: config.bucketName,
      queueUrl,
      concurrency: message.concurrency,
      itemBatchSize: message.itemBatchSize,
      messageBatchSize: message.messageBatchSize,
      tracer,
    });
    await tracer.flush();
    started.close();
    post({
      type: "generated",
      generated: result.generated.length,
      failed: result.failed.map((f) => `${f.fileName}: ${f.error.message}`),
    });
  } finally {
    stopMemory();
    clients.s3.destroy();
    clients.dynamodb.destroy();
    clients.sqs.destroy();
  }
}

async function serve(message: Extract<ToWorker, { type: "serve" }>): Promise<void> {
  const { config, clients } = clientsFor(message.endpoint);
  const tracer = tracerFor("service", message.endpoint, message.tracing);
  const controller = new AbortController();
  stopService = () => controller.abort();
  let peakHeap = 0;
  const sample = () => {
    peakHeap = Math.max(peakHeap, Deno.memoryUsage().heapUsed);
  };
  const sampler = setInterval(sample, MEMORY_SAMPLE_MS);
  const stopMemory = reportMemory();
  const handled = reporter("handled");
  const failures: string[] = [];
  try {
    const queueUrl = await createQueueUrlResolver(clients.sqs)(config.updateQueueName);
    sample();
    const idleHeap = peakHeap;
    post({ type: "ready" });
    const result = await pollUpdates(clients, {
      queueUrl,
      tableName: config.tableName,
      bucketName: config.bucketName,
      signal: controller.signal,
      waitTimeSeconds: 20,
      batchSize: message.batchSize,
      batchGet: message.batchGet,
      tracer,
      onHandled: ({ comparison }) => {
        if (!comparison.sameRecord || !comparison.stateChanged) {
          failures.push(`${comparison.s3Key}: the item did not change as it should`);
        }
        handled.add(comparison.s3Key, Date.now());
      },
      onFailed: ({ messageId, error }) => failures.push(`${messageId}: ${error.message}`),
    });
    sample();
    await tracer.flush();
    handled.close();
    post({
      type: "served",
      handled: result.handled,
      failed: failures,
      polls: result.polls,
      peakHeapBytes: peakHeap,
      idleHeapBytes: idleHeap,
    });
  } finally {
    clearInterval(sampler);
    stopMemory();
    clients.s3.destroy();
    clients.dynamodb.destroy();
    clients.sqs.destroy();
  }
}

/**
 * Repeats each operation alone with a fixed number of requests in flight
 * and reports requests per second. Operations that read use what earlier
 * ones wrote, so give writes first.
 */
let loader: Promise<Record<LoadOperation, () => Promise<unknown>>> | undefined;

async function load(message: LoadMessage): Promise<void> {
  loader ??= makeLoader(message.endpoint);
  const calls = await loader;
  const rates: Partial<Record<LoadOperation, number>> = {};
  const sent: Partial<Record<LoadOperation, number>> = {};
  for (const operation of message.operations) {
    const call = calls[operation];
    // Warm up (JIT, connections), then count for durationMs.
    const warm = await Promise.all(Array.from({ length: message.concurrency }, () => call()));
    let count = 0;
    const start = performance.now();
    const end = start + message.durationMs;
    const limit = message.requests;
    const more = limit === undefined
      ? () => performance.now() < end
      : () => count + message.concurrency < limit;
    await Promise.all(Array.from({ length: message.concurrency }, async () => {
      while (more()) {
        count++;
        if (await call() === false) {
          count--;
          break;
        }
      }
    }));
    rates[operation] = count / ((performance.now() - start) / 1000);
    sent[operation] = count + warm.filter((result) => result !== false).length;
  }
  post({ type: "loaded", rates, sent });
}

/** The load worker's calls; what they write stays for the reads of later messages. */
async function makeLoader(
  endpoint: string,
): Promise<Record<LoadOperation, () => Promise<unknown>>> {
  const { config, clients } = clientsFor(endpoint);
  const { s3, dynamodb, sqs } = clients;
  const table = config.tableName;
  const bucket = config.bucketName;
  const queueUrl = await createQueueUrlResolver(sqs)(config.uploadQueueName);
  const objects: string[] = [];
  const uuids: string[] = [];
  const receipts: string[] = [];
  const pick = <T>(list: T[]): T => {
    const value = list[Math.floor(Math.random() * list.length)];
    if (value === undefined) throw new Error("Cannot measure: nothing written to read");
    return value;
  };
  const body = () => formatPipelineMessage({ dynamodb_key: crypto.randomUUID(), s3_key: "x.json" });
  // A call that resolves to false had nothing to do and sent nothing.
  const calls: Record<LoadOperation, () => Promise<unknown>> = {
    "sqs:GetQueueUrl": () =>
      sqs.send(new GetQueueUrlCommand({ QueueName: config.uploadQueueName })),
    "s3:PutObject": async () => {
      const key = `load-${crypto.randomUUID()}.json`;
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: JSON.stringify(makeLaptop(), null, 2) + "\n",
          ContentType: "application/json",
          IfNoneMatch: "*",
        }),
      );
      objects.push(key);
    },
    "s3:GetObject": async () => {
      const output = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: pick(objects) }));
      await output.Body?.transformToString();
    },
    "dynamodb:PutItem": async () => {
      const laptop = makeLaptop();
      await dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: laptopToItem(laptop),
          ConditionExpression: "attribute_not_exists(#uuid)",
          ExpressionAttributeNames: { "#uuid": "uuid" },
        }),
      );
      uuids.push(laptop.uuid);
    },
    "dynamodb:UpdateItem": () =>
      dynamodb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { uuid: { S: pick(uuids) } },
          UpdateExpression: "SET #timestamp = :now",
          ConditionExpression: "attribute_exists(#uuid)",
          ExpressionAttributeNames: { "#uuid": "uuid", "#timestamp": "timestamp" },
          ExpressionAttributeValues: { ":now": { S: new Date().toISOString() } },
        }),
      ),
    "dynamodb:GetItem": () =>
      dynamodb.send(
        new GetItemCommand({
          TableName: table,
          Key: { uuid: { S: pick(uuids) } },
          ConsistentRead: true,
        }),
      ),
    "dynamodb:BatchWriteItem": async () => {
      const laptops = Array.from({ length: 25 }, () => makeLaptop());
      await dynamodb.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [table]: laptops.map((l) => ({ PutRequest: { Item: laptopToItem(l) } })),
          },
        }),
      );
      uuids.push(...laptops.map((l) => l.uuid));
    },
    "dynamodb:BatchGetItem": () => {
      const keys = new Set(Array.from({ length: 10 }, () => pick(uuids)));
      return dynamodb.send(
        new BatchGetItemCommand({
          RequestItems: {
            [table]: {
              Keys: [...keys].map((uuid) => ({ uuid: { S: uuid } })),
              ConsistentRead: true,
            },
          },
        }),
      );
    },
    "sqs:SendMessage": () =>
      sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body() })),
    "sqs:SendMessageBatch": () =>
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: body() })),
        }),
      ),
    "sqs:ReceiveMessage": async () => {
      const output = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
        }),
      );
      for (const m of output.Messages ?? []) if (m.ReceiptHandle) receipts.push(m.ReceiptHandle);
    },
    "sqs:DeleteMessageBatch": () => {
      const chunk = receipts.splice(0, 10);
      if (chunk.length === 0) return Promise.resolve(false);
      return sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((r, i) => ({ Id: String(i), ReceiptHandle: r })),
        }),
      );
    },
  };
  return calls;
}
