/**
 * What the SQS layer reads and writes directly in the SQS emulator's queue
 * store, below its HTTP interface: which queue an ARN names (so that every
 * form of a queue URL finds the same queue, or none), which queues redrive to
 * a dead-letter queue, and the message moves of AWS's DLQ redrive
 * (`StartMessageMoveTask`). Writes go through the emulator's own persistence.
 *
 * @module
 */

/** A message as a move task carries it from one queue to another. */
export interface MovedMessage {
  /** Its id in the queue it was taken from. */
  readonly messageId: string;
  /** Body. */
  readonly body: string;
  /** Message attributes, as the emulator stores them. */
  readonly messageAttributes: Readonly<Record<string, unknown>>;
}

/** Direct access to the SQS emulator's queues, named by ARN. */
export interface SqsQueues {
  /** The stored URL of the queue with this ARN, or undefined when there is none. */
  queueUrl(arn: string): string | undefined;
  /** Whether the queue is a FIFO queue (false when it does not exist). */
  isFifo(arn: string): boolean;
  /** The ARNs of the queues whose redrive policy names `arn` as dead-letter queue. */
  deadLetterSources(arn: string): string[];
  /** How many messages of the queue are visible now (0 when it does not exist). */
  visibleCount(arn: string): number;
  /** Takes the oldest visible message off the queue, or undefined. */
  takeVisible(arn: string): MovedMessage | undefined;
  /** Sends `message` to the queue as a new message (sent now); its new id, or undefined when the queue is gone. */
  enqueue(arn: string, message: MovedMessage): string | undefined;
}
