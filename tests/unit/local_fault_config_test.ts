import assert from "node:assert/strict";
import {
  describeFaults,
  faultOptionsFromFlags,
  faultsActive,
  NO_FAULTS,
  resolveFaultConfig,
  targets,
} from "../../local/faults/_config.ts";

Deno.test("resolveFaultConfig() splits faultRate into thirds and keeps explicit rates", () => {
  const config = resolveFaultConfig({ faultRate: 0.3, dropRate: 0 });
  assert.equal(config.errorRate, 0.3 / 3);
  assert.equal(config.throttleRate, 0.3 / 3);
  assert.equal(config.dropRate, 0);
  assert.deepEqual(config.services, ["s3", "dynamodb", "sqs"]);
  assert.equal(config.seed, 1);
});

Deno.test("resolveFaultConfig() changes only the settings given", () => {
  const base = resolveFaultConfig({ errorRate: 0.2, latencyMs: 5, seed: 9 });
  const next = resolveFaultConfig({ throttleRate: 0.1 }, base);
  assert.deepEqual(
    { ...next },
    { ...base, throttleRate: 0.1 },
  );
  assert.ok(Object.isFrozen(next));
});

Deno.test("resolveFaultConfig() refuses unknown keys, bad types, ranges and sums", () => {
  assert.throws(() => resolveFaultConfig({ rate: 1 } as never), /unknown setting "rate"/);
  assert.throws(
    () => resolveFaultConfig({ errorRate: "1" } as never),
    /errorRate must be a number/,
  );
  assert.throws(() => resolveFaultConfig({ errorRate: 1.5 }), /errorRate must be from 0 to 1/);
  assert.throws(
    () => resolveFaultConfig({ errorRate: 0.6, dropRate: 0.6 }),
    /must be at most 1, got 1\.2/,
  );
  assert.throws(() => resolveFaultConfig({ latencyMs: -1 }), /latencyMs must be from 0/);
  assert.throws(() => resolveFaultConfig({ latencyMs: 1.5 }), /latencyMs must be a whole/);
  assert.throws(() => resolveFaultConfig({ services: ["ec2" as never] }), /unknown service "ec2"/);
  assert.throws(
    () => resolveFaultConfig({ operations: ["sqs:receive message"] }),
    /is not an operation such as/,
  );
  assert.throws(() => resolveFaultConfig({ seed: 2 ** 32 }), /seed must be from 0/);
  assert.throws(() => resolveFaultConfig([] as never), /expected an object/);
});

Deno.test("targets() matches services and operations in both spellings", () => {
  const all = resolveFaultConfig({ errorRate: 1 });
  assert.equal(targets(all, "sqs", "ReceiveMessage"), true);
  assert.equal(targets(all, "sts", "GetCallerIdentity"), false);
  const some = resolveFaultConfig({ operations: ["sqs:ReceiveMessage", "PutObject"] });
  assert.equal(targets(some, "sqs", "ReceiveMessage"), true);
  assert.equal(targets(some, "sqs", "SendMessage"), false);
  assert.equal(targets(some, "s3", "PutObject"), true);
});

Deno.test("faultsActive() is false for no rate and no latency", () => {
  assert.equal(faultsActive(NO_FAULTS), false);
  assert.equal(faultsActive(resolveFaultConfig({ latencyMs: 1 })), true);
  assert.equal(faultsActive(resolveFaultConfig({ dropRate: 0.01 })), true);
});

Deno.test("faultOptionsFromFlags() reads shares, percentages, latency ranges, lists and seeds", () => {
  assert.equal(faultOptionsFromFlags({}), undefined);
  assert.deepEqual(
    faultOptionsFromFlags({
      "fault-rate": "10%",
      "drop-rate": "0",
      "latency-ms": "5-20",
      "fault-services": "sqs, s3",
      "fault-operations": "sqs:ReceiveMessage,PutObject",
      "fault-seed": "42",
    }),
    {
      faultRate: 0.1,
      dropRate: 0,
      latencyMs: 5,
      latencyJitterMs: 15,
      services: ["sqs", "s3"],
      operations: ["sqs:ReceiveMessage", "PutObject"],
      seed: 42,
    },
  );
  assert.deepEqual(faultOptionsFromFlags({ "latency-ms": "7" }), {
    latencyMs: 7,
    latencyJitterMs: 0,
  });
});

Deno.test("faultOptionsFromFlags() names the flag of a bad value", () => {
  assert.throws(() => faultOptionsFromFlags({ "fault-rate": "lots" }), /Invalid --fault-rate/);
  assert.throws(() => faultOptionsFromFlags({ "error-rate": "150%" }), /Invalid --error-rate/);
  assert.throws(() => faultOptionsFromFlags({ "latency-ms": "20-5" }), /Invalid --latency-ms/);
  assert.throws(() => faultOptionsFromFlags({ "fault-seed": "-1" }), /Invalid --fault-seed/);
  assert.throws(
    () => faultOptionsFromFlags({ "fault-services": "sqs,lambda" }),
    /Invalid fault flags: unknown service "lambda"/,
  );
  assert.throws(
    () => faultOptionsFromFlags({ "error-rate": "0.7", "drop-rate": "0.7" }),
    /Invalid fault flags: errorRate \+ throttleRate \+ dropRate must be at most 1/,
  );
});

Deno.test("describeFaults() says what is injected, where, and the seed", () => {
  assert.equal(describeFaults(NO_FAULTS), "faults: off");
  assert.equal(
    describeFaults(resolveFaultConfig({ faultRate: 0.1, latencyMs: 5, latencyJitterMs: 10 })),
    "faults: 10% of calls fail (3.333% errors, 3.333% throttled, 3.333% dropped), +5-15 ms " +
      "on s3,dynamodb,sqs, seed 1",
  );
});
