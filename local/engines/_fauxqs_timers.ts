/**
 * fauxqs's visibility timeouts without a scan of every in-flight message on
 * every receive.
 *
 * fauxqs (pinned version) runs a queue's timers (`processTimers()`) before
 * each receive, and every 20 ms while a long poll waits: it walks all the
 * queue's in-flight messages to find those whose visibility timeout is over.
 * With many messages in flight (a consumer that receives faster than it
 * deletes) each receive cost time in proportion to them: measured, 59 % of
 * the local AWS's busy time under `ReceiveMessage`.
 *
 * Here each queue keeps a time before which no in-flight message is due:
 * lowered whenever fauxqs makes a message in flight (`dequeue`,
 * `dequeueFifo`) or moves its deadline (`changeVisibility`), computed again
 * after a walk. While the time has not come, fauxqs's own `processTimers()`
 * runs with no in-flight messages to walk (its delayed messages are moved as
 * before); from then on it runs as it is. The messages that come back are the
 * same, in the same order: only walks that would find nothing are skipped.
 *
 * @module
 */

/** An in-flight message as fauxqs's queue holds it (the field used here). */
interface InflightEntry {
  visibilityDeadline: number;
}

/** A queue of fauxqs's SQS store (the members used here). */
export interface TimedQueue {
  inflightMessages: Map<string, InflightEntry>;
  processTimers(): void;
  dequeue(...args: unknown[]): { ReceiptHandle: string }[];
  dequeueFifo(...args: unknown[]): { ReceiptHandle: string }[];
  changeVisibility(receiptHandle: string, timeoutSeconds: number): void;
}

/** What a walk would see while nothing is due: no in-flight message. */
const NOTHING_IN_FLIGHT = new Map<string, InflightEntry>();
const INDEXED = Symbol("visibility timers indexed");

/**
 * Makes `queue`'s timers skip the walks of its in-flight messages that would
 * move none. Changes only this queue object; a queue done already is left
 * as it is.
 *
 * @param queue A queue of fauxqs's SQS store.
 * @param now The clock fauxqs reads (`Date.now`).
 */
export function indexVisibilityTimers(queue: TimedQueue, now: () => number = Date.now): void {
  const marked = queue as TimedQueue & { [INDEXED]?: true };
  if (marked[INDEXED]) return;
  marked[INDEXED] = true;
  const { processTimers, dequeue, dequeueFifo, changeVisibility } = queue;
  /** No in-flight message is due before this time; -Infinity: unknown. */
  let nextDue = -Infinity;
  const lower = (entry: InflightEntry | undefined) => {
    if (entry !== undefined && entry.visibilityDeadline < nextDue) {
      nextDue = entry.visibilityDeadline;
    }
  };
  queue.processTimers = function () {
    const inflight = this.inflightMessages;
    if (inflight.size > 0 && nextDue > now()) {
      this.inflightMessages = NOTHING_IN_FLIGHT;
      try {
        processTimers.call(this);
      } finally {
        this.inflightMessages = inflight;
      }
      return;
    }
    processTimers.call(this);
    nextDue = Infinity;
    for (const entry of this.inflightMessages.values()) lower(entry);
  };
  const received = (taken: { ReceiptHandle: string }[], self: TimedQueue) => {
    for (const message of taken) lower(self.inflightMessages.get(message.ReceiptHandle));
    return taken;
  };
  queue.dequeue = function (...args) {
    return received(dequeue.apply(this, args), this);
  };
  queue.dequeueFifo = function (...args) {
    return received(dequeueFifo.apply(this, args), this);
  };
  queue.changeVisibility = function (receiptHandle, timeoutSeconds) {
    changeVisibility.call(this, receiptHandle, timeoutSeconds);
    lower(this.inflightMessages.get(receiptHandle));
  };
}
