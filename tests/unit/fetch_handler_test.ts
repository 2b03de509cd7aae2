import assert from "node:assert/strict";
import { GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { createFetchHandler, markNetworkError } from "../../lib/fetch_handler.ts";
import { useFakeTime } from "../_helpers/fake_time.ts";

/** An SQS client on a fake fetch, with the SDK's standard retries and no backoff wait worth counting. */
function client(fake: typeof fetch, requestTimeoutMs = 1_000) {
  return new SQSClient({
    endpoint: "http://127.0.0.1:4566",
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 3,
    defaultUserAgentProvider: () => Promise.resolve([["test", "1"]] as [string, string][]),
    requestHandler: createFetchHandler({ requestTimeoutMs, fetch: fake }),
  });
}

const QUEUE_URL = JSON.stringify({ QueueUrl: "http://127.0.0.1:4566/000000000000/q" });

/** A fetch that never answers: it rejects only when its request is aborted. */
function hang(input: RequestInfo | URL): Promise<Response> {
  return new Promise((_, reject) =>
    (input as Request).signal.addEventListener(
      "abort",
      () => reject(new DOMException("aborted", "AbortError")),
    )
  );
}

function ok(): Response {
  return new Response(QUEUE_URL, { headers: { "content-type": "application/x-amz-json-1.0" } });
}

function refused(): Promise<Response> {
  return Promise.reject(
    new TypeError("fetch failed", {
      cause: new Error(
        "client error (Connect): tcp connect error: Connection refused (os error 111)",
      ),
    }),
  );
}

Deno.test("markNetworkError() gives fetch's network errors a Node.js code", () => {
  const refusedError = new TypeError("fetch failed", { cause: new Error("Connection refused") });
  assert.equal((markNetworkError(refusedError) as { code?: string }).code, "ECONNREFUSED");
  const reset = new TypeError("error reading a body from connection");
  assert.equal((markNetworkError(reset) as { code?: string }).code, "ECONNRESET");
  const other = new Error("x");
  assert.equal(markNetworkError(other), other);
  assert.equal((markNetworkError(other) as { code?: string }).code, undefined);
});

Deno.test("createFetchHandler() lets the SDK retry a refused connection", async () => {
  let calls = 0;
  const sqs = client(() => ++calls < 3 ? refused() : Promise.resolve(ok()));
  const output = await sqs.send(new GetQueueUrlCommand({ QueueName: "q" }));
  assert.equal(calls, 3);
  assert.equal(output.$metadata.attempts, 3);
  sqs.destroy();
});

Deno.test("createFetchHandler() fails with ECONNREFUSED once the attempts are spent", async () => {
  const sqs = client(refused);
  await assert.rejects(
    sqs.send(new GetQueueUrlCommand({ QueueName: "q" })),
    (error: Error & { code?: string; $metadata?: { attempts?: number } }) => {
      assert.equal(error.code, "ECONNREFUSED");
      assert.equal(error.$metadata?.attempts, 3);
      return true;
    },
  );
  sqs.destroy();
});

Deno.test("createFetchHandler() lets the SDK retry an answer cut mid-body", async () => {
  let calls = 0;
  const cut = () => {
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new TypeError("error reading a body from connection"));
      },
    });
    return new Response(body, { headers: { "content-type": "application/x-amz-json-1.0" } });
  };
  const sqs = client(() => Promise.resolve(++calls === 1 ? cut() : ok()));
  const output = await sqs.send(new GetQueueUrlCommand({ QueueName: "q" }));
  assert.equal(output.QueueUrl, "http://127.0.0.1:4566/000000000000/q");
  assert.equal(calls, 2);
  sqs.destroy();
});

Deno.test("createFetchHandler() aborts a request past its time limit and retries it", async () => {
  const signals: AbortSignal[] = [];
  let calls = 0;
  const hang: typeof fetch = (input) => {
    const signal = (input as Request).signal;
    signals.push(signal);
    if (++calls === 3) return Promise.resolve(ok());
    return new Promise((_, reject) =>
      signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")))
    );
  };
  const sqs = client(hang, 50);
  using time = useFakeTime();
  const sent = sqs.send(new GetQueueUrlCommand({ QueueName: "q" }));
  await time.tickAsync(49);
  assert.deepEqual(signals.map((s) => s.aborted), [false], "the first attempt runs its 50 ms");
  await time.runAllAsync();
  const output = await sent;
  assert.equal(output.$metadata.attempts, 3);
  assert.ok(signals.slice(0, 2).every((s) => s.aborted), "the timed-out requests are aborted");
  assert.ok(time.now < 2_000, `${time.now} ms of fake time: timeouts and backoff`);
  sqs.destroy();
});

Deno.test("createFetchHandler() fails with TimeoutError when no attempt answers in time", async () => {
  const sqs = client(hang, 20);
  await assert.rejects(sqs.send(new GetQueueUrlCommand({ QueueName: "q" })), {
    name: "TimeoutError",
    message: "No answer within 20 ms",
  });
  sqs.destroy();
});

Deno.test("createFetchHandler() takes a call's own time limit and its abort signal", async () => {
  const sqs = client(hang, 10_000);
  await assert.rejects(
    sqs.send(new GetQueueUrlCommand({ QueueName: "q" }), { requestTimeout: 10 }),
    { name: "TimeoutError" },
  );
  const controller = new AbortController();
  const sending = sqs.send(new GetQueueUrlCommand({ QueueName: "q" }), {
    abortSignal: controller.signal,
  });
  controller.abort();
  await assert.rejects(sending, { name: "AbortError" });
  sqs.destroy();
});
