/**
 * Verifying a request's Signature Version 4 with the AWS SDK's own signer
 * (`@smithy/signature-v4`): the request is rebuilt from what arrived (method,
 * path, query, exactly the headers the client listed in `SignedHeaders`, and
 * the payload hash), signed again with the secret of the access key it names,
 * at the time it states, for the region and service of its credential scope,
 * and the two signatures are compared. The SDK builds the canonical request;
 * the hashes and HMACs are Node's native ones, and each signing key
 * (`AWS4` + secret, date, region, service) is derived once and kept, as
 * AWS's own signers keep it, so a request costs two hashes and one HMAC.
 *
 * What is verified:
 * - Header auth (`Authorization: AWS4-HMAC-SHA256 ...`), every service.
 * - Query auth (S3 presigned URLs): the signature and the expiry.
 * - The request time: more than 15 minutes from the local clock is refused,
 *   as AWS refuses it.
 * - The payload: a hex `x-amz-content-sha256` must be the body's SHA-256;
 *   without that header the body's hash is part of the signature.
 *   `UNSIGNED-PAYLOAD` is accepted (S3 allows it).
 * - S3 `aws-chunked` uploads: the seed signature covers the headers; with
 *   `STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER)` every chunk signature is
 *   checked along the chain, and the trailer's signature when there is one.
 *   `STREAMING-UNSIGNED-PAYLOAD-TRAILER` has no chunk signatures to check.
 *
 * Not verified: the region of the credential scope (any region is accepted,
 * so a client configured for another region still reaches the local AWS),
 * session tokens (there are no temporary credentials locally), SigV4a, and
 * requests signed with a `Date` header instead of `X-Amz-Date`.
 *
 * @module
 */

import { createHash, createHmac } from "node:crypto";
import { Buffer } from "node:buffer";
import { Sha256 } from "@smithy/core/checksum";
import { escapeUri, HttpRequest } from "@smithy/core/protocols";
import { getCanonicalHeaders, SignatureV4 } from "@smithy/signature-v4";

/** A request as it arrived. */
export interface SignedRequest {
  /** HTTP method. */
  readonly method: string;
  /** The URL as received. */
  readonly url: URL;
  /** Request headers. */
  readonly headers: Headers;
  /** The whole body. */
  readonly body: Uint8Array;
}

/** Why a request's signature was refused. */
export type SignatureFailureKind =
  | "missing"
  | "malformed"
  | "unknownKey"
  | "mismatch"
  | "expired"
  | "notYetValid"
  | "presignExpired"
  | "contentMismatch";

/** A refused signature, with what AWS's error message needs. */
export interface SignatureFailure {
  /** What is wrong. */
  readonly kind: SignatureFailureKind;
  /** Detail for the error message (AWS's wording where it has one). */
  readonly detail: string;
  /** The access key the request named, if it named one. */
  readonly accessKeyId?: string;
  /** The signature the request carried. */
  readonly signatureProvided?: string;
  /** The request time it stated (`20240101T000000Z`). */
  readonly requestTime?: string;
  /** The local clock at the check, in the same format. */
  readonly serverTime?: string;
  /** The body's SHA-256, for a `contentMismatch`. */
  readonly computedSha256?: string;
  /** The `x-amz-content-sha256` the request carried, for a `contentMismatch`. */
  readonly declaredSha256?: string;
  /** The canonical request the local AWS computed, for a `mismatch` (S3 shows it). */
  readonly canonicalRequest?: string;
  /** The string to sign the local AWS computed, for a `mismatch` (S3 shows it). */
  readonly stringToSign?: string;
}

/** The outcome of {@linkcode verifySignature}. */
export type SignatureCheck =
  | { readonly ok: true; readonly accessKeyId: string }
  | { readonly ok: false; readonly failure: SignatureFailure };

/** Options of {@linkcode verifySignature}. */
export interface VerifyOptions {
  /** Returns the secret of an access key, or `undefined` for an unknown key. */
  readonly secretOf: (accessKeyId: string) => string | undefined;
  /** The local clock. Default `new Date()`. */
  readonly now?: Date;
}

/** AWS's allowed difference between the request time and its clock. */
export const MAX_SKEW_MS = 15 * 60 * 1000;

const ALGORITHM = "AWS4-HMAC-SHA256";
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/**
 * The SDK's signer, with its canonical request reachable: verifying needs
 * exactly the headers the client signed, which `sign()` would choose for
 * itself. It holds no secret (the canonical request needs none), so one per
 * way of escaping the path serves every request.
 */
class VerifyingSigner extends SignatureV4 {
  /** The SDK's canonical request of a request. */
  canonicalRequest(request: HttpRequest, headers: Record<string, string>, payloadHash: string) {
    return this.createCanonicalRequest(request, headers, payloadHash);
  }
}

/** S3 signs the path as sent (encoded once); other services encode it again. */
const CANONICAL_SIGNERS = {
  s3: new VerifyingSigner({
    credentials: { accessKeyId: "", secretAccessKey: "" },
    region: "us-east-1",
    service: "s3",
    sha256: Sha256,
    uriEscapePath: false,
  }),
  other: new VerifyingSigner({
    credentials: { accessKeyId: "", secretAccessKey: "" },
    region: "us-east-1",
    service: "any",
    sha256: Sha256,
    uriEscapePath: true,
  }),
};

/** Signing keys by secret, date, region and service; dropped whole when full. */
const signingKeys = new Map<string, Buffer>();
const MAX_SIGNING_KEYS = 256;

/** The SigV4 signing key of a secret for a date, region and service. */
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${secret}\n${date}\n${region}\n${service}`;
  let key = signingKeys.get(id);
  if (key === undefined) {
    key = Buffer.from(`AWS4${secret}`);
    for (const part of [date, region, service, "aws4_request"]) {
      key = createHmac("sha256", key).update(part).digest();
    }
    if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

/** The parts of a signature, from the header or the query. */
interface Signature {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  readonly amzDate: string;
  readonly sessionToken: string | undefined;
  /** Seconds, for query auth. */
  readonly expires: number | undefined;
}

/**
 * Verifies a request's SigV4 signature.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifySignature } from "./_sigv4.ts";
 *
 * const request = new Request("http://127.0.0.1:4566/laptops", { method: "GET" });
 * const check = verifySignature(
 *   {
 *     method: request.method,
 *     url: new URL(request.url),
 *     headers: request.headers,
 *     body: new Uint8Array(await request.arrayBuffer()),
 *   },
 *   { secretOf: (id) => (id === "test" ? "test" : undefined) },
 * );
 * assert.equal(check.ok ? "signed" : check.failure.kind, "missing"); // no Authorization header
 * ```
 */
export function verifySignature(
  request: SignedRequest,
  options: VerifyOptions,
): SignatureCheck {
  const now = options.now ?? new Date();
  const query = parseQuery(request.url.search);
  const queryAuth = query.has("X-Amz-Signature") || query.has("X-Amz-Credential");
  const parsed = queryAuth ? fromQuery(query) : fromHeader(request.headers);
  if ("kind" in parsed) return { ok: false, failure: parsed };
  const signature = parsed;
  const fail = (
    kind: SignatureFailureKind,
    detail: string,
    extra: Partial<SignatureFailure> = {},
  ) =>
    ({
      ok: false,
      failure: {
        kind,
        detail,
        accessKeyId: signature.accessKeyId,
        signatureProvided: signature.signature,
        ...extra,
      },
    }) as const;

  const secret = options.secretOf(signature.accessKeyId);
  if (secret === undefined) {
    return fail("unknownKey", `The access key ${signature.accessKeyId} is not a local identity`);
  }
  const signingDate = parseAmzDate(signature.amzDate);
  if (signingDate === undefined || signature.amzDate.slice(0, 8) !== signature.date) {
    return fail("malformed", `X-Amz-Date ${signature.amzDate} does not match the credential date`);
  }
  const serverTime = amzDate(now);
  const timing = { requestTime: signature.amzDate, serverTime };
  if (signature.expires === undefined) {
    const skew = signingDate.getTime() - now.getTime();
    if (skew < -MAX_SKEW_MS) {
      return fail(
        "expired",
        `Signature expired: ${signature.amzDate} is now earlier than ${
          amzDate(new Date(now.getTime() - MAX_SKEW_MS))
        } (${serverTime} - 15 min.)`,
        timing,
      );
    }
    if (skew > MAX_SKEW_MS) {
      return fail(
        "notYetValid",
        `Signature not yet current: ${signature.amzDate} is still later than ${
          amzDate(new Date(now.getTime() + MAX_SKEW_MS))
        } (${serverTime} + 15 min.)`,
        timing,
      );
    }
  } else {
    if (signature.expires < 1 || signature.expires > 604800) {
      return fail(
        "malformed",
        "X-Amz-Expires must be between 1 second and 604800 seconds (a week)",
      );
    }
    if (now.getTime() > signingDate.getTime() + signature.expires * 1000) {
      return fail("presignExpired", "Request has expired", timing);
    }
    if (signingDate.getTime() - now.getTime() > MAX_SKEW_MS) {
      return fail("notYetValid", "Request is not valid yet", timing);
    }
  }

  const s3 = signature.service === "s3";
  const signedNames = new Set(signature.signedHeaders);
  if (!signedNames.has("host")) return fail("malformed", "SignedHeaders must include host");
  if (!queryAuth && !signedNames.has("x-amz-date")) {
    return fail("malformed", "SignedHeaders must include x-amz-date");
  }
  const headers: Record<string, string> = {};
  for (const name of signature.signedHeaders) {
    const value = request.headers.get(name);
    if (value === null) return fail("mismatch", `The signed header ${name} is missing`);
    headers[name] = value;
  }
  const declaredSha256 = request.headers.get("x-amz-content-sha256") ?? undefined;
  if (declaredSha256 !== undefined && /^[0-9a-f]{64}$/i.test(declaredSha256)) {
    const computed = sha256Hex(request.body);
    if (computed !== declaredSha256.toLowerCase()) {
      return fail("contentMismatch", "The provided 'x-amz-content-sha256' header does not match", {
        computedSha256: computed,
        declaredSha256,
      });
    }
  }

  const toSign = new HttpRequest({
    method: request.method,
    protocol: request.url.protocol,
    hostname: request.url.hostname,
    ...(request.url.port === "" ? {} : { port: Number(request.url.port) }),
    path: s3 ? canonicalS3Path(request.url.pathname) : request.url.pathname,
    // The signer leaves X-Amz-Signature out of the canonical query itself.
    query: Object.fromEntries(
      [...query].map(([name, values]) => [name, values.length === 1 ? values[0] ?? "" : values]),
    ),
    headers,
    body: request.body,
  });
  const signer = s3 ? CANONICAL_SIGNERS.s3 : CANONICAL_SIGNERS.other;
  // Exactly the headers the client signed, whatever the SDK would sign itself.
  const canonicalHeaders = getCanonicalHeaders(toSign, undefined, signedNames);
  // Query auth on S3 signs UNSIGNED-PAYLOAD; otherwise the signed
  // x-amz-content-sha256 when there is one, else the body's hash.
  const payloadHash = queryAuth && s3 && !signedNames.has("x-amz-content-sha256")
    ? "UNSIGNED-PAYLOAD"
    : headers["x-amz-content-sha256"] ?? sha256Hex(request.body);
  const credentialScope = `${signature.date}/${signature.region}/${signature.service}/aws4_request`;
  const canonicalRequest = signer.canonicalRequest(toSign, canonicalHeaders, payloadHash);
  const stringToSign = `${ALGORITHM}\n${signature.amzDate}\n${credentialScope}\n${
    sha256Hex(canonicalRequest)
  }`;
  const key = signingKey(secret, signature.date, signature.region, signature.service);
  const sign = (text: string) => createHmac("sha256", key).update(text).digest("hex");
  const expected = sign(stringToSign);
  if (!sameText(expected, signature.signature)) {
    return fail(
      "mismatch",
      "The request signature we calculated does not match the signature you provided",
      { canonicalRequest, stringToSign },
    );
  }

  if (s3 && declaredSha256?.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")) {
    const chunkProblem = verifyChunks(request.body, sign, {
      amzDate: signature.amzDate,
      seedSignature: signature.signature,
      scope: credentialScope,
    });
    if (chunkProblem !== undefined) return fail("mismatch", chunkProblem);
  }
  return { ok: true, accessKeyId: signature.accessKeyId };
}

function fromHeader(headers: Headers): Signature | SignatureFailure {
  const authorization = headers.get("authorization");
  if (authorization === null) {
    return { kind: "missing", detail: "Request is missing Authentication Token" };
  }
  if (!authorization.startsWith(`${ALGORITHM} `)) {
    const algorithm = authorization.split(" ")[0] ?? "";
    return {
      kind: "malformed",
      detail: `Unsupported authorization type ${algorithm}: the local AWS accepts ${ALGORITHM}`,
    };
  }
  const fields = new Map<string, string>();
  for (const part of authorization.slice(ALGORITHM.length + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return parseSignature({
    credential: fields.get("Credential"),
    signedHeaders: fields.get("SignedHeaders"),
    signature: fields.get("Signature"),
    amzDate: headers.get("x-amz-date") ?? undefined,
    sessionToken: headers.get("x-amz-security-token") ?? undefined,
    expires: undefined,
  });
}

function fromQuery(all: Map<string, string[]>): Signature | SignatureFailure {
  const query = { get: (name: string) => all.get(name)?.[0] };
  const algorithm = query.get("X-Amz-Algorithm");
  if (algorithm !== ALGORITHM) {
    return {
      kind: "malformed",
      detail: `X-Amz-Algorithm must be ${ALGORITHM}, got ${algorithm ?? "none"}`,
    };
  }
  const expires = query.get("X-Amz-Expires");
  return parseSignature({
    credential: query.get("X-Amz-Credential"),
    signedHeaders: query.get("X-Amz-SignedHeaders"),
    signature: query.get("X-Amz-Signature"),
    amzDate: query.get("X-Amz-Date"),
    sessionToken: query.get("X-Amz-Security-Token"),
    expires: expires === undefined || !/^\d+$/.test(expires) ? Number.NaN : Number(expires),
  });
}

function parseSignature(parts: {
  credential: string | undefined;
  signedHeaders: string | undefined;
  signature: string | undefined;
  amzDate: string | undefined;
  sessionToken: string | undefined;
  expires: number | undefined;
}): Signature | SignatureFailure {
  const missing = (["credential", "signedHeaders", "signature", "amzDate"] as const)
    .filter((name) => parts[name] === undefined || parts[name] === "");
  if (missing.length > 0) {
    return {
      kind: "malformed",
      detail: `The signature lacks ${
        missing.map((m) => m === "amzDate" ? "X-Amz-Date" : m[0]?.toUpperCase() + m.slice(1))
          .join(", ")
      }`,
    };
  }
  const [accessKeyId = "", date = "", region = "", service = "", terminator] =
    (parts.credential ?? "").split("/");
  if (accessKeyId === "" || !/^\d{8}$/.test(date) || terminator !== "aws4_request") {
    return {
      kind: "malformed",
      detail: `Credential must be ACCESS_KEY/YYYYMMDD/REGION/SERVICE/aws4_request, got ${
        (parts.credential ?? "").replace(/^[^/]*/, "…")
      }`,
      ...(accessKeyId === "" ? {} : { accessKeyId }),
    };
  }
  if (parts.expires !== undefined && Number.isNaN(parts.expires)) {
    return { kind: "malformed", detail: "X-Amz-Expires must be a whole number", accessKeyId };
  }
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: (parts.signedHeaders ?? "").split(";").map((h) => h.trim().toLowerCase()),
    signature: (parts.signature ?? "").toLowerCase(),
    amzDate: parts.amzDate ?? "",
    sessionToken: parts.sessionToken,
    expires: parts.expires,
  };
}

/**
 * `aws-chunked` with signed chunks: each chunk is
 * `HEX;chunk-signature=SIG\r\nDATA\r\n`, the last one empty; each signature
 * signs the previous one and the chunk's hash. With a trailer, the trailing
 * headers are signed too (`x-amz-trailer-signature`).
 */
function verifyChunks(
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

/**
 * Raw query parameters, decoded, `+` kept as is (SigV4 clients encode spaces
 * as %20). A repeated parameter keeps every value: the signer sorts them.
 */
function parseQuery(search: string): Map<string, string[]> {
  const query = new Map<string, string[]>();
  for (const pair of search.replace(/^\?/, "").split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? "" : decode(pair.slice(eq + 1));
    query.set(name, [...query.get(name) ?? [], value]);
  }
  return query;
}

/**
 * S3's canonical path: each segment URI-encoded once, as the client encoded
 * it for signing, whatever escaping it used on the wire.
 */
function canonicalS3Path(path: string): string {
  return path.split("/").map((segment) => escapeUri(decode(segment))).join("/");
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseAmzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** `20240101T000000Z`. */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Compares in time independent of where the strings differ. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
