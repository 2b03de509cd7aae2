import assert from "node:assert/strict";
import { compareUpdate } from "../../lib/compare_update.ts";
import { InvalidRecordError, MissingRecordError } from "../../lib/errors.ts";
import { laptopToItem } from "../../lib/item_codec.ts";
import { type Laptop, makeLaptop } from "../../lib/laptop.ts";
import { pollUpdates } from "../../lib/poll_updates.ts";
import { awsError, fakeClient, recordingTracer, uuid } from "../_helpers/fakes.ts";

const QUEUE = "http://127.0.0.1:4566/000000000000/updated-laptops";
const T0 = new Date("2026-11-25T12:00:00.000Z");
const T1 = "2026-11-25T12:00:01.500Z";

interface World {
  files: Map<string, string>;
  items: Map<string, Laptop>;
}

function world(n: number): World & { laptops: Laptop[] } {
  const laptops = Array.from(
    { length: n },
    (_, i) => makeLaptop({ now: T0, randomUuid: () => uuid(i + 1) }),
  );
  return {
    laptops,
    files: new Map(laptops.map((l, i) => [`laptop-${i + 1}.json`, JSON.stringify(l, null, 2)])),
    items: new Map(laptops.map((l) => [l.uuid, { ...l, timestamp: T1 }])),
  };
}

function readers(w: World) {
  return {
    s3: fakeClient({
      GetObject: (input) => {
        const text = w.files.get(input.Key as string);
        if (text === undefined) throw awsError("NoSuchKey", 404);
        return {
          ContentLength: text.length,
          Body: { transformToString: () => Promise.resolve(text) },
        };
      },
    }),
    dynamodb: fakeClient({
      GetItem: (input) => {
        const item = w.items.get((input.Key as { uuid: { S: string } }).uuid.S);
        return item ? { Item: laptopToItem(item) } : {};
      },
      BatchGetItem: (input) => {
        const request = (input.RequestItems as Record<string, {
          Keys: { uuid: { S: string } }[];
          ConsistentRead: boolean;
        }>).laptops;
        if (request?.ConsistentRead !== true) throw new Error("not a consistent read");
        const found = (request.Keys ?? []).flatMap((k) => {
          const item = w.items.get(k.uuid.S);
          return item ? [laptopToItem(item)] : [];
        });
        return { Responses: { laptops: found }, UnprocessedKeys: {} };
      },
    }),
  };
}

function body(n: number, key = `laptop-${n}.json`) {
  return JSON.stringify({ dynamodb_key: uuid(n), s3_key: key });
}

function message(id: string, messageBody: string) {
  return {
    MessageId: id,
    ReceiptHandle: `rh-${id}`,
    Body: messageBody,
    Attributes: { ApproximateReceiveCount: "2" } as Record<string, string>,
  };
}

/** A queue that hands out the given batches, then nothing. */
function queue(batches: ReturnType<typeof message>[][], onReceive?: () => void) {
  const deleted: string[] = [];
  const sqs = fakeClient({
    ReceiveMessage: () => {
      onReceive?.();
      return { Messages: batches.shift() ?? [] };
    },
    DeleteMessageBatch: (input) => {
      const entries = input.Entries as { Id: string; ReceiptHandle: string }[];
      deleted.push(...entries.map((e) => e.ReceiptHandle));
      return { Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] };
    },
  });
  return { sqs, deleted };
}

const OPTIONS = { queueUrl: QUEUE, tableName: "laptops", bucketName: "laptops" };

Deno.test("compareUpdate() finds the original file and the item with a newer timestamp", async () => {
  const w = world(1);
  const comparison = await compareUpdate(body(1), readers(w), OPTIONS);
  assert.deepEqual(comparison.file, w.laptops[0]);
  assert.equal(comparison.item.timestamp, T1);
  assert.equal(comparison.sameRecord, true);
  assert.equal(comparison.stateChanged, true);
});

Deno.test("compareUpdate() compares a record of the original Python project as it is", async () => {
  const w = world(1);
  const original = { ...w.laptops[0]!, timestamp: "2026-11-25 12:00:00.250000" };
  w.files.set("laptop-1.json", JSON.stringify(original));
  // The Lambda's timestamp: a day later in UTC, later in any zone.
  w.items.set(original.uuid, { ...original, timestamp: "2026-11-26T12:00:00.000Z" });
  const comparison = await compareUpdate(body(1), readers(w), OPTIONS);
  assert.equal(comparison.file.timestamp, "2026-11-25 12:00:00.250000");
  assert.equal(comparison.sameRecord, true);
  assert.equal(comparison.stateChanged, true);
});

Deno.test("compareUpdate() reads the item with a consistent read", async () => {
  const w = world(1);
  const ports = readers(w);
  await compareUpdate(body(1), ports, OPTIONS);
  const input = ports.dynamodb.callsOf("GetItem")[0]?.input;
  assert.equal(input?.ConsistentRead, true);
  assert.deepEqual(input?.Key, { uuid: { S: uuid(1) } });
});

Deno.test("compareUpdate() fails on a missing item, a missing object or a foreign file", async () => {
  const w = world(2);
  w.items.delete(uuid(1));
  await assert.rejects(compareUpdate(body(1), readers(w), OPTIONS), /no item .* in table laptops/);
  await assert.rejects(
    compareUpdate(body(2, "nothing.json"), readers(w), OPTIONS),
    /no object nothing\.json in bucket laptops/,
  );
  await assert.rejects(
    compareUpdate(body(2, "laptop-1.json"), readers(w), OPTIONS),
    /holds record .*0001, not .*0002/,
  );
  w.files.set("junk.json", "not json");
  await assert.rejects(
    compareUpdate(body(2, "junk.json"), readers(w), OPTIONS),
    /is not a laptop record's JSON/,
  );
  await assert.rejects(compareUpdate("{}", readers(w), OPTIONS), /Cannot parse message body/);
});

Deno.test("compareUpdate() tells a missing record from an invalid one by its error's type", async () => {
  const w = world(2);
  w.items.delete(uuid(1));
  const missingItem = await rejection(compareUpdate(body(1), readers(w), OPTIONS));
  assert.ok(missingItem instanceof MissingRecordError);
  assert.equal(missingItem.name, "MissingRecordError");
  assert.deepEqual([missingItem.store, missingItem.key], ["item", uuid(1)]);
  const missingFile = await rejection(compareUpdate(body(2, "none.json"), readers(w), OPTIONS));
  assert.ok(missingFile instanceof MissingRecordError);
  assert.deepEqual([missingFile.store, missingFile.key], ["file", "none.json"]);
  assert.equal((missingFile.cause as Error).name, "NoSuchKey", "keeps S3's error as its cause");
  const foreign = await rejection(compareUpdate(body(2, "laptop-1.json"), readers(w), OPTIONS));
  assert.ok(foreign instanceof InvalidRecordError);
  assert.equal(foreign.name, "InvalidRecordError");
  assert.deepEqual([foreign.store, foreign.key], ["file", "laptop-1.json"]);
  w.files.set("junk.json", "not json");
  const junk = await rejection(compareUpdate(body(2, "junk.json"), readers(w), OPTIONS));
  assert.ok(junk instanceof InvalidRecordError);
  assert.ok(junk.cause instanceof SyntaxError, "keeps the parse error as its cause");
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("Expected a rejection");
}

Deno.test("pollUpdates() deletes a message only after it was handled; failures stay", async () => {
  const w = world(3);
  w.items.delete(uuid(2));
  const { sqs, deleted } = queue([[
    message("m1", body(1)),
    message("m2", body(2)),
    message("m3", body(3)),
    message("m4", "garbage"),
  ]]);
  const handled: string[] = [];
  const failed: string[] = [];
  const ports = readers(w);
  const result = await pollUpdates({ ...ports, sqs }, {
    ...OPTIONS,
    once: true,
    onHandled: (h) => handled.push(h.messageId),
    onFailed: (f) => failed.push(f.messageId),
  });
  assert.deepEqual(handled.sort(), ["m1", "m3"]);
  assert.deepEqual(failed.sort(), ["m2", "m4"]);
  assert.deepEqual(deleted.sort(), ["rh-m1", "rh-m3"]);
  assert.deepEqual(result, { handled: 2, failed: 2, polls: 1 });
  assert.equal(ports.dynamodb.callsOf("BatchGetItem").length, 1, "one read for the batch");
  assert.equal(ports.dynamodb.callsOf("GetItem").length, 0);
  const receive = sqs.callsOf("ReceiveMessage")[0]?.input;
  assert.equal(receive?.WaitTimeSeconds, 20);
  assert.equal(receive?.MaxNumberOfMessages, 10);
});

Deno.test("pollUpdates() reports a handled message before deleting it, and a failed delete as a poll error", async () => {
  const w = world(1);
  const order: string[] = [];
  const sqs = fakeClient({
    ReceiveMessage: () => ({ Messages: [message("m1", body(1))] }),
    DeleteMessageBatch: () => {
      order.push("delete");
      return {
        Successful: [],
        Failed: [{ Id: "0", Code: "ReceiptHandleIsInvalid", SenderFault: true, Message: "gone" }],
      };
    },
  });
  const errors: Error[] = [];
  const result = await pollUpdates({ ...readers(w), sqs }, {
    ...OPTIONS,
    once: true,
    onHandled: (h) => order.push(`handled ${h.messageId}`),
    onPollError: (e) => errors.push(e),
  });
  assert.deepEqual(order, ["handled m1", "delete"], "shown first: a kill in between loses nothing");
  assert.equal(result.handled, 1);
  assert.equal(
    errors[0]?.message,
    "Cannot delete handled message(s) m1: ReceiptHandleIsInvalid: gone; SQS will deliver them again",
  );
});

Deno.test("pollUpdates() reports one poll error for a delete call that fails as a whole", async () => {
  const w = world(2);
  const sqs = fakeClient({
    ReceiveMessage: () => ({ Messages: [message("m1", body(1)), message("m2", body(2))] }),
    DeleteMessageBatch: () => {
      throw awsError("InternalFailure", 500);
    },
  });
  const errors: Error[] = [];
  const result = await pollUpdates({ ...readers(w), sqs }, {
    ...OPTIONS,
    once: true,
    onPollError: (e) => errors.push(e),
  });
  assert.equal(result.handled, 2);
  assert.equal(sqs.callsOf("DeleteMessageBatch").length, 2, "retried once");
  assert.equal(errors.length, 1);
  assert.match(
    errors[0]?.message ?? "",
    /^Cannot delete handled message\(s\) m1, m2: InternalFailure/,
  );
});

Deno.test("pollUpdates() gives a long poll a time limit longer than its wait", async () => {
  const w = world(1);
  const { sqs } = queue([[message("m1", body(1))]]);
  const options: unknown[] = [];
  const send = sqs.send.bind(sqs);
  const spy = {
    ...sqs,
    send: (command: object, opts?: unknown) => (options.push(opts), send(command, opts)),
  };
  await pollUpdates({ ...readers(w), sqs: spy }, { ...OPTIONS, once: true, waitTimeSeconds: 20 });
  assert.deepEqual(options[0], { requestTimeout: 30_000 });
});

Deno.test("pollUpdates() stops at maxMessages, asking for no more than it needs", async () => {
  const w = world(3);
  const { sqs } = queue([[message("m1", body(1)), message("m2", body(2))], [
    message("m3", body(3)),
  ]]);
  const result = await pollUpdates({ ...readers(w), sqs }, { ...OPTIONS, maxMessages: 3 });
  assert.equal(result.handled, 3);
  assert.deepEqual(
    sqs.callsOf("ReceiveMessage").map((c) => c.input.MaxNumberOfMessages),
    [3, 1],
  );
});

Deno.test("pollUpdates() finishes and deletes the messages in hand when stopped", async () => {
  const w = world(2);
  const controller = new AbortController();
  // The signal fires right after the receive: both messages are in hand.
  const { sqs, deleted } = queue(
    [[message("m1", body(1)), message("m2", body(2))], [message("m9", body(1))]],
    () => queueMicrotask(() => controller.abort()),
  );
  const result = await pollUpdates({ ...readers(w), sqs }, {
    ...OPTIONS,
    signal: controller.signal,
  });
  assert.equal(result.handled, 2);
  assert.deepEqual(deleted.sort(), ["rh-m1", "rh-m2"]);
  assert.equal(sqs.callsOf("ReceiveMessage").length, 1, "no poll after the stop");
});

Deno.test("pollUpdates() keeps polling after a failed receive", async () => {
  const w = world(1);
  let calls = 0;
  const sqs = fakeClient({
    ReceiveMessage: () => {
      if (++calls === 1) throw awsError("ServiceUnavailable", 503);
      return { Messages: [message("m1", body(1))] };
    },
    DeleteMessageBatch: () => ({ Successful: [{ Id: "0" }], Failed: [] }),
  });
  const errors: Error[] = [];
  const result = await pollUpdates({ ...readers(w), sqs }, {
    ...OPTIONS,
    maxMessages: 1,
    onPollError: (e) => errors.push(e),
    backoff: () => Promise.resolve(),
  });
  assert.equal(result.handled, 1);
  assert.equal(errors.length, 1);
  assert.equal(result.polls, 2);
});

Deno.test("pollUpdates() reads one item per message with batchGet off (the seed's pattern)", async () => {
  const w = world(2);
  const { sqs } = queue([[message("m1", body(1)), message("m2", body(2))]]);
  const ports = readers(w);
  const result = await pollUpdates({ ...ports, sqs }, { ...OPTIONS, once: true, batchGet: false });
  assert.equal(result.handled, 2);
  assert.equal(ports.dynamodb.callsOf("GetItem").length, 2);
  assert.equal(ports.dynamodb.callsOf("BatchGetItem").length, 0);
});

Deno.test("pollUpdates() continues each message's trace: receive, reads and delete under its span", async () => {
  const w = world(2);
  w.items.delete(uuid(2));
  const header = (parent: string) =>
    `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=${parent};Sampled=1`;
  const traced = (id: string, n: number, parent: string) => {
    const m = message(id, body(n));
    return { ...m, Attributes: { ...m.Attributes, AWSTraceHeader: header(parent) } };
  };
  const { sqs } = queue([[
    traced("m1", 1, "1111111111111111"),
    traced("m2", 2, "2222222222222222"),
  ]]);
  const recorder = recordingTracer();
  const handled: (string | undefined)[] = [];
  const failed: (string | undefined)[] = [];
  await pollUpdates({ ...readers(w), sqs }, {
    ...OPTIONS,
    once: true,
    tracer: recorder.tracer,
    onHandled: (h) => handled.push(h.traceId),
    onFailed: (f) => failed.push(f.traceId),
  });
  const receive = sqs.callsOf("ReceiveMessage")[0]?.input;
  assert.deepEqual(receive?.MessageSystemAttributeNames, [
    "ApproximateReceiveCount",
    "AWSTraceHeader",
  ]);
  assert.deepEqual(handled, ["5759e988bd862e3fe1be46a994272793"]);
  assert.deepEqual(failed, ["5759e988bd862e3fe1be46a994272793"]);

  const spans = recorder.spans.filter((s) => s.name === "service message");
  const ok = spans.find((s) => s.parentSpanId === "1111111111111111");
  const bad = spans.find((s) => s.parentSpanId === "2222222222222222");
  assert.ok(ok && bad);
  assert.equal(ok.error, undefined);
  assert.match(bad.error ?? "", /no item .* in table laptops/);
  const childrenOf = (span: { context: { spanId: string } }) =>
    recorder.spans.filter((s) => s.parentSpanId === span.context.spanId).map((s) => s.name).sort();
  assert.deepEqual(childrenOf(ok), [
    "DynamoDB BatchGetItem",
    "S3 GetObject",
    "SQS DeleteMessageBatch",
    "SQS ReceiveMessage",
  ]);
  assert.deepEqual(childrenOf(bad), [
    "DynamoDB BatchGetItem",
    "S3 GetObject",
    "SQS ReceiveMessage",
  ]);
});

Deno.test("pollUpdates() without a tracer still reports the trace a message carries", async () => {
  const w = world(1);
  const m = message("m1", body(1));
  const { sqs } = queue([[{
    ...m,
    Attributes: {
      ...m.Attributes,
      AWSTraceHeader: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
    },
  }, message("m2", body(1))]]);
  const handled: (string | undefined)[] = [];
  await pollUpdates({ ...readers(w), sqs }, {
    ...OPTIONS,
    once: true,
    onHandled: (h) => handled.push(h.traceId),
  });
  assert.deepEqual(handled, ["5759e988bd862e3fe1be46a994272793", undefined]);
});
