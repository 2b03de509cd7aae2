/**
 * S3's error document, as AWS sends it.
 *
 * @module
 */

/** Fields of an S3 error document. */
export interface S3ErrorFields {
  /** Error code (`PreconditionFailed`). */
  readonly code: string;
  /** Human-readable message. */
  readonly message: string;
  /** Request id, also sent as `x-amz-request-id`. */
  readonly requestId: string;
  /** Further elements AWS adds for this code (`Condition`, `Resource`). */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * Renders an S3 error document.
 *
 * @example Usage
 * ```ts
 * import { s3ErrorXml } from "./_error.ts";
 *
 * s3ErrorXml({ code: "NoSuchKey", message: "The specified key does not exist.", requestId: "1" });
 * ```
 */
export function s3ErrorXml(fields: S3ErrorFields): string {
  const extra = Object.entries(fields.extra ?? {})
    .map(([name, value]) => element(name, value))
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${element("Code", fields.code)}${
    element("Message", fields.message)
  }${extra}${element("RequestId", fields.requestId)}${element("HostId", fields.requestId)}</Error>`;
}

/** A request id in S3's style: 16 upper-case hex digits. */
export function s3RequestId(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 16).toUpperCase();
}

function element(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
