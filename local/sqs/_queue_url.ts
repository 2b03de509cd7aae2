/**
 * Gives SQS queue URLs the origin the client reached us on.
 *
 * The emulator stores a queue's URL when the queue is created, with whatever
 * host and port it saw then, and keeps it across restarts. Clients such as
 * boto3 and the AWS CLI send later requests to the URL they were given, so a
 * returned URL must name the endpoint they can reach now.
 *
 * @module
 */

/** The SQS operations whose JSON answers carry queue URLs. */
export const QUEUE_URL_OPERATIONS: ReadonlySet<string> = new Set([
  "CreateQueue",
  "GetQueueUrl",
  "ListQueues",
  "ListDeadLetterSourceQueues",
]);

/**
 * Replaces the scheme, host and port of a queue URL with `origin`.
 *
 * @example Usage
 * ```ts
 * import { publicQueueUrl } from "./_queue_url.ts";
 *
 * publicQueueUrl("http://sqs.us-east-1.localhost:39871/000000000000/q", "http://127.0.0.1:4566");
 * // "http://127.0.0.1:4566/000000000000/q"
 * ```
 */
export function publicQueueUrl(url: string, origin: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(url);
  return match === null ? url : origin + url.slice(match[0].length);
}

/**
 * Rewrites the queue URLs in an SQS JSON answer (`QueueUrl`, `QueueUrls`,
 * `queueUrls`); returns the body unchanged when it has none or is not JSON.
 */
export function rewriteQueueUrls(body: string, origin: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  if (typeof parsed !== "object" || parsed === null) return body;
  const answer = parsed as Record<string, unknown>;
  let changed = false;
  if (typeof answer.QueueUrl === "string") {
    answer.QueueUrl = publicQueueUrl(answer.QueueUrl, origin);
    changed = true;
  }
  for (const field of ["QueueUrls", "queueUrls"]) {
    const urls = answer[field];
    if (Array.isArray(urls)) {
      answer[field] = urls.map((url) =>
        typeof url === "string" ? publicQueueUrl(url, origin) : url
      );
      changed = true;
    }
  }
  return changed ? JSON.stringify(answer) : body;
}
