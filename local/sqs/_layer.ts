/**
 * SQS in front of fauxqs: both of AWS's protocols, AWS's errors, and the
 * actions fauxqs lacks.
 *
 * - The query protocol (`local/sqs/_query.ts`) is translated to the JSON protocol
 *   and back, for every action; its queue URLs carry the origin the client
 *   used, as the router does for JSON.
 * - Requests are checked as AWS checks them (`local/sqs/_errors.ts`) before fauxqs
 *   sees them; batch entries that fail on their own are reported in
 *   `Failed` while the others go ahead; fauxqs's errors get AWS's codes
 *   (`x-amzn-query-error` included) and words.
 * - A `QueueUrl` names a queue by its path and the region the request was
 *   signed for (`local/sqs/_queue_ref.ts`), whatever host it names; a queue
 *   that does not exist is AWS's `QueueDoesNotExist` on every action, before
 *   fauxqs sees the request.
 * - `ListDeadLetterSourceQueues`, `AddPermission` and `RemovePermission`
 *   are answered here from the queues' attributes; the message move tasks
 *   (AWS's DLQ redrive) by `local/sqs/_move_tasks.ts`.
 * - The `AWSTraceHeader` system attribute travels through fauxqs as AWS
 *   carries it (`local/sqs/_trace_header.ts`).
 *
 * @module
 */

import type { InnerRequest, InnerResponse } from "../core/mod.ts";
import { jsonBody } from "../core/mod.ts";
import type { SqsActions, SqsQueues } from "../engines/mod.ts";
import { rewriteQueueUrls } from "./_queue_url.ts";
import {
  awsError,
  checkRequest,
  errorStatus,
  type Outcome,
  queryCode,
  type SqsErrorSpec,
} from "./_errors.ts";
import { NON_EXISTENT_QUEUE, QUEUE_URL_ACTIONS, queueArnOf, signingRegion } from "./_queue_ref.ts";
import { messageMoveTasks } from "./_move_tasks.ts";
import { jsonToQueryXml, queryErrorXml, queryToJson } from "./_query.ts";
import { hideTraceHeaders, revealTraceHeaders } from "./_trace_header.ts";

/** Options of {@linkcode createSqsLayer}. */
export interface SqsLayerOptions {
  /** The SQS emulator's actions. */
  readonly fauxqs: SqsActions;
  /** Direct access to the emulator's queues. */
  readonly queues: SqsQueues;
  /** The region of requests that are not signed. */
  readonly region: string;
}

/** The SQS layer: answers one SQS request. */
export interface SqsLayer {
  /** Answers `request`, whose action the router named. */
  handle(action: string, request: InnerRequest): Promise<InnerResponse>;
}

type Json = Record<string, unknown>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The actions fauxqs answers (the others are answered here or refused). */
const FAUXQS_ACTIONS = new Set([
  "CreateQueue",
  "DeleteQueue",
  "GetQueueUrl",
  "ListQueues",
  "GetQueueAttributes",
  "SetQueueAttributes",
  "PurgeQueue",
  "SendMessage",
  "ReceiveMessage",
  "DeleteMessage",
  "SendMessageBatch",
  "DeleteMessageBatch",
  "ChangeMessageVisibility",
  "ChangeMessageVisibilityBatch",
  "TagQueue",
  "UntagQueue",
  "ListQueueTags",
]);

/**
 * Makes the SQS layer.
 *
 * @example Usage
 * ```ts
 * // Needs fauxqs, which the local AWS starts: type-checked by `deno task ok`, not run.
 * import type { InnerRequest } from "../core/mod.ts";
 * import type { FauxqsService } from "../engines/mod.ts";
 * import { createSqsLayer } from "./_layer.ts";
 *
 * declare const fauxqs: FauxqsService, request: InnerRequest;
 * const sqs = createSqsLayer({ fauxqs, queues: fauxqs.queues, region: "us-east-1" });
 * const answer = await sqs.handle("ListQueues", request);
 * ```
 */
export function createSqsLayer(options: SqsLayerOptions): SqsLayer {
  const { fauxqs, queues } = options;
  const moveTasks = messageMoveTasks(queues);

  return {
    async handle(action, request) {
      const requestId = crypto.randomUUID();
      const isQuery = request.headers["x-amz-target"] === undefined;
      let body: Json;
      if (isQuery) {
        body = queryToJson(action, queryParams(request));
        // The query protocol may name the queue by the path it is sent to.
        const path = new URL(request.url, "http://localhost").pathname;
        if (body.QueueUrl === undefined && /^\/\d{12}\/[^/]+$/.test(path)) {
          body.QueueUrl = `http://${request.headers.host ?? "localhost"}${path}`;
        }
      } else {
        // Parsed once for IAM, this layer and the dashboard: the copy is this layer's to change.
        const parsed = request.body.length === 0 ? {} : jsonBody(request.body);
        if (parsed === undefined) {
          return jsonError(
            { code: "SerializationException", message: "Cannot parse the request body as JSON" },
            requestId,
          );
        }
        body = typeof parsed === "object" && parsed !== null ? { ...parsed as Json } : {};
      }
      const outcome = await act(action, body, request);
      if (!isQuery) {
        return "ok" in outcome
          ? {
            status: 200,
            headers: {
              "content-type": "application/x-amz-json-1.0",
              "x-amzn-requestid": requestId,
            },
            body: encoder.encode(JSON.stringify(outcome.ok)),
          }
          : jsonError(outcome.error, requestId);
      }
      if ("error" in outcome) {
        return {
          status: errorStatus(outcome.error),
          headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
          body: encoder.encode(queryErrorXml(outcome.error, requestId)),
        };
      }
      const origin = `http://${request.headers.host ?? "localhost"}`;
      const answer = JSON.parse(rewriteQueueUrls(JSON.stringify(outcome.ok), origin)) as Json;
      return {
        status: 200,
        headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
        body: encoder.encode(jsonToQueryXml(action, answer, requestId)),
      };
    },
  };

  async function act(action: string, body: Json, request: InnerRequest): Promise<Outcome> {
    if (QUEUE_URL_ACTIONS.has(action)) {
      const named = queueArnOf(
        body.QueueUrl,
        signingRegion(request.headers.authorization) ?? options.region,
      );
      if ("error" in named) return named;
      const url = queues.queueUrl(named.arn);
      if (url === undefined) return { error: NON_EXISTENT_QUEUE };
      // fauxqs finds the queue by the URL it stored, whatever form the client sent.
      body.QueueUrl = url;
    }
    const check = checkRequest(action, body);
    if (check.error !== undefined) return { error: check.error };
    switch (action) {
      case "StartMessageMoveTask":
        return moveTasks.start(body);
      case "ListMessageMoveTasks":
        return moveTasks.list(body);
      case "CancelMessageMoveTask":
        return moveTasks.cancel(body);
      case "ListDeadLetterSourceQueues":
        return await listDeadLetterSourceQueues(body, request);
      case "AddPermission":
        return await addPermission(body, request);
      case "RemovePermission":
        return await removePermission(body, request);
    }
    if (!FAUXQS_ACTIONS.has(action)) {
      return {
        error: {
          code: "InvalidAction",
          message: `The action ${action} is not valid for this endpoint.`,
        },
      };
    }
    const failed = check.failed ?? [];
    let forwarded = body;
    if (failed.length > 0) {
      const refused = new Set(failed.map((entry) => entry.Id));
      const entries = (body.Entries as Json[]).filter((entry) => !refused.has(entry.Id as string));
      if (entries.length === 0) return { ok: { Successful: [], Failed: failed } };
      forwarded = { ...body, Entries: entries };
    }
    const called = await call(action, hideTraceHeaders(action, forwarded), request);
    const outcome = "error" in called
      ? called
      : { ok: revealTraceHeaders(action, forwarded, called.ok) };
    if ("error" in outcome || failed.length === 0) return outcome;
    const done = outcome.ok;
    return {
      ok: {
        ...done,
        Successful: done.Successful ?? [],
        Failed: [...((done.Failed as unknown[] | undefined) ?? []), ...failed],
      },
    };
  }

  /** Calls fauxqs with the request as an object. */
  async function call(action: string, body: Json, request: InnerRequest): Promise<Outcome> {
    const answer = await fauxqs.callSqs(action, body, request.headers);
    const { json } = answer;
    if (answer.status < 300) return { ok: json };
    // An error without a JSON body is reported by its status.
    const fault = answer.queryError?.split(";")[1];
    return {
      error: awsError({
        code: typeof json.__type === "string" ? json.__type : "InternalFailure",
        message: typeof json.message === "string" ? json.message : `Status ${answer.status}`,
        status: answer.status,
        ...(fault === "Receiver" ? { senderFault: false } : {}),
      }),
    };
  }

  async function queueAttributes(
    queueUrl: unknown,
    names: string[],
    request: InnerRequest,
  ): Promise<{ attributes: Record<string, string> } | { error: SqsErrorSpec }> {
    const outcome = await call(
      "GetQueueAttributes",
      { QueueUrl: queueUrl, AttributeNames: names },
      request,
    );
    if ("error" in outcome) return outcome;
    return { attributes: (outcome.ok.Attributes ?? {}) as Record<string, string> };
  }

  async function listDeadLetterSourceQueues(body: Json, request: InnerRequest): Promise<Outcome> {
    const target = await queueAttributes(body.QueueUrl, ["QueueArn"], request);
    if ("error" in target) return target;
    const listed = await call("ListQueues", {}, request);
    if ("error" in listed) return listed;
    const sources: string[] = [];
    for (const url of (listed.ok.QueueUrls ?? []) as string[]) {
      const queue = await queueAttributes(url, ["RedrivePolicy"], request);
      if ("error" in queue) continue;
      const policy = queue.attributes.RedrivePolicy;
      if (policy === undefined) continue;
      try {
        const { deadLetterTargetArn } = JSON.parse(policy) as { deadLetterTargetArn?: string };
        if (deadLetterTargetArn === target.attributes.QueueArn) sources.push(url);
      } catch {
        // A malformed policy names no dead-letter queue.
      }
    }
    const start = Number(body.NextToken ?? 0) || 0;
    const max = typeof body.MaxResults === "number" ? body.MaxResults : 1000;
    const page = sources.slice(start, start + max);
    return {
      ok: {
        queueUrls: page,
        ...(start + max < sources.length && body.MaxResults !== undefined
          ? { NextToken: String(start + max) }
          : {}),
      },
    };
  }

  async function addPermission(body: Json, request: InnerRequest): Promise<Outcome> {
    const label = typeof body.Label === "string" ? body.Label : "";
    const accounts = Array.isArray(body.AWSAccountIds) ? body.AWSAccountIds as string[] : [];
    const actions = Array.isArray(body.Actions) ? body.Actions as string[] : [];
    for (
      const [name, value] of [["Label", label], ["AWSAccountIds", accounts], [
        "Actions",
        actions,
      ]] as const
    ) {
      if (value.length === 0) {
        return {
          error: {
            code: "MissingParameter",
            message: `The request must contain the parameter ${name}.`,
          },
        };
      }
    }
    const queue = await queueAttributes(body.QueueUrl, ["QueueArn", "Policy"], request);
    if ("error" in queue) return queue;
    const arn = queue.attributes.QueueArn ?? "";
    const policy = parsePolicy(queue.attributes.Policy, arn);
    if (policy.Statement.some((statement) => statement.Sid === label)) {
      return {
        error: {
          code: "InvalidParameterValue",
          message: `Value ${label} for parameter Label is invalid. Reason: Already exists.`,
        },
      };
    }
    const partition = arn.split(":")[1] ?? "aws";
    policy.Statement.push({
      Sid: label,
      Effect: "Allow",
      Principal: {
        AWS: accounts.map((account) => `arn:${partition}:iam::${account}:root`),
      },
      Action: actions.map((name) => `SQS:${name}`),
      Resource: arn,
    });
    return setPolicy(body.QueueUrl, policy, request);
  }

  async function removePermission(body: Json, request: InnerRequest): Promise<Outcome> {
    const label = typeof body.Label === "string" ? body.Label : "";
    const queue = await queueAttributes(body.QueueUrl, ["QueueArn", "Policy"], request);
    if ("error" in queue) return queue;
    const policy = parsePolicy(queue.attributes.Policy, queue.attributes.QueueArn ?? "");
    const kept = policy.Statement.filter((statement) => statement.Sid !== label);
    if (kept.length === policy.Statement.length) {
      return {
        error: {
          code: "InvalidParameterValue",
          message:
            `Value ${label} for parameter Label is invalid. Reason: can't find label on existing policy.`,
        },
      };
    }
    return setPolicy(body.QueueUrl, { ...policy, Statement: kept }, request);
  }

  async function setPolicy(
    queueUrl: unknown,
    policy: Policy,
    request: InnerRequest,
  ): Promise<Outcome> {
    const outcome = await call("SetQueueAttributes", {
      QueueUrl: queueUrl,
      Attributes: { Policy: policy.Statement.length === 0 ? "" : JSON.stringify(policy) },
    }, request);
    return "error" in outcome ? outcome : { ok: {} };
  }
}

interface Policy {
  Version: string;
  Id: string;
  Statement: { Sid?: string; [field: string]: unknown }[];
}

function parsePolicy(text: string | undefined, arn: string): Policy {
  const empty = { Version: "2012-10-17", Id: `${arn}/SQSDefaultPolicy`, Statement: [] };
  if (text === undefined || text === "") return empty;
  try {
    const parsed = JSON.parse(text) as Partial<Policy>;
    return {
      ...empty,
      ...parsed,
      Statement: Array.isArray(parsed.Statement) ? parsed.Statement : [],
    };
  } catch {
    return empty;
  }
}

/** The parameters of a query-protocol request: its query string and its form body. */
function queryParams(request: InnerRequest): URLSearchParams {
  const params = new URL(request.url, "http://localhost").searchParams;
  const type = request.headers["content-type"] ?? "";
  if (type.startsWith("application/x-www-form-urlencoded")) {
    for (const [name, value] of new URLSearchParams(decoder.decode(request.body))) {
      params.append(name, value);
    }
  }
  return params;
}

function jsonError(error: SqsErrorSpec, requestId: string): InnerResponse {
  const fault = error.senderFault === false ? "Receiver" : "Sender";
  return {
    status: errorStatus(error),
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-requestid": requestId,
      "x-amzn-query-error": `${queryCode(error.code)};${fault}`,
    },
    body: encoder.encode(
      JSON.stringify({ __type: `com.amazonaws.sqs#${error.code}`, message: error.message }),
    ),
  };
}
