/**
 * Multipart uploads: `ListMultipartUploads`, `ListParts` and
 * `UploadPartCopy` (fauxqs would store an empty part).
 *
 * @module
 */

import type { InnerRequest, InnerResponse } from "../core/mod.ts";
import type { S3Location } from "../engines/mod.ts";
import { element } from "../core/mod.ts";
import { noSuchBucket, noSuchUpload, s3Error, withHeaders, xmlAnswer } from "./_answers.ts";
import { innerRead, type S3Context } from "./_context.ts";
import { copySource } from "./_copy_source.ts";
import { S3_NS } from "./_location.ts";
import { OWNER } from "./_versions.ts";

/** `ListMultipartUploads`. */
export function listMultipartUploads(ctx: S3Context, bucket: string, url: URL): InnerResponse {
  if (!ctx.vault.hasBucket(bucket)) return s3Error(noSuchBucket(bucket));
  const query = url.searchParams;
  const prefix = query.get("prefix") ?? "";
  const keyMarker = query.get("key-marker") ?? "";
  const maxUploads = Math.min(Number(query.get("max-uploads") ?? 1000) || 1000, 1000);
  const uploads = ctx.vault.listUploads(bucket)
    .filter((u) => u.key.startsWith(prefix) && (keyMarker === "" || u.key > keyMarker))
    .sort((a, b) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : a.initiated.getTime() - b.initiated.getTime()
    );
  const page = uploads.slice(0, maxUploads);
  const truncated = uploads.length > page.length;
  const last = page[page.length - 1];
  const owner = `<ID>${OWNER.id}</ID><DisplayName>${OWNER.displayName}</DisplayName>`;
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult xmlns="${S3_NS}">${
      element("Bucket", bucket)
    }${element("KeyMarker", keyMarker)}${
      element("UploadIdMarker", query.get("upload-id-marker") ?? "")
    }${
      truncated && last
        ? element("NextKeyMarker", last.key) + element("NextUploadIdMarker", last.uploadId)
        : ""
    }${element("Prefix", prefix)}${element("MaxUploads", maxUploads)}${
      element("IsTruncated", truncated)
    }${
      page.map((u) =>
        `<Upload>${element("Key", u.key)}${
          element("UploadId", u.uploadId)
        }<Initiator>${owner}</Initiator><Owner>${owner}</Owner>${
          element("StorageClass", "STANDARD")
        }${element("Initiated", u.initiated.toISOString())}</Upload>`
      ).join("")
    }</ListMultipartUploadsResult>`;
  return xmlAnswer(xml);
}

/** `ListParts`. */
export function listParts(ctx: S3Context, target: S3Location, url: URL): InnerResponse {
  if (!ctx.vault.hasBucket(target.bucket)) return s3Error(noSuchBucket(target.bucket));
  const uploadId = url.searchParams.get("uploadId") ?? "";
  const upload = ctx.vault.listUploads(target.bucket).find((u) => u.uploadId === uploadId);
  const parts = ctx.vault.listParts(uploadId);
  if (upload === undefined || parts === undefined || upload.key !== target.key) {
    return s3Error(noSuchUpload(uploadId));
  }
  const marker = Number(url.searchParams.get("part-number-marker") ?? 0) || 0;
  const maxParts = Math.min(Number(url.searchParams.get("max-parts") ?? 1000) || 1000, 1000);
  const after = parts.filter((p) => p.partNumber > marker);
  const page = after.slice(0, maxParts);
  const truncated = after.length > page.length;
  const owner = `<ID>${OWNER.id}</ID><DisplayName>${OWNER.displayName}</DisplayName>`;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult xmlns="${S3_NS}">${
    element("Bucket", target.bucket)
  }${element("Key", target.key)}${element("UploadId", uploadId)}${
    element("PartNumberMarker", marker)
  }${element("NextPartNumberMarker", page[page.length - 1]?.partNumber ?? 0)}${
    element("MaxParts", maxParts)
  }${element("IsTruncated", truncated)}<Initiator>${owner}</Initiator><Owner>${owner}</Owner>${
    element("StorageClass", "STANDARD")
  }${
    page.map((p) =>
      `<Part>${element("PartNumber", p.partNumber)}${
        element("LastModified", p.lastModified.toISOString())
      }${element("ETag", p.etag)}${element("Size", p.size)}</Part>`
    ).join("")
  }</ListPartsResult>`;
  return xmlAnswer(xml);
}

/** `UploadPartCopy`: the source's bytes (or `x-amz-copy-source-range` of them) as a part. */
export async function uploadPartCopy(
  ctx: S3Context,
  url: URL,
  request: InnerRequest,
): Promise<InnerResponse> {
  const source = copySource(ctx, request, undefined);
  if ("error" in source) return s3Error(source.error);
  const got = await ctx.fauxqs.handle(
    innerRead("GET", source.location, request, new URLSearchParams()),
  );
  if (got.status !== 200) return got;
  let bytes = got.body;
  const range = request.headers["x-amz-copy-source-range"];
  if (range !== undefined) {
    const match = /^bytes=(\d+)-(\d+)$/.exec(range.trim());
    const start = Number(match?.[1]);
    const end = Number(match?.[2]);
    if (match === null || end < start || end >= bytes.length) {
      return s3Error({
        status: 400,
        code: "InvalidArgument",
        message: match === null
          ? "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy"
          : "Range specified is not valid for source object of size: " + bytes.length,
        extra: { ArgumentName: "x-amz-copy-source-range", ArgumentValue: range },
      });
    }
    bytes = bytes.subarray(start, end + 1);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!name.startsWith("x-amz-copy-source") && name !== "content-length") {
      headers[name] = value;
    }
  }
  const put = await ctx.fauxqs.handle({
    method: "PUT",
    url: url.pathname + url.search,
    headers: { ...headers, "content-type": "application/octet-stream" },
    body: bytes,
  });
  if (put.status !== 200) return put;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<CopyPartResult xmlns="${S3_NS}">${
    element("LastModified", new Date().toISOString())
  }${element("ETag", put.headers.etag ?? "")}</CopyPartResult>`;
  return withHeaders(xmlAnswer(xml), source.versionHeader);
}
