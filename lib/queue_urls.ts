/**
 * Resolving queue names to URLs once per process.
 *
 * @module
 */

import { GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";

/** Resolves a queue name to its URL. */
export type QueueUrlResolver = (queueName: string) => Promise<string>;

/**
 * Makes a resolver that calls `GetQueueUrl` once per queue name and reuses
 * the answer; a failed lookup is not cached, so the next call tries again.
 *
 * @example Usage
 * ```ts
 * // Needs SQS: type-checked by `deno task ok`, not run.
 * import { SQSClient } from "@aws-sdk/client-sqs";
 * import { createQueueUrlResolver } from "./queue_urls.ts";
 *
 * const queueUrl = createQueueUrlResolver(new SQSClient({}));
 * const url = await queueUrl("updated-laptops");
 * ```
 *
 * @param sqs The SQS client.
 * @returns The caching resolver.
 */
export function createQueueUrlResolver(sqs: Pick<SQSClient, "send">): QueueUrlResolver {
  const cache = new Map<string, Promise<string>>();
  return (queueName) => {
    let url = cache.get(queueName);
    if (url === undefined) {
      url = sqs.send(new GetQueueUrlCommand({ QueueName: queueName })).then((output) => {
        if (!output.QueueUrl) throw new Error(`Cannot resolve queue ${queueName}: no URL returned`);
        return output.QueueUrl;
      });
      cache.set(queueName, url);
      url.catch(() => cache.delete(queueName));
    }
    return url;
  };
}
