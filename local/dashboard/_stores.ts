/**
 * What the dashboard reads from and does to the emulators directly (not
 * through the router, so none of it shows up as pipeline traffic): live
 * queue depths, counts of items and objects, a laptop's file and item, the
 * messages of a dead-letter queue, and the redrive and purge actions.
 *
 * It speaks the emulators' wire protocols (SQS and DynamoDB JSON, S3 REST),
 * plus fauxqs's non-destructive inspection routes (`/_fauxqs/queues`), which
 * list a queue's messages without receiving them.
 *
 * @module
 */

import type { InnerResponse, InnerService } from "../core/mod.ts";
import { callInnerJson } from "../core/mod.ts";
import type { MoveTasks } from "../sqs/mod.ts";
import { plainItem } from "./_call_detail.ts";

/** A message of a dead-letter queue, as the dashboard lists it. */
export interface DeadLetterMessage {
  /** Message id. */
  readonly messageId: string;
  /** Body (cut to 1,000 characters). */
  readonly body: string;
  /** When it was first sent, epoch milliseconds. */
  readonly sentAt: number;
  /** Receives so far. */
  readonly receiveCount: number;
  /** `ready` (visible), `inflight` (received by someone) or `delayed`. */
  readonly state: "ready" | "inflight" | "delayed";
}

/** A dead-letter queue's messages (the first `limit` of them). */
export interface DeadLetterList {
  /** Messages in the queue. */
  readonly total: number;
  /** The messages listed. */
  readonly messages: readonly DeadLetterMessage[];
}

/** A message moved by {@linkcode PipelineStores.redrive}. */
export interface MovedMessage {
  /** Its id in the dead-letter queue. */
  readonly messageId: string;
  /** Its new id in the source queue. */
  readonly newMessageId: string;
  /** Body. */
  readonly body: string;
}

/** Reads and actions on the emulators. */
export interface PipelineStores {
  /** Visible and in-flight messages per queue name. */
  queueDepths(): Promise<Record<string, { visible: number; inFlight: number }>>;
  /** The first `limit` messages of a queue, without receiving them. */
  deadLetters(queue: string, limit: number): Promise<DeadLetterList>;
  /** Items in a table (a counting scan). */
  countItems(table: string): Promise<number>;
  /** Objects in a bucket. */
  countObjects(bucket: string): Promise<number>;
  /** An item's attributes as text, or undefined when there is none. */
  readItem(
    table: string,
    hashKey: string,
    key: string,
  ): Promise<Record<string, string> | undefined>;
  /** An object's body as text (cut to 64 KiB), or undefined when there is none. */
  readObject(bucket: string, key: string): Promise<string | undefined>;
  /**
   * Moves messages from a dead-letter queue back to its source queue: the
   * one with `messageId` (received and sent again: AWS has no per-message
   * redrive), or all that are visible (with `StartMessageMoveTask`, when the
   * move tasks are given).
   */
  redrive(from: string, to: string, messageId?: string): Promise<readonly MovedMessage[]>;
  /** Deletes every message of a queue; returns what it held (the first 1,000). */
  purge(queue: string): Promise<readonly DeadLetterMessage[]>;
}

/** Options of {@linkcode createPipelineStores}. */
export interface StoresOptions {
  /** DynamoDB. */
  readonly dynamodb: InnerService;
  /** SQS and S3 (fauxqs). */
  readonly fauxqs: InnerService;
  /** Region the requests are signed for. */
  readonly region: string;
  /** SQS's message move tasks, for redriving a whole queue as AWS does. */
  readonly moveTasks?: MoveTasks;
}

/** A failed call to an emulator; the message is for the page. */
export class StoreError extends Error {
  /** Makes the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreError";
  }
}

const MAX_OBJECT_TEXT = 64 * 1024;
const MAX_BODY_TEXT = 1000;
const decoder = new TextDecoder();

interface FauxqsMessage {
  messageId: string;
  body: string;
  sentTimestamp: number;
  approximateReceiveCount: number;
}

interface FauxqsInspection {
  url: string;
  arn: string;
  messages: {
    ready: FauxqsMessage[];
    delayed: FauxqsMessage[];
    inflight: { message: FauxqsMessage }[];
  };
}

/** Makes the store access. */
export function createPipelineStores(options: StoresOptions): PipelineStores {
  const { dynamodb, fauxqs, region } = options;

  async function call(
    service: InnerService,
    target: string,
    body: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const { status, json } = await callInnerJson(service, target, body, {
      region,
      caller: "dashboard",
    });
    if (status !== 200) {
      const code = String(json.__type ?? "").split("#").pop() || `HTTP ${status}`;
      throw new StoreError(`${target.split(".").pop()} failed: ${code} ${json.message ?? ""}`);
    }
    return json;
  }

  function get(url: string): Promise<InnerResponse> {
    return fauxqs.handle({
      method: "GET",
      url,
      headers: { host: "127.0.0.1" },
      body: new Uint8Array(),
    });
  }

  async function inspect(queue: string): Promise<FauxqsInspection> {
    const answer = await get(`/_fauxqs/queues/${encodeURIComponent(queue)}`);
    if (answer.status !== 200) throw new StoreError(`Cannot inspect queue ${queue}: no such queue`);
    return JSON.parse(decoder.decode(answer.body)) as FauxqsInspection;
  }

  function listed(inspection: FauxqsInspection, limit: number): DeadLetterList {
    const { ready, inflight, delayed } = inspection.messages;
    const all: [FauxqsMessage, DeadLetterMessage["state"]][] = [
      ...ready.map((m) => [m, "ready"] as [FauxqsMessage, "ready"]),
      ...inflight.map((e) => [e.message, "inflight"] as [FauxqsMessage, "inflight"]),
      ...delayed.map((m) => [m, "delayed"] as [FauxqsMessage, "delayed"]),
    ];
    return {
      total: all.length,
      messages: all.slice(0, limit).map(([message, state]) => ({
        messageId: message.messageId,
        body: message.body.length > MAX_BODY_TEXT
          ? `${message.body.slice(0, MAX_BODY_TEXT)}…`
          : message.body,
        sentAt: message.sentTimestamp,
        receiveCount: message.approximateReceiveCount,
        state,
      })),
    };
  }

  /** Redrives a whole dead-letter queue to its source with a message move task. */
  async function moveAll(tasks: MoveTasks, sourceArn: string): Promise<MovedMessage[]> {
    const moved: MovedMessage[] = [];
    const started = tasks.start({ SourceArn: sourceArn }, { onMove: (move) => moved.push(move) });
    if ("error" in started) {
      throw new StoreError(
        `StartMessageMoveTask failed: ${started.error.code} ${started.error.message}`,
      );
    }
    const task = await tasks.ended(String(started.ok.TaskHandle));
    if (task.Status === "FAILED") {
      throw new StoreError(`The message move task failed: ${String(task.FailureReason)}`);
    }
    return moved;
  }

  return {
    async queueDepths() {
      const answer = await get("/_fauxqs/queues");
      if (answer.status !== 200) throw new StoreError("Cannot list the queues");
      const queues = JSON.parse(decoder.decode(answer.body)) as {
        name: string;
        approximateMessageCount: number;
        approximateInflightCount: number;
      }[];
      const depths: Record<string, { visible: number; inFlight: number }> = {};
      for (const queue of queues) {
        depths[queue.name] = {
          visible: queue.approximateMessageCount,
          inFlight: queue.approximateInflightCount,
        };
      }
      return depths;
    },

    async deadLetters(queue, limit) {
      return listed(await inspect(queue), limit);
    },

    async countItems(table) {
      let count = 0;
      let start: unknown;
      do {
        const page = await call(dynamodb, "DynamoDB_20120810.Scan", {
          TableName: table,
          Select: "COUNT",
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        });
        count += Number(page.Count ?? 0);
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return count;
    },

    async countObjects(bucket) {
      let count = 0;
      let token: string | undefined;
      do {
        const query = new URLSearchParams({ "list-type": "2", "max-keys": "1000" });
        if (token !== undefined) query.set("continuation-token", token);
        const answer = await get(`/${encodeURIComponent(bucket)}?${query}`);
        if (answer.status !== 200) throw new StoreError(`Cannot list bucket ${bucket}`);
        const xml = decoder.decode(answer.body);
        count += Number(/<KeyCount>(\d+)<\/KeyCount>/.exec(xml)?.[1] ?? 0);
        token = /<IsTruncated>true<\/IsTruncated>/.test(xml)
          ? /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(xml)?.[1]
          : undefined;
      } while (token !== undefined);
      return count;
    },

    async readItem(table, hashKey, key) {
      const answer = await call(dynamodb, "DynamoDB_20120810.GetItem", {
        TableName: table,
        Key: { [hashKey]: { S: key } },
        ConsistentRead: true,
      });
      const item = answer.Item;
      return typeof item === "object" && item !== null
        ? plainItem(item as Record<string, unknown>)
        : undefined;
    },

    async readObject(bucket, key) {
      const path = `/${encodeURIComponent(bucket)}/${
        key.split("/").map(encodeURIComponent).join("/")
      }`;
      const answer = await get(path);
      if (answer.status === 404) return undefined;
      if (answer.status !== 200) throw new StoreError(`Cannot read s3://${bucket}/${key}`);
      const bytes = answer.body.length > MAX_OBJECT_TEXT
        ? answer.body.subarray(0, MAX_OBJECT_TEXT)
        : answer.body;
      return decoder.decode(bytes);
    },

    async redrive(from, to, messageId) {
      const [source, target] = await Promise.all([inspect(from), inspect(to)]);
      if (messageId === undefined && options.moveTasks !== undefined) {
        return await moveAll(options.moveTasks, source.arn);
      }
      const fromUrl = source.url;
      const toUrl = target.url;
      const waiting = source.messages.ready.length;
      const moved: MovedMessage[] = [];
      const held: string[] = [];
      try {
        // Receive in tens until the message is found or the queue runs dry.
        const rounds = Math.ceil(waiting / 10) + 2;
        for (let round = 0; round < rounds; round++) {
          const received = await call(fauxqs, "AmazonSQS.ReceiveMessage", {
            QueueUrl: fromUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 30,
            WaitTimeSeconds: 0,
            MessageAttributeNames: ["All"],
          });
          const messages = (received.Messages ?? []) as {
            MessageId: string;
            ReceiptHandle: string;
            Body: string;
            MessageAttributes?: unknown;
          }[];
          if (messages.length === 0) break;
          for (const message of messages) {
            if (messageId !== undefined && message.MessageId !== messageId) {
              held.push(message.ReceiptHandle);
              continue;
            }
            const sent = await call(fauxqs, "AmazonSQS.SendMessage", {
              QueueUrl: toUrl,
              MessageBody: message.Body,
              ...(message.MessageAttributes === undefined
                ? {}
                : { MessageAttributes: message.MessageAttributes }),
            });
            await call(fauxqs, "AmazonSQS.DeleteMessage", {
              QueueUrl: fromUrl,
              ReceiptHandle: message.ReceiptHandle,
            });
            moved.push({
              messageId: message.MessageId,
              newMessageId: String(sent.MessageId ?? ""),
              body: message.Body,
            });
          }
          if (messageId !== undefined && moved.length > 0) break;
        }
      } finally {
        // Messages received while looking are visible again at once.
        await Promise.allSettled(
          held.map((handle) =>
            call(fauxqs, "AmazonSQS.ChangeMessageVisibility", {
              QueueUrl: fromUrl,
              ReceiptHandle: handle,
              VisibilityTimeout: 0,
            })
          ),
        );
      }
      return moved;
    },

    async purge(queue) {
      const inspection = await inspect(queue);
      await call(fauxqs, "AmazonSQS.PurgeQueue", { QueueUrl: inspection.url });
      return listed(inspection, 1000).messages;
    },
  };
}
