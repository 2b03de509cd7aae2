import assert from "node:assert/strict";
import { compareServerCpu, type CpuSample, processCpuTicks } from "../../bench/server_cpu.ts";

Deno.test("processCpuTicks() adds utime and stime, counting fields after the command name", () => {
  // A command name with spaces and parentheses must not shift the fields.
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  fields[11] = "1234"; // utime
  fields[12] = "56"; // stime
  assert.equal(processCpuTicks(`4242 (deno (x) y) ${fields.join(" ")}`), 1290);
});

Deno.test("processCpuTicks() rejects a line without the CPU fields", () => {
  assert.throws(() => processCpuTicks("4242 (deno) S 1 2"), TypeError);
  assert.throws(() => processCpuTicks(""), /Cannot parse \/proc stat/);
});

Deno.test("compareServerCpu() keeps each server's least CPU per request and best rate", () => {
  const samples: CpuSample[] = [
    {
      operation: "s3:PutObject",
      server: "before",
      cpuUs: 400_000,
      requests: 1000,
      requestsPerS: 900,
    },
    {
      operation: "s3:PutObject",
      server: "after",
      cpuUs: 250_000,
      requests: 1000,
      requestsPerS: 1500,
    },
    {
      operation: "s3:PutObject",
      server: "before",
      cpuUs: 360_000,
      requests: 1000,
      requestsPerS: 800,
    },
    {
      operation: "s3:PutObject",
      server: "after",
      cpuUs: 180_000,
      requests: 1000,
      requestsPerS: 1400,
    },
    {
      operation: "sqs:SendMessageBatch",
      server: "before",
      cpuUs: 500_000,
      requests: 1000,
      requestsPerS: 700,
    },
    {
      operation: "sqs:SendMessageBatch",
      server: "after",
      cpuUs: 200_000,
      requests: 800,
      requestsPerS: 1100,
    },
  ];
  assert.deepEqual(compareServerCpu(samples), {
    "s3:PutObject": {
      before_us_per_request: 360,
      after_us_per_request: 180,
      cpu_ratio: 0.5,
      before_requests_per_s: 900,
      after_requests_per_s: 1500,
    },
    "sqs:SendMessageBatch": {
      before_us_per_request: 500,
      after_us_per_request: 250,
      cpu_ratio: 0.5,
      before_requests_per_s: 700,
      after_requests_per_s: 1100,
    },
  });
});

Deno.test("compareServerCpu() leaves out an operation measured on one server or with no request", () => {
  const samples: CpuSample[] = [
    { operation: "s3:GetObject", server: "before", cpuUs: 100_000, requests: 500, requestsPerS: 1 },
    {
      operation: "sqs:ReceiveMessage",
      server: "before",
      cpuUs: 100_000,
      requests: 0,
      requestsPerS: 0,
    },
    {
      operation: "sqs:ReceiveMessage",
      server: "after",
      cpuUs: 100_000,
      requests: 0,
      requestsPerS: 0,
    },
  ];
  assert.deepEqual(compareServerCpu(samples), {});
});
