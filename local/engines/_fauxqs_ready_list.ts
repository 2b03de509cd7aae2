/**
 * fauxqs's receive from a long queue without moving the whole ready list once
 * per message.
 *
 * fauxqs (pinned version) keeps a standard queue's visible messages in one
 * array and takes each received message off its front with `shift()`. For a
 * long array (tens of thousands of messages, a backlog) V8 moves every
 * element for each `shift()`: up to ten times per receive. Measured: 42 % of
 * the local AWS's busy time under `ReceiveMessage` with 80,000 messages
 * waiting.
 *
 * Here, while fauxqs's `dequeue()` runs on a long list, it sees a view of the
 * list whose `shift()` only moves a start index; the taken messages leave the
 * array in one `splice()` once it returns. Messages that fauxqs puts back
 * meanwhile (`push()`, from its timers) go to the end of the array, as they
 * would have. The messages received, their order and the list left behind are
 * the same.
 *
 * @module
 */

/** A queue of fauxqs's SQS store (the members used here). */
export interface ReadyQueue {
  messages: unknown[];
  dequeue(...args: unknown[]): unknown[];
}

/** From this length on, a receive takes its messages through a view. */
const LONG = 4096;
const VIEWED = Symbol("ready list viewed");

/** The ready list as fauxqs's `dequeue()` uses it: `length`, `shift()`, `push()`. */
class ShiftView {
  #all: unknown[];
  #start = 0;

  constructor(all: unknown[]) {
    this.#all = all;
  }

  get length(): number {
    return this.#all.length - this.#start;
  }

  shift(): unknown {
    return this.#start < this.#all.length ? this.#all[this.#start++] : undefined;
  }

  push(...items: unknown[]): number {
    this.#all.push(...items);
    return this.length;
  }

  /** Takes the shifted messages off the array, all at once. */
  settle(): void {
    if (this.#start > 0) this.#all.splice(0, this.#start);
    this.#start = 0;
  }
}

/**
 * Makes `queue`'s receives from a long ready list take their messages in one
 * move. Changes only this queue object; a queue done already is left as it is.
 *
 * @param queue A standard or FIFO queue of fauxqs's SQS store (FIFO queues
 * keep their messages elsewhere and are not changed in effect).
 */
export function takeReadyInOneMove(queue: ReadyQueue): void {
  const marked = queue as ReadyQueue & { [VIEWED]?: true };
  if (marked[VIEWED]) return;
  marked[VIEWED] = true;
  const dequeue = queue.dequeue;
  queue.dequeue = function (...args) {
    const all = this.messages;
    if (all.length < LONG) return dequeue.apply(this, args);
    const view = new ShiftView(all);
    this.messages = view as unknown as unknown[];
    try {
      return dequeue.apply(this, args);
    } finally {
      view.settle();
      if (this.messages === (view as unknown)) this.messages = all;
    }
  };
}
