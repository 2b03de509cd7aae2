import assert from "node:assert/strict";
import { generateLaptops, type GenerateOptions } from "../../lib/generate_laptops.ts";
import { type Item, laptopToItem } from "../../lib/item_codec.ts";
import { makeLaptop } from "../../lib/laptop.ts";
import { useFakeTime } from "../_helpers/fake_time.ts";
import { conditionalPutItem, conditionalPutObject } from "../_helpers/conditional_fakes.ts";
import {
  awsError,
  type Call,
  fakeClient,
  memoryFiles,
  recordingTracer,
  type Responder,
  uuid,
} from "../_helpers/fakes.ts";

const OPTIONS = {
  outDir: "out",
  tableName: "laptops",
  bucketName: "laptops",
  queueUrl: "http://127.0.0.1:4566/000000000000/uploaded-laptops",
};

function setup(
  overrides: { existingFiles?: string[]; s3?: object; dynamodb?: object; sqs?: object } = {},
) {
  const log: Call[] = [];
  let n = 0;
  const ports = {
    s3: fakeClient({ PutObject: () => ({ ETag: '"e"' }), ...overrides.s3 }, log),
    dynamodb: fakeClient({ PutItem: () => ({}), ...overrides.dynamodb }, log),
    sqs: fakeClient({
      SendMessageBatch: (input) => ({
        Successful: (input.Entries as { Id: string }[]).map((e) => ({
          Id: e.Id,
          MessageId: `m-${e.Id}`,
        })),
        Failed: [],
      }),
      ...overrides.sqs,
    }, log),
    files: memoryFiles(overrides.existingFiles, log),
  };
  const makeRecord = () => makeLaptop({ randomUuid: () => uuid(++n) });
  /** Runs generateLaptops() on these ports with OPTIONS and numbered records. */
  const generate = (options: Partial<GenerateOptions>) =>
    generateLaptops(ports, { ...OPTIONS, fileNames: [], makeRecord, ...options });
  return { log, ports, generate };
}

/** `l-1.json` … `l-<count>.json`. */
function fileNamesOf(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `l-${i + 1}.json`);
}

Deno.test("generateLaptops() writes file, object and item, and sends the message last", async () => {
  const { log, ports, generate } = setup();
  const result = await generate({ fileNames: ["laptop.json"] });
  assert.deepEqual(log.map((c) => c.operation), [
    "writeFile",
    "PutObject",
    "PutItem",
    "SendMessageBatch",
  ]);
  const [generated] = result.generated;
  assert.ok(generated);
  assert.equal(result.failed.length, 0);
  const body = ports.files.files.get("out/laptop.json");
  assert.deepEqual(JSON.parse(body ?? ""), generated.laptop);

  const put = ports.s3.callsOf("PutObject")[0]?.input;
  assert.equal(put?.Key, "laptop.json");
  assert.equal(put?.Bucket, "laptops");
  assert.equal(put?.IfNoneMatch, "*");
  assert.equal(put?.Body, body);

  const item = ports.dynamodb.callsOf("PutItem")[0]?.input;
  // The key is new, or the item is this record (a repeat whose answer was lost).
  assert.match(String(item?.ConditionExpression), /^attribute_not_exists\(#uuid\) OR \(/);
  assert.equal((item?.ExpressionAttributeNames as Record<string, string>)["#uuid"], "uuid");
  assert.deepEqual((item?.Item as Record<string, unknown>).uuid, { S: uuid(1) });

  const entries = ports.sqs.callsOf("SendMessageBatch")[0]?.input.Entries as {
    MessageBody: string;
  }[];
  assert.deepEqual(JSON.parse(entries[0]?.MessageBody ?? ""), {
    dynamodb_key: uuid(1),
    s3_key: "laptop.json",
  });
  assert.equal(generated.messageId, "m-0");
});

Deno.test("generateLaptops() stops before any AWS call when the local file exists", async () => {
  const { log, ports, generate } = setup({ existingFiles: ["out/laptop.json"] });
  const result = await generate({ fileNames: ["laptop.json"] });
  assert.deepEqual(log.map((c) => c.operation), ["writeFile"]);
  assert.equal(ports.files.files.get("out/laptop.json"), "{}", "the existing file is untouched");
  const [failure] = result.failed;
  assert.match(failure?.error.message ?? "", /out\/laptop\.json exists already/);
  assert.deepEqual(failure?.done, []);
  assert.deepEqual(failure?.notDone, ["file", "object", "item", "message"]);
});

Deno.test("generateLaptops() removes its file and sends nothing when the object exists", async () => {
  const { log, ports, generate } = setup({
    s3: { PutObject: conditionalPutObject(new Map([["laptop.json", "{}\n"]])) },
  });
  const result = await generate({ fileNames: ["laptop.json"] });
  assert.deepEqual(
    log.map((c) => c.operation),
    ["writeFile", "PutObject", "PutObject", "removeFile"],
    "the second put, on If-Match, tells another's object from this run's own",
  );
  assert.equal(ports.files.files.size, 0);
  const [failure] = result.failed;
  assert.match(failure?.error.message ?? "", /S3 object laptop\.json exists already/);
  assert.match(
    failure?.error.message ?? "",
    /choose another name, or .* `deno task local --reset`$/,
  );
  assert.deepEqual(failure?.done, []);
  assert.deepEqual(failure?.notDone, ["file", "object", "item", "message"]);
});

Deno.test("generateLaptops() sends no message when the item cannot be put, and says what was done", async () => {
  const { log, generate } = setup({
    dynamodb: {
      PutItem: conditionalPutItem(
        new Map([[uuid(1), { uuid: { S: uuid(1) }, model: { S: "x" } }]]),
      ),
    },
  });
  const result = await generate({ fileNames: ["laptop.json"] });
  assert.deepEqual(log.map((c) => c.operation), ["writeFile", "PutObject", "PutItem"]);
  const [failure] = result.failed;
  assert.match(failure?.error.message ?? "", /an item with this uuid exists already/);
  assert.deepEqual(failure?.done, ["file", "object"]);
  assert.deepEqual(failure?.notDone, ["item", "message"]);
  assert.equal(result.generated.length, 0);
});

Deno.test("generateLaptops() reports a message that could not be sent", async () => {
  const { generate } = setup({
    sqs: {
      SendMessageBatch: () => ({
        Successful: [],
        Failed: [{ Id: "0", Code: "InvalidParameterValue", SenderFault: true, Message: "bad" }],
      }),
    },
  });
  const result = await generate({ fileNames: ["laptop.json"] });
  const [failure] = result.failed;
  assert.deepEqual(failure?.done, ["file", "object", "item"]);
  assert.deepEqual(failure?.notDone, ["message"]);
  assert.match(failure?.error.message ?? "", /InvalidParameterValue/);
});

Deno.test("generateLaptops() batches messages ten at a time, each after its writes", async () => {
  const { log, ports, generate } = setup();
  const fileNames = fileNamesOf(25);
  const result = await generate({ fileNames, concurrency: 8 });
  assert.equal(result.generated.length, 25);
  assert.deepEqual(result.generated.map((g) => g.fileName), fileNames);
  const batches = ports.sqs.callsOf("SendMessageBatch");
  assert.ok(batches.length >= 3 && batches.length <= 6, `${batches.length} batches`);
  const sentKeys = batches.flatMap((b) =>
    (b.input.Entries as { MessageBody: string }[]).map((e) => JSON.parse(e.MessageBody).s3_key)
  );
  assert.deepEqual([...sentKeys].sort(), [...fileNames].sort());
  // Every message is sent after its own item was put.
  for (const key of sentKeys) {
    const putAt = log.findIndex((c) => c.operation === "PutObject" && c.input.Key === key);
    const sentAt = log.findIndex((c) =>
      c.operation === "SendMessageBatch" &&
      (c.input.Entries as { MessageBody: string }[]).some((e) => e.MessageBody.includes(key))
    );
    assert.ok(putAt >= 0 && sentAt > putAt + 1, key);
  }
});

Deno.test("generateLaptops() starts nothing new once aborted and finishes what is in flight", async () => {
  const controller = new AbortController();
  const { generate } = setup({
    s3: {
      PutObject: () => {
        controller.abort();
        return { ETag: '"e"' };
      },
    },
  });
  const fileNames = ["a.json", "b.json", "c.json"];
  const result = await generate({ fileNames, signal: controller.signal });
  assert.deepEqual(result.generated.map((g) => g.fileName), ["a.json"]);
  assert.deepEqual(result.skipped, ["b.json", "c.json"]);
  assert.equal(result.failed.length, 0);
});

Deno.test("generateLaptops() rejects a concurrency below one", async () => {
  const { ports } = setup();
  await assert.rejects(
    generateLaptops(ports, { ...OPTIONS, fileNames: ["a.json"], concurrency: 0 }),
    RangeError,
  );
});

Deno.test("generateLaptops() with item batches writes with BatchWriteItem and loses nothing to a partial failure", async () => {
  let n = 0;
  const { ports, generate } = setup({
    dynamodb: {
      BatchWriteItem: (input: Record<string, unknown>) => {
        n++;
        const requests = (input.RequestItems as Record<string, { PutRequest: { Item: unknown } }[]>)
          .laptops ?? [];
        // uuid 7 never gets written; the others are written, some only on a retry.
        return {
          UnprocessedItems: {
            laptops: requests.filter((r, i) =>
              JSON.stringify(r.PutRequest.Item).includes(uuid(7)) || (n === 1 && i % 3 === 0)
            ),
          },
        };
      },
    },
  });
  const fileNames = fileNamesOf(40);
  const result = await generate({ fileNames, concurrency: 40, itemBatchSize: 25 });
  assert.equal(ports.dynamodb.callsOf("PutItem").length, 0);
  assert.equal(result.generated.length, 39);
  assert.equal(result.failed.length, 1);
  const [failure] = result.failed;
  assert.deepEqual(failure?.done, ["file", "object"]);
  assert.deepEqual(failure?.notDone, ["item", "message"]);
  const sent = ports.sqs.callsOf("SendMessageBatch").flatMap((c) =>
    (c.input.Entries as { MessageBody: string }[]).map((e) =>
      JSON.parse(e.MessageBody).dynamodb_key
    )
  );
  assert.equal(sent.length, 39);
  assert.ok(!sent.includes(uuid(7)), "no message for the item that was not written");
  await assert.rejects(
    generateLaptops(ports, { ...OPTIONS, fileNames: ["x.json"], itemBatchSize: 26 }),
    RangeError,
  );
});

Deno.test("generateLaptops() loses no message when a SendMessageBatch fails in part", async () => {
  let call = 0;
  const accepted = new Map<string, number>();
  const { generate } = setup({
    sqs: {
      SendMessageBatch: (input: Record<string, unknown>) => {
        call++;
        const entries = input.Entries as { Id: string; MessageBody: string }[];
        // The message of uuid 3 is refused (sender's fault); on the first call
        // every third entry fails through SQS's fault and is retried.
        const refused = (e: { MessageBody: string }) => e.MessageBody.includes(uuid(3));
        const throttled = (_: unknown, i: number) => call === 1 && i % 3 === 1;
        for (const [i, e] of entries.entries()) {
          if (refused(e) || throttled(e, i)) continue;
          const key = JSON.parse(e.MessageBody).s3_key as string;
          accepted.set(key, (accepted.get(key) ?? 0) + 1);
        }
        return {
          Successful: entries.filter((e, i) => !refused(e) && !throttled(e, i)).map((e) => ({
            Id: e.Id,
            MessageId: `m-${call}-${e.Id}`,
          })),
          Failed: entries.flatMap((e, i) =>
            refused(e)
              ? [{ Id: e.Id, Code: "InvalidParameterValue", SenderFault: true }]
              : throttled(e, i)
              ? [{ Id: e.Id, Code: "InternalError", SenderFault: false }]
              : []
          ),
        };
      },
    },
  });
  const fileNames = fileNamesOf(20);
  const result = await generate({ fileNames, concurrency: 20 });
  assert.equal(result.generated.length, 19);
  assert.deepEqual(result.failed.map((f) => f.done), [["file", "object", "item"]]);
  assert.deepEqual(result.failed.map((f) => f.notDone), [["message"]]);
  assert.ok(call > 2, "the throttled entries were sent again");
  // SQS accepted each generated record's message exactly once, and nothing else.
  assert.deepEqual(
    [...accepted.entries()].sort(),
    result.generated.map((g) => [g.fileName, 1]).sort(),
  );
  assert.equal(new Set(result.generated.map((g) => g.messageId)).size, 19);
});

Deno.test("generateLaptops() with a message batch size of 1 sends each message with SendMessage", async () => {
  const { ports, generate } = setup({
    sqs: {
      SendMessage: (input: Record<string, unknown>) => ({ MessageId: `m-${input.QueueUrl}` }),
    },
  });
  const result = await generate({
    fileNames: ["a.json", "b.json", "c.json"],
    concurrency: 3,
    messageBatchSize: 1,
  });
  assert.equal(result.generated.length, 3);
  assert.equal(ports.sqs.callsOf("SendMessage").length, 3);
  assert.equal(ports.sqs.callsOf("SendMessageBatch").length, 0);
  await assert.rejects(
    generateLaptops(ports, { ...OPTIONS, fileNames: ["x.json"], messageBatchSize: 11 }),
    RangeError,
  );
});

Deno.test("generateLaptops() calls a queueUrl function before each send call, and a failed lookup fails only those messages", async () => {
  const { generate } = setup({
    sqs: { SendMessage: () => ({ MessageId: "m" }) },
  });
  let lookups = 0;
  const result = await generate({
    queueUrl: () => {
      lookups++;
      return lookups === 2
        ? Promise.reject(new Error("AWS.SimpleQueueService.NonExistentQueue"))
        : Promise.resolve(OPTIONS.queueUrl);
    },
    fileNames: ["a.json", "b.json", "c.json"],
    messageBatchSize: 1,
  });
  assert.equal(lookups, 3);
  assert.deepEqual(result.generated.map((g) => g.fileName), ["a.json", "c.json"]);
  assert.deepEqual(result.failed.map((f) => [f.fileName, f.notDone]), [["b.json", ["message"]]]);
  assert.match(
    result.failed[0]?.error.message ?? "",
    /Cannot send the message: .*NonExistentQueue/,
  );
});

Deno.test("generateLaptops() fills a batch with every record whose upload is in flight", async () => {
  let uploads = 0;
  const { ports, generate } = setup({
    s3: {
      // Uploads end 2 ms apart, longer than a short linger would wait.
      PutObject: () =>
        new Promise((resolve) => setTimeout(() => resolve({ ETag: '"e"' }), 2 * uploads++)),
    },
    dynamodb: { BatchWriteItem: () => ({ UnprocessedItems: {} }) },
  });
  const fileNames = fileNamesOf(8);
  using time = useFakeTime();
  const run = generate({ fileNames, concurrency: 8, itemBatchSize: 25 });
  await time.runAllAsync();
  const result = await run;
  assert.equal(time.now, 14, "the last upload ended 7 x 2 ms after the first");
  assert.equal(result.generated.length, 8);
  const writes = ports.dynamodb.callsOf("BatchWriteItem");
  assert.deepEqual(
    writes.map((c) => (c.input.RequestItems as Record<string, unknown[]>).laptops?.length),
    [8],
  );
  assert.deepEqual(
    ports.sqs.callsOf("SendMessageBatch").map((c) => (c.input.Entries as unknown[]).length),
    [8],
  );
});

Deno.test("generateLaptops() sends a lone record's batches at once, without waiting for more", async () => {
  const { ports, generate } = setup({
    dynamodb: { BatchWriteItem: () => ({ UnprocessedItems: {} }) },
  });
  using time = useFakeTime();
  const run = generate({
    fileNames: ["a.json", "b.json", "c.json"],
    concurrency: 1,
    itemBatchSize: 25,
  });
  await time.runAllAsync();
  const result = await run;
  assert.equal(result.generated.length, 3);
  assert.equal(ports.dynamodb.callsOf("BatchWriteItem").length, 3);
  assert.equal(ports.sqs.callsOf("SendMessageBatch").length, 3);
  // Waiting out the 20 ms linger would move the clock 3 records x 2 batches x 20 ms.
  assert.equal(time.now, 0, "no linger waited out");
});

Deno.test("generateLaptops() retries each step on a transient error and goes on", async () => {
  const fail = { PutObject: 1, PutItem: 1, SendMessageBatch: 1 };
  const once =
    (operation: keyof typeof fail, error: Error, answer: (input: never) => unknown) =>
    (input: never) => {
      if (fail[operation]-- > 0) throw error;
      return answer(input);
    };
  const reset = Object.assign(new TypeError("fetch failed"), { code: "ECONNRESET" });
  const { ports, generate } = setup({
    s3: { PutObject: once("PutObject", awsError("SlowDown", 503), () => ({})) },
    dynamodb: { PutItem: once("PutItem", reset, () => ({})) },
    sqs: {
      SendMessageBatch: once(
        "SendMessageBatch",
        awsError("RequestThrottled", 403),
        (input: { Entries: { Id: string }[] }) => ({
          Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: "m" })),
          Failed: [],
        }),
      ),
    },
  });
  const waits: number[] = [];
  const result = await generate({
    fileNames: ["laptop.json"],
    retry: { sleep: (n) => (waits.push(n), Promise.resolve()) },
  });
  assert.deepEqual(result.failed, []);
  assert.equal(result.generated.length, 1);
  assert.deepEqual(waits, [1, 1, 1]);
  assert.equal(ports.s3.callsOf("PutObject").length, 2);
  assert.equal(ports.dynamodb.callsOf("PutItem").length, 2);
  assert.equal(ports.sqs.callsOf("SendMessageBatch").length, 2);
});

Deno.test("generateLaptops() takes its own object and item when an attempt's answer was lost", async () => {
  const objects = new Map<string, string>();
  const items = new Map<string, Item>();
  const putObject = conditionalPutObject(objects);
  const putItem = conditionalPutItem(items);
  // Each first write takes effect, then its connection is cut: the retry meets it.
  const lost = (write: Responder) => {
    let first = true;
    return (input: Record<string, unknown>) => {
      const output = write(input);
      if (!first) return output;
      first = false;
      throw Object.assign(new TypeError("fetch failed"), { code: "ECONNRESET" });
    };
  };
  const { ports, generate } = setup({
    s3: { PutObject: lost(putObject) },
    dynamodb: { PutItem: lost(putItem) },
  });
  const result = await generate({
    fileNames: ["laptop.json"],
    retry: { sleep: () => Promise.resolve() },
  });
  assert.deepEqual(result.failed, []);
  assert.equal(result.generated.length, 1);
  assert.equal(objects.get("laptop.json"), ports.files.files.get("out/laptop.json"));
  assert.deepEqual(items.get(uuid(1)), laptopToItem(result.generated[0]!.laptop));
  assert.equal(ports.s3.callsOf("PutObject").length, 3, "create, repeat: 412, If-Match: ok");
  assert.equal(ports.dynamodb.callsOf("PutItem").length, 2, "put, repeat: the same item");
});

Deno.test("generateLaptops() with a tracer sends each record's trace as its message's AWSTraceHeader", async () => {
  const { ports, generate } = setup();
  const recorder = recordingTracer(1_480_615_200_000);
  const result = await generate({
    fileNames: ["a.json", "b.json"],
    concurrency: 2,
    tracer: recorder.tracer,
  });
  const entries = ports.sqs.callsOf("SendMessageBatch")[0]?.input.Entries as {
    MessageBody: string;
    MessageSystemAttributes: { AWSTraceHeader: { DataType: string; StringValue: string } };
  }[];
  assert.equal(entries.length, 2);
  for (const generated of result.generated) {
    const root = recorder.only(`generate ${generated.fileName}`);
    assert.equal(generated.traceId, root.context.traceId);
    assert.equal(root.parentSpanId, undefined);
    const mine = recorder.spans.filter((s) => s.context.traceId === generated.traceId);
    assert.deepEqual(mine.map((s) => s.name).sort(), [
      "DynamoDB PutItem",
      "S3 PutObject",
      "SQS SendMessageBatch",
      `generate ${generated.fileName}`,
    ]);
    const send = mine.find((s) => s.name === "SQS SendMessageBatch");
    assert.equal(send?.parentSpanId, root.context.spanId);
    const entry = entries.find((e) =>
      JSON.parse(e.MessageBody).dynamodb_key === generated.laptop.uuid
    );
    assert.deepEqual(entry?.MessageSystemAttributes.AWSTraceHeader, {
      DataType: "String",
      StringValue: `Root=1-58406520-${
        generated.traceId?.slice(8)
      };Parent=${send?.context.spanId};Sampled=1`,
    });
  }
});

Deno.test("generateLaptops() without a tracer sends no trace header and reports no trace", async () => {
  const { ports, generate } = setup();
  const result = await generate({ fileNames: ["a.json"] });
  const entries = ports.sqs.callsOf("SendMessageBatch")[0]?.input.Entries as object[];
  assert.equal("MessageSystemAttributes" in (entries[0] ?? {}), false);
  assert.equal(result.generated[0]?.traceId, undefined);
});

Deno.test("generateLaptops() ends a failed record's trace with the error", async () => {
  const { generate } = setup({
    dynamodb: {
      PutItem: () => {
        throw awsError("AccessDeniedException");
      },
    },
  });
  const recorder = recordingTracer();
  const result = await generate({
    fileNames: ["a.json"],
    tracer: recorder.tracer,
    retry: { attempts: 1 },
  });
  const root = recorder.only("generate a.json");
  assert.equal(result.failed[0]?.traceId, root.context.traceId);
  assert.match(root.error ?? "", /Cannot put the item: AccessDeniedException/);
  assert.match(recorder.only("DynamoDB PutItem").error ?? "", /AccessDeniedException/);
});
