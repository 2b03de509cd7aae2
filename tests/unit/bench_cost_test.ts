import assert from "node:assert/strict";
import { costPerMillionItems, PRICES } from "../../bench/cost.ts";

const SEED_PER_ITEM = {
  "sqs:GetQueueUrl": 2,
  "s3:PutObject": 1,
  "dynamodb:PutItem": 1,
  "sqs:SendMessage": 1,
  "sqs:ReceiveMessage": 2,
  "dynamodb:UpdateItem": 1,
  "sqs:SendMessageBatch": 1,
  "sqs:DeleteMessageBatch": 2,
  "dynamodb:GetItem": 1,
  "s3:GetObject": 1,
};

function near(actual: number, expected: number, what: string) {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} is not ${expected}`);
}

Deno.test("costPerMillionItems() prices the seed's call pattern by service", () => {
  const items = 1000;
  const cost = costPerMillionItems({
    items,
    requests: Object.fromEntries(Object.entries(SEED_PER_ITEM).map(([k, v]) => [k, v * items])),
    dynamodbWriteUnits: 2 * items,
    dynamodbReadUnits: items,
    lambdaInvocations: items,
    lambdaBilledMs: 20 * items,
    lambdaMemoryMb: 256,
  });
  // A million PutObject at $0.005/1k and a million GetObject at $0.0004/1k.
  near(cost.s3, 5 + 0.4, "s3");
  // 8 SQS requests per item at $0.40 per million.
  near(cost.sqs, 8 * 0.4, "sqs");
  // Two million WRU at $0.625/M and a million RRU at $0.125/M.
  near(cost.dynamodb, 2 * 0.625 + 0.125, "dynamodb");
  // A million invocations, 20 ms at 0.25 GB each: 5,000 GB-s.
  near(cost.lambda, 0.2 + 5000 * PRICES.lambdaPerGbSecond, "lambda");
  near(cost.total, cost.s3 + cost.sqs + cost.dynamodb + cost.lambda, "total");
});

Deno.test("costPerMillionItems() lowers SQS and Lambda with batches, not DynamoDB", () => {
  const base = {
    items: 100,
    dynamodbWriteUnits: 200,
    dynamodbReadUnits: 100,
    lambdaMemoryMb: 256,
  };
  const single = costPerMillionItems({
    ...base,
    requests: { "sqs:SendMessage": 100 },
    lambdaInvocations: 100,
    lambdaBilledMs: 100 * 20,
  });
  const batched = costPerMillionItems({
    ...base,
    requests: { "sqs:SendMessageBatch": 10 },
    lambdaInvocations: 10,
    lambdaBilledMs: 10 * 60,
  });
  near(batched.sqs, single.sqs / 10, "sqs");
  assert.ok(batched.lambda < single.lambda / 3);
  near(batched.dynamodb, single.dynamodb, "dynamodb");
});

Deno.test("costPerMillionItems() bills unknown S3 operations at the PUT rate and refuses no items", () => {
  const cost = costPerMillionItems({
    items: 1,
    requests: { "s3:ListObjectsV2": 1, "s3:HeadObject": 1 },
    dynamodbWriteUnits: 0,
    dynamodbReadUnits: 0,
    lambdaInvocations: 0,
    lambdaBilledMs: 0,
    lambdaMemoryMb: 128,
  });
  near(cost.s3, (PRICES.s3PutPer1k + PRICES.s3GetPer1k) * 1000, "s3");
  assert.throws(
    () =>
      costPerMillionItems({
        items: 0,
        requests: {},
        dynamodbWriteUnits: 0,
        dynamodbReadUnits: 0,
        lambdaInvocations: 0,
        lambdaBilledMs: 0,
        lambdaMemoryMb: 128,
      }),
    RangeError,
  );
});

Deno.test("PRICES states its date and sources", () => {
  assert.match(PRICES.asOf, /^\d{4}-\d{2}/);
  assert.ok(PRICES.sources.every((url) => url.startsWith("https://aws.amazon.com/")));
  assert.equal(PRICES.dynamodbPerMillionWriteUnits, 0.625);
  assert.equal(PRICES.dynamodbPerMillionReadUnits, 0.125);
});
