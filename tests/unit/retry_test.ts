import assert from "node:assert/strict";
import { GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { createFetchHandler } from "../../lib/fetch_handler.ts";
import {
  backoffDelay,
  createRetryStrategy,
  isTransient,
  RETRY_ATTEMPTS,
  retryTransient,
  SDK_ATTEMPTS,
} from "../../lib/retry.ts";
import { awsError } from "../_helpers/fakes.ts";

Deno.test("isTransient() retries network failures, time-outs, 5xx and throttling", () => {
  const network = Object.assign(new TypeError("fetch failed"), { code: "ECONNREFUSED" });
  assert.equal(isTransient(network), true);
  assert.equal(isTransient(Object.assign(new Error("t"), { name: "TimeoutError" })), true);
  assert.equal(isTransient(awsError("InternalError", 500)), true);
  assert.equal(isTransient(awsError("ServiceUnavailable", 503)), true);
  assert.equal(isTransient(awsError("SlowDown", 503)), true);
  assert.equal(isTransient(awsError("ProvisionedThroughputExceededException", 400)), true);
  assert.equal(isTransient(awsError("ThrottlingException", 400)), true);
  assert.equal(isTransient(awsError("RequestThrottled", 403)), true);
  assert.equal(isTransient(awsError("TooMany", 429)), true);
  assert.equal(isTransient(new Error("wrapped", { cause: network })), true);
});

Deno.test("isTransient() does not retry client errors, missing credentials or aborts", () => {
  assert.equal(isTransient(awsError("PreconditionFailed", 412)), false);
  assert.equal(isTransient(awsError("ConditionalCheckFailedException", 400)), false);
  assert.equal(isTransient(awsError("QueueDoesNotExist", 400)), false);
  assert.equal(isTransient(awsError("AccessDenied", 403)), false);
  assert.equal(
    isTransient(Object.assign(new Error("x"), { name: "CredentialsProviderError" })),
    false,
  );
  assert.equal(isTransient(Object.assign(new Error("x"), { name: "AbortError" })), false);
  assert.equal(isTransient(new TypeError("Invalid file name")), false);
  assert.equal(isTransient(undefined), false);
});

Deno.test("retryTransient() retries a transient failure until the step succeeds", async () => {
  let calls = 0;
  const waits: number[] = [];
  const value = await retryTransient(() => {
    if (++calls < 4) return Promise.reject(awsError("SlowDown", 503));
    return Promise.resolve("done");
  }, { sleep: (n) => (waits.push(n), Promise.resolve()) });
  assert.equal(value, "done");
  assert.deepEqual(waits, [1, 2, 3]);
});

Deno.test("retryTransient() throws a client error at once and the last error after its attempts", async () => {
  let calls = 0;
  const sleep = () => Promise.resolve();
  await assert.rejects(
    retryTransient(() => (calls++, Promise.reject(awsError("AccessDenied", 403))), { sleep }),
    { name: "AccessDenied" },
  );
  assert.equal(calls, 1);
  calls = 0;
  await assert.rejects(
    retryTransient(() => (calls++, Promise.reject(awsError("InternalError", 500))), {
      sleep,
      attempts: 5,
    }),
    { name: "InternalError" },
  );
  assert.equal(calls, 5);
});

Deno.test("backoffDelay() grows exponentially with jitter and stays under 2 s", () => {
  for (let n = 1; n <= 12; n++) {
    const cap = Math.min(2_000, 100 * 2 ** (n - 1));
    const delay = backoffDelay(n);
    assert.ok(delay >= cap / 2 && delay <= cap, `${n}: ${delay}`);
  }
  const least = Array.from({ length: 9 }, (_, i) => Math.min(2_000, 100 * 2 ** i) / 2)
    .reduce((a, b) => a + b);
  assert.equal(least, 5_550, "ten attempts span at least 5.5 s: a restart of the endpoint");
});

/** An SQS client on a fake fetch, with the project's retry strategy and waits recorded, not slept. */
function sqsClient(fake: typeof fetch, waits: number[], attempts?: number) {
  return new SQSClient({
    endpoint: "http://127.0.0.1:4566",
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    defaultUserAgentProvider: () => Promise.resolve([["test", "1"]] as [string, string][]),
    requestHandler: createFetchHandler({ requestTimeoutMs: 1_000, fetch: fake }),
    retryStrategy: createRetryStrategy({
      ...(attempts === undefined ? {} : { attempts }),
      delay: (n) => (waits.push(n), 0),
    }),
  });
}

function answer(status: number, body: Record<string, unknown>): Promise<Response> {
  return Promise.resolve(
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/x-amz-json-1.0" },
    }),
  );
}

const QUEUE_URL = { QueueUrl: "http://127.0.0.1:4566/000000000000/q" };

Deno.test("createRetryStrategy() makes the SDK retry a 5xx, throttling and a refused connection", async () => {
  const failures = [
    () => answer(500, { __type: "InternalError", message: "boom" }),
    () => answer(400, { __type: "ThrottlingException", message: "slow down" }),
    () => Promise.reject(new TypeError("fetch failed", { cause: new Error("Connection refused") })),
  ];
  let calls = 0;
  const waits: number[] = [];
  const sqs = sqsClient(
    () => failures[calls++]?.() ?? answer(200, QUEUE_URL),
    waits,
    RETRY_ATTEMPTS,
  );
  try {
    const output = await sqs.send(new GetQueueUrlCommand({ QueueName: "q" }));
    assert.equal(output.QueueUrl, QUEUE_URL.QueueUrl);
    assert.equal(calls, 4);
    assert.equal(output.$metadata.attempts, 4);
    assert.deepEqual(waits, [1, 2, 3], "the backoff of each retry, by its number");
  } finally {
    sqs.destroy();
  }
});

Deno.test("createRetryStrategy() makes SDK_ATTEMPTS attempts by default and never retries a client error", async () => {
  let calls = 0;
  const waits: number[] = [];
  const failing = sqsClient(() => (calls++, answer(503, { __type: "ServiceUnavailable" })), waits);
  try {
    await assert.rejects(
      failing.send(new GetQueueUrlCommand({ QueueName: "q" })),
      (error: Error) => {
        assert.equal(error.name, "ServiceUnavailable", "the last error, not the strategy's");
        return true;
      },
    );
    assert.equal(calls, SDK_ATTEMPTS);
    assert.deepEqual(waits, [1, 2]);
  } finally {
    failing.destroy();
  }
  calls = 0;
  const denied = sqsClient(
    () => (calls++, answer(400, { __type: "AccessDenied", message: "no" })),
    [],
    RETRY_ATTEMPTS,
  );
  try {
    await assert.rejects(denied.send(new GetQueueUrlCommand({ QueueName: "q" })), /no/);
    assert.equal(calls, 1, "a client error is not retried");
  } finally {
    denied.destroy();
  }
});

Deno.test("RETRY_ATTEMPTS waits of backoffDelay span 5.55 to 11.1 s: a restart of the endpoint", () => {
  const caps = Array.from({ length: RETRY_ATTEMPTS - 1 }, (_, i) => Math.min(2_000, 100 * 2 ** i));
  const total = caps.reduce((a, b) => a + b, 0);
  assert.equal(total, 11_100);
  for (let run = 0; run < 20; run++) {
    const waited = caps.reduce((sum, _, i) => sum + backoffDelay(i + 1), 0);
    assert.ok(waited >= total / 2 && waited <= total, String(waited));
  }
});
