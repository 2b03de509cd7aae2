/**
 * DynamoDB in front of dynalite: what AWS has added or reworded since
 * dynalite 4, in a layer.
 *
 * - Table ARNs wherever a table name goes (`local/dynamodb/_compat.ts`).
 * - Validation messages in AWS's current words.
 * - `TransactWriteItems` and `TransactGetItems`: the operations are applied
 *   one by one with their conditions while every other request waits (a
 *   transaction holds the layer's lock alone; other requests share it, so
 *   they never wait for each other); if one condition fails, the applied
 *   ones are undone from the items' earlier images and the request fails
 *   with `TransactionCanceledException` and AWS's cancellation reasons.
 *   Reads see a transaction whole or not at all.
 * - Time to live enforced: a background sweep deletes expired items
 *   (`local/dynamodb/_ttl_sweeper.ts`).
 * - `UpdateTimeToLive`/`DescribeTimeToLive`,
 *   `UpdateContinuousBackups`/`DescribeContinuousBackups` (settings kept,
 *   as records of the S3 store, so they persist with the rest),
 *   `DescribeLimits` and `DescribeEndpoints`.
 *
 * @module
 */

import type { InnerRequest, InnerResponse } from "../core/mod.ts";
import { callInnerJson, encodeJsonBody, jsonBody } from "../core/mod.ts";
import type { DynaliteService, S3Vault } from "../engines/mod.ts";
import {
  awsMessage,
  cancellationMessage,
  type CancellationReason,
  itemIdentity,
  operationKey,
  type TransactOperation,
  transactOperations,
  withTableArns,
  withTableNames,
} from "./_compat.ts";
import { SharedLock } from "./_shared_lock.ts";
import { startTtlSweeper } from "./_ttl_sweeper.ts";

/** Options of {@linkcode createDynamoDbLayer}. */
export interface DynamoDbLayerOptions {
  /** dynalite. */
  readonly dynamodb: DynaliteService;
  /** Where table settings dynalite does not keep are recorded. */
  readonly vault: S3Vault;
  /**
   * Milliseconds between two sweeps that delete expired items of the tables
   * whose time to live is enabled. Default {@linkcode DEFAULT_TTL_SWEEP_MS}.
   */
  readonly ttlSweepMs?: number;
  /** Stops the background work (the TTL sweeps). Without it, no sweep runs. */
  readonly signal?: AbortSignal;
  /** The region the layer's own calls to dynalite name. Default `us-east-1`. */
  readonly region?: string;
}

/**
 * How often expired items are deleted unless told otherwise: every minute.
 * AWS deletes them "typically within a few days"; a minute keeps a local run
 * close to what people see on a quiet table, without scanning all the time.
 */
export const DEFAULT_TTL_SWEEP_MS = 60_000;

/** The DynamoDB layer: answers one DynamoDB request. */
export interface DynamoDbLayer {
  /** Answers `request`, whose operation the router named. */
  handle(operation: string, request: InnerRequest): Promise<InnerResponse>;
}

type Json = Record<string, unknown>;

/** An answer in JSON terms. */
interface Answer {
  readonly status: number;
  readonly json: Json;
}

/**
 * Makes the DynamoDB layer.
 *
 * @example Usage
 * ```ts
 * // Needs the engines the local AWS starts (dynalite, fauxqs): type-checked by `deno task ok`, not run.
 * import type { InnerRequest } from "../core/mod.ts";
 * import type { DynaliteService, FauxqsService } from "../engines/mod.ts";
 * import { createDynamoDbLayer } from "./_layer.ts";
 *
 * declare const dynamodb: DynaliteService, fauxqs: FauxqsService, request: InnerRequest;
 * const layer = createDynamoDbLayer({ dynamodb, vault: fauxqs.vault });
 * const answer = await layer.handle("TransactWriteItems", request);
 * ```
 */
export function createDynamoDbLayer(options: DynamoDbLayerOptions): DynamoDbLayer {
  const { dynamodb, vault } = options;
  // Every request shares it; a transaction holds it alone.
  const isolation = new SharedLock();
  if (options.signal !== undefined) {
    startTtlSweeper({
      intervalMs: options.ttlSweepMs ?? DEFAULT_TTL_SWEEP_MS,
      signal: options.signal,
      // The service's own deletions: straight to dynalite, never seen by the
      // router, its statistics or IAM.
      call: (operation, body) =>
        callInnerJson(dynamodb, `DynamoDB_20120810.${operation}`, body, {
          region: options.region ?? "us-east-1",
          caller: "dynamodb.amazonaws.com",
        }),
      ttlAttribute: (table) => vault.readRecord(`dynamodb/ttl/${table}`),
      write: (task) => isolation.shared(task),
    });
  }

  return {
    async handle(operation, request) {
      // Shared with IAM and the dashboard: read, never changed.
      const parsed = request.body.length === 0 ? {} : jsonBody(request.body);
      if (parsed === null || typeof parsed !== "object") return await dynamodb.handle(request);
      const body = parsed as Json;
      const named = withTableNames(body);
      const run = () => answer(operation, named.body, request);
      const result = operation === "TransactWriteItems"
        ? await isolation.exclusive(run)
        : await isolation.shared(run);
      return respond(result.status, withTableArns(result.json, named.arnKeys));
    },
  };

  async function answer(operation: string, body: Json, request: InnerRequest): Promise<Answer> {
    const blank = blankExpression(operation, body);
    if (blank !== undefined) return validation(blank);
    switch (operation) {
      case "TransactWriteItems":
        return await transactWrite(body, request);
      case "TransactGetItems":
        return await transactGet(body, request);
      case "UpdateTimeToLive":
        return await updateTimeToLive(body, request);
      case "DescribeTimeToLive":
        return await describeSetting(body, request, "ttl", (value) => ({
          TimeToLiveDescription: value === undefined
            ? { TimeToLiveStatus: "DISABLED" }
            : { TimeToLiveStatus: "ENABLED", AttributeName: value },
        }));
      case "UpdateContinuousBackups":
        return await updateContinuousBackups(body, request);
      case "DescribeContinuousBackups":
        return await describeSetting(body, request, "pitr", (value) => ({
          ContinuousBackupsDescription: continuousBackups(value === "ENABLED"),
        }));
      case "DescribeLimits":
        return {
          status: 200,
          json: {
            AccountMaxReadCapacityUnits: 80000,
            AccountMaxWriteCapacityUnits: 80000,
            TableMaxReadCapacityUnits: 40000,
            TableMaxWriteCapacityUnits: 40000,
          },
        };
      case "DescribeEndpoints":
        return {
          status: 200,
          json: {
            Endpoints: [{
              Address: request.headers.host ?? "localhost",
              CachePeriodInMinutes: 1440,
            }],
          },
        };
    }
    const name = String(body.TableName ?? "");
    const protection = `dynamodb/protect/${name}`;
    if (operation === "DeleteTable" && vault.readRecord(protection) !== undefined) {
      const missing = await tableExists(body, request);
      if (missing !== undefined) return missing;
      return validation(
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
      );
    }
    let forwarded = body;
    const protect = body.DeletionProtectionEnabled;
    if (
      typeof protect === "boolean" && (operation === "CreateTable" || operation === "UpdateTable")
    ) {
      const { DeletionProtectionEnabled: _, ...rest } = body;
      forwarded = rest;
      if (operation === "UpdateTable" && Object.keys(rest).length === 1) {
        const described = await call("DescribeTable", { TableName: name }, request);
        if (described.status !== 200) return described;
        setProtection(name, protect);
        return {
          status: 200,
          json: { TableDescription: withProtection(described.json.Table as Json, name) },
        };
      }
    }
    const result = await call(operation, forwarded, request);
    if (result.status !== 200) return result;
    if (operation === "DeleteTable") {
      for (const kind of ["ttl", "pitr", "protect"]) vault.deleteRecord(`dynamodb/${kind}/${name}`);
    }
    if (
      typeof protect === "boolean" && (operation === "CreateTable" || operation === "UpdateTable")
    ) {
      setProtection(name, protect);
    }
    for (const field of ["Table", "TableDescription"]) {
      const table = result.json[field];
      if (table !== null && typeof table === "object" && operation !== "DeleteTable") {
        return {
          ...result,
          json: { ...result.json, [field]: withProtection(table as Json, name) },
        };
      }
    }
    return result;
  }

  function setProtection(table: string, enabled: boolean): void {
    if (enabled) vault.writeRecord(`dynamodb/protect/${table}`, "true");
    else vault.deleteRecord(`dynamodb/protect/${table}`);
  }

  /** A table description with AWS's `DeletionProtectionEnabled`. */
  function withProtection(table: Json, name: string): Json {
    return {
      ...table,
      DeletionProtectionEnabled: vault.readRecord(`dynamodb/protect/${name}`) !== undefined,
    };
  }

  /** Calls dynalite. */
  async function call(operation: string, body: Json, request: InnerRequest): Promise<Answer> {
    const headers: Record<string, string> = {
      ...request.headers,
      "x-amz-target": `DynamoDB_20120810.${operation}`,
      "content-type": request.headers["content-type"] ?? "application/x-amz-json-1.0",
    };
    delete headers["content-length"];
    // An answer without JSON keeps its status.
    const inner = await dynamodb.callJson(headers, body);
    const json = inner.status >= 400 && typeof inner.json.message === "string"
      ? { ...inner.json, message: awsMessage(inner.json.message) }
      : inner.json;
    return { status: inner.status, json };
  }

  async function keyNames(table: string, request: InnerRequest): Promise<string[] | Answer> {
    const described = await call("DescribeTable", { TableName: table }, request);
    if (described.status !== 200) return described;
    const schema = (described.json.Table as { KeySchema?: { AttributeName: string }[] })
      ?.KeySchema ?? [];
    return schema.map((key) => key.AttributeName);
  }

  async function transactWrite(body: Json, request: InnerRequest): Promise<Answer> {
    const operations = transactOperations(body.TransactItems, [
      "Put",
      "Update",
      "Delete",
      "ConditionCheck",
    ]);
    if (typeof operations === "string") return validation(operations);
    // Each item's key and earlier image, before anything changes.
    const keys: Json[] = [];
    const images: (Json | undefined)[] = [];
    const seen = new Set<string>();
    const schemas = new Map<string, string[]>();
    for (const operation of operations) {
      const table = String(operation.params.TableName ?? "");
      let names = schemas.get(table);
      if (names === undefined) {
        const found = await keyNames(table, request);
        if (!Array.isArray(found)) return found;
        names = found;
        schemas.set(table, names);
      }
      const key = operationKey(operation, names);
      const identity = itemIdentity(table, key);
      if (seen.has(identity)) {
        return validation("Transaction request cannot include multiple operations on one item");
      }
      seen.add(identity);
      const got = await call(
        "GetItem",
        { TableName: table, Key: key, ConsistentRead: true },
        request,
      );
      if (got.status !== 200) return got;
      keys.push(key);
      images.push(got.json.Item as Json | undefined);
    }
    const reasons: CancellationReason[] = [];
    const applied: number[] = [];
    for (const [index, operation] of operations.entries()) {
      const outcome = await applyOperation(operation, keys[index] ?? {}, images[index], request);
      if (outcome.status === 200) {
        applied.push(index);
        reasons.push({ Code: "None" });
        continue;
      }
      const code = errorCode(outcome.json);
      if (code !== "ConditionalCheckFailedException") {
        await undo(operations, applied, keys, images, request);
        return outcome;
      }
      const image = images[index];
      reasons.push({
        Code: "ConditionalCheckFailed",
        Message: "The conditional request failed",
        ...(operation.params.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && image
          ? { Item: image }
          : {}),
      });
    }
    if (reasons.some((reason) => reason.Code !== "None")) {
      await undo(operations, applied, keys, images, request);
      return {
        status: 400,
        json: {
          __type: "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
          message: cancellationMessage(reasons),
          CancellationReasons: reasons,
        },
      };
    }
    // A condition check on a missing item wrote its key: take it away again.
    const checks = applied.filter((index) =>
      operations[index]?.kind === "ConditionCheck" && images[index] === undefined
    );
    await undo(operations, checks, keys, images, request);
    return { status: 200, json: {} };
  }

  function applyOperation(
    operation: TransactOperation,
    key: Json,
    image: Json | undefined,
    request: InnerRequest,
  ): Promise<Answer> {
    const { ReturnValuesOnConditionCheckFailure: _, ...params } = operation.params;
    switch (operation.kind) {
      case "Put":
        return call("PutItem", params, request);
      case "Update":
        return call("UpdateItem", params, request);
      case "Delete":
        return call("DeleteItem", params, request);
      default: {
        // A condition check writes nothing: rewrite the item as it is (or
        // write its key alone, undone below) under the condition.
        const { Key: _key, ...check } = params;
        return call("PutItem", { ...check, Item: image ?? key }, request);
      }
    }
  }

  async function undo(
    operations: readonly TransactOperation[],
    applied: readonly number[],
    keys: readonly Json[],
    images: readonly (Json | undefined)[],
    request: InnerRequest,
  ): Promise<void> {
    for (const index of [...applied].reverse()) {
      const table = operations[index]?.params.TableName;
      const image = images[index];
      if (image === undefined) {
        await call("DeleteItem", { TableName: table, Key: keys[index] }, request);
      } else {
        await call("PutItem", { TableName: table, Item: image }, request);
      }
    }
  }

  async function transactGet(body: Json, request: InnerRequest): Promise<Answer> {
    const operations = transactOperations(body.TransactItems, ["Get"]);
    if (typeof operations === "string") return validation(operations);
    const responses: Json[] = [];
    for (const operation of operations) {
      const got = await call("GetItem", { ...operation.params, ConsistentRead: true }, request);
      if (got.status !== 200) return got;
      responses.push(got.json.Item === undefined ? {} : { Item: got.json.Item });
    }
    return { status: 200, json: { Responses: responses } };
  }

  async function tableExists(body: Json, request: InnerRequest): Promise<Answer | undefined> {
    const described = await call("DescribeTable", { TableName: body.TableName }, request);
    return described.status === 200 ? undefined : described;
  }

  async function updateTimeToLive(body: Json, request: InnerRequest): Promise<Answer> {
    const missing = await tableExists(body, request);
    if (missing !== undefined) return missing;
    const spec = (body.TimeToLiveSpecification ?? {}) as {
      Enabled?: boolean;
      AttributeName?: string;
    };
    if (
      typeof spec.Enabled !== "boolean" || typeof spec.AttributeName !== "string" ||
      spec.AttributeName === ""
    ) {
      return validation(
        "1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null",
      );
    }
    const record = `dynamodb/ttl/${String(body.TableName)}`;
    const current = vault.readRecord(record);
    if (spec.Enabled && current !== undefined) return validation("TimeToLive is already enabled");
    if (!spec.Enabled && current === undefined) return validation("TimeToLive is already disabled");
    if (spec.Enabled) vault.writeRecord(record, spec.AttributeName);
    else vault.deleteRecord(record);
    return {
      status: 200,
      json: {
        TimeToLiveSpecification: { Enabled: spec.Enabled, AttributeName: spec.AttributeName },
      },
    };
  }

  async function updateContinuousBackups(body: Json, request: InnerRequest): Promise<Answer> {
    const missing = await tableExists(body, request);
    if (missing !== undefined) return missing;
    const spec = (body.PointInTimeRecoverySpecification ?? {}) as {
      PointInTimeRecoveryEnabled?: boolean;
    };
    const enabled = spec.PointInTimeRecoveryEnabled === true;
    const record = `dynamodb/pitr/${String(body.TableName)}`;
    if (enabled) vault.writeRecord(record, "ENABLED");
    else vault.deleteRecord(record);
    return { status: 200, json: { ContinuousBackupsDescription: continuousBackups(enabled) } };
  }

  async function describeSetting(
    body: Json,
    request: InnerRequest,
    kind: string,
    render: (value: string | undefined) => Json,
  ): Promise<Answer> {
    const missing = await tableExists(body, request);
    if (missing !== undefined) return missing;
    return {
      status: 200,
      json: render(vault.readRecord(`dynamodb/${kind}/${String(body.TableName)}`)),
    };
  }
}

function continuousBackups(pointInTime: boolean): Json {
  const now = Date.now() / 1000;
  return {
    ContinuousBackupsStatus: "ENABLED",
    PointInTimeRecoveryDescription: pointInTime
      ? {
        PointInTimeRecoveryStatus: "ENABLED",
        RecoveryPeriodInDays: 35,
        EarliestRestorableDateTime: now,
        LatestRestorableDateTime: now,
      }
      : { PointInTimeRecoveryStatus: "DISABLED" },
  };
}

/**
 * AWS's answer to an expression of blanks alone, which it reads as empty;
 * dynalite reports a syntax error of its parser instead.
 */
function blankExpression(operation: string, body: Json): string | undefined {
  if (operation !== "UpdateItem") return undefined;
  for (const field of ["UpdateExpression", "ConditionExpression"]) {
    const text = body[field];
    if (typeof text === "string" && text !== "" && text.trim() === "") {
      return `Invalid ${field}: The expression can not be empty;`;
    }
  }
  return undefined;
}

function validation(message: string): Answer {
  return {
    status: 400,
    json: { __type: "com.amazon.coral.validate#ValidationException", message },
  };
}

function errorCode(json: Json): string {
  const type = typeof json.__type === "string" ? json.__type : "";
  return type.slice(type.lastIndexOf("#") + 1);
}

function respond(status: number, json: Json): InnerResponse {
  return {
    status,
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-requestid": crypto.randomUUID(),
    },
    body: encodeJsonBody(json),
  };
}
