/**
 * SQS and S3: fauxqs running in this process, with no port of its own.
 *
 * fauxqs is a Fastify app. Its `startFauxqs()` listens on 0.0.0.0, so we do
 * not use it: we build the app with `buildApp()` and answer each request with
 * Fastify's `inject()`, which runs the app's full request pipeline without a
 * socket. Persistence is fauxqs's own SQLite write-through store (WAL mode,
 * one committed statement per mutation, so it survives kill -9); `buildApp()`
 * does not wire it, so we wire it as `startFauxqs()` does, from the modules of
 * the pinned fauxqs version. SQS's message path and S3's object reads and
 * writes skip `inject()` and call fauxqs's action handlers directly
 * (`_fauxqs_sqs.ts`, `_fauxqs_s3.ts`); its queues skip the walks of their
 * in-flight messages that would find none due (`_fauxqs_timers.ts`) and
 * take received messages off the front of a long list at no cost
 * (`_fauxqs_ready_list.ts`).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { mkdir } from "node:fs/promises";
import type { BuildAppOptions } from "fauxqs";
import type { InnerRequest, InnerResponse, InnerService } from "../core/mod.ts";
import { postInnerJson } from "../core/mod.ts";
import { INTERNAL_BUCKET, type S3ObjectInfo, type S3Vault } from "./_s3_vault.ts";
import type { MovedMessage, SqsQueues } from "./_sqs_queues.ts";
import { INVALID_BODY_CHARACTER } from "../sqs/mod.ts";
import { createDirectSqs, type SqsActions, type SqsAnswer } from "./_fauxqs_sqs.ts";
import { createDirectS3 } from "./_fauxqs_s3.ts";
import { indexVisibilityTimers, type TimedQueue } from "./_fauxqs_timers.ts";
import { keepReadyList, type ReadyQueue } from "./_fauxqs_ready_list.ts";

/** Options of {@linkcode startFauxqs}. */
export interface FauxqsOptions {
  /** Directory of the SQLite database; in memory when absent. */
  readonly dataDir?: string;
  /** Region of resources whose requests carry none. */
  readonly region: string;
}

/** fauxqs in this process, plus the one look-up the router needs. */
export interface FauxqsService extends InnerService, SqsActions {
  /** Whether an object exists (false for a missing bucket too). */
  hasObject(bucket: string, key: string): boolean;
  /** Ends every pending long poll now, with no messages. */
  interruptPolls(): void;
  /** Direct access to the S3 store, for the S3 compatibility layer. */
  readonly vault: S3Vault;
  /** Direct access to the SQS store, for the SQS layer. */
  readonly queues: SqsQueues;
}

interface Persistence {
  load(sqsStore: unknown, snsStore: unknown, s3Store: unknown): void;
  close(): void;
  deleteMessage(messageId: string): void;
}

/** A message as fauxqs's SQS store holds it (the fields used here). */
interface StoredMessage {
  messageId: string;
  body: string;
  messageAttributes: Record<string, unknown>;
}

/** A queue of fauxqs's SQS store (the fields used here). */
interface StoredQueue {
  url: string;
  arn: string;
  attributes: Record<string, string | undefined>;
  /** Visible messages, oldest first (a `ReadyList`, `_fauxqs_ready_list.ts`). */
  messages: { readonly length: number; shift(): StoredMessage | undefined };
  persistence?: Persistence;
  isFifo(): boolean;
  processTimers(): void;
  enqueue(message: StoredMessage): void;
}

interface SqsStoreLike {
  persistence?: Persistence;
  createQueue(...args: unknown[]): TimedQueue & ReadyQueue;
  shutdown(): void;
  allQueues(): Iterable<StoredQueue>;
  getQueueByArn(arn: string): StoredQueue | undefined;
}

/** fauxqs's `SqsStore` class: its static factory of new messages. */
interface SqsStoreClass {
  createMessage(body: string, messageAttributes: Record<string, unknown>): StoredMessage;
}

interface StoreWithPersistence {
  persistence?: Persistence;
}

/** An object as fauxqs's S3 store holds it (the fields used here). */
interface StoredObject {
  key: string;
  body: Uint8Array;
  contentType: string;
  contentLength: number;
  etag: string;
  lastModified: Date;
  /** Part boundaries of an object made by a multipart upload. */
  parts?: { offset: number; length: number }[];
}

interface S3Persistence {
  upsertObject(bucket: string, object: StoredObject): void;
}

interface StoredUpload {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: Date;
  parts: Map<number, { partNumber: number; body: Uint8Array; etag: string; lastModified: Date }>;
}

interface S3StoreLike {
  persistence?: S3Persistence;
  buckets: Map<string, Map<string, StoredObject>>;
  multipartUploads: Map<string, StoredUpload>;
  createBucket(name: string): void;
  headObject(bucket: string, key: string): unknown;
  getObject(bucket: string, key: string): StoredObject;
  putObject(bucket: string, key: string, body: Uint8Array, contentType: string): StoredObject;
  deleteObject(bucket: string, key: string): void;
}

/** Starts fauxqs in this process. */
export async function startFauxqs(options: FauxqsOptions): Promise<FauxqsService> {
  // Loaded here, not at module load, so that a load failure is a start error.
  const { buildApp } = await import("fauxqs");
  // The stores and the SQLite persistence are not exported; they are modules
  // of the same package, found next to its entry point.
  const base = import.meta.resolve("fauxqs");
  const [{ SqsStore }, { SnsStore }, { S3Store }, { PersistenceManager }, sqsTypes] = await Promise
    .all([
      import(new URL("./sqs/sqsStore.js", base).href),
      import(new URL("./sns/snsStore.js", base).href),
      import(new URL("./s3/s3Store.js", base).href),
      import(new URL("./persistence.js", base).href),
      import(new URL("./sqs/sqsTypes.js", base).href),
    ]);
  allowSupplementaryCharacters(sqsTypes.INVALID_MESSAGE_BODY_CHAR);
  const sqsStore: SqsStoreLike = new SqsStore();
  const snsStore: StoreWithPersistence = new SnsStore();
  const s3Store: S3StoreLike = new S3Store();
  let persistence: Persistence | undefined;
  if (options.dataDir !== undefined) {
    await mkdir(options.dataDir, { recursive: true });
    persistence = new PersistenceManager(options.dataDir) as Persistence;
    // Load before wiring, as startFauxqs() does, so loading writes nothing back.
    persistence.load(sqsStore, snsStore, s3Store);
    sqsStore.persistence = persistence;
    snsStore.persistence = persistence;
    s3Store.persistence = persistence as unknown as S3Persistence;
    for (const queue of sqsStore.allQueues()) queue.persistence = persistence;
  }
  speedUpQueues(sqsStore);
  const app = buildApp({
    logger: false,
    defaultRegion: options.region,
    stores: { sqsStore, snsStore, s3Store } as unknown as NonNullable<BuildAppOptions["stores"]>,
  });
  const opened = persistence;
  if (opened !== undefined) app.addHook("onClose", () => opened.close());
  await app.ready();
  const directSqs = await createDirectSqs(base, sqsStore);
  const directS3 = await createDirectS3(base, s3Store);
  async function handle(request: InnerRequest): Promise<InnerResponse> {
    const s3Answer = directS3(request);
    if (s3Answer !== undefined) return s3Answer;
    const direct = directSqs.handle(request);
    if (direct !== undefined) return await direct;
    const body = request.body;
    const response = await app.inject({
      method: request.method as "GET",
      url: request.url,
      headers: request.headers,
      ...(body.length > 0
        ? { payload: Buffer.from(body.buffer, body.byteOffset, body.byteLength) }
        : {}),
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      headers[name] = Array.isArray(value) ? value.join(", ") : String(value);
    }
    return { status: response.statusCode, headers, body: response.rawPayload };
  }
  const viaHttp: InnerService = { handle, close: () => app.close() };
  return {
    ...viaHttp,
    async callSqs(action, body, headers): Promise<SqsAnswer> {
      const direct = directSqs.call(action, body, headers);
      if (direct !== undefined) return await direct;
      const inner: Record<string, string> = {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": `AmazonSQS.${action}`,
      };
      for (const name of ["host", "authorization", "x-amz-date"]) {
        const value = headers[name];
        if (value !== undefined) inner[name] = value;
      }
      const answer = await postInnerJson(viaHttp, inner, body);
      const queryError = answer.headers["x-amzn-query-error"];
      return {
        status: answer.status,
        json: answer.json,
        ...(queryError === undefined ? {} : { queryError }),
      };
    },
    hasObject(bucket: string, key: string): boolean {
      try {
        s3Store.headObject(bucket, key);
        return true;
      } catch {
        return false;
      }
    },
    interruptPolls: () => sqsStore.shutdown(),
    vault: createVault(s3Store),
    queues: createQueues(sqsStore, SqsStore),
  };
}

/**
 * Takes fauxqs's slow paths out of the store's queues, those loaded and those
 * to come: the timers' walks (`_fauxqs_timers.ts`) and the receives from a
 * long list (`_fauxqs_ready_list.ts`).
 */
function speedUpQueues(store: SqsStoreLike): void {
  const speedUp = (queue: TimedQueue & ReadyQueue) => {
    indexVisibilityTimers(queue);
    keepReadyList(queue);
  };
  for (const queue of store.allQueues()) speedUp(queue as unknown as TimedQueue & ReadyQueue);
  const createQueue = store.createQueue;
  store.createQueue = function (...args) {
    const queue = createQueue.apply(this, args);
    speedUp(queue);
    return queue;
  };
}

/**
 * fauxqs refuses message bodies with characters beyond U+FFFF (emoji), which
 * AWS accepts (`#x10000 to #x10FFFF`): its pattern has no `u` flag, so it
 * sees surrogates. Its actions all test bodies with this one RegExp object,
 * so it is given AWS's test.
 */
function allowSupplementaryCharacters(pattern: RegExp): void {
  Object.defineProperty(pattern, "test", {
    value: (text: string) => INVALID_BODY_CHARACTER.test(text),
    configurable: true,
  });
}

/**
 * Direct access to fauxqs's SQS store (pinned version: a move takes a message
 * off the ready list and deletes its row as fauxqs's own redrive does, then
 * enqueues a new message, which fauxqs persists).
 */
function createQueues(store: SqsStoreLike, factory: SqsStoreClass): SqsQueues {
  const ready = (arn: string): StoredQueue | undefined => {
    const queue = store.getQueueByArn(arn);
    queue?.processTimers();
    return queue;
  };
  return {
    queueUrl: (arn) => store.getQueueByArn(arn)?.url,
    isFifo: (arn) => store.getQueueByArn(arn)?.isFifo() ?? false,
    deadLetterSources(arn) {
      const sources: string[] = [];
      for (const queue of store.allQueues()) {
        const policy = queue.attributes.RedrivePolicy;
        if (policy === undefined || !policy.includes(arn)) continue;
        try {
          const { deadLetterTargetArn } = JSON.parse(policy) as { deadLetterTargetArn?: unknown };
          if (deadLetterTargetArn === arn) sources.push(queue.arn);
        } catch {
          // A malformed policy names no dead-letter queue.
        }
      }
      return sources;
    },
    visibleCount: (arn) => ready(arn)?.messages.length ?? 0,
    takeVisible(arn) {
      const queue = ready(arn);
      const message = queue?.messages.shift();
      if (queue === undefined || message === undefined) return undefined;
      queue.persistence?.deleteMessage(message.messageId);
      const { messageId, body, messageAttributes } = message;
      return { messageId, body, messageAttributes };
    },
    enqueue(arn, message: MovedMessage) {
      const queue = store.getQueueByArn(arn);
      if (queue === undefined) return undefined;
      const created = factory.createMessage(message.body, { ...message.messageAttributes });
      queue.enqueue(created);
      return created.messageId;
    },
  };
}

/**
 * Direct access to fauxqs's S3 store (pinned version: it reads the store's
 * bucket maps and writes through its persistence exactly as its own
 * operations do).
 */
function createVault(store: S3StoreLike): S3Vault {
  store.createBucket(INTERNAL_BUCKET);
  const info = (object: StoredObject): S3ObjectInfo => ({
    key: object.key,
    etag: object.etag,
    size: object.contentLength,
    lastModified: object.lastModified,
  });
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const recordTexts = new WeakMap<StoredObject, string>();
  return {
    hasBucket: (bucket) => store.buckets.has(bucket),
    objectInfo(bucket, key) {
      const object = store.buckets.get(bucket)?.get(key);
      return object === undefined ? undefined : info(object);
    },
    listObjects(bucket, prefix) {
      const objects = store.buckets.get(bucket);
      if (objects === undefined) return [];
      const found: S3ObjectInfo[] = [];
      for (const object of objects.values()) {
        if (object.key.startsWith(prefix)) found.push(info(object));
      }
      return found;
    },
    copyObject(from, to) {
      const source = store.buckets.get(from.bucket)?.get(from.key);
      const target = store.buckets.get(to.bucket);
      if (source === undefined || target === undefined) return false;
      // getObject() loads the body from SQLite when it is not in memory.
      const full = store.getObject(from.bucket, from.key);
      const copy: StoredObject = { ...full, key: to.key };
      store.persistence?.upsertObject(to.bucket, copy);
      target.set(to.key, store.persistence ? { ...copy, body: new Uint8Array() } : copy);
      return true;
    },
    deleteObject(bucket, key) {
      if (store.buckets.get(bucket)?.has(key)) store.deleteObject(bucket, key);
    },
    readRecord(key) {
      const stored = store.buckets.get(INTERNAL_BUCKET)?.get(key);
      if (stored === undefined) return undefined;
      // A write stores a new object: the text of this one does not change.
      let text = recordTexts.get(stored);
      if (text === undefined) {
        // getObject() loads the body from SQLite when it is not in memory.
        text = decoder.decode(store.getObject(INTERNAL_BUCKET, key).body);
        recordTexts.set(stored, text);
      }
      return text;
    },
    writeRecord(key, text) {
      store.putObject(INTERNAL_BUCKET, key, encoder.encode(text), "application/json");
    },
    deleteRecord(key) {
      if (store.buckets.get(INTERNAL_BUCKET)?.has(key)) store.deleteObject(INTERNAL_BUCKET, key);
    },
    recordKeys(prefix) {
      const keys: string[] = [];
      for (const key of store.buckets.get(INTERNAL_BUCKET)?.keys() ?? []) {
        if (key.startsWith(prefix)) keys.push(key);
      }
      return keys;
    },
    listUploads(bucket) {
      return [...store.multipartUploads.values()].filter((upload) => upload.bucket === bucket)
        .map(({ uploadId, key, initiated }) => ({ uploadId, bucket, key, initiated }));
    },
    listParts(uploadId) {
      const upload = store.multipartUploads.get(uploadId);
      if (upload === undefined) return undefined;
      return [...upload.parts.values()].sort((a, b) => a.partNumber - b.partNumber)
        .map(({ partNumber, etag, body, lastModified }) => ({
          partNumber,
          etag,
          size: body.length,
          lastModified,
        }));
    },
    objectParts(bucket, key) {
      return store.buckets.get(bucket)?.get(key)?.parts?.map(({ offset, length }) => ({
        offset,
        length,
      }));
    },
  };
}
