import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { buildApp } from "fauxqs";
import { createDirectS3 } from "../../local/engines/_fauxqs_s3.ts";
import { createDirectSqs } from "../../local/engines/_fauxqs_sqs.ts";
import type { InnerRequest, InnerResponse } from "../../local/core/mod.ts";

// Each case runs on two fauxqs stores: one through its app (Fastify's
// inject), one through the direct path; the answers must be the same.
const BASE = import.meta.resolve("fauxqs");
const VARYING = new Set(["x-amz-request-id", "date", "connection", "last-modified"]);
const encoder = new TextEncoder();

async function twins() {
  const { S3Store } = await import(new URL("./s3/s3Store.js", BASE).href);
  const { SqsStore } = await import(new URL("./sqs/sqsStore.js", BASE).href);
  const viaApp = { s3Store: new S3Store(), sqsStore: new SqsStore() };
  const direct = { s3Store: new S3Store(), sqsStore: new SqsStore() };
  const app = buildApp({ logger: false, defaultRegion: "us-east-1", stores: viaApp as never });
  await app.ready();
  const s3 = await createDirectS3(BASE, direct.s3Store);
  const sqs = await createDirectSqs(BASE, direct.sqsStore);
  for (const stores of [viaApp, direct]) stores.s3Store.createBucket("bkt");
  const inject = async (request: InnerRequest) => {
    const answer = await app.inject({
      method: request.method as "GET",
      url: request.url,
      headers: request.headers,
      ...(request.body.length > 0 ? { payload: Buffer.from(request.body) } : {}),
    });
    return {
      status: answer.statusCode,
      headers: Object.fromEntries(Object.entries(answer.headers).map(([k, v]) => [k, String(v)])),
      body: new Uint8Array(answer.rawPayload),
    };
  };
  return { app, inject, s3, sqs, direct };
}

function comparable(answer: InnerResponse) {
  const headers = Object.entries(answer.headers).filter(([name]) => !VARYING.has(name)).sort();
  const body = new TextDecoder().decode(answer.body)
    .replace(/<RequestId>[^<]*<\/RequestId>/, "")
    .replace(/"MessageId":"[^"]*"/g, "")
    .replace(/"ReceiptHandle":"[^"]*"/g, "");
  return { status: answer.status, headers, body };
}

function request(
  method: string,
  url: string,
  headers: Record<string, string> = {},
  body = "",
): InnerRequest {
  return {
    method,
    url,
    headers: { host: "127.0.0.1:4566", ...headers },
    body: encoder.encode(body),
  };
}

Deno.test("createDirectS3() answers object puts, gets and heads as fauxqs's app does", async () => {
  const { app, inject, s3 } = await twins();
  try {
    const cases = [
      request("PUT", "/bkt/a/b.json", { "content-type": "application/json" }, '{"a":1}'),
      request("PUT", "/bkt/m", { "x-amz-meta-k": "v", "cache-control": "no-cache" }, "hello"),
      request("GET", "/bkt/a/b.json"),
      request("GET", "/bkt/a/b.json?x-id=GetObject"),
      request("PUT", "/bkt/c.json?x-id=PutObject", { "content-type": "application/json" }, "{}"),
      request("GET", "/bkt/a/b.json", { range: "bytes=0-2" }),
      request("GET", "/bkt/a/b.json", { range: "bytes=90-99" }),
      request("GET", "/bkt/m", { "if-none-match": '"5d41402abc4b2a76b9719d911017c592"' }),
      request("GET", "/bkt/m", { "if-match": '"other"' }),
      request("HEAD", "/bkt/m"),
      request("GET", "/bkt/missing"),
      request("HEAD", "/bkt/missing"),
      request("GET", "/nobucket/key"),
    ];
    for (const r of cases) {
      const direct = s3(r);
      assert.ok(direct !== undefined, `${r.method} ${r.url} goes the direct way`);
      assert.deepEqual(comparable(direct), comparable(await inject(r)), `${r.method} ${r.url}`);
    }
  } finally {
    await app.close();
  }
});

Deno.test("createDirectS3() keeps a copy of a put's body, not a view of the request's bytes", async () => {
  const { app, s3, direct } = await twins();
  try {
    const bytes = new Uint8Array(4096);
    bytes.set(encoder.encode("hello"), 100);
    const put = s3({ ...request("PUT", "/bkt/k.txt"), body: bytes.subarray(100, 105) });
    assert.equal(put?.status, 200);
    const stored = direct.s3Store.getObject("bkt", "k.txt").body as Uint8Array;
    assert.notEqual(stored.buffer, bytes.buffer);
    assert.equal(stored.buffer.byteLength, 5);
    bytes.fill(0);
    const got = s3(request("GET", "/bkt/k.txt"));
    assert.equal(new TextDecoder().decode(got?.body), "hello");
  } finally {
    await app.close();
  }
});

Deno.test("createDirectS3() leaves to the app what its route would treat differently", async () => {
  const { app, s3 } = await twins();
  try {
    for (
      const r of [
        request("GET", "/bkt/a.json?partNumber=1"),
        request("GET", "/bkt/a.json?x-id=GetObject&partNumber=1"),
        request("GET", "/bkt/a.json?attributes"),
        request("GET", "/bkt/a%20b.json"),
        request("GET", "/bkt"),
        request("PUT", "/bkt/empty"),
        request("PUT", "/bkt/copy", { "x-amz-copy-source": "/bkt/a" }, "x"),
        request("PUT", "/bkt/j", { "content-type": "application/x-amz-json-1.0" }, "{}"),
        request("GET", "/bkt/a.json", { host: "bkt.s3.localhost.localstack.cloud:4566" }),
        request("DELETE", "/bkt/a.json"),
      ]
    ) {
      assert.equal(s3(r), undefined, `${r.method} ${r.url}`);
    }
  } finally {
    await app.close();
  }
});

Deno.test("createDirectSqs() answers the message path as fauxqs's app does", async () => {
  const { app, inject, sqs, direct } = await twins();
  const json = (target: string, body: unknown, contentType = "application/x-amz-json-1.0") =>
    request("POST", "/", {
      "content-type": contentType,
      "x-amz-target": `AmazonSQS.${target}`,
      authorization: "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sqs/aws4_request, " +
        "SignedHeaders=host, Signature=0",
    }, typeof body === "string" ? body : JSON.stringify(body));
  try {
    const create = json("CreateQueue", { QueueName: "q" });
    assert.equal(sqs.handle(create), undefined, "CreateQueue goes through the app");
    const created = await inject(create);
    // The same queue in the direct twin's store, made by fauxqs's own action.
    const { createQueue } = await import(new URL("./sqs/actions/createQueue.js", BASE).href);
    createQueue({ QueueName: "q" }, direct.sqsStore, create);
    const url = JSON.parse(new TextDecoder().decode(created.body)).QueueUrl as string;
    const missing = url.replace(/\/q$/, "/missing");
    for (
      const r of [
        json("GetQueueUrl", { QueueName: "q" }),
        json("GetQueueUrl", { QueueName: "missing" }),
        json("SendMessage", { QueueUrl: url, MessageBody: "hello" }),
        json("SendMessageBatch", {
          QueueUrl: url,
          Entries: [{ Id: "1", MessageBody: "a" }, { Id: "1", MessageBody: "b" }],
        }),
        json("SendMessage", { QueueUrl: missing, MessageBody: "x" }),
        json("GetQueueAttributes", { QueueUrl: url, AttributeNames: ["QueueArn"] }),
        json("ReceiveMessage", { QueueUrl: url, MaxNumberOfMessages: 10 }),
        json("DeleteMessage", { QueueUrl: url, ReceiptHandle: "not-a-handle" }),
        json("DeleteMessageBatch", { QueueUrl: url, Entries: [] }),
      ]
    ) {
      const answer = sqs.handle(r);
      assert.ok(answer !== undefined, r.headers["x-amz-target"]);
      assert.deepEqual(
        comparable(await answer),
        comparable(await inject(r)),
        r.headers["x-amz-target"],
      );
    }
    assert.equal(
      sqs.handle(json("SendMessage", "{not json")),
      undefined,
      "a body that is not JSON",
    );
    assert.equal(sqs.handle(json("SendMessage", "")), undefined, "an empty body");
    assert.equal(
      sqs.handle(json("SendMessage", {}, "application/json")),
      undefined,
      "another type",
    );
    assert.equal(
      sqs.handle(json("TagQueue", { QueueUrl: url, Tags: {} })),
      undefined,
      "another action",
    );
  } finally {
    await app.close();
  }
});

Deno.test("createDirectSqs() call() gives the app's answer as an object, without JSON", async () => {
  const { app, inject, sqs, direct } = await twins();
  const headers = {
    host: "127.0.0.1:4566",
    authorization: "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sqs/aws4_request, " +
      "SignedHeaders=host, Signature=0",
  };
  const viaApp = (target: string, body: Record<string, unknown>) =>
    inject(request("POST", "/", {
      ...headers,
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": `AmazonSQS.${target}`,
    }, JSON.stringify(body)));
  const ids = (text: string) => text.replace(/"(MessageId|ReceiptHandle)":"[^"]*"/g, '"$1":""');
  try {
    const created = await viaApp("CreateQueue", { QueueName: "q" });
    const { createQueue } = await import(new URL("./sqs/actions/createQueue.js", BASE).href);
    createQueue({ QueueName: "q" }, direct.sqsStore, { headers });
    const url = JSON.parse(new TextDecoder().decode(created.body)).QueueUrl as string;
    const attributes = { n: { DataType: "Number", StringValue: "1" } };
    const cases: [string, Record<string, unknown>][] = [
      ["GetQueueUrl", { QueueName: "q" }],
      ["GetQueueUrl", { QueueName: "missing" }],
      ["SendMessage", { QueueUrl: url, MessageBody: "hello", MessageAttributes: attributes }],
      ["SendMessageBatch", { QueueUrl: url, Entries: [{ Id: "1", MessageBody: "a" }] }],
      ["SendMessageBatch", { QueueUrl: url, Entries: [] }],
      ["ReceiveMessage", {
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ["All"],
      }],
      ["DeleteMessageBatch", { QueueUrl: url, Entries: [{ Id: "1", ReceiptHandle: "x" }] }],
    ];
    for (const [action, body] of cases) {
      const called = sqs.call(action, body, headers);
      assert.ok(called !== undefined, action);
      const answer = await called;
      const expected = await viaApp(action, body);
      assert.equal(answer.status, expected.status, action);
      assert.equal(answer.queryError, expected.headers["x-amzn-query-error"], action);
      assert.equal(
        ids(JSON.stringify(answer.json)),
        ids(new TextDecoder().decode(expected.body)),
        action,
      );
    }
    assert.equal(sqs.call("TagQueue", { QueueUrl: url, Tags: {} }, headers), undefined);
    assert.equal(sqs.call("CreateQueue", { QueueName: "r" }, headers), undefined);
  } finally {
    await app.close();
  }
});

Deno.test("createDirectS3() turns a long key with a query it does not take away at once", async () => {
  const { app, s3 } = await twins();
  try {
    // A pattern with nested repetition would backtrack for minutes on this.
    const key = "k".repeat(40) + "/" + "a-b_c.".repeat(30);
    assert.equal(s3(request("GET", `/bkt/${key}?uploads`)), undefined);
    assert.equal(s3(request("GET", `/bkt/${key}%`)), undefined);
  } finally {
    await app.close();
  }
});
