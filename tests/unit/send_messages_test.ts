import assert from "node:assert/strict";
import { sendMessages } from "../../lib/send_messages.ts";
import { createQueueUrlResolver } from "../../lib/queue_urls.ts";
import { awsError, fakeClient } from "../_helpers/fakes.ts";

const noSleep = { sleep: () => Promise.resolve() };

Deno.test("sendMessages() retries entries SQS failed, not those the sender did", async () => {
  const attempts = new Map<string, number>();
  const sqs = fakeClient({
    SendMessageBatch: (input) => {
      const entries = input.Entries as { Id: string }[];
      const failed = [];
      const successful = [];
      for (const { Id } of entries) {
        const n = (attempts.get(Id) ?? 0) + 1;
        attempts.set(Id, n);
        if (Id === "flaky" && n < 2) failed.push({ Id, Code: "InternalError", SenderFault: false });
        else if (Id === "bad") {
          failed.push({ Id, Code: "InvalidMessageContents", SenderFault: true });
        } else successful.push({ Id, MessageId: `m-${Id}` });
      }
      return { Successful: successful, Failed: failed };
    },
  });
  const { sent, failed } = await sendMessages(sqs, "q", [
    { id: "ok", body: "1" },
    { id: "flaky", body: "2" },
    { id: "bad", body: "3" },
  ], noSleep);
  assert.deepEqual([...sent.keys()].sort(), ["flaky", "ok"]);
  assert.deepEqual([...failed.keys()], ["bad"]);
  assert.equal(attempts.get("flaky"), 2);
  assert.equal(attempts.get("bad"), 1);
});

Deno.test("sendMessages() gives up after the last attempt", async () => {
  const sqs = fakeClient({
    SendMessageBatch: (input) => ({
      Successful: [],
      Failed: (input.Entries as { Id: string }[]).map((e) => ({
        Id: e.Id,
        Code: "InternalError",
        SenderFault: false,
      })),
    }),
  });
  const { failed } = await sendMessages(sqs, "q", [{ id: "a", body: "1" }], {
    ...noSleep,
    attempts: 3,
  });
  assert.match(failed.get("a")?.message ?? "", /InternalError/);
  assert.equal(sqs.calls.length, 3);
});

Deno.test("sendMessages() fails a whole batch whose call threw", async () => {
  const sqs = fakeClient({
    SendMessageBatch: () => Promise.reject(awsError("ServiceUnavailable", 503)),
  });
  const messages = Array.from({ length: 12 }, (_, i) => ({ id: String(i), body: "x" }));
  const { sent, failed } = await sendMessages(sqs, "q", messages, noSleep);
  assert.equal(sent.size, 0);
  assert.equal(failed.size, 12);
  assert.equal(sqs.calls.length, 2, "12 messages are two batches");
});

Deno.test("createQueueUrlResolver() looks each queue up once and retries a failed lookup", async () => {
  let fail = true;
  const sqs = fakeClient({
    GetQueueUrl: (input) => {
      if (input.QueueName === "q2" && fail) {
        fail = false;
        throw awsError("QueueDoesNotExist");
      }
      return { QueueUrl: `http://x/000000000000/${input.QueueName}` };
    },
  });
  const resolve = createQueueUrlResolver(sqs);
  assert.equal(await resolve("q1"), "http://x/000000000000/q1");
  assert.equal(await resolve("q1"), "http://x/000000000000/q1");
  await assert.rejects(resolve("q2"), /QueueDoesNotExist/);
  assert.equal(await resolve("q2"), "http://x/000000000000/q2");
  assert.equal(sqs.calls.length, 3);
});
