/**
 * The dashboard's JSON API beyond the snapshot: a laptop's trace with its
 * item and file (`GET /api/laptops/<uuid>`), a dead-letter queue's messages
 * (`GET /api/dlq/<queue>`), and its redrive and purge actions
 * (`POST /api/dlq/<queue>/redrive|purge`).
 *
 * @module
 */

import type { ResourceDefinition } from "../../lib/resources.ts";
import type { DashboardAggregator } from "./_aggregator.ts";
import { intParam, json } from "./_http.ts";
import { DLQ_LIST_LIMIT, type LiveReader } from "./_live_reader.ts";
import type { PipelineStores } from "./_stores.ts";
import type { ProgramSpan } from "./api_types.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What the API reads and acts on. */
export interface DashboardApiOptions {
  /** The pipeline's resources. */
  readonly resources: ResourceDefinition;
  /** The traces. */
  readonly aggregator: DashboardAggregator;
  /** The emulators. */
  readonly stores: PipelineStores;
  /** The live figures (a queue changed by an action is listed again). */
  readonly live: LiveReader;
  /** Pushes the figures now (after an action). */
  push(): Promise<void>;
  /** The programs' spans (the local AWS's `/v1/traces`), when kept. */
  readonly traces?: ProgramTraces;
}

/** Where the programs' spans of a laptop are found. */
export interface ProgramTraces {
  /** The trace of a laptop. */
  traceIdOf(uuid: string): string | undefined;
  /** A trace's spans, by start time. */
  get(traceId: string): readonly ProgramSpan[];
}

/** The API's handlers. */
export interface DashboardApi {
  /** `GET /api/laptops/<uuid>`. */
  laptop(uuid: string): Promise<Response>;
  /** `GET /api/dlq/<queue>?offset=&limit=`. */
  deadLetters(queue: string, url: URL): Promise<Response>;
  /** `POST /api/dlq/<queue>/redrive` or `/purge`. */
  act(queue: string, action: string, request: Request): Promise<Response>;
}

/** Makes the API's handlers. */
export function createDashboardApi(options: DashboardApiOptions): DashboardApi {
  const { resources, aggregator, stores, live } = options;
  const dlqSources = new Map([
    [resources.uploadQueue.deadLetterQueueName, resources.uploadQueue.name],
    [resources.updateQueue.deadLetterQueueName, resources.updateQueue.name],
  ]);

  async function redrive(queue: string, source: string, messageId: unknown): Promise<Response> {
    if (messageId !== undefined && typeof messageId !== "string") {
      return json(400, { error: "messageId must be a string" });
    }
    const moved = await stores.redrive(queue, source, messageId);
    aggregator.observeRedrive(queue, source, moved);
    live.forget(queue);
    await options.push();
    if (messageId !== undefined && moved.length === 0) {
      return json(409, { error: `Message ${messageId} is not waiting in ${queue}` });
    }
    return json(200, { moved: moved.length, from: queue, to: source });
  }

  async function purge(queue: string, confirm: unknown): Promise<Response> {
    if (confirm !== queue) {
      return json(400, { error: `Confirm the purge: send {"confirm": "${queue}"}` });
    }
    const purged = await stores.purge(queue);
    aggregator.observePurge(queue, purged);
    live.forget(queue);
    await options.push();
    return json(200, { purged: purged.length, queue });
  }

  return {
    async laptop(uuid) {
      if (!UUID.test(uuid)) return json(400, { error: `Not a uuid: ${uuid.slice(0, 60)}` });
      const trace = aggregator.trace(uuid);
      const [item, file] = await Promise.all([
        stores.readItem(resources.table.name, resources.table.hashKey, uuid),
        trace?.s3Key === undefined
          ? Promise.resolve(undefined)
          : stores.readObject(resources.bucket.name, trace.s3Key),
      ]);
      if (trace === undefined && item === undefined) {
        return json(404, { error: `No laptop ${uuid} seen since the local AWS started` });
      }
      const traceId = options.traces?.traceIdOf(uuid);
      return json(200, {
        traceId: traceId ?? null,
        spans: traceId === undefined ? [] : options.traces?.get(traceId) ?? [],
        uuid,
        trace: trace ?? null,
        item: item ?? null,
        file: file === undefined
          ? null
          : { bucket: resources.bucket.name, key: trace?.s3Key, text: file },
      });
    },

    async deadLetters(queue, url) {
      const source = dlqSources.get(queue);
      if (source === undefined) return json(404, { error: `Not a dead-letter queue: ${queue}` });
      const offset = intParam(url, "offset", 0, { min: 0, max: DLQ_LIST_LIMIT });
      const limit = intParam(url, "limit", 50, { min: 1, max: 200 });
      const list = await stores.deadLetters(queue, DLQ_LIST_LIMIT);
      return json(200, {
        queue,
        source,
        total: list.total,
        listed: list.messages.length,
        offset,
        messages: list.messages.slice(offset, offset + limit).map((message) => {
          const keys = keysOf(message.body);
          const uuid = keys.uuid ?? aggregator.uuidOfMessage(message.messageId);
          return { ...message, ...keys, ...(uuid === undefined ? {} : { uuid }) };
        }),
      });
    },

    async act(queue, action, request) {
      const source = dlqSources.get(queue);
      if (source === undefined) return json(404, { error: `Not a dead-letter queue: ${queue}` });
      let body: Record<string, unknown>;
      try {
        const value = await request.json() as unknown;
        body = typeof value === "object" && value !== null ? value as Record<string, unknown> : {};
      } catch {
        return json(400, { error: "Cannot read the request: its body is not JSON" });
      }
      return action === "redrive"
        ? await redrive(queue, source, body.messageId)
        : await purge(queue, body.confirm);
    },
  };
}

/** The laptop's keys in a message body, when it is one of the pipeline's. */
function keysOf(body: string): { uuid?: string; s3Key?: string } {
  try {
    const value = JSON.parse(body) as { dynamodb_key?: unknown; s3_key?: unknown };
    return {
      ...(typeof value.dynamodb_key === "string" ? { uuid: value.dynamodb_key } : {}),
      ...(typeof value.s3_key === "string" ? { s3Key: value.s3_key } : {}),
    };
  } catch {
    return {};
  }
}
