import assert from "node:assert/strict";
import type { InterceptedRequest } from "../../local/core/_request.ts";
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

function route(status = 200) {
  return () => Promise.resolve(new Response("{}", { status }));
}

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
  let routed = false;
  const response = await faults.serve(new Request("http://127.0.0.1/"), LOOPBACK, () => {
    routed = true;
    return Promise.resolve(new Response(null, { status: 500, headers: answer.headers }));
  });
  assert.equal(routed, true);
  assert.equal(response.status, 500);
  assert.equal(response.headers.get("content-length"), "64");
  assert.equal(response.headers.get("x-local-aws-drop"), null, "the marker never leaves");
  assert.equal((await response.bytes()).length, 0);
  assert.equal(faults.stats().droppedBefore, 1);
});

Deno.test("createFaultInjector() cuts a connection after processing, keeping its status line", async () => {
  const faults = createFaultInjector({ dropRate: 1, seed: 3 });
  for (let i = 0; i < 20; i++) {
    const request = new Request("http://127.0.0.1/", { method: "POST" });
    const seen = {
      ...intercepted(),
      headers: request.headers,
      annotations: {} as Notes,
    };
    const answer = await faults.intercept(seen);
    if (answer !== undefined) continue;
    assert.equal(seen.annotations.fault, "drop-after");
    let processed = false;
    const response = await faults.serve(request, LOOPBACK, () => {
      processed = true;
      return route(200)();
    });
    assert.equal(processed, true, "the request reaches the emulators");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-length"), "2", "the answer's own length");
    assert.equal(new TextDecoder().decode(await response.bytes()), "{", "half of it is sent");
    assert.equal(faults.stats().droppedAfter, 1);
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
  const response = await faults.serve(
    new Request(`http://127.0.0.1:4566${FAULTS_PATH}`, init),
    info,
    () => Promise.reject(new Error("not routed")),
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

Deno.test("createFaultInjector() passes other paths to the router untouched", async () => {
  const faults = createFaultInjector({ errorRate: 1 });
  const response = await faults.serve(
    new Request("http://127.0.0.1:4566/laptops/a.json"),
    LOOPBACK,
    route(200),
  );
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "{}");
});
