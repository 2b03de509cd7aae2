/**
 * What every part of the S3 layer shares: the emulator, its store, the
 * default region and the per-key write lock ({@linkcode S3Context}), the
 * bucket records, and the requests the layer sends fauxqs on its own.
 *
 * @module
 */

import type { InnerRequest, InnerResponse, InnerService, KeyedLock } from "../core/mod.ts";
import { s3Target } from "../core/mod.ts";
import type { S3Location, S3Vault } from "../engines/mod.ts";
import { noSuchBucket, s3Error } from "./_answers.ts";
import type { VersioningStatus } from "./_versions.ts";

/** What the parts of the S3 layer share. */
export interface S3Context {
  /** The S3 emulator's HTTP interface. */
  readonly fauxqs: InnerService;
  /** Direct access to its store. */
  readonly vault: S3Vault;
  /** Region of buckets the layer has no record of, and of unsigned requests. */
  readonly region: string;
  /** Serializes writes to one key (`bucket/key`). */
  readonly keyLock: KeyedLock;
}

/** What the layer records about a bucket. */
export interface BucketRecord {
  /** The bucket's region. */
  readonly region: string;
  /** What `GetBucketLocation` answers when it is not the region (`EU`). */
  readonly location?: string;
  /** Its versioning state, once set. */
  readonly versioning?: VersioningStatus;
  /** Whether it was created with Object Lock. */
  readonly objectLock?: boolean;
}

const decoder = new TextDecoder();

/** fauxqs's answer, with AWS's wording for the errors it words differently. */
export async function forward(ctx: S3Context, request: InnerRequest): Promise<InnerResponse> {
  const answer = await ctx.fauxqs.handle(request);
  if (answer.status < 400 || request.method === "HEAD") return answer;
  const xml = decoder.decode(answer.body);
  const code = /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];
  const bucket =
    s3Target(new URL(request.url, "http://localhost").pathname, request.headers.host ?? null)
      .bucket ?? "";
  if (code === "NoSuchBucket") return s3Error(noSuchBucket(bucket));
  if (code === "InvalidBucketName") {
    return s3Error({
      status: 400,
      code,
      message: "The specified bucket is not valid.",
      extra: { BucketName: bucket },
    });
  }
  return answer;
}

/** The layer's record of `bucket` (its region defaults to the layer's). */
export function bucketRecord(ctx: S3Context, bucket: string): BucketRecord {
  const text = ctx.vault.readRecord(`bucket/${bucket}`);
  if (text === undefined) return { region: ctx.region };
  let record = parsedRecords.get(text);
  if (record === undefined) {
    if (parsedRecords.size >= PARSED_RECORDS) parsedRecords.clear();
    record = Object.freeze(JSON.parse(text) as BucketRecord);
    parsedRecords.set(text, record);
  }
  return record;
}

/** Bucket records parsed, by their text (a record's text names all it holds). */
const parsedRecords = new Map<string, BucketRecord>();
const PARSED_RECORDS = 1000;

/** Stores the layer's record of `bucket`. */
export function saveBucketRecord(ctx: S3Context, bucket: string, record: BucketRecord): void {
  ctx.vault.writeRecord(`bucket/${bucket}`, JSON.stringify(record));
}

/** A GET or HEAD of `location` for fauxqs, without conditions or range. */
export function innerRead(
  method: string,
  location: S3Location,
  request: InnerRequest,
  query: URLSearchParams,
): InnerRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!READ_CONDITIONS.includes(name) && name !== "range") headers[name] = value;
  }
  // Path style: a host with a dot would make fauxqs read the bucket from it.
  headers.host = "localhost";
  const search = query.toString();
  return {
    method,
    url: pathOf(location) + (search === "" ? "" : `?${search}`),
    headers,
    body: new Uint8Array(),
  };
}

/** The path-style URL path of `location`. */
export function pathOf(location: S3Location): string {
  return `/${encodeURIComponent(location.bucket)}/${
    location.key.split("/").map(encodeURIComponent).join("/")
  }`;
}

const READ_CONDITIONS = [
  "if-match",
  "if-none-match",
  "if-modified-since",
  "if-unmodified-since",
];
