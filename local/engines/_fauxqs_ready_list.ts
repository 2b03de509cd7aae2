/**
 * fauxqs's ready lists with a front that costs nothing to take from.
 *
 * fauxqs (pinned version) keeps a standard queue's visible messages in one
 * array and takes each received message off its front with `shift()`. For a
 * long array (tens of thousands of messages, a backlog) V8 moves every
 * element for each `shift()`: up to ten times per receive. Measured: 42 % of
 * the local AWS's busy time under `ReceiveMessage` with 80,000 messages
 * waiting.
 *
 * Here each queue's `messages` is a {@linkcode ReadyList}: what fauxqs and
 * the local AWS use of the array (`length`, `shift()`, `push()`, iteration),
 * with a start index that `shift()` moves; the array is cut once half of it
 * is taken, so each message costs a constant time however long the list.
 * A list fauxqs assigns (`messages = []` when a queue is purged) becomes one
 * too. The messages, their order and what every reader sees are the same.
 *
 * @module
 */

/** A queue of fauxqs's SQS store (the member used here). */
export interface ReadyQueue {
  messages: Iterable<unknown>;
}

/** The array is cut when at least this many messages, and half of it, are taken. */
const CUT_FROM = 1024;
const KEPT = Symbol("ready list kept");

/**
 * A queue's visible messages, oldest first, with the members of an array
 * that fauxqs's queue uses.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ReadyList } from "./_fauxqs_ready_list.ts";
 *
 * const list = new ReadyList(["a", "b"]);
 * list.push("c");
 * assert.equal(list.shift(), "a");
 * assert.deepEqual([...list], ["b", "c"]);
 * assert.equal(list.length, 2);
 * ```
 */
export class ReadyList<T> implements Iterable<T> {
  #items: (T | undefined)[];
  #start = 0;

  /** A list of `items`, in their order. */
  constructor(items: Iterable<T> = []) {
    this.#items = [...items];
  }

  /** How many messages are in the list. */
  get length(): number {
    return this.#items.length - this.#start;
  }

  /** Takes the oldest message off the list; undefined when it is empty. */
  shift(): T | undefined {
    if (this.#start === this.#items.length) return undefined;
    const item = this.#items[this.#start];
    this.#items[this.#start++] = undefined;
    if (this.#start === this.#items.length) {
      this.#items = [];
      this.#start = 0;
    } else if (this.#start >= CUT_FROM && this.#start * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#start);
      this.#start = 0;
    }
    return item;
  }

  /** Adds messages at the end; the new length. */
  push(...items: T[]): number {
    for (const item of items) this.#items.push(item);
    return this.length;
  }

  /** The messages, oldest first. */
  *[Symbol.iterator](): Iterator<T> {
    for (let index = this.#start; index < this.#items.length; index++) {
      yield this.#items[index] as T;
    }
  }
}

/**
 * Makes `queue.messages` a {@linkcode ReadyList}, now and whenever a list is
 * assigned to it. Changes only this queue object; a queue done already is
 * left as it is.
 *
 * @param queue A queue of fauxqs's SQS store.
 */
export function keepReadyList(queue: ReadyQueue): void {
  const marked = queue as ReadyQueue & { [KEPT]?: true };
  if (marked[KEPT]) return;
  marked[KEPT] = true;
  let list = new ReadyList(queue.messages);
  Object.defineProperty(queue, "messages", {
    get: () => list,
    set: (items: Iterable<unknown>) => {
      list = items instanceof ReadyList ? items : new ReadyList(items);
    },
    enumerable: true,
    configurable: true,
  });
}
