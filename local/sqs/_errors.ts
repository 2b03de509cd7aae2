/**
 * SQS errors as AWS sends them, and the request checks AWS makes that fauxqs
 * does not, or makes with other words (API reference: each action's "Errors"
 * and "Common Errors"; the developer guide's "Amazon SQS JSON API responses").
 * Pure.
 *
 * An error has two codes: the JSON protocol's (`__type`
 * `com.amazonaws.sqs#QueueDoesNotExist`) and the query protocol's, also sent
 * in the JSON protocol's `x-amzn-query-error` header
 * (`AWS.SimpleQueueService.NonExistentQueue;Sender`), which boto3 and the
 * AWS CLI report as the error code.
 *
 * @module
 */

/** An SQS error. */
export interface SqsErrorSpec {
  /** The JSON protocol's code (the shape name, `QueueDoesNotExist`). */
  readonly code: string;
  /** Message. */
  readonly message: string;
  /** HTTP status (default 400). */
  readonly status?: number;
  /** Whether the caller is at fault (default true). */
  readonly senderFault?: boolean;
}

/** An action's outcome in the JSON protocol's terms: its answer or its error. */
export type Outcome = { readonly ok: Record<string, unknown> } | { readonly error: SqsErrorSpec };

/** The query protocol's code of each JSON code that has a different one (AWS's SQS model). */
const QUERY_CODES: Readonly<Record<string, string>> = {
  QueueDoesNotExist: "AWS.SimpleQueueService.NonExistentQueue",
  QueueNameExists: "QueueAlreadyExists",
  QueueDeletedRecently: "AWS.SimpleQueueService.QueueDeletedRecently",
  PurgeQueueInProgress: "AWS.SimpleQueueService.PurgeQueueInProgress",
  MessageNotInflight: "AWS.SimpleQueueService.MessageNotInflight",
  EmptyBatchRequest: "AWS.SimpleQueueService.EmptyBatchRequest",
  TooManyEntriesInBatchRequest: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
  BatchEntryIdsNotDistinct: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
  BatchRequestTooLong: "AWS.SimpleQueueService.BatchRequestTooLong",
  InvalidBatchEntryId: "AWS.SimpleQueueService.InvalidBatchEntryId",
  UnsupportedOperation: "AWS.SimpleQueueService.UnsupportedOperation",
};

/** HTTP statuses other than 400 (AWS's SQS model). */
const STATUSES: Readonly<Record<string, number>> = {
  PurgeQueueInProgress: 403,
  OverLimit: 403,
  InvalidSecurity: 403,
  RequestThrottled: 403,
  ResourceNotFoundException: 404,
  InvalidAddress: 404,
};

/** The query protocol's code of an error. */
export function queryCode(code: string): string {
  return QUERY_CODES[code] ?? code;
}

/** The JSON code of a code given in either protocol's spelling. */
export function jsonCode(code: string): string {
  const short = code.slice(code.lastIndexOf("#") + 1);
  for (const [json, query] of Object.entries(QUERY_CODES)) if (query === short) return json;
  return short.startsWith("AWS.SimpleQueueService.")
    ? short.slice("AWS.SimpleQueueService.".length)
    : short;
}

/** The HTTP status of an error. */
export function errorStatus(spec: SqsErrorSpec): number {
  return spec.status ?? STATUSES[spec.code] ?? 400;
}

/** The valid characters of a message body (AWS: `#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`). */
export const INVALID_BODY_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** AWS's message for a body with a character outside {@linkcode INVALID_BODY_CHARACTER}'s set. */
export const INVALID_CONTENTS_MESSAGE =
  "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF";

/** Maximum size of a message, and of a batch (AWS raised both to 1 MiB in 2025). */
export const MAX_MESSAGE_BYTES = 1_048_576;

/** The attributes a queue can be created or updated with. */
const SETTABLE_ATTRIBUTES = new Set([
  "DelaySeconds",
  "MaximumMessageSize",
  "MessageRetentionPeriod",
  "Policy",
  "ReceiveMessageWaitTimeSeconds",
  "VisibilityTimeout",
  "RedrivePolicy",
  "RedriveAllowPolicy",
  "KmsMasterKeyId",
  "KmsDataKeyReusePeriodSeconds",
  "SqsManagedSseEnabled",
  "FifoQueue",
  "ContentBasedDeduplication",
  "DeduplicationScope",
  "FifoThroughputLimit",
]);

/** The attributes `GetQueueAttributes` knows. */
const READABLE_ATTRIBUTES = new Set([
  ...SETTABLE_ATTRIBUTES,
  "All",
  "ApproximateNumberOfMessages",
  "ApproximateNumberOfMessagesNotVisible",
  "ApproximateNumberOfMessagesDelayed",
  "CreatedTimestamp",
  "LastModifiedTimestamp",
  "QueueArn",
]);

const BATCH_ENTRY_NAMES: Readonly<Record<string, string>> = {
  SendMessageBatch: "SendMessageBatchRequestEntry",
  DeleteMessageBatch: "DeleteMessageBatchRequestEntry",
  ChangeMessageVisibilityBatch: "ChangeMessageVisibilityBatchRequestEntry",
};

const encoder = new TextEncoder();

const RECEIPT_HANDLE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A batch entry refused on its own, reported in the answer's `Failed`. */
export interface FailedEntry {
  readonly Id: string;
  readonly SenderFault: true;
  readonly Code: string;
  readonly Message: string;
}

/** What {@linkcode checkRequest} found. */
export interface RequestCheck {
  /** The error of the whole request, if any. */
  readonly error?: SqsErrorSpec;
  /** Batch entries that fail on their own (the rest go ahead). */
  readonly failed?: readonly FailedEntry[];
}

type Json = Record<string, unknown>;

/**
 * Checks a request (in the JSON protocol's shape) as AWS does before acting
 * on it.
 *
 * @example Usage
 * ```ts
 * import { checkRequest } from "./_errors.ts";
 *
 * checkRequest("SendMessageBatch", { QueueUrl: "q", Entries: [] }).error?.message;
 * // "There should be at least one SendMessageBatchRequestEntry in the request."
 * ```
 */
export function checkRequest(action: string, body: Json): RequestCheck {
  switch (action) {
    case "CreateQueue":
      return { ...maybe(checkQueueName(body.QueueName) ?? checkAttributeNames(body.Attributes)) };
    case "SetQueueAttributes":
      return { ...maybe(checkAttributeNames(body.Attributes)) };
    case "GetQueueAttributes":
      return { ...maybe(checkReadableNames(body.AttributeNames)) };
    case "SendMessage":
      return {
        ...maybe(
          checkDelay(body.DelaySeconds) ?? checkBody(body.MessageBody) ??
            checkMessageAttributes(body.MessageAttributes),
        ),
      };
    case "ReceiveMessage":
      return { ...maybe(checkReceive(body)) };
    case "DeleteMessage":
      return { ...maybe(checkReceiptHandle(body.ReceiptHandle)) };
    case "ChangeMessageVisibility":
      return {
        ...maybe(checkReceiptHandle(body.ReceiptHandle) ?? checkVisibility(body.VisibilityTimeout)),
      };
    case "SendMessageBatch":
    case "DeleteMessageBatch":
    case "ChangeMessageVisibilityBatch":
      return checkBatch(action, body);
    default:
      return {};
  }
}

/**
 * Rewrites an error fauxqs sent into AWS's words, or returns it unchanged.
 */
export function awsError(spec: SqsErrorSpec): SqsErrorSpec {
  const code = jsonCode(spec.code);
  let message = spec.message;
  const attribute = /^Invalid value for the parameter (\w+)\..+/.exec(message);
  if (attribute) message = `Invalid value for the parameter ${attribute[1]}.`;
  if (code === "InvalidMessageContents") message = INVALID_CONTENTS_MESSAGE;
  if (message.startsWith("The name of a FIFO queue can only include")) {
    message =
      "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.";
  }
  return { ...spec, code, message };
}

function maybe(error: SqsErrorSpec | undefined): { error?: SqsErrorSpec } {
  return error === undefined ? {} : { error };
}

function invalid(message: string): SqsErrorSpec {
  return { code: "InvalidParameterValue", message };
}

function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

function checkQueueName(name: unknown): SqsErrorSpec | undefined {
  if (typeof name !== "string" || name === "") {
    return {
      code: "MissingParameter",
      message: "The request must contain the parameter QueueName.",
    };
  }
  const base = name.endsWith(".fifo") ? name.slice(0, -5) : name;
  if (!/^[A-Za-z0-9_-]+$/.test(base) || name.length > 80) {
    return invalid(
      "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
    );
  }
  return undefined;
}

function checkAttributeNames(attributes: unknown): SqsErrorSpec | undefined {
  if (attributes === null || typeof attributes !== "object") return undefined;
  for (const name of Object.keys(attributes)) {
    if (!SETTABLE_ATTRIBUTES.has(name)) {
      return { code: "InvalidAttributeName", message: `Unknown Attribute ${name}.` };
    }
  }
  return undefined;
}

function checkReadableNames(names: unknown): SqsErrorSpec | undefined {
  if (!Array.isArray(names)) return undefined;
  for (const name of names) {
    if (typeof name !== "string" || !READABLE_ATTRIBUTES.has(name)) {
      return { code: "InvalidAttributeName", message: `Unknown Attribute ${String(name)}.` };
    }
  }
  return undefined;
}

function checkDelay(delay: unknown): SqsErrorSpec | undefined {
  if (delay === undefined || delay === null) return undefined;
  if (!isInteger(delay) || delay < 0 || delay > 900) {
    return invalid(
      `Value ${
        String(delay)
      } for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`,
    );
  }
  return undefined;
}

function checkBody(body: unknown): SqsErrorSpec | undefined {
  if (typeof body !== "string" || body === "") {
    return {
      code: "MissingParameter",
      message: "The request must contain the parameter MessageBody.",
    };
  }
  if (INVALID_BODY_CHARACTER.test(body)) {
    return { code: "InvalidMessageContents", message: INVALID_CONTENTS_MESSAGE };
  }
  return undefined;
}

function checkMessageAttributes(attributes: unknown): SqsErrorSpec | undefined {
  if (attributes === null || typeof attributes !== "object") return undefined;
  const entries = Object.entries(attributes as Json);
  if (entries.length > 10) {
    return invalid(
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`,
    );
  }
  for (const [name, raw] of entries) {
    if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name) || name.startsWith(".") || name.endsWith(".")) {
      return invalid(
        `The message attribute name '${name}' is invalid. Attribute name can contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) characters.`,
      );
    }
    const value = (raw ?? {}) as Json;
    const type = typeof value.DataType === "string" ? value.DataType : "";
    if (type === "") {
      return invalid(
        `The message attribute '${name}' must contain non-empty message attribute type.`,
      );
    }
    const base = type.split(".")[0];
    if (base !== "String" && base !== "Number" && base !== "Binary") {
      return invalid(
        `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    const hasValue = base === "Binary"
      ? typeof value.BinaryValue === "string" && value.BinaryValue !== ""
      : typeof value.StringValue === "string" && value.StringValue !== "";
    if (!hasValue) {
      return invalid(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${base}'.`,
      );
    }
    if (
      base === "Number" && !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(String(value.StringValue))
    ) {
      return invalid(
        `Can't cast the value of message (user) attribute '${name}' to a number.`,
      );
    }
  }
  return undefined;
}

function checkReceive(body: Json): SqsErrorSpec | undefined {
  const max = body.MaxNumberOfMessages;
  if (max !== undefined && max !== null && (!isInteger(max) || max < 1 || max > 10)) {
    return invalid(
      `Value ${
        String(max)
      } for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
    );
  }
  const wait = body.WaitTimeSeconds;
  if (wait !== undefined && wait !== null && (!isInteger(wait) || wait < 0 || wait > 20)) {
    return invalid(
      `Value ${
        String(wait)
      } for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`,
    );
  }
  const visibility = body.VisibilityTimeout;
  if (
    visibility !== undefined && visibility !== null &&
    (!isInteger(visibility) || visibility < 0 || visibility > 43200)
  ) {
    return invalid(
      `Value ${
        String(visibility)
      } for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.`,
    );
  }
  return undefined;
}

function checkVisibility(visibility: unknown): SqsErrorSpec | undefined {
  if (!isInteger(visibility) || visibility < 0 || visibility > 43200) {
    return invalid(
      `Value ${
        String(visibility)
      } for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]`,
    );
  }
  return undefined;
}

function invalidHandle(handle: unknown): string {
  return `The input receipt handle "${String(handle)}" is not a valid receipt handle.`;
}

function checkReceiptHandle(handle: unknown): SqsErrorSpec | undefined {
  if (typeof handle !== "string" || handle === "") {
    return {
      code: "MissingParameter",
      message: "The request must contain the parameter ReceiptHandle.",
    };
  }
  if (!RECEIPT_HANDLE.test(handle)) {
    return { code: "ReceiptHandleIsInvalid", message: invalidHandle(handle) };
  }
  return undefined;
}

function checkBatch(action: string, body: Json): RequestCheck {
  const entryName = BATCH_ENTRY_NAMES[action] ?? "Entry";
  const entries = Array.isArray(body.Entries) ? body.Entries as Json[] : [];
  if (entries.length === 0) {
    return {
      error: {
        code: "EmptyBatchRequest",
        message: `There should be at least one ${entryName} in the request.`,
      },
    };
  }
  if (entries.length > 10) {
    return {
      error: {
        code: "TooManyEntriesInBatchRequest",
        message: `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
      },
    };
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    const id = entry.Id;
    if (typeof id !== "string" || !/^[A-Za-z0-9_-]{1,80}$/.test(id)) {
      return {
        error: {
          code: "InvalidBatchEntryId",
          message:
            "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.",
        },
      };
    }
    if (seen.has(id)) {
      return { error: { code: "BatchEntryIdsNotDistinct", message: `Id ${id} repeated.` } };
    }
    seen.add(id);
  }
  const failed: FailedEntry[] = [];
  if (action === "SendMessageBatch") {
    let total = 0;
    for (const entry of entries) {
      total += encoder.encode(String(entry.MessageBody ?? "")).length;
      for (const [name, raw] of Object.entries((entry.MessageAttributes ?? {}) as Json)) {
        const value = (raw ?? {}) as Json;
        total += name.length + String(value.DataType ?? "").length +
          String(value.StringValue ?? value.BinaryValue ?? "").length;
      }
    }
    if (total > MAX_MESSAGE_BYTES) {
      return {
        error: {
          code: "BatchRequestTooLong",
          message:
            `Batch requests cannot be longer than ${MAX_MESSAGE_BYTES} bytes. You have sent ${total} bytes.`,
        },
      };
    }
    for (const entry of entries) {
      const error = checkBody(entry.MessageBody) ?? checkMessageAttributes(entry.MessageAttributes);
      if (error !== undefined && error.code !== "InvalidMessageContents") return { error };
      const entryError = error ?? checkDelay(entry.DelaySeconds);
      if (entryError !== undefined) {
        failed.push(failure(entry.Id as string, entryError));
      }
    }
  } else {
    for (const entry of entries) {
      const error = checkReceiptHandle(entry.ReceiptHandle) ??
        (action === "ChangeMessageVisibilityBatch"
          ? checkVisibility(entry.VisibilityTimeout)
          : undefined);
      if (error !== undefined) failed.push(failure(entry.Id as string, error));
    }
  }
  return failed.length === 0 ? {} : { failed };
}

function failure(id: string, error: SqsErrorSpec): FailedEntry {
  return { Id: id, SenderFault: true, Code: error.code, Message: error.message };
}
