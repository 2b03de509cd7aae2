/**
 * The errors of `lib/` that callers tell apart: each one names a condition a
 * caller is expected to catch, carries the data it needs and keeps the
 * error that caused it as `cause`. Anything else is a plain `Error`,
 * `TypeError` or `RangeError`.
 *
 * @module
 */

/** A configuration variable is missing or invalid: the program cannot start (exit code 1). */
export class ConfigError extends Error {
  /** The variable at fault. */
  readonly variable: string;

  /**
   * Constructs a new instance.
   *
   * @param message The error message.
   * @param variable The variable at fault.
   */
  constructor(message: string, variable: string) {
    super(message);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

/**
 * The command line is wrong: the program prints the message and its usage
 * and exits with code 2.
 *
 * @example Usage
 * ```ts
 * import { UsageError } from "./errors.ts";
 *
 * const error = new UsageError("Invalid --wait 30: give a whole number from 0 to 20");
 * console.log(error.name); // "UsageError"
 * ```
 */
export class UsageError extends Error {
  /**
   * Constructs a new instance.
   *
   * @param message What is wrong, for the user.
   * @param options The error that caused it, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** Where a record is kept: the DynamoDB item or the S3 file. */
export type RecordStore = "item" | "file";

/** What a {@linkcode RecordError} is about, and the error that said so. */
export interface RecordErrorDetails {
  /** Which of the two is at fault. */
  readonly store: RecordStore;
  /** The item's key or the object's key. */
  readonly key: string;
  /** The error that said so, if any. */
  readonly cause?: unknown;
}

/** The record a message names cannot be compared: see its two kinds below. */
export class RecordError extends Error {
  /** Which of the two is at fault. */
  readonly store: RecordStore;
  /** The item's key or the object's key. */
  readonly key: string;

  /**
   * Constructs a new instance.
   *
   * @param message The error message.
   * @param details What is at fault, and the error that said so.
   */
  constructor(message: string, details: RecordErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "RecordError";
    this.store = details.store;
    this.key = details.key;
  }
}

/**
 * A message names a record that is not there: no item with its key, or no
 * object with its file name. Trying again later may find it (a message sent
 * before its record was written, or a record deleted since).
 */
export class MissingRecordError extends RecordError {
  /**
   * Constructs a new instance.
   *
   * @param message The error message.
   * @param details What is missing, and the error that said so.
   */
  constructor(message: string, details: RecordErrorDetails) {
    super(message, details);
    this.name = "MissingRecordError";
  }
}

/**
 * A record is there but is not the laptop record the message names: not a
 * record at all, too large, or another record's. Trying again does not help.
 */
export class InvalidRecordError extends RecordError {
  /**
   * Constructs a new instance.
   *
   * @param message The error message.
   * @param details What is at fault, and the error that said so.
   */
  constructor(message: string, details: RecordErrorDetails) {
    super(message, details);
    this.name = "InvalidRecordError";
  }
}

/**
 * DynamoDB left keys unprocessed (`UnprocessedKeys` of `BatchGetItem`,
 * `UnprocessedItems` of `BatchWriteItem`) through every attempt: the table
 * is throttled. The call may be made again for {@linkcode keys}.
 */
export class UnprocessedKeysError extends Error {
  /** The batch operation. */
  readonly operation: "BatchGetItem" | "BatchWriteItem";
  /** The `uuid` keys still unprocessed. */
  readonly keys: readonly string[];

  /**
   * Constructs a new instance.
   *
   * @param message The error message.
   * @param details The operation and the keys left.
   */
  constructor(
    message: string,
    details: {
      readonly operation: "BatchGetItem" | "BatchWriteItem";
      readonly keys: readonly string[];
    },
  ) {
    super(message);
    this.name = "UnprocessedKeysError";
    this.operation = details.operation;
    this.keys = details.keys;
  }
}
