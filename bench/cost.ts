/**
 * Estimated AWS cost of a benchmark run, from published us-east-1 prices.
 *
 * @module
 */

/** Prices the estimate uses, in US dollars. */
export interface Prices {
  /** When the prices were read off AWS's pricing pages. */
  readonly asOf: string;
  /** Where they come from. */
  readonly sources: readonly string[];
  /** S3 Standard: PUT, COPY, POST, LIST requests, per 1,000. */
  readonly s3PutPer1k: number;
  /** S3 Standard: GET, SELECT and other reads, per 1,000. */
  readonly s3GetPer1k: number;
  /** SQS standard queue, per million requests (each 64 KB chunk of a payload is one request). */
  readonly sqsPerMillionRequests: number;
  /** DynamoDB on-demand, per million write request units (one per standard write of up to 1 KB). */
  readonly dynamodbPerMillionWriteUnits: number;
  /** DynamoDB on-demand, per million read request units (one per strongly consistent read of up to 4 KB). */
  readonly dynamodbPerMillionReadUnits: number;
  /** Lambda, per million requests (invocations). */
  readonly lambdaPerMillionRequests: number;
  /** Lambda x86, per GB-second of billed duration (first 6 billion GB-s a month). */
  readonly lambdaPerGbSecond: number;
}

/**
 * Published prices for us-east-1 as AWS's pricing pages gave them in June
 * 2025 (the pages cannot be reached from the benchmark's machine; these are
 * the figures known for that date, the DynamoDB ones cross-checked against
 * copies of the page). S3 Standard, SQS standard queues and Lambda x86 have
 * not changed in years; DynamoDB on-demand halved on 2024-11-01. Since
 * 2025-08-01 Lambda also bills the INIT phase of ZIP functions on managed
 * runtimes, so init time is billed here too. Free tiers are left out.
 */
export const PRICES: Prices = Object.freeze({
  asOf: "2025-06",
  sources: Object.freeze([
    "https://aws.amazon.com/s3/pricing/",
    "https://aws.amazon.com/sqs/pricing/",
    "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    "https://aws.amazon.com/lambda/pricing/",
  ]),
  s3PutPer1k: 0.005,
  s3GetPer1k: 0.0004,
  sqsPerMillionRequests: 0.40,
  dynamodbPerMillionWriteUnits: 0.625,
  dynamodbPerMillionReadUnits: 0.125,
  lambdaPerMillionRequests: 0.20,
  lambdaPerGbSecond: 0.0000166667,
});

/** What a run consumed. */
export interface Usage {
  /** Items that went through the pipeline. */
  readonly items: number;
  /** Requests by `service:Operation`, as counted at the local AWS's router. */
  readonly requests: Readonly<Record<string, number>>;
  /** DynamoDB write request units (items put or updated, each under 1 KB). */
  readonly dynamodbWriteUnits: number;
  /** DynamoDB read request units (strongly consistent reads of items under 4 KB). */
  readonly dynamodbReadUnits: number;
  /** Lambda invocations. */
  readonly lambdaInvocations: number;
  /** Lambda billed duration (invocations and init), milliseconds. */
  readonly lambdaBilledMs: number;
  /** Lambda memory, MB. */
  readonly lambdaMemoryMb: number;
}

/** Estimated cost per million items, by service, US dollars. */
export interface CostEstimate {
  /** S3 requests. */
  readonly s3: number;
  /** SQS requests (the generator's, the Lambda mapping's and the service's). */
  readonly sqs: number;
  /** DynamoDB request units (billed per item, not per call: batching does not change it). */
  readonly dynamodb: number;
  /** Lambda requests and duration. */
  readonly lambda: number;
  /** Sum. */
  readonly total: number;
}

/** S3 operations billed at the GET rate; every other S3 operation is billed at the PUT rate. */
const S3_GET_TIER = new Set(["GetObject", "HeadObject", "GetObjectTagging", "GetObjectAcl"]);

/**
 * Estimates what a million items would cost at the run's rates of use.
 *
 * S3 and SQS bill per request, so batching SQS calls lowers the bill;
 * DynamoDB on-demand bills per item read or written, whatever the call;
 * Lambda bills per invocation and per GB-second.
 *
 * @example Usage
 * ```ts
 * import { costPerMillionItems } from "./cost.ts";
 *
 * const cost = costPerMillionItems({
 *   items: 1,
 *   requests: { "s3:PutObject": 1, "s3:GetObject": 1, "sqs:SendMessage": 1 },
 *   dynamodbWriteUnits: 2,
 *   dynamodbReadUnits: 1,
 *   lambdaInvocations: 1,
 *   lambdaBilledMs: 20,
 *   lambdaMemoryMb: 256,
 * });
 * console.log(cost.total.toFixed(2));
 * ```
 *
 * @param usage What the run consumed.
 * @param prices Prices; defaults to {@linkcode PRICES}.
 * @returns Dollars per million items, by service.
 * @throws {RangeError} When `usage.items` is not above 0.
 */
export function costPerMillionItems(usage: Usage, prices: Prices = PRICES): CostEstimate {
  if (!(usage.items > 0)) {
    throw new RangeError(`Cannot estimate cost: items must be above 0, got ${usage.items}`);
  }
  let s3 = 0;
  let sqs = 0;
  for (const [name, count] of Object.entries(usage.requests)) {
    const [service, operation = ""] = name.split(":");
    if (service === "s3") {
      s3 += count * (S3_GET_TIER.has(operation) ? prices.s3GetPer1k : prices.s3PutPer1k) / 1_000;
    } else if (service === "sqs") {
      sqs += count * prices.sqsPerMillionRequests / 1_000_000;
    }
  }
  const dynamodb = usage.dynamodbWriteUnits * prices.dynamodbPerMillionWriteUnits / 1_000_000 +
    usage.dynamodbReadUnits * prices.dynamodbPerMillionReadUnits / 1_000_000;
  const gbSeconds = (usage.lambdaBilledMs / 1000) * (usage.lambdaMemoryMb / 1024);
  const lambda = usage.lambdaInvocations * prices.lambdaPerMillionRequests / 1_000_000 +
    gbSeconds * prices.lambdaPerGbSecond;
  const scale = 1_000_000 / usage.items;
  return {
    s3: s3 * scale,
    sqs: sqs * scale,
    dynamodb: dynamodb * scale,
    lambda: lambda * scale,
    total: (s3 + sqs + dynamodb + lambda) * scale,
  };
}
