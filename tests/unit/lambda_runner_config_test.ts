import assert from "node:assert/strict";
import { RESOURCES } from "../../lib/resources.ts";
import { LOCAL_IDENTITIES } from "../../lib/local_identities.ts";
import {
  checkQueueForMapping,
  DEFAULT_ENVIRONMENT,
  functionArn,
  lambdaEnvironment,
  type LambdaRunnerOptions,
  resolveLambdaRunnerConfig,
} from "../../local/lambda/_config.ts";

Deno.test("resolveLambdaRunnerConfig() takes its defaults from RESOURCES", () => {
  const config = resolveLambdaRunnerConfig({});
  const fn = RESOURCES.updateFunction;
  assert.equal(config.endpoint, RESOURCES.localEndpoint);
  assert.equal(config.region, RESOURCES.region);
  assert.equal(config.queue, RESOURCES.uploadQueue.name);
  assert.equal(config.functionName, fn.name);
  assert.equal(config.timeoutSeconds, fn.timeoutSeconds);
  assert.equal(config.memoryMb, fn.memoryMb);
  assert.equal(config.batchSize, fn.batchSize);
  assert.equal(config.maximumBatchingWindowSeconds, fn.maximumBatchingWindowSeconds);
  assert.equal(config.maximumConcurrency, fn.maximumConcurrency);
  assert.equal(config.code, "dist/update_item.mjs");
  assert.equal(config.handlerExport, "handler");
  assert.equal(config.handlerName, "update_item.handler");
  assert.equal(config.runtime, "node");
  assert.equal(config.reportBatchItemFailures, true);
  assert.deepEqual(config.environment, DEFAULT_ENVIRONMENT);
  assert.deepEqual(DEFAULT_ENVIRONMENT, {
    AWS_DYNAMODB_TABLE: RESOURCES.table.name,
    AWS_SQS_UPDATE_QUEUE: RESOURCES.updateQueue.name,
  });
});

Deno.test("resolveLambdaRunnerConfig() runs TypeScript code with deno", () => {
  assert.equal(resolveLambdaRunnerConfig({ code: "lambda/update_item.ts" }).runtime, "deno");
  assert.equal(resolveLambdaRunnerConfig({ code: "x.mjs", runtime: "deno" }).runtime, "deno");
  assert.equal(
    resolveLambdaRunnerConfig({ functionResponseTypes: [] }).reportBatchItemFailures,
    false,
  );
});

Deno.test("resolveLambdaRunnerConfig() rejects what CreateEventSourceMapping and CreateFunction refuse", () => {
  const cases: [LambdaRunnerOptions, string][] = [
    [{ batchSize: 0 }, "BatchSize must be an integer from 1 to 10000, got 0"],
    [
      { batchSize: 10_001, maximumBatchingWindowSeconds: 1 },
      "BatchSize must be an integer from 1 to 10000, got 10001",
    ],
    [{ batchSize: 2.5 }, "BatchSize must be an integer from 1 to 10000, got 2.5"],
    [
      { batchSize: 11 },
      "BatchSize 11 is above 10, so MaximumBatchingWindowInSeconds must be at least 1, got 0",
    ],
    [
      { maximumBatchingWindowSeconds: 301 },
      "MaximumBatchingWindowInSeconds must be an integer from 0 to 300, got 301",
    ],
    [{ maximumConcurrency: 1 }, "MaximumConcurrency must be an integer from 2 to 1000, got 1"],
    [
      { maximumConcurrency: 1001 },
      "MaximumConcurrency must be an integer from 2 to 1000, got 1001",
    ],
    [{ timeoutSeconds: 0 }, "Timeout must be an integer from 1 to 900, got 0"],
    [{ timeoutSeconds: 901 }, "Timeout must be an integer from 1 to 900, got 901"],
    [{ memoryMb: 127 }, "MemorySize must be an integer from 128 to 10240, got 127"],
    [
      { functionResponseTypes: ["Nope" as "ReportBatchItemFailures"] },
      'FunctionResponseTypes accepts only "ReportBatchItemFailures", got "Nope"',
    ],
    [{ environment: { AWS_REGION: "x" } }, "environment variable AWS_REGION is reserved by Lambda"],
    [
      { environment: { AWS_ACCESS_KEY_ID: "x" } },
      "environment variable AWS_ACCESS_KEY_ID is reserved by Lambda",
    ],
    [
      { environment: { "1X": "x" } },
      'environment variable name "1X" must start with a letter and hold only letters, digits and underscores',
    ],
    [
      { environment: { BIG: "x".repeat(5000) } },
      "environment variables take 5003 bytes, above Lambda's 4096",
    ],
    [
      { functionName: "has space" },
      'function name "has space" must be 1 to 64 letters, digits, hyphens or underscores',
    ],
    [
      { handlerExport: "not-an-identifier" },
      'handler export "not-an-identifier" is not an identifier',
    ],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => resolveLambdaRunnerConfig(options),
      new RangeError(`Cannot start Lambda runner: ${message}`),
      JSON.stringify(options),
    );
  }
});

Deno.test("resolveLambdaRunnerConfig() accepts AWS's limits", () => {
  resolveLambdaRunnerConfig({ batchSize: 10_000, maximumBatchingWindowSeconds: 1 });
  resolveLambdaRunnerConfig({ batchSize: 10, maximumBatchingWindowSeconds: 0 });
  resolveLambdaRunnerConfig({ maximumConcurrency: 2, timeoutSeconds: 900, memoryMb: 10_240 });
  resolveLambdaRunnerConfig({ environment: { AWS_ENDPOINT_URL: "http://127.0.0.1:1" } });
});

Deno.test("checkQueueForMapping() rejects a visibility timeout below the function timeout", () => {
  const config = resolveLambdaRunnerConfig({ timeoutSeconds: 10 });
  checkQueueForMapping(config, { name: "q", visibilityTimeoutSeconds: 10, fifo: false });
  assert.throws(
    () => checkQueueForMapping(config, { name: "q", visibilityTimeoutSeconds: 9, fifo: false }),
    new RangeError(
      "Cannot start Lambda runner: queue q has a visibility timeout of 9 s, below the function timeout of 10 s",
    ),
  );
});

Deno.test("checkQueueForMapping() holds a FIFO queue to 10 records and no window", () => {
  const fifo = { name: "q.fifo", visibilityTimeoutSeconds: 60, fifo: true };
  checkQueueForMapping(resolveLambdaRunnerConfig({ batchSize: 10 }), fifo);
  assert.throws(
    () =>
      checkQueueForMapping(
        resolveLambdaRunnerConfig({ batchSize: 11, maximumBatchingWindowSeconds: 1 }),
        fifo,
      ),
    /BatchSize 11 is above 10, the limit of FIFO queue q\.fifo/,
  );
  assert.throws(
    () =>
      checkQueueForMapping(resolveLambdaRunnerConfig({ maximumBatchingWindowSeconds: 1 }), fifo),
    /FIFO queue q\.fifo does not support a batching window/,
  );
});

Deno.test("lambdaEnvironment() sets Lambda's reserved variables over the function's own", () => {
  const config = resolveLambdaRunnerConfig({
    endpoint: "http://127.0.0.1:4567",
    region: "eu-west-1",
    credentials: { accessKeyId: "AK", secretAccessKey: "SK", sessionToken: "ST" },
    functionName: "fn",
    memoryMb: 512,
    code: "build/out/fn.mjs",
    environment: { MY_SETTING: "1" },
  });
  assert.deepEqual(lambdaEnvironment(config, "2026/01/01/[$LATEST]abc"), {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    LANG: "en_US.UTF-8",
    TZ: ":UTC",
    AWS_ENDPOINT_URL: "http://127.0.0.1:4567",
    MY_SETTING: "1",
    _HANDLER: "fn.handler",
    AWS_REGION: "eu-west-1",
    AWS_DEFAULT_REGION: "eu-west-1",
    AWS_EXECUTION_ENV: `AWS_Lambda_${RESOURCES.updateFunction.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: "fn",
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/fn",
    AWS_LAMBDA_LOG_STREAM_NAME: "2026/01/01/[$LATEST]abc",
    AWS_ACCESS_KEY_ID: "AK",
    AWS_SECRET_ACCESS_KEY: "SK",
    AWS_SESSION_TOKEN: "ST",
    LAMBDA_TASK_ROOT: "build/out",
  });
});

Deno.test("functionArn() builds a function ARN", () => {
  assert.equal(
    functionArn("us-east-1", "000000000000", "update-item"),
    "arn:aws:lambda:us-east-1:000000000000:function:update-item",
  );
});

Deno.test("lambdaEnvironment() gives the function its role session's three credentials by default", () => {
  const role = LOCAL_IDENTITIES.updateFunction;
  const environment = lambdaEnvironment(resolveLambdaRunnerConfig({}), "stream");
  assert.equal(environment.AWS_ACCESS_KEY_ID, role.accessKeyId);
  assert.equal(environment.AWS_SECRET_ACCESS_KEY, role.secretAccessKey);
  assert.ok(role.sessionToken, "the role session has a token");
  assert.equal(environment.AWS_SESSION_TOKEN, role.sessionToken);
});
