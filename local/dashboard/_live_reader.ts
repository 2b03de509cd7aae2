/**
 * The live figures a dashboard cannot see in requests, read from the
 * emulators: the queues' depths (and, when a dead-letter queue's depth
 * changed, which laptops wait in it), and the counts of items and objects,
 * counted again in the background at most every 3 s and only after writes
 * (the writes seen since the last count are added in between).
 *
 * @module
 */

import type { ResourceDefinition } from "../../lib/resources.ts";
import type { DashboardAggregator, LiveCounts } from "./_aggregator.ts";
import { messageOf } from "./_http.ts";
import type { PipelineStores } from "./_stores.ts";

const RECOUNT_MS = 3_000;

/** Messages of a dead-letter queue listed at most. */
export const DLQ_LIST_LIMIT = 1000;

/** Options of {@linkcode LiveReader}. */
export interface LiveReaderOptions {
  /** The emulators. */
  readonly stores: PipelineStores;
  /** The pipeline's resources. */
  readonly resources: ResourceDefinition;
  /** Where the writes are counted and the dead letters marked. */
  readonly aggregator: DashboardAggregator;
  /** The dead-letter queues to watch. */
  readonly deadLetterQueues: Iterable<string>;
  /** Keeps a background count until the dashboard closes. */
  track<T>(promise: Promise<T>): Promise<T>;
}

/** Reads the emulators' live figures. */
export class LiveReader {
  readonly #options: LiveReaderOptions;
  #depths: Record<string, { visible: number; inFlight: number }> = {};
  #items: number | null = null;
  #objects: number | null = null;
  #countedWrites = -1;
  #countedNet = { objects: 0, items: 0 };
  #countedAt = 0;
  #counting = false;
  readonly #dlqSeen = new Map<string, string>();

  /** Makes a reader; nothing is read until {@linkcode LiveReader.readQueues}. */
  constructor(options: LiveReaderOptions) {
    this.#options = options;
  }

  /** The last figures read, plus what was written since the last count. */
  counts(lambdaRunning: number | null): LiveCounts {
    const net = this.#options.aggregator.netWrites;
    const items = this.#items;
    const objects = this.#objects;
    return {
      queues: this.#depths,
      items: items === null ? null : Math.max(0, items + net.items - this.#countedNet.items),
      objects: objects === null
        ? null
        : Math.max(0, objects + net.objects - this.#countedNet.objects),
      lambdaRunning,
    };
  }

  /** Reads the queues' depths, and lists a dead-letter queue whose depth changed. */
  async readQueues(): Promise<void> {
    const { stores, aggregator } = this.#options;
    this.#depths = await stores.queueDepths();
    for (const queue of this.#options.deadLetterQueues) {
      const depth = this.#depths[queue];
      const signature = depth === undefined ? "0/0" : `${depth.visible}/${depth.inFlight}`;
      if (this.#dlqSeen.get(queue) === signature) continue;
      this.#dlqSeen.set(queue, signature);
      const list = await stores.deadLetters(queue, DLQ_LIST_LIMIT);
      aggregator.observeDeadLetters(queue, list.messages, list.total <= list.messages.length);
    }
  }

  /** Lists a dead-letter queue again at the next read (after a redrive or purge). */
  forget(queue: string): void {
    this.#dlqSeen.delete(queue);
  }

  /** Counts items and objects again when they may have changed (in the background). */
  recount(): void {
    const { aggregator, stores, resources } = this.#options;
    const writes = aggregator.writes;
    if (this.#counting || (writes === this.#countedWrites && this.#items !== null)) return;
    if (Date.now() - this.#countedAt < RECOUNT_MS && this.#items !== null) return;
    this.#counting = true;
    const startedNet = aggregator.netWrites;
    this.#options.track((async () => {
      try {
        const [itemCount, objectCount] = await Promise.all([
          stores.countItems(resources.table.name),
          stores.countObjects(resources.bucket.name),
        ]);
        this.#items = itemCount;
        this.#objects = objectCount;
        this.#countedWrites = writes;
        this.#countedNet = startedNet;
      } catch (error) {
        console.error(`dashboard: cannot count items and objects: ${messageOf(error)}`);
      } finally {
        this.#countedAt = Date.now();
        this.#counting = false;
      }
    })());
  }
}
