/**
 * The dashboard's HTTP side on a real local AWS: the page and its script,
 * server-sent snapshots, the laptop and dead-letter APIs, and the checks on
 * who may redrive or purge.
 */

import assert from "node:assert/strict";
import {
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { laptopToItem } from "../../lib/item_codec.ts";
import { makeLaptop } from "../../lib/laptop.ts";
import { createOtlpExporter } from "../../lib/otlp_exporter.ts";
import { RESOURCES } from "../../lib/resources.ts";
import { createTracer } from "../../lib/tracer.ts";
import { startLocalAws } from "../../local/local_aws.ts";
import { testClients } from "../_helpers/e2e.ts";

const DLQ = RESOURCES.uploadQueue.deadLetterQueueName;

/** Reads server-sent events until one named `snapshot` matches. */
async function nextSnapshot(
  reader: ReadableStreamDefaultReader<string>,
  matches: (snapshot: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error("The event stream ended");
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = /^data: (.*)$/m.exec(event)?.[1];
      if (event.startsWith("event: snapshot") && data !== undefined) {
        const snapshot = JSON.parse(data) as Record<string, unknown>;
        if (matches(snapshot)) return snapshot;
      }
    }
  }
}

/** A GET with any Host header (fetch() sets its own), over a plain socket; the status line. */
async function rawGet(port: number, path: string, host: string): Promise<string> {
  const connection = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await connection.write(
      new TextEncoder().encode(
        `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      ),
    );
    const buffer = new Uint8Array(4096);
    const read = await connection.read(buffer);
    return new TextDecoder().decode(buffer.subarray(0, read ?? 0)).split("\r\n")[0] ?? "";
  } finally {
    connection.close();
  }
}

Deno.test("dashboard serves its page, pushes snapshots and guards its actions", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true, dashboard: true });
  const url = aws.dashboard?.url;
  assert.ok(url);
  using clients = testClients(aws.endpoint);

  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  assert.match(await page.text(), /<svg id="flow"/);
  const script = await fetch(`${url}app.js`);
  assert.match(await script.text(), /function dashboardClient\(\)/);

  const events = await fetch(`${url}events`);
  assert.equal(events.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
  try {
    await nextSnapshot(reader, () => true);

    // A message in the dead-letter queue shows in the next push and the list.
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: DLQ }));
    await clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "poison" }));
    const pushed = await nextSnapshot(reader, (snapshot) => {
      const queues = snapshot.queues as Record<string, { visible: number }>;
      return queues.uploadDlq?.visible === 1;
    });
    assert.ok((pushed.requests as { total: number }).total >= 2);
    const list = await (await fetch(`${url}api/dlq/${DLQ}`)).json();
    assert.equal(list.total, 1);
    assert.equal(list.messages[0].body, "poison");

    // Actions: refused from another site, or without a confirmation.
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
    const crossSite = await post(`api/dlq/${DLQ}/purge`, { confirm: DLQ }, {
      origin: "https://evil.example",
    });
    assert.equal(crossSite.status, 403);
    await crossSite.body?.cancel();
    const unconfirmed = await post(`api/dlq/${DLQ}/purge`, {});
    assert.equal(unconfirmed.status, 400);
    await unconfirmed.body?.cancel();
    assert.match(
      await rawGet(aws.port, "/_dashboard/api/snapshot", "evil.example"),
      /^HTTP\/1\.1 421/,
    );
    const notQueue = await post("api/dlq/uploaded-laptops/purge", { confirm: "uploaded-laptops" });
    assert.equal(notQueue.status, 404);
    await notQueue.body?.cancel();

    // Redrive moves it back to its source queue; purge empties the queue.
    const redriven = await post(`api/dlq/${DLQ}/redrive`, {});
    assert.deepEqual(await redriven.json(), {
      moved: 1,
      from: DLQ,
      to: RESOURCES.uploadQueue.name,
    });
    // "Redrive all" is AWS's own redrive: a message move task, listed like any other.
    const { Results } = await clients.sqs.send(
      new ListMessageMoveTasksCommand({
        SourceArn: `arn:aws:sqs:${RESOURCES.region}:000000000000:${DLQ}`,
      }),
    );
    assert.deepEqual(
      Results?.map((task) => [task.Status, task.ApproximateNumberOfMessagesMoved]),
      [["COMPLETED", 1]],
    );
    await nextSnapshot(reader, (snapshot) => {
      const queues = snapshot.queues as Record<string, { visible: number }>;
      return queues.uploadDlq?.visible === 0 && queues.upload?.visible === 1;
    });
    await clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "poison again" }));
    const purged = await post(`api/dlq/${DLQ}/purge`, { confirm: DLQ });
    assert.deepEqual(await purged.json(), { purged: 1, queue: DLQ });
    assert.equal((await (await fetch(`${url}api/dlq/${DLQ}`)).json()).total, 0);

    const missing = await fetch(`${url}api/laptops/6f1c2a9e-3b7d-4c2e-9a51-0d8f4b6e2c11`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  } finally {
    await reader.cancel();
  }
});

Deno.test("dashboard shows the programs' own spans of a laptop beside the router's view", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true, dashboard: true });
  using clients = testClients(aws.endpoint);
  const laptop = makeLaptop();
  await clients.dynamodb.send(
    new PutItemCommand({ TableName: RESOURCES.table.name, Item: laptopToItem(laptop) }),
  );
  const tracer = createTracer({
    exporter: createOtlpExporter({
      url: `${aws.endpoint}/v1/traces`,
      serviceName: "generator",
      delayMs: 0,
    }),
  });
  const root = tracer.startSpan("generate a.json", { attributes: { "laptop.uuid": laptop.uuid } });
  tracer.startSpan("S3 PutObject", { parent: root.context }).end({ error: new Error("denied") });
  root.end();
  await tracer.flush();

  const detail = await (await fetch(`${aws.dashboard?.url}api/laptops/${laptop.uuid}`)).json();
  assert.equal(detail.traceId, root.context?.traceId);
  assert.deepEqual(
    detail.spans.map((s: { name: string; parent_span_id: string | null }) => [
      s.name,
      s.parent_span_id,
    ]),
    [["generate a.json", null], ["S3 PutObject", root.context?.spanId]],
  );
  assert.deepEqual(detail.spans[1].status, { code: "error", message: "denied" });
});

Deno.test("dashboard is off unless asked for", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  assert.equal(aws.dashboard, undefined);
});
