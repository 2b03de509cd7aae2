/**
 * The signed chunks of an S3 `aws-chunked` upload, and the hashes SigV4
 * verification shares with them.
 *
 * @module
 */

import { createHash } from "node:crypto";

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/**
 * `aws-chunked` with signed chunks: each chunk is
 * `HEX;chunk-signature=SIG\r\nDATA\r\n`, the last one empty; each signature
 * signs the previous one and the chunk's hash. With a trailer, the trailing
 * headers are signed too (`x-amz-trailer-signature`).
 */
export function verifyChunks(
  body: Uint8Array,
  sign: (stringToSign: string) => string,
  context: { amzDate: string; scope: string; seedSignature: string },
): string | undefined {
  let previous = context.seedSignature;
  let offset = 0;
  for (let chunk = 1;; chunk++) {
    const lineEnd = indexOfCrlf(body, offset);
    if (lineEnd < 0) return `aws-chunked body: chunk ${chunk} has no header line`;
    const header = new TextDecoder().decode(body.subarray(offset, lineEnd));
    const match = /^([0-9a-fA-F]+);chunk-signature=([0-9a-f]{64})$/.exec(header);
    if (!match) return `aws-chunked body: chunk ${chunk} has no chunk-signature`;
    const size = parseInt(match[1] ?? "", 16);
    const start = lineEnd + 2;
    const data = body.subarray(start, start + size);
    if (data.length !== size) return `aws-chunked body: chunk ${chunk} is shorter than ${size}`;
    const expected = sign(
      [
        "AWS4-HMAC-SHA256-PAYLOAD",
        context.amzDate,
        context.scope,
        previous,
        EMPTY_SHA256,
        sha256Hex(data),
      ].join("\n"),
    );
    if (!sameText(expected, match[2] ?? "")) {
      return `The chunk signature of chunk ${chunk} does not match`;
    }
    previous = expected;
    offset = start + size;
    if (size === 0) break;
    offset += 2; // CRLF after the data
  }
  // Optional trailer: header lines, the last one x-amz-trailer-signature.
  const rest = new TextDecoder().decode(body.subarray(offset)).replace(/^\r\n/, "");
  const lines = rest.split("\r\n").filter((line) => line !== "");
  const signatureLine = lines.find((line) => line.startsWith("x-amz-trailer-signature:"));
  if (signatureLine === undefined) return undefined;
  const trailer = lines.filter((line) => line !== signatureLine)
    .map((line) =>
      `${line.slice(0, line.indexOf(":")).trim().toLowerCase()}:${
        line.slice(line.indexOf(":") + 1).trim()
      }\n`
    )
    .join("");
  const expected = sign(
    [
      "AWS4-HMAC-SHA256-TRAILER",
      context.amzDate,
      context.scope,
      previous,
      sha256Hex(trailer),
    ].join("\n"),
  );
  const provided = signatureLine.slice("x-amz-trailer-signature:".length).trim();
  return sameText(expected, provided) ? undefined : "The trailer signature does not match";
}

function indexOfCrlf(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 1 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10) return i;
  }
  return -1;
}

/** The SHA-256 of `data`, in hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Compares in time independent of where the strings differ. */
export function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
