/**
 * Pieces of the local Lambda runner's end-to-end tests: an SQS endpoint (the
 * local AWS, or moto), queues with a DLQ, sending and peeking messages, and a
 * runner whose logs and reports a test can read.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { startLocalAws } from "../../local/local_aws.ts";
import {
  type LambdaInvocationReport,
  type LambdaLogEntry,
  type LambdaRunner,
  type LambdaRunnerOptions,
  startLambdaRunner,
} from "../../local/lambda/mod.ts";
import { pythonHas, startMoto, testClients } from "./e2e.ts";

/** Whether moto is installed, for the second-opinion runs. */
export const MOTO = await pythonHas(["moto", "moto.server"], "lambda_runner_test");

export const FIXTURES = "tests/fixtures/lambda";
export const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
export const REGION = "us-east-1";

/** An SQS endpoint that a test started and stops. */
export interface SqsBackend extends AsyncDisposable {
  readonly name: string;
  readonly endpoint: string;
  readonly sqs: SQSClient;
}

export async function startBackend(kind: "local" | "moto" = "local"): Promise<SqsBackend> {
  const server = kind === "local"
    ? await startLocalAws({ port: 0, inMemory: true })
    : await startMoto();
  const { sqs } = testClients(server.endpoint, { credentials: CREDENTIALS });
  return {
    name: kind === "local" ? "local AWS" : "moto",
    endpoint: server.endpoint,
    sqs,
    async [Symbol.asyncDispose]() {
      sqs.destroy();
      await server.close();
    },
  };
}

export interface TestQueue {
  readonly url: string;
  readonly arn: string;
  readonly name: string;
  readonly dlqUrl: string;
}

let queueCounter = 0;

/** Creates a queue with a DLQ and a redrive policy. */
export async function createQueue(
  sqs: SQSClient,
  options: { visibilityTimeoutSeconds: number; maxReceiveCount?: number },
): Promise<TestQueue> {
  const name = `runner-test-${++queueCounter}-${crypto.randomUUID().slice(0, 8)}`;
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  assert.ok(dlq.QueueUrl);
  const dlqArn = (await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }),
  )).Attributes?.QueueArn;
  const created = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: options.maxReceiveCount ?? 3,
        }),
      },
    }),
  );
  assert.ok(created.QueueUrl);
  const arn = (await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ["QueueArn"] }),
  )).Attributes?.QueueArn;
  assert.ok(arn);
  return { url: created.QueueUrl, arn, name, dlqUrl: dlq.QueueUrl };
}

/** Visible and in-flight message counts of a queue. */
export async function counts(
  sqs: SQSClient,
  url: string,
): Promise<{ visible: number; inFlight: number }> {
  const { Attributes: a = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/** Receives (and leaves) every message of a queue, e.g. a DLQ. */
export async function peekAll(
  sqs: SQSClient,
  url: string,
): Promise<{ id: string; body: string }[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return Messages.map((m) => ({ id: m.MessageId ?? "", body: m.Body ?? "" }));
}

export async function send(
  sqs: SQSClient,
  url: string,
  bodies: readonly unknown[],
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < bodies.length; i += 10) {
    const chunk = bodies.slice(i, i + 10);
    const { Successful = [], Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: chunk.map((body, j) => ({ Id: String(j), MessageBody: JSON.stringify(body) })),
      }),
    );
    assert.deepEqual(Failed, []);
    const byId = new Map(Successful.map((s) => [s.Id, s.MessageId ?? ""]));
    chunk.forEach((_, j) => ids.push(byId.get(String(j)) ?? ""));
  }
  return ids;
}

/** A runner whose logs and reports the test can read. */
export interface Observed extends AsyncDisposable {
  readonly runner: LambdaRunner;
  readonly logs: LambdaLogEntry[];
  readonly reports: LambdaInvocationReport[];
}

export async function observe(
  backend: SqsBackend,
  queue: TestQueue,
  options: LambdaRunnerOptions,
): Promise<Observed> {
  const logs: LambdaLogEntry[] = [];
  const reports: LambdaInvocationReport[] = [];
  const runner = await startLambdaRunner({
    endpoint: backend.endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    queue: queue.name,
    environment: { FIXTURE_SETTING: "on" },
    logger: (entry) => logs.push(entry),
    onInvoke: (report) => reports.push(report),
    ...options,
  });
  return { runner, logs, reports, [Symbol.asyncDispose]: () => runner.close() };
}

export interface Echo {
  at: number;
  end: number;
  pid: number;
  invocations: number;
  event: { Records: Record<string, unknown>[] };
  context: Record<string, unknown>;
  env: Record<string, string | null>;
}

export function echoes(logs: readonly LambdaLogEntry[]): Echo[] {
  return logs.flatMap((entry) => {
    const json = entry.line.split("\tINFO\tEVENT ")[1];
    return json === undefined ? [] : [JSON.parse(json) as Echo];
  });
}

export function md5(text: string): string {
  return createHash("md5").update(text).digest("hex");
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? NaN;
}

/** A local AWS, a queue on it, and a runner on that queue: the set-up of most runner tests. */
export interface FixtureRun extends AsyncDisposable {
  readonly backend: SqsBackend;
  readonly queue: TestQueue;
  readonly observed: Observed;
}

/** Options of {@linkcode runFixture}: the runner's, and the queue's visibility timeout. */
export type FixtureOptions = LambdaRunnerOptions & { readonly visibilityTimeoutSeconds?: number };

/**
 * Starts the local AWS, creates a queue (visibility timeout 30 s unless told)
 * and a runner on it with the fixture handler `tests/fixtures/lambda/<fixture>`.
 * Disposing it closes the runner, then the local AWS.
 */
export async function runFixture(
  fixture: string,
  options: FixtureOptions = {},
): Promise<FixtureRun> {
  const { visibilityTimeoutSeconds = 30, ...runnerOptions } = options;
  const backend = await startBackend();
  try {
    const queue = await createQueue(backend.sqs, { visibilityTimeoutSeconds });
    const observed = await observe(backend, queue, {
      code: `${FIXTURES}/${fixture}`,
      ...runnerOptions,
    });
    return {
      backend,
      queue,
      observed,
      async [Symbol.asyncDispose]() {
        await observed[Symbol.asyncDispose]();
        await backend[Symbol.asyncDispose]();
      },
    };
  } catch (error) {
    await backend[Symbol.asyncDispose]();
    throw error;
  }
}
