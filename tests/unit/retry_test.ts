import assert from "node:assert/strict";
import { backoffDelay, isTransient, retryTransient } from "../../lib/retry.ts";
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
