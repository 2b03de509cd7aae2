/**
 * As on AWS: the latency each call would take in a region, drawn per call,
 * and the report of the runs made with it. Pure.
 *
 * The local AWS answers in about a millisecond, which flatters a pattern of
 * one call at a time; on AWS every call crosses a network to a service. The
 * figures are published ones for clients in the same region:
 * - DynamoDB: "for most atomic operations, such as GetItem and PutItem, an
 *   average latency is in single-digit milliseconds" (AWS re:Post, "How can I
 *   troubleshoot high latency on an Amazon DynamoDB table?",
 *   https://repost.aws/knowledge-center/dynamodb-high-latency).
 * - S3: for small requests (under 512 KB) "median latencies often in the tens
 *   of milliseconds range" (AWS whitepaper "Best Practices Design Patterns:
 *   Optimizing Amazon S3 Performance", section "Timeouts and Retries for
 *   Latency-Sensitive Applications", https://docs.aws.amazon.com/whitepapers/latest/s3-optimizing-performance-best-practices/timeouts-and-retries-for-latency-sensitive-applications.html).
 * - SQS: standard queues, "low latency (< 10 ms on publish and receive)"
 *   (course notes, not AWS's own figure:
 *   https://massipssa.github.io/Docs/docs/cloud/aws/Collection/sqs); AWS
 *   publishes no number.
 *
 * @module
 */

import type { RunReport } from "./report.ts";

/** A latency drawn uniformly from `minMs` to `maxMs` per call. */
export interface LatencyRange {
  /** Shortest, milliseconds. */
  readonly minMs: number;
  /** Longest, milliseconds. */
  readonly maxMs: number;
  /** Where the figure comes from. */
  readonly source: string;
}

/** The latencies of `--aws-latency`, by service. */
export const AWS_LATENCY: Readonly<Record<"s3" | "dynamodb" | "sqs", LatencyRange>> = Object
  .freeze({
    dynamodb: {
      minMs: 3,
      maxMs: 9,
      source: "single-digit ms average for GetItem/PutItem (AWS re:Post, dynamodb-high-latency)",
    },
    s3: {
      minMs: 15,
      maxMs: 45,
      source: "tens of ms median for requests under 512 KB (AWS S3 performance whitepaper)",
    },
    sqs: {
      minMs: 4,
      maxMs: 10,
      source: "< 10 ms on publish and receive (course notes; AWS publishes no figure)",
    },
  });

/**
 * The latency of one call: uniform over its service's range, 0 for a
 * service not listed.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(drawLatencyMs("s3", () => 0), 15);
 * ```
 *
 * @param service The call's service.
 * @param random A number in [0, 1).
 * @returns Milliseconds.
 */
export function drawLatencyMs(
  service: string,
  random: () => number,
  ranges: Readonly<Record<string, LatencyRange>> = AWS_LATENCY,
): number {
  const range = ranges[service];
  if (range === undefined) return 0;
  return Math.round(range.minMs + random() * (range.maxMs - range.minMs));
}

/** The `aws_latency` object of the report. */
export interface AwsLatencyReport {
  /** The distribution used, by service. */
  readonly distribution: Readonly<Record<string, LatencyRange>>;
  /** Baseline items per second with it. */
  readonly baseline_items_per_s: number;
  /** Optimized items per second with it. */
  readonly optimized_items_per_s: number;
  /** Optimized over baseline with it. */
  readonly ratio: number;
  /** Optimized over baseline without it (the zero-latency ratio), for comparison. */
  readonly ratio_without: number;
  /** Latency p99 of each run with it, milliseconds. */
  readonly baseline_p99_ms: number;
  /** Latency p99 of the optimized run with it, milliseconds. */
  readonly optimized_p99_ms: number;
}

/**
 * The report of the runs made with AWS's latency.
 *
 * @param runs The baseline and optimized runs with latency, and the ratio without.
 * @returns The `aws_latency` object.
 */
export function reportAwsLatency(runs: {
  readonly baseline: RunReport;
  readonly optimized: RunReport;
  readonly ratioWithout: number;
  readonly distribution?: Readonly<Record<string, LatencyRange>>;
}): AwsLatencyReport {
  const { baseline, optimized } = runs;
  return {
    distribution: runs.distribution ?? AWS_LATENCY,
    baseline_items_per_s: baseline.items_per_s,
    optimized_items_per_s: optimized.items_per_s,
    ratio: baseline.items_per_s > 0 ? optimized.items_per_s / baseline.items_per_s : 0,
    ratio_without: runs.ratioWithout,
    baseline_p99_ms: baseline.p99_ms,
    optimized_p99_ms: optimized.p99_ms,
  };
}
