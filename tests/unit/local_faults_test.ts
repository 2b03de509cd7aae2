import assert from "node:assert/strict";
import type { InnerResponse } from "../../local/core/_inner.ts";
import type { InterceptedRequest, LocalAwsRequest } from "../../local/core/_request.ts";
import { createFaultInjector, type FaultNote, FAULTS_PATH } from "../../local/faults/_faults.ts";
import { useFakeTime } from "../_helpers/fake_time.ts";

function intercepted(
  service: InterceptedRequest["service"] = "sqs",
  operation = "SendMessage",
): InterceptedRequest & { annotations: Notes } {
  const url = new URL("http://127.0.0.1:4566/");
  return {
    service,
    operation,
    inner: {
      method: "POST",
      url: "/",
      headers: { "x-amz-target": `AmazonSQS.${operation}` },
      body: new Uint8Array(),
    },
    url,
    headers: new Headers({ "x-amz-target": `AmazonSQS.${operation}` }),
    annotations: {},
  };
}

/** The router's annotations, as far as faults write them. */
type Notes = { fault?: FaultNote };

const LOOPBACK = {
  remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 50000 },
  completed: Promise.resolve(),
} as unknown as Deno.ServeHandlerInfo<Deno.NetAddr>;

Deno.test("createFaultInjector() passes every request with no fault configured", async () => {
  const faults = createFaultInjector();
  for (let i = 0; i < 50; i++) assert.equal(await faults.intercept(intercepted()), undefined);
  assert.equal(faults.stats().requests, 0, "requests are not counted while faults are off");
  assert.equal(faults.describe(), "faults: off");
});

Deno.test("createFaultInjector() answers errors in the service's shape and notes them", async () => {
  const faults = createFaultInjector({ errorRate: 1 });
  const request = intercepted("dynamodb", "PutItem");
  const answer = await faults.intercept(request);
  assert.ok(answer);
  assert.ok(answer.status === 500 || answer.status === 503);
  assert.match(new TextDecoder().decode(answer.body), /com\.amazonaws\.dynamodb\.v20120810#/);
  assert.equal(request.annotations.fault, "error");
  const stats = faults.stats();
  assert.equal(stats.errors, 1);
  assert.equal(stats.faults, 1);
  assert.deepEqual(stats.byOperation, { "dynamodb:PutItem": 1 });
});

Deno.test("createFaultInjector() leaves untargeted services and operations alone", async () => {
  const faults = createFaultInjector({ throttleRate: 1, operations: ["sqs:ReceiveMessage"] });
  assert.equal(await faults.intercept(intercepted("sqs", "SendMessage")), undefined);
  assert.equal(await faults.intercept(intercepted("sts", "GetCallerIdentity")), undefined);
  const answer = await faults.intercept(intercepted("sqs", "ReceiveMessage"));
  assert.ok(answer?.status === 403 || answer?.status === 400);
  assert.equal(faults.stats().throttled, 1);
});

/** The router's report of a request answered with `answer`, with its annotations. */
function reported(
  request: InterceptedRequest,
  answer: InnerResponse,
  method = "POST",
): LocalAwsRequest {
  return {
    service: request.service,
    operation: request.operation,
    name: `${request.service}:${request.operation}`,
    method,
    path: "/",
    status: answer.status,
    durationMs: 1,
    startedAt: 0,
    inner: request.inner,
    answer,
    ...request.annotations,
  };
}

const OK_ANSWER: InnerResponse = {
  status: 200,
  headers: { "content-type": "application/json" },
  body: new TextEncoder().encode("{}"),
};

Deno.test("createFaultInjector() cuts a connection before processing", async () => {
  const faults = createFaultInjector({ dropRate: 1, seed: 3 });
  // Find a drop before processing in the seeded sequence.
  let request = intercepted();
  let answer = await faults.intercept(request);
  while (answer === undefined) {
    request = intercepted();
    answer = await faults.intercept(request);
  }
  assert.equal(request.annotations.fault, "drop-before");
  const routed = new Response(null, { status: answer.status, headers: answer.headers });
  const response = faults.finish(reported(request, answer), routed);
  assert.notEqual(response, routed);
  assert.equal(response.status, 500);
  assert.equal(response.headers.get("content-length"), "64");
  assert.equal(response.headers.get("x-local-aws-drop"), null, "no marker is sent");
  assert.equal((await response.bytes()).length, 0);
  assert.equal(faults.stats().droppedBefore, 1);
});

Deno.test("createFaultInjector() cuts a connection after processing, keeping its status line", async () => {
  const faults = createFaultInjector({ dropRate: 1, seed: 3 });
  for (let i = 0; i < 20; i++) {
    const seen = intercepted();
    const answer = await faults.intercept(seen);
    if (answer !== undefined) continue;
    assert.equal(seen.annotations.fault, "drop-after");
    assert.equal(faults.stats().droppedAfter, 0, "counted when cut");
    const routed = new Response("{}", { status: 200, headers: OK_ANSWER.headers });
    const response = faults.finish(reported(seen, OK_ANSWER), routed);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(response.headers.get("content-length"), "2", "the answer's own length");
    assert.equal(new TextDecoder().decode(await response.bytes()), "{", "half of it is sent");
    const stats = faults.stats();
    assert.equal(stats.droppedAfter, 1);
    // The drops before processing met on the way are counted too.
    assert.equal(stats.faults, stats.droppedBefore + 1);
    assert.deepEqual(stats.byOperation, { "sqs:SendMessage": stats.faults });
    return;
  }
  assert.fail("no drop after processing in 20 requests");
});

Deno.test("createFaultInjector() cuts a HEAD answer after processing with no body", async () => {
  const faults = createFaultInjector({ dropRate: 1, seed: 3 });
  for (let i = 0; i < 20; i++) {
    const seen = intercepted("s3", "HeadObject");
    if (await faults.intercept(seen) !== undefined) continue;
    const routed = new Response(null, { status: 200, headers: { "content-length": "2" } });
    const response = faults.finish(reported(seen, OK_ANSWER, "HEAD"), routed);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-length"), "64", "no body of the answer is sent");
    assert.equal((await response.bytes()).length, 0);
    return;
  }
  assert.fail("no drop after processing in 20 requests");
});

Deno.test("createFaultInjector() makes the same decisions again after the same seed", async () => {
  const faults = createFaultInjector({ faultRate: 0.5, seed: 11 });
  const outcomes = async () => {
    const seen: string[] = [];
    for (let i = 0; i < 100; i++) {
      const request = intercepted();
      await faults.intercept(request);
      seen.push(request.annotations.fault ?? "-");
    }
    return seen;
  };
  const first = await outcomes();
  faults.set({ seed: 11 });
  assert.deepEqual(await outcomes(), first);
  faults.set({ faultRate: 0.5 });
  assert.notDeepEqual(await outcomes(), first, "changing a rate keeps the sequence going");
});

Deno.test("createFaultInjector() delays requests by the configured latency", async () => {
  using time = useFakeTime();
  const faults = createFaultInjector({ latencyMs: 30 });
  let answered = false;
  const answer = Promise.resolve(faults.intercept(intercepted())).then((response) => {
    answered = true;
    return response;
  });
  await time.tickAsync(29);
  assert.equal(answered, false, "still held at 29 ms");
  await time.tickAsync(1);
  assert.equal(await answer, undefined);
  assert.equal(answered, true);
  assert.equal(faults.stats().delayed, 1);
});

Deno.test("createFaultInjector() clear() turns faults off and keeps scope and seed", () => {
  const faults = createFaultInjector({ faultRate: 0.3, services: ["s3"], seed: 4 });
  const config = faults.clear();
  assert.equal(config.errorRate + config.throttleRate + config.dropRate, 0);
  assert.deepEqual(config.services, ["s3"]);
  assert.equal(config.seed, 4);
});

async function admin(
  faults: ReturnType<typeof createFaultInjector>,
  init: RequestInit = {},
  info = LOOPBACK,
) {
  const response = await faults.admin(
    new Request(`http://127.0.0.1:4566${FAULTS_PATH}`, init),
    info,
  );
  return { status: response.status, body: await response.json() };
}

Deno.test("createFaultInjector() serves its state on GET /_local/faults", async () => {
  const faults = createFaultInjector({ errorRate: 0.25, seed: 8 });
  const { status, body } = await admin(faults);
  assert.equal(status, 200);
  assert.equal(body.config.errorRate, 0.25);
  assert.equal(body.config.seed, 8);
  assert.equal(body.stats.faults, 0);
});

Deno.test("createFaultInjector() changes faults on POST and clears them on DELETE", async () => {
  const faults = createFaultInjector();
  const json = { "content-type": "application/json" };
  const posted = await admin(faults, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ faultRate: 0.3, latencyMs: 2 }),
  });
  assert.equal(posted.status, 200);
  assert.equal(posted.body.config.latencyMs, 2);
  assert.equal(faults.config().dropRate, 0.3 / 3);
  const bad = await admin(faults, { method: "POST", headers: json, body: '{"errorRate": 2}' });
  assert.equal(bad.status, 400);
  assert.match(
    bad.body.error,
    /^Cannot change faults: Invalid faults: errorRate must be from 0 to 1/,
  );
  assert.equal(faults.config().latencyMs, 2, "an invalid change changes nothing");
  const notJson = await admin(faults, { method: "POST", headers: json, body: "rate=1" });
  assert.equal(notJson.status, 400);
  const cleared = await admin(faults, { method: "DELETE" });
  assert.equal(cleared.body.config.errorRate, 0);
  assert.equal(cleared.body.config.latencyMs, 0);
});

Deno.test("createFaultInjector() refuses other hosts, browsers, other bodies and methods", async () => {
  const faults = createFaultInjector();
  const remote = {
    ...LOOPBACK,
    remoteAddr: { transport: "tcp", hostname: "192.168.1.20", port: 1 },
  } as unknown as Deno.ServeHandlerInfo<Deno.NetAddr>;
  assert.equal((await admin(faults, {}, remote)).status, 403);
  const browser = await admin(faults, { headers: { origin: "https://example.com" } });
  assert.equal(browser.status, 403);
  assert.match(browser.body.error, /cross-origin/);
  const form = await admin(faults, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: '{"errorRate":1}',
  });
  assert.equal(form.status, 415);
  assert.equal(faults.config().errorRate, 0);
  assert.equal((await admin(faults, { method: "PUT", body: "{}" })).status, 405);
});

Deno.test("createFaultInjector() sends the router's response unchanged when it cut nothing", async () => {
  const faults = createFaultInjector({ errorRate: 1 });
  const request = intercepted();
  const answer = await faults.intercept(request);
  assert.ok(answer);
  const routed = new Response("{}", { status: answer.status });
  assert.equal(faults.finish(reported(request, answer), routed), routed, "an error is sent as is");
  const untouched = intercepted();
  const response = new Response("{}", { status: 200 });
  assert.equal(faults.finish(reported(untouched, OK_ANSWER), response), response);
  assert.equal(await response.text(), "{}");
});
