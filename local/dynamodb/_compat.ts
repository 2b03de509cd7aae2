/**
 * DynamoDB requests and answers as AWS has them today, where dynalite 4 is
 * older: a table ARN wherever a table name goes (AWS accepts both since
 * 2024), the current wording of its validation messages, and the pieces of
 * `TransactWriteItems` that can be computed without a store. Pure.
 *
 * @module
 */

type Json = Record<string, unknown>;

const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/([a-zA-Z0-9_.-]{3,255})$/;

/** The table name of an ARN (`arn:aws:dynamodb:us-east-1:000000000000:table/laptops`), or the text itself. */
export function tableName(nameOrArn: string): string {
  return TABLE_ARN.exec(nameOrArn)?.[1] ?? nameOrArn;
}

/** A request with table ARNs replaced by names, and how to put the ARNs back in the answer. */
export interface NamedRequest {
  /** The request for dynalite. */
  readonly body: Json;
  /** Table name → the ARN the caller used for it in a map key (batch operations). */
  readonly arnKeys: ReadonlyMap<string, string>;
}

/**
 * Replaces table ARNs by table names in `TableName`, in `RequestItems`' keys
 * (`BatchGetItem`, `BatchWriteItem`) and in `TransactItems`' operations.
 *
 * @example Usage
 * ```ts
 * import { withTableNames } from "./_compat.ts";
 *
 * withTableNames({ TableName: "arn:aws:dynamodb:us-east-1:000000000000:table/laptops" }).body;
 * // { TableName: "laptops" }
 * ```
 */
export function withTableNames(body: Json): NamedRequest {
  const arnKeys = new Map<string, string>();
  const out: Json = { ...body };
  if (typeof out.TableName === "string") out.TableName = tableName(out.TableName);
  if (out.RequestItems !== null && typeof out.RequestItems === "object") {
    const items: Json = {};
    for (const [key, value] of Object.entries(out.RequestItems as Json)) {
      const name = tableName(key);
      if (name !== key) arnKeys.set(name, key);
      items[name] = value;
    }
    out.RequestItems = items;
  }
  if (Array.isArray(out.TransactItems)) {
    out.TransactItems = (out.TransactItems as Json[]).map((item) => {
      const renamed: Json = {};
      for (const [kind, operation] of Object.entries(item ?? {})) {
        const op = operation as Json;
        renamed[kind] = typeof op?.TableName === "string"
          ? { ...op, TableName: tableName(op.TableName) }
          : op;
      }
      return renamed;
    });
  }
  return { body: out, arnKeys };
}

/** Puts the caller's ARNs back as the keys of a batch answer's table maps. */
export function withTableArns(answer: Json, arnKeys: ReadonlyMap<string, string>): Json {
  if (arnKeys.size === 0) return answer;
  const out: Json = { ...answer };
  for (const field of ["Responses", "UnprocessedItems", "UnprocessedKeys"]) {
    const map = out[field];
    if (map === null || typeof map !== "object") continue;
    const renamed: Json = {};
    for (const [name, value] of Object.entries(map as Json)) {
      renamed[arnKeys.get(name) ?? name] = value;
    }
    out[field] = renamed;
  }
  return out;
}

/** dynalite's messages that AWS now words differently: [old prefix, AWS's]. */
const REWORDED: readonly (readonly [string, string])[] = [
  [
    "One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain an empty string value.",
    "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value.",
  ],
  [
    "One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain an empty binary value.",
    "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value.",
  ],
];

/** A validation message in AWS's current words. */
export function awsMessage(message: string): string {
  for (const [old, current] of REWORDED) {
    if (message.startsWith(old)) return current + message.slice(old.length);
  }
  return message;
}

/** One operation of `TransactWriteItems`. */
export interface TransactOperation {
  /** `Put`, `Update`, `Delete` or `ConditionCheck`. */
  readonly kind: string;
  /** The operation's parameters (`TableName`, `Key` or `Item`, expressions). */
  readonly params: Json;
}

/** Reads `TransactItems`, or says why AWS would refuse them. */
export function transactOperations(
  items: unknown,
  kinds: readonly string[],
): TransactOperation[] | string {
  if (!Array.isArray(items) || items.length === 0 || items.length > 100) {
    const count = Array.isArray(items) ? items.length : 0;
    return `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length ${
      count === 0 ? "greater than or equal to 1" : "less than or equal to 100"
    }`;
  }
  const operations: TransactOperation[] = [];
  for (const item of items as Json[]) {
    const present = Object.entries(item ?? {}).filter(([kind, value]) =>
      kinds.includes(kind) && value !== null && typeof value === "object"
    );
    if (present.length !== 1) {
      return "TransactItems can only contain one of " + kinds.join(", ");
    }
    const [kind, params] = present[0] as [string, Json];
    operations.push({ kind, params });
  }
  return operations;
}

/** The `Key` of an operation's item, from its `Key` or (for `Put`) its `Item`. */
export function operationKey(operation: TransactOperation, keyNames: readonly string[]): Json {
  if (operation.kind !== "Put") return (operation.params.Key ?? {}) as Json;
  const item = (operation.params.Item ?? {}) as Json;
  const key: Json = {};
  for (const name of keyNames) if (name in item) key[name] = item[name];
  return key;
}

/** A stable text of a table and key, to find two operations on one item. */
export function itemIdentity(table: string, key: Json): string {
  return `${table}\u0000${
    JSON.stringify(Object.keys(key).sort().map((name) => [name, key[name]]))
  }`;
}

/** A cancellation reason of `TransactionCanceledException`. */
export interface CancellationReason {
  readonly Code: string;
  readonly Message?: string;
  readonly Item?: Json;
}

/** `TransactionCanceledException`'s message for these reasons, as AWS writes it. */
export function cancellationMessage(reasons: readonly CancellationReason[]): string {
  return `Transaction cancelled, please refer cancellation reasons for specific reasons [${
    reasons.map((reason) => reason.Code).join(", ")
  }]`;
}
