/**
 * Object reads (`GetObject`, `HeadObject`): versions, RFC 7232 conditions,
 * `Range` as S3 serves it, `response-*` overrides and the tag count.
 *
 * @module
 */

import type { InnerRequest, InnerResponse } from "../core/mod.ts";
import type { S3Location } from "../engines/mod.ts";
import { noSuchKey, s3Error } from "./_answers.ts";
import {
  evaluateReadConditions,
  preconditionFailed,
  resolveRange,
  responseOverrides,
} from "./_conditions.ts";
import { bucketRecord, forward, innerRead, type S3Context } from "./_context.ts";
import type { S3ErrorSpec } from "./_location.ts";
import { parsePartNumber, type PartSelection, selectPart } from "./_parts.ts";
import { readTags, resolveVersion } from "./_version_store.ts";
import { NULL_VERSION } from "./_versions.ts";

/** `GetObject` or `HeadObject`. */
export async function read(
  ctx: S3Context,
  target: S3Location,
  url: URL,
  request: InnerRequest,
): Promise<InnerResponse> {
  if (!ctx.vault.hasBucket(target.bucket)) return forward(ctx, request);
  const query = url.searchParams;
  const partText = query.get("partNumber");
  const partNumber = partText === null
    ? undefined
    : parsePartNumber(partText, request.headers.range);
  if (typeof partNumber === "object") return s3Error(partNumber);
  const resolved = resolveVersion(ctx, target, query.get("versionId") ?? undefined, request.method);
  if ("error" in resolved) return s3Error(resolved.error, resolved.headers);
  const versioned = bucketRecord(ctx, target.bucket).versioning !== undefined;
  const versionHeader: Record<string, string> = versioned
    ? { "x-amz-version-id": resolved.entry?.id ?? NULL_VERSION }
    : {};
  const answer = await ctx.fauxqs.handle(
    innerRead(request.method, resolved.location, request, new URLSearchParams()),
  );
  if (answer.status !== 200) {
    // fauxqs sends no error body for HEAD; S3 clients read the status.
    if (answer.status === 404 && request.method !== "HEAD") return s3Error(noSuchKey(target.key));
    return answer;
  }
  const etag = answer.headers.etag ?? "";
  const lastModified = new Date(answer.headers["last-modified"] ?? 0);
  const condition = evaluateReadConditions(request.headers, { etag, lastModified });
  if (condition.outcome === "failed") {
    return s3Error(preconditionFailed(condition.condition), versionHeader);
  }
  if (condition.outcome === "not-modified") {
    return {
      status: 304,
      headers: {
        etag,
        "last-modified": answer.headers["last-modified"] ?? "",
        ...versionHeader,
      },
      body: new Uint8Array(),
    };
  }
  const tagCount = readTags(ctx, target, resolved.entry?.id ?? NULL_VERSION).length;
  const headers: Record<string, string> = {
    ...answer.headers,
    "accept-ranges": "bytes",
    ...versionHeader,
    ...(tagCount > 0 ? { "x-amz-tagging-count": String(tagCount) } : {}),
    ...responseOverrides(query),
  };
  // fauxqs counts parts on every HEAD; S3 only when a part is asked for.
  delete headers["x-amz-mp-parts-count"];
  const size = request.method === "HEAD"
    ? Number(answer.headers["content-length"] ?? 0)
    : answer.body.length;
  const range = selectBytes(ctx, resolved.location, {
    partNumber,
    range: request.headers.range,
    size,
  });
  if (range === "whole") return { status: 200, headers, body: answer.body };
  if ("error" in range) return s3Error(range.error, range.headers);
  if (range.partsCount !== undefined) headers["x-amz-mp-parts-count"] = String(range.partsCount);
  if (range.end < range.start) {
    // An empty part has no byte range to name; S3's answer is not documented.
    return { status: 206, headers: { ...headers, "content-length": "0" }, body: new Uint8Array() };
  }
  const length = range.end - range.start + 1;
  // A part of an object has no checksum of its own: AWS sends none.
  for (const name of Object.keys(headers)) {
    if (name.startsWith("x-amz-checksum-")) delete headers[name];
  }
  return {
    status: 206,
    headers: {
      ...headers,
      "content-range": `bytes ${range.start}-${range.end}/${size}`,
      "content-length": String(length),
    },
    body: request.method === "HEAD"
      ? new Uint8Array()
      : answer.body.subarray(range.start, range.end + 1),
  };
}

/** What a read asks for beyond the whole object. */
interface ByteRequest {
  /** `partNumber`, checked. */
  readonly partNumber: number | undefined;
  /** The `Range` header. */
  readonly range: string | undefined;
  /** The object's size. */
  readonly size: number;
}

/** The bytes a read selects by part or `Range`, the whole object, or S3's error. */
function selectBytes(
  ctx: S3Context,
  location: S3Location,
  { partNumber, range, size }: ByteRequest,
): PartSelection | "whole" | { error: S3ErrorSpec; headers?: Record<string, string> } {
  if (partNumber !== undefined) {
    const part = selectPart(partNumber, ctx.vault.objectParts(location.bucket, location.key), size);
    return "code" in part ? { error: part } : part;
  }
  const asked = resolveRange(range, size);
  if (asked.kind === "whole") return "whole";
  if (asked.kind === "partial") return asked;
  return {
    error: {
      status: 416,
      code: "InvalidRange",
      message: "The requested range is not satisfiable",
      extra: { RangeRequested: range ?? "", ActualObjectSize: String(size) },
    },
    headers: { "content-range": `bytes */${size}` },
  };
}
