/**
 * The S3 layer's answers and the S3 errors it gives in more than one place
 * (API reference, "Error responses").
 *
 * @module
 */

import type { InnerResponse } from "../core/mod.ts";
import { s3ErrorXml, s3RequestId } from "./_error.ts";
import type { S3ErrorSpec } from "./_location.ts";
import { NULL_VERSION } from "./_versions.ts";

export { malformedXml } from "./_config.ts";

const encoder = new TextEncoder();

/** An empty answer with `status`. */
export function empty(status: number): InnerResponse {
  return { status, headers: { "x-amz-request-id": s3RequestId() }, body: new Uint8Array() };
}

/** S3's 404 for an unknown upload id. */
export function noSuchUpload(uploadId: string): S3ErrorSpec {
  return {
    status: 404,
    code: "NoSuchUpload",
    message:
      "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
    extra: { UploadId: uploadId },
  };
}

/** S3's 405 for a method a resource does not take. */
export function methodNotAllowed(method: string, resourceType: string): S3ErrorSpec {
  return {
    status: 405,
    code: "MethodNotAllowed",
    message: "The specified method is not allowed against this resource.",
    extra: { Method: method, ResourceType: resourceType },
  };
}

/** Whether a string can be a version id (`null`, or AWS's 32 URL-safe characters). */
export function isVersionId(id: string): boolean {
  return id === NULL_VERSION || /^[A-Za-z0-9._-]{32}$/.test(id);
}

/** S3's 400 for a malformed version id. */
export function invalidVersionId(id: string): S3ErrorSpec {
  return {
    status: 400,
    code: "InvalidArgument",
    message: "Invalid version id specified",
    extra: { ArgumentName: "versionId", ArgumentValue: id },
  };
}

/** S3's 404 for a missing bucket. */
export function noSuchBucket(bucket: string): S3ErrorSpec {
  return {
    status: 404,
    code: "NoSuchBucket",
    message: "The specified bucket does not exist",
    extra: { BucketName: bucket },
  };
}

/** S3's 404 for a missing key. */
export function noSuchKey(key: string): S3ErrorSpec {
  return {
    status: 404,
    code: "NoSuchKey",
    message: "The specified key does not exist.",
    extra: { Key: key },
  };
}

/** An S3 error answer. */
export function s3Error(spec: S3ErrorSpec, headers: Record<string, string> = {}): InnerResponse {
  const requestId = s3RequestId();
  return {
    status: spec.status,
    headers: { ...headers, "content-type": "application/xml", "x-amz-request-id": requestId },
    body: encoder.encode(
      s3ErrorXml({
        code: spec.code,
        message: spec.message,
        requestId,
        ...(spec.extra === undefined ? {} : { extra: spec.extra }),
      }),
    ),
  };
}

/** A 200 answer with an XML document. */
export function xmlAnswer(xml: string): InnerResponse {
  return {
    status: 200,
    headers: { "content-type": "application/xml", "x-amz-request-id": s3RequestId() },
    body: encoder.encode(xml),
  };
}

/** `answer` with `headers` added. */
export function withHeaders(answer: InnerResponse, headers: Record<string, string>): InnerResponse {
  return Object.keys(headers).length === 0
    ? answer
    : { ...answer, headers: { ...answer.headers, ...headers } };
}

/**
 * S3's 501 for what the local AWS does not serve, in the words of S3's error
 * list ("Error responses", `NotImplemented`).
 */
export function notImplemented(): S3ErrorSpec {
  return {
    status: 501,
    code: "NotImplemented",
    message: "A header you provided implies functionality that is not implemented",
  };
}
