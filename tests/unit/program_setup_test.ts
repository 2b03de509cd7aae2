import assert from "node:assert/strict";
import { destroyClients } from "../../lib/clients.ts";
import { setUpProgram } from "../../lib/program_setup.ts";

const IDENTITY = { accessKeyId: "LKIATESTPROGRAM00001", secretAccessKey: "secret" };

function env(values: Record<string, string>) {
  return (name: string) => values[name];
}

Deno.test("setUpProgram() signs as the program's identity locally and traces to the local AWS", async () => {
  const { config, clients, tracer } = setUpProgram(env({}), {
    program: "service",
    serviceName: "service",
    localCredentials: IDENTITY,
  });
  try {
    assert.equal(config.local, true);
    assert.equal(tracer.enabled, true);
    const credentials = await clients.sqs.config.credentials();
    assert.equal(credentials.accessKeyId, IDENTITY.accessKeyId);
    assert.equal(await clients.s3.config.maxAttempts(), 3);
  } finally {
    destroyClients(clients);
  }
});

Deno.test("setUpProgram() exports nothing against AWS with no OTEL_* set, and keeps maxAttempts", async () => {
  const { config, clients, tracer } = setUpProgram(
    env({ AWS_DISCOVERY_TARGET: "aws", AWS_REGION: "eu-west-1" }),
    { program: "generate", serviceName: "generator", localCredentials: IDENTITY, maxAttempts: 1 },
  );
  try {
    assert.equal(config.local, false);
    assert.equal(config.region, "eu-west-1");
    assert.equal(tracer.enabled, false);
    assert.equal(await clients.dynamodb.config.maxAttempts(), 1);
  } finally {
    destroyClients(clients);
  }
});

Deno.test("setUpProgram() names the program and the variable of a bad tracing setting", () => {
  assert.throws(
    () =>
      setUpProgram(env({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }), {
        program: "service",
        serviceName: "service",
        localCredentials: IDENTITY,
      }),
    /Cannot start service: OTEL_EXPORTER_OTLP_PROTOCOL "grpc" is not supported/,
  );
});
