/**
 * Fault injection in the local AWS, seen from real clients: the SDK (with
 * the pipeline's own client settings), plain HTTP for the query protocol and
 * the admin endpoint, and `deno task local` with its fault flags.
 */

import assert from "node:assert/strict";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { createClients } from "../../lib/clients.ts";
import { readConfig } from "../../lib/config.ts";
import { RESOURCES } from "../../lib/resources.ts";
import { type LocalAwsRequest, startLocalAws } from "../../local/local_aws.ts";
import { taskCommand } from "../_helpers/processes.ts";

/** The pipeline's clients for an endpoint, with `attempts` SDK attempts per call. */
function pipelineClients(endpoint: string, attempts = 1) {
  const config = readConfig(
    (name) => ({ AWS_ENDPOINT_URL: endpoint } as Record<string, string>)[name],
    { program: "test" },
  );
  const clients = createClients(config, { maxAttempts: attempts });
  return Object.assign(clients, {
    [Symbol.dispose]() {
      clients.s3.destroy();
      clients.dynamodb.destroy();
      clients.sqs.destroy();
    },
  });
}

async function errorOf(call: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await call;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("Expected the call to fail");
}

Deno.test("startLocalAws() answers injected errors in each service's own shape", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true, faults: { errorRate: 1 } });
  using clients = pipelineClients(aws.endpoint);
  const seen: LocalAwsRequest[] = [];
  aws.onRequest((request) => seen.push(request));

  const dynamo = await errorOf(
    clients.dynamodb.send(
      new GetItemCommand({ TableName: "laptops", Key: { uuid: { S: "x" } } }),
    ),
  );
  assert.ok(["InternalServerError", "ServiceUnavailable"].includes(dynamo.name), dynamo.name);
  const sqs = await errorOf(clients.sqs.send(new GetQueueUrlCommand({ QueueName: "x" })));
  assert.ok(["InternalFailure", "ServiceUnavailable"].includes(sqs.name), sqs.name);
  const s3 = await errorOf(clients.s3.send(new GetObjectCommand({ Bucket: "laptops", Key: "x" })));
  assert.ok(["InternalError", "ServiceUnavailable"].includes(s3.name), s3.name);

  assert.equal(seen.length, 3);
  assert.ok(seen.every((r) => r.status === 500 || r.status === 503), "the router saw the faults");
  assert.equal(aws.stats().errors, 3);
  assert.equal(aws.faults.stats().errors, 3);
});

Deno.test("startLocalAws() throttles as each service does, in JSON and query protocols", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true, faults: { throttleRate: 1 } });
  using clients = pipelineClients(aws.endpoint);
  const names = new Set<string>();
  for (let i = 0; i < 12; i++) {
    names.add(
      (await errorOf(
        clients.dynamodb.send(
          new GetItemCommand({ TableName: "laptops", Key: { uuid: { S: "x" } } }),
        ),
      )).name,
    );
    names.add((await errorOf(clients.sqs.send(new GetQueueUrlCommand({ QueueName: "x" })))).name);
    names.add(
      (await errorOf(clients.s3.send(new GetObjectCommand({ Bucket: "laptops", Key: "x" }))))
        .name,
    );
  }
  assert.deepEqual(
    [...names].sort(),
    [
      "ProvisionedThroughputExceededException",
      "RequestThrottled",
      "SlowDown",
      "ThrottlingException",
    ],
  );

  // The query protocol gets the query protocol's XML.
  const response = await fetch(aws.endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "Action=GetQueueUrl&QueueName=uploaded-laptops&Version=2012-11-05",
  });
  const xml = await response.text();
  assert.ok(response.status === 403 || response.status === 400, String(response.status));
  assert.match(
    xml,
    /<ErrorResponse><Error><Type>Sender<\/Type><Code>(RequestThrottled|ThrottlingException)<\/Code>/,
  );
});

Deno.test("startLocalAws() cuts connections before and after processing; the SDK retries both", async () => {
  await using aws = await startLocalAws({
    port: 0,
    inMemory: true,
    faults: { dropRate: 1, operations: ["sqs:SendMessage"], seed: 5 },
  });
  using once = pipelineClients(aws.endpoint, 1);
  const queueUrl = (await once.sqs.send(
    new GetQueueUrlCommand({ QueueName: RESOURCES.updateQueue.name }),
  )).QueueUrl!;
  const codes = new Set<string>();
  for (let i = 0; i < 10; i++) {
    const error = await errorOf(
      once.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `m${i}` })),
    );
    codes.add(String(error.code));
  }
  assert.deepEqual([...codes], ["ECONNRESET"], "the client sees a cut connection");
  const stats = aws.faults.stats();
  assert.equal(stats.droppedBefore + stats.droppedAfter, 10);
  assert.ok(stats.droppedBefore > 0 && stats.droppedAfter > 0, JSON.stringify(stats));
  aws.faults.clear();
  const { Attributes } = await once.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages"],
    }),
  );
  assert.equal(
    Number(Attributes?.ApproximateNumberOfMessages),
    stats.droppedAfter,
    "a send cut after processing was stored: its answer was lost",
  );
  assert.equal(aws.stats().errors, 10, "the router counts every cut connection");

  // With a third of the sends cut, the SDK's own retries get every call through.
  await once.sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
  aws.faults.set({ dropRate: 0.3 });
  using retrying = pipelineClients(aws.endpoint, 5);
  for (let i = 0; i < 30; i++) {
    await retrying.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `r${i}` }));
  }
  assert.ok(aws.faults.stats().faults > 10);
});

Deno.test("startLocalAws() adds latency and follows changes made at run time", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true, faults: { latencyMs: 150 } });
  using clients = pipelineClients(aws.endpoint);
  let started = performance.now();
  await clients.sqs.send(new GetQueueUrlCommand({ QueueName: RESOURCES.uploadQueue.name }));
  assert.ok(performance.now() - started >= 150);
  aws.faults.clear();
  started = performance.now();
  await clients.sqs.send(new GetQueueUrlCommand({ QueueName: RESOURCES.uploadQueue.name }));
  assert.ok(performance.now() - started < 150);
  assert.equal(aws.faults.stats().delayed, 1);
});

Deno.test("startLocalAws() serves /_local/faults as JSON, to loopback clients without an Origin", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  const url = `${aws.endpoint}/_local/faults`;
  const initial = await (await fetch(url)).json();
  assert.equal(initial.config.errorRate, 0);
  assert.equal(initial.stats.requests, 0);

  const posted = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ errorRate: 1, operations: ["sqs:GetQueueUrl"], seed: 3 }),
  });
  assert.equal(posted.status, 200);
  assert.equal((await posted.json()).config.seed, 3);
  using clients = pipelineClients(aws.endpoint);
  await errorOf(clients.sqs.send(new GetQueueUrlCommand({ QueueName: "x" })));
  const after = await (await fetch(url)).json();
  assert.deepEqual(after.stats.byOperation, { "sqs:GetQueueUrl": 1 });
  assert.equal(aws.stats().total, 1, "the admin requests are not AWS requests");

  const bad = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"dropRate": -1}',
  });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /dropRate must be from 0 to 1/);
  const browser = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://evil.example" },
    body: '{"errorRate": 0}',
  });
  assert.equal(browser.status, 403);
  await browser.body?.cancel();
  assert.equal(aws.faults.config().errorRate, 1);
  const cleared = await (await fetch(url, { method: "DELETE" })).json();
  assert.equal(cleared.config.errorRate, 0);
});

Deno.test("deno task local takes fault flags, says what it injects, and refuses bad ones", async () => {
  const [command, args] = taskCommand("local");
  const bad = await new Deno.Command(command, {
    args: [...args, "--in-memory", "--no-lambda", "--port", "0", "--fault-rate", "200%"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(bad.code, 2);
  assert.match(new TextDecoder().decode(bad.stderr), /^Invalid --fault-rate: expected 0 to 1/);

  const child = new Deno.Command(command, {
    args: [
      ...args,
      "--in-memory",
      "--no-lambda",
      "--port",
      "0",
      "--fault-rate",
      "10%",
      "--latency-ms",
      "1-3",
      "--fault-seed",
      "7",
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/faults: .*\n/.test(text)) {
    const { done, value } = await lines.read();
    if (done) break;
    text += value;
  }
  child.kill("SIGTERM");
  while (!(await lines.read()).done);
  await child.status;
  assert.match(text, /listening on 127\.0\.0\.1 only/);
  assert.match(
    text,
    /faults: 10% of calls fail \(3\.333% errors, 3\.333% throttled, 3\.333% dropped\), \+1-3 ms on s3,dynamodb,sqs, seed 7/,
  );
});
