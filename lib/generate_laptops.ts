/**
 * The generator's pipeline step: for each file name, write the record to a
 * new local file, upload it to S3, put it in DynamoDB and, only once both
 * writes succeeded, send its keys to the upload queue.
 *
 * @module
 */

import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { asError } from "./as_error.ts";
import type { S3Client } from "@aws-sdk/client-s3";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { createBatcher, type EntryResult } from "./batcher.ts";
import { createItemOnce, createObjectOnce } from "./create_once.ts";
import { type Item, laptopToItem } from "./item_codec.ts";
import { type Laptop, makeLaptop } from "./laptop.ts";
import { formatPipelineMessage } from "./message.ts";
import { type RetryOptions, retryTransient } from "./retry.ts";
import { sendMessages, SQS_BATCH_LIMIT, traceAttribute } from "./send_messages.ts";
import { formatXrayHeader, type TraceContext } from "./trace_context.ts";
import { NOOP_TRACER, traced, type Tracer } from "./tracer.ts";
import { DYNAMODB_WRITE_BATCH_LIMIT, writeItems } from "./write_items.ts";

/** The steps of one record, in the order they run. */
export type GenerateStep = "file" | "object" | "item" | "message";

/** All steps, in order. */
export const GENERATE_STEPS: readonly GenerateStep[] = ["file", "object", "item", "message"];

/** Writes new files; the generator never overwrites one. */
export interface FileWriter {
  /**
   * Creates a file that must not exist yet.
   *
   * @throws {Error} Named `AlreadyExists` (as `Deno.errors.AlreadyExists` is) when it exists.
   */
  writeNew(path: string, data: string): Promise<void>;
  /** Removes a file this run created. */
  remove(path: string): Promise<void>;
}

/** The clients and file access the generator uses. */
export interface GeneratePorts {
  /** S3 client. */
  readonly s3: Pick<S3Client, "send">;
  /** DynamoDB client. */
  readonly dynamodb: Pick<DynamoDBClient, "send">;
  /** SQS client. */
  readonly sqs: Pick<SQSClient, "send">;
  /** Local files. */
  readonly files: FileWriter;
}

/** A record that went through every step. */
export interface GeneratedLaptop {
  /** File name, also the S3 key. */
  readonly fileName: string;
  /** Path of the local file. */
  readonly path: string;
  /** The record. */
  readonly laptop: Laptop;
  /** Id of the message sent to the upload queue. */
  readonly messageId: string;
  /** The record's trace (W3C form), when tracing is on. */
  readonly traceId?: string;
}

/** A record that stopped at a step. */
export interface FailedLaptop {
  /** File name, also the S3 key. */
  readonly fileName: string;
  /** Why it stopped. */
  readonly error: Error;
  /** Steps done and still in effect. */
  readonly done: readonly GenerateStep[];
  /** Steps not done (or undone: the local file is removed when a later step fails before S3). */
  readonly notDone: readonly GenerateStep[];
  /** The record's trace (W3C form), when tracing is on. */
  readonly traceId?: string;
}

/** Progress of one record, reported as it happens. */
export interface GenerateProgress {
  /** File name. */
  readonly fileName: string;
  /** Step just completed. */
  readonly step: GenerateStep;
  /** The record. */
  readonly laptop: Laptop;
}

/** Options of {@linkcode generateLaptops}. */
export interface GenerateOptions {
  /** Validated file names, one per record. */
  readonly fileNames: readonly string[];
  /** Folder the files are written to. */
  readonly outDir: string;
  /** DynamoDB table. */
  readonly tableName: string;
  /** S3 bucket. */
  readonly bucketName: string;
  /**
   * URL of the upload queue, or a function called before each send call that
   * gives it. Resolve the URL once and pass the string; the function form
   * exists to reproduce the seed's call pattern (a `GetQueueUrl` per send) in
   * the benchmark.
   */
  readonly queueUrl: string | (() => Promise<string>);
  /** Records in flight at once. Defaults to 1. */
  readonly concurrency?: number;
  /**
   * Items per DynamoDB write. 1 (the default) puts each item with `PutItem` on
   * condition `attribute_not_exists(#uuid)`; 2 to 25 gather them into
   * `BatchWriteItem` calls, which cannot carry a condition: the keys are
   * random UUIDs v4, so an overwrite would need a UUID collision.
   */
  readonly itemBatchSize?: number;
  /**
   * Messages per send call. 1 sends each message with `SendMessage` as soon
   * as its writes are done; 2 to 10 (the default) gather the messages of the
   * records in flight into `SendMessageBatch` calls.
   */
  readonly messageBatchSize?: number;
  /** Makes each record. Defaults to {@linkcode makeLaptop}. */
  readonly makeRecord?: () => Laptop;
  /** Called after each completed step. */
  readonly onProgress?: (progress: GenerateProgress) => void;
  /** When aborted, no new record is started; those in flight are finished. */
  readonly signal?: AbortSignal;
  /**
   * How a step that fails with a transient error (unreachable endpoint,
   * 5xx, throttling) is retried, beyond the SDK's own attempts. Defaults to
   * 10 attempts with exponential backoff up to 2 s (5.5 to 11 s in all: long
   * enough for a restarted local AWS).
   */
  readonly retry?: RetryOptions;
  /**
   * Records one trace per record: a root span `generate <file>`, a child
   * per step's AWS call; the send's span goes with the message as its
   * `AWSTraceHeader`. Defaults to {@linkcode NOOP_TRACER}.
   */
  readonly tracer?: Tracer;
}

/** Outcome of {@linkcode generateLaptops}. */
export interface GenerateResult {
  /** Records that went through every step, in file-name order. */
  readonly generated: GeneratedLaptop[];
  /** Records that stopped at a step. */
  readonly failed: FailedLaptop[];
  /** File names not started because the signal was aborted. */
  readonly skipped: string[];
}

/**
 * Generates records through the pipeline's first steps. For each file name:
 * 1. write the record to a new local file (an existing file is an error);
 * 2. `PutObject` with `If-None-Match: *` (an existing object is an error);
 * 3. `PutItem` on condition `attribute_not_exists(#uuid)`;
 * 4. queue `{dynamodb_key, s3_key}`: only after 2 and 3 succeeded, gathered
 *    up to ten to a `SendMessageBatch` (records in flight at once share calls).
 *
 * Batched writes and sends leave when full, or as soon as no record in
 * flight could still join them, or at the latest 20 ms after their first
 * entry.
 *
 * Steps 2 to 4 are retried on transient errors (`options.retry`). Each is
 * safe to repeat: a conditional create that fails because an earlier
 * attempt of the same record took effect (its answer was lost) finds its
 * own object or item and goes on; a message sent twice is a duplicate, which
 * the pipeline handles.
 *
 * When step 2 or 3 fails the local file is removed again, and the result
 * says which steps remain done. Nothing is ever overwritten.
 *
 * @example Usage
 * ```ts
 * // Needs S3, DynamoDB, SQS and write access to out/: type-checked by `deno task ok`, not run.
 * import { S3Client } from "@aws-sdk/client-s3";
 * import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
 * import { SQSClient } from "@aws-sdk/client-sqs";
 * import { denoFiles } from "./deno_files.ts";
 * import { generateLaptops } from "./generate_laptops.ts";
 * import { createQueueUrlResolver } from "./queue_urls.ts";
 *
 * const [s3, dynamodb, sqs, files] = [
 *   new S3Client({}),
 *   new DynamoDBClient({}),
 *   new SQSClient({}),
 *   denoFiles(),
 * ];
 * const queueUrl = () => createQueueUrlResolver(sqs)("uploaded-laptops");
 * const result = await generateLaptops({ s3, dynamodb, sqs, files }, {
 *   fileNames: ["laptop.json"],
 *   outDir: "out",
 *   tableName: "laptops",
 *   bucketName: "laptops",
 *   queueUrl,
 * });
 * ```
 *
 * @param ports The clients and file access.
 * @param options What to generate and where.
 * @returns The records generated, failed and skipped.
 */
export async function generateLaptops(
  ports: GeneratePorts,
  options: GenerateOptions,
): Promise<GenerateResult> {
  const {
    fileNames,
    outDir,
    tableName,
    bucketName,
    queueUrl,
    concurrency = 1,
    makeRecord = () => makeLaptop(),
    itemBatchSize = 1,
    messageBatchSize = SQS_BATCH_LIMIT,
    onProgress = () => {},
    signal,
    retry,
    tracer = NOOP_TRACER,
  } = options;
  checkSizes(itemBatchSize, messageBatchSize, concurrency);

  const generated = new Map<string, GeneratedLaptop>();
  const failed = new Map<string, FailedLaptop>();
  const itemWriter = itemBatchSize === 1 ? undefined : createBatcher<Item, void>({
    size: itemBatchSize,
    lingerMs: BATCH_LINGER_MS,
    send: (items) => writeItems(ports.dynamodb, tableName, items),
  });
  const resolveQueueUrl = typeof queueUrl === "string" ? () => queueUrl : queueUrl;
  const messageSender = createBatcher<{ body: string; traceHeader?: string }, string>({
    size: messageBatchSize,
    lingerMs: BATCH_LINGER_MS,
    send: async (bodies) =>
      sendBodies(ports.sqs, {
        url: await resolveQueueUrl(),
        bodies,
        oneByOne: messageBatchSize === 1,
      }),
  });

  // Each joins its batch (or starts its call) at once, before any await.
  const putItem = (laptop: Laptop, parent: TraceContext | undefined) =>
    traced(
      tracer,
      itemWriter ? "DynamoDB BatchWriteItem" : "DynamoDB PutItem",
      parent,
      () =>
        retryTransient(async () => {
          const item = laptopToItem(laptop);
          if (itemWriter) await itemWriter.add(item);
          else await createItemOnce(ports.dynamodb, tableName, item);
        }, retry),
      { kind: "client" },
    );

  // Records upstream of each batcher. A batch leaves as soon as no record is
  // left that could still join it (or when it is full, or after the linger),
  // so batches fill up to the records in flight and a lone record never waits.
  let uploading = 0;
  let writingItems = 0;
  const upstreamChanged = () => {
    if (uploading === 0) itemWriter?.flush();
    if (uploading === 0 && writingItems === 0) messageSender.flush();
  };

  const writeOne = async (fileName: string) => {
    const laptop = makeRecord();
    const path = `${outDir}/${fileName}`;
    const body = JSON.stringify(laptop, null, 2) + "\n";
    const done: GenerateStep[] = [];
    let step: GenerateStep = "file";
    const root = tracer.startSpan(`generate ${fileName}`, {
      kind: "producer",
      attributes: { "laptop.uuid": laptop.uuid, "laptop.file": fileName },
    });
    const traceId = root.context?.traceId;
    try {
      await ports.files.writeNew(path, body);
      done.push("file");
      onProgress({ fileName, step, laptop });
      step = "object";
      uploading++;
      try {
        await traced(
          tracer,
          "S3 PutObject",
          root.context,
          () =>
            retryTransient(
              () =>
                createObjectOnce(ports.s3, {
                  bucket: bucketName,
                  key: fileName,
                  body,
                  contentType: "application/json",
                }),
              retry,
            ),
          { kind: "client" },
        );
      } catch (error) {
        uploading--;
        upstreamChanged();
        throw error;
      }
      done.push("object");
      onProgress({ fileName, step, laptop });
      step = "item";
      // Join the item batch, then leave the uploads: the order matters.
      const itemWritten = putItem(laptop, root.context);
      writingItems++;
      uploading--;
      upstreamChanged();
      try {
        await itemWritten;
      } catch (error) {
        writingItems--;
        upstreamChanged();
        throw error;
      }
      done.push("item");
      onProgress({ fileName, step, laptop });
      step = "message";
      const message = formatPipelineMessage({ dynamodb_key: laptop.uuid, s3_key: fileName });
      const messageSent = traced(
        tracer,
        messageBatchSize === 1 ? "SQS SendMessage" : "SQS SendMessageBatch",
        root.context,
        (span) => {
          // The send's span is the parent of the Lambda's record span.
          const traceHeader = span.context && formatXrayHeader(span.context);
          const entry = traceHeader === undefined
            ? { body: message }
            : { body: message, traceHeader };
          return retryTransient(() => messageSender.add(entry), retry);
        },
        { kind: "producer" },
      );
      writingItems--;
      upstreamChanged();
      const messageId = await messageSent;
      done.push("message");
      root.end();
      generated.set(fileName, {
        fileName,
        path,
        laptop,
        messageId,
        ...(traceId === undefined ? {} : { traceId }),
      });
      onProgress({ fileName, step, laptop });
    } catch (error) {
      if (done.length === 1) {
        // Only the local file exists: remove it, so a retry starts clean.
        try {
          await ports.files.remove(path);
          done.pop();
        } catch {
          // Reported below as still done.
        }
      }
      const described = describeStepError(step, fileName, { tableName, bucketName, outDir }, error);
      root.end({ error: described });
      failed.set(fileName, {
        fileName,
        error: described,
        done: [...done],
        notDone: GENERATE_STEPS.filter((s) => !done.includes(s)),
        ...(traceId === undefined ? {} : { traceId }),
      });
    }
  };

  let next = 0;
  const worker = async () => {
    while (next < fileNames.length && !signal?.aborted) {
      const fileName = fileNames[next++];
      if (fileName === undefined) break;
      await writeOne(fileName);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, fileNames.length) }, worker));
  const skipped = fileNames.slice(next);

  const order = (name: string) => fileNames.indexOf(name);
  return {
    generated: [...generated.values()].sort((a, b) => order(a.fileName) - order(b.fileName)),
    failed: [...failed.values()].sort((a, b) => order(a.fileName) - order(b.fileName)),
    skipped,
  };
}

/** Refuses batch sizes AWS does not take and a concurrency below 1. */
function checkSizes(itemBatchSize: number, messageBatchSize: number, concurrency: number): void {
  if (
    !Number.isSafeInteger(itemBatchSize) || itemBatchSize < 1 ||
    itemBatchSize > DYNAMODB_WRITE_BATCH_LIMIT
  ) {
    throw new RangeError(
      `Invalid item batch size ${itemBatchSize}: give a whole number from 1 to ${DYNAMODB_WRITE_BATCH_LIMIT}`,
    );
  }
  if (
    !Number.isSafeInteger(messageBatchSize) || messageBatchSize < 1 ||
    messageBatchSize > SQS_BATCH_LIMIT
  ) {
    throw new RangeError(
      `Invalid message batch size ${messageBatchSize}: give a whole number from 1 to ${SQS_BATCH_LIMIT}`,
    );
  }
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Invalid concurrency ${concurrency}: give a whole number of 1 or more`);
  }
}

/**
 * Sends a batch's message bodies: one `SendMessage` each when the batches
 * hold one message (the seed's call pattern), else `SendMessageBatch`.
 */
async function sendBodies(
  sqs: Pick<SQSClient, "send">,
  batch: {
    readonly url: string;
    readonly bodies: readonly { body: string; traceHeader?: string }[];
    readonly oneByOne: boolean;
  },
): Promise<EntryResult<string>[]> {
  const { url, bodies, oneByOne } = batch;
  if (oneByOne) {
    // One message per call, as the seed sends it.
    return await Promise.all(bodies.map(async ({ body, traceHeader }) => {
      try {
        const output = await sqs.send(
          new SendMessageCommand({
            QueueUrl: url,
            MessageBody: body,
            ...traceAttribute(traceHeader),
          }),
        );
        return { ok: true, value: output.MessageId ?? "" } as const;
      } catch (error) {
        return { ok: false, error: asError(error) } as const;
      }
    }));
  }
  const { sent, failed } = await sendMessages(
    sqs,
    url,
    bodies.map(({ body, traceHeader }, i) => ({ id: String(i), body, traceHeader })),
  );
  return bodies.map((_, i) => {
    const messageId = sent.get(String(i));
    return messageId !== undefined
      ? { ok: true, value: messageId }
      : { ok: false, error: failed.get(String(i)) ?? new Error("Cannot send message") };
  });
}

function describeStepError(
  step: GenerateStep,
  fileName: string,
  where: { tableName: string; bucketName: string; outDir: string },
  error: unknown,
): Error {
  const name = (error as { name?: string } | null)?.name ?? "";
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata
    ?.httpStatusCode;
  let message: string;
  if (step === "file" && name === "AlreadyExists") {
    message = `${where.outDir}/${fileName} exists already (nothing was overwritten): ` +
      "remove it or choose another name";
  } else if (step === "object" && (name === "PreconditionFailed" || status === 412)) {
    message = `S3 object ${fileName} exists already in bucket ${where.bucketName} ` +
      "(nothing was overwritten): choose another name, or start the local AWS from empty " +
      "data with `deno task local --reset`";
  } else if (step === "item" && name === "ConditionalCheckFailedException") {
    message = `an item with this uuid exists already in table ${where.tableName} ` +
      "(nothing was overwritten)";
  } else {
    const what = { file: "write the file", object: "upload the file", item: "put the item" }[
      step as "file" | "object" | "item"
    ] ?? "send the message";
    message = `Cannot ${what}: ${error instanceof Error ? error.message : String(error)}`;
  }
  return new Error(message, { cause: error });
}

/**
 * Longest wait of a batch for more records: used only while records that
 * could join it are still on their way (an upload or an item write in flight).
 */
const BATCH_LINGER_MS = 20;
