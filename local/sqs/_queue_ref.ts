/**
 * Which queue a `QueueUrl` names, as AWS reads it: the account and the name
 * from the URL's path (`/<account>/<name>`), the region from the endpoint the
 * request was sent to, that is the region it was signed for. The URL's host
 * is not read: the local endpoint's URL, `https://sqs.<region>.amazonaws.com/…`
 * and the legacy `https://queue.amazonaws.com/…` name the same queue ("The SDK
 * and AWS CLI don't get the destination Region from the queue URL",
 * knowledge-center/sqs-queuedoesnotexist-errors). Pure.
 *
 * @module
 */

import type { SqsErrorSpec } from "./_errors.ts";

/** The actions that take a `QueueUrl` (AWS's SQS API reference). */
export const QUEUE_URL_ACTIONS: ReadonlySet<string> = new Set([
  "AddPermission",
  "ChangeMessageVisibility",
  "ChangeMessageVisibilityBatch",
  "DeleteMessage",
  "DeleteMessageBatch",
  "DeleteQueue",
  "GetQueueAttributes",
  "ListDeadLetterSourceQueues",
  "ListQueueTags",
  "PurgeQueue",
  "ReceiveMessage",
  "RemovePermission",
  "SendMessage",
  "SendMessageBatch",
  "SetQueueAttributes",
  "TagQueue",
  "UntagQueue",
]);

/** AWS's error for a queue that does not exist (every action's "Errors"). */
export const NON_EXISTENT_QUEUE: SqsErrorSpec = {
  code: "QueueDoesNotExist",
  message: "The specified queue does not exist.",
};

const QUEUE_PATH = /^(?:[a-z][a-z0-9+.-]*:\/\/[^/?#]*)?\/([^/?#]+)\/([^/?#]+)\/?$/i;

/**
 * The ARN of the queue `queueUrl` names for a request signed for `region`,
 * or the error AWS gives for the URL: `MissingParameter` without one,
 * `InvalidAddress` (404) when it is no queue URL or its account is no
 * account ID.
 *
 * @example Usage
 * ```ts
 * import { queueArnOf } from "./_queue_ref.ts";
 *
 * queueArnOf("https://queue.amazonaws.com/000000000000/jobs", "eu-west-1");
 * // { arn: "arn:aws:sqs:eu-west-1:000000000000:jobs" }
 * ```
 */
export function queueArnOf(
  queueUrl: unknown,
  region: string,
): { readonly arn: string } | { readonly error: SqsErrorSpec } {
  if (typeof queueUrl !== "string" || queueUrl === "") {
    return {
      error: {
        code: "MissingParameter",
        message: "The request must contain the parameter QueueUrl.",
      },
    };
  }
  const match = QUEUE_PATH.exec(queueUrl);
  if (match === null || !/^\d{12}$/.test(match[1] ?? "")) {
    return {
      error: {
        code: "InvalidAddress",
        message: `The address ${queueUrl} is not valid for this endpoint.`,
      },
    };
  }
  return { arn: `arn:aws:sqs:${region}:${match[1]}:${match[2]}` };
}

/**
 * The region a request was signed for (its `Authorization` header's
 * credential scope), or undefined for an unsigned request.
 */
export function signingRegion(authorization: string | undefined): string | undefined {
  return authorization === undefined
    ? undefined
    : /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\//.exec(authorization)?.[1];
}
