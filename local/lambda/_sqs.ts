/**
 * The Lambda runner's SQS port: one client, queue resolution, receive and
 * delete. Internal to `local/`.
 *
 * @module
 */

import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";

/** Static credentials handed to the SQS client and to the function. */
export interface LambdaCredentials {
  /** Access key id. */
  readonly accessKeyId: string;
  /** Secret access key. */
  readonly secretAccessKey: string;
  /** Session token, for temporary credentials. */
  readonly sessionToken?: string;
}

/** Where and as whom the runner talks to SQS. */
export interface SqsConnection {
  /** Endpoint URL, e.g. `http://127.0.0.1:4566`. */
  readonly endpoint: string;
  /** Region. */
  readonly region: string;
  /** Credentials. */
  readonly credentials: LambdaCredentials;
}

/** A queue resolved once at start. */
export interface ResolvedQueue {
  /** Queue URL. */
  readonly url: string;
  /** Queue ARN as the queue reports it. */
  readonly arn: string;
  /** Queue name. */
  readonly name: string;
  /** The queue's visibility timeout in seconds. */
  readonly visibilityTimeoutSeconds: number;
  /** Whether it is a FIFO queue. */
  readonly fifo: boolean;
}

/**
 * Creates an SQS client that reads no environment variable and no file, so it
 * runs under narrowly scoped Deno permissions.
 */
export function createSqsClient(connection: SqsConnection): SQSClient {
  return new SQSClient({
    endpoint: connection.endpoint,
    region: connection.region,
    credentials: { ...connection.credentials },
    defaultsMode: "standard",
    retryMode: "standard",
    maxAttempts: 3,
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    authSchemePreference: [],
    disableClockSkewCorrection: false,
    userAgentAppId: "local-lambda-runner",
    defaultUserAgentProvider: () => Promise.resolve([["local-lambda-runner"]]),
    // A long poll lasts up to 20 s: no socket timeout below that.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
}

/** Returns the queue's name from its URL (the last path segment). */
export function queueNameFromUrl(url: string): string {
  const segments = new URL(url).pathname.split("/").filter((s) => s !== "");
  const name = segments.at(-1);
  if (name === undefined) throw new TypeError(`Cannot read queue name: "${url}" has no path`);
  return name;
}

/**
 * Resolves a queue name or URL to its URL, ARN and settings, asking SQS once.
 */
export async function resolveQueue(client: SQSClient, queue: string): Promise<ResolvedQueue> {
  const url = queue.includes("://")
    ? queue
    : (await client.send(new GetQueueUrlCommand({ QueueName: queue }))).QueueUrl;
  if (url === undefined) throw new Error(`Cannot resolve queue "${queue}": no QueueUrl returned`);
  const { Attributes: attributes = {} } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["QueueArn", "VisibilityTimeout", "FifoQueue"],
    }),
  );
  const name = queueNameFromUrl(url);
  return {
    url,
    name,
    arn: attributes.QueueArn ?? `arn:aws:sqs:${await client.config.region()}:000000000000:${name}`,
    visibilityTimeoutSeconds: Number(attributes.VisibilityTimeout ?? 30),
    fifo: attributes.FifoQueue === "true" || name.endsWith(".fifo"),
  };
}

/** Options of one ReceiveMessage call. */
export interface ReceiveOptions {
  /** At most this many messages (1 to 10). */
  readonly maxMessages: number;
  /** Long-poll wait in whole seconds (0 to 20). */
  readonly waitSeconds: number;
  /** Aborts the request. */
  readonly signal: AbortSignal;
}

/** Receives messages with every system and message attribute. */
export async function receiveMessages(
  client: SQSClient,
  queueUrl: string,
  options: ReceiveOptions,
): Promise<Message[]> {
  const output = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: options.maxMessages,
      WaitTimeSeconds: options.waitSeconds,
      MessageSystemAttributeNames: ["All"],
      AttributeNames: ["All"],
      MessageAttributeNames: ["All"],
    }),
    { abortSignal: options.signal },
  );
  return output.Messages ?? [];
}

/** A message that could not be deleted. */
export interface DeleteFailure {
  /** The message's id. */
  readonly messageId: string;
  /** Why. */
  readonly reason: string;
}

/**
 * Deletes messages in batches of ten (DeleteMessageBatch) and returns the
 * ones that could not be deleted.
 */
export async function deleteMessages(
  client: SQSClient,
  queueUrl: string,
  messages: readonly { readonly messageId: string; readonly receiptHandle: string }[],
): Promise<DeleteFailure[]> {
  const chunks: (typeof messages)[] = [];
  for (let i = 0; i < messages.length; i += 10) chunks.push(messages.slice(i, i + 10));
  const failures = await Promise.all(chunks.map(async (chunk) => {
    try {
      const output = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle })),
        }),
      );
      return (output.Failed ?? []).map((f): DeleteFailure => ({
        messageId: chunk[Number(f.Id)]?.messageId ?? `#${f.Id}`,
        reason: `${f.Code ?? "Error"}: ${f.Message ?? "no message"}`,
      }));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return chunk.map((m): DeleteFailure => ({ messageId: m.messageId, reason }));
    }
  }));
  return failures.flat();
}
