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

import { createHmac } from "node:crypto";
import { Buffer } from "node:buffer";
import { Sha256 } from "@smithy/core/checksum";
import { escapeUri, HttpRequest } from "@smithy/core/protocols";
import { getCanonicalHeaders, SignatureV4 } from "@smithy/signature-v4";
import { sameText, sha256Hex, verifyChunks } from "./_sigv4_chunks.ts";

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
  const fail = ({ kind, detail, extra = {} }: Problem) =>
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
    return fail({
      kind: "unknownKey",
      detail: `The access key ${signature.accessKeyId} is not a local identity`,
    });
  }
  const timeProblem = checkTime(signature, now);
  if (timeProblem !== undefined) return fail(timeProblem);
  const headers = signedHeaderValues(request, signature, queryAuth);
  if ("kind" in headers) return fail(headers);

  const canonical = canonicalStrings(request, query, signature, headers.values, queryAuth);
  const key = signingKey(secret, signature.date, signature.region, signature.service);
  const sign = (text: string) => createHmac("sha256", key).update(text).digest("hex");
  if (!sameText(sign(canonical.stringToSign), signature.signature)) {
    return fail({
      kind: "mismatch",
      detail: "The request signature we calculated does not match the signature you provided",
      extra: { canonicalRequest: canonical.canonicalRequest, stringToSign: canonical.stringToSign },
    });
  }

  if (
    signature.service === "s3" &&
    headers.declaredSha256?.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
  ) {
    const chunkProblem = verifyChunks(request.body, sign, {
      amzDate: signature.amzDate,
      seedSignature: signature.signature,
      scope: canonical.credentialScope,
    });
    if (chunkProblem !== undefined) return fail({ kind: "mismatch", detail: chunkProblem });
  }
  return { ok: true, accessKeyId: signature.accessKeyId };
}

/** Why a signature is refused, before the key and the signature are added. */
interface Problem {
  readonly kind: SignatureFailureKind;
  readonly detail: string;
  readonly extra?: Partial<SignatureFailure>;
}

/**
 * Checks the signing time: a date that matches the credential, and within
 * 15 minutes of `now` (header auth), or a presigned URL's validity.
 */
function checkTime(signature: Signature, now: Date): Problem | undefined {
  const signingDate = parseAmzDate(signature.amzDate);
  if (signingDate === undefined || signature.amzDate.slice(0, 8) !== signature.date) {
    return {
      kind: "malformed",
      detail: `X-Amz-Date ${signature.amzDate} does not match the credential date`,
    };
  }
  // Only a refusal shows the server's time: written then, not per request.
  const serverTime = () => amzDate(now);
  const extra = () => ({ requestTime: signature.amzDate, serverTime: serverTime() });
  if (signature.expires === undefined) {
    const skew = signingDate.getTime() - now.getTime();
    if (skew < -MAX_SKEW_MS) {
      return {
        kind: "expired",
        detail: `Signature expired: ${signature.amzDate} is now earlier than ${
          amzDate(new Date(now.getTime() - MAX_SKEW_MS))
        } (${serverTime()} - 15 min.)`,
        extra: extra(),
      };
    }
    if (skew > MAX_SKEW_MS) {
      return {
        kind: "notYetValid",
        detail: `Signature not yet current: ${signature.amzDate} is still later than ${
          amzDate(new Date(now.getTime() + MAX_SKEW_MS))
        } (${serverTime()} + 15 min.)`,
        extra: extra(),
      };
    }
    return undefined;
  }
  if (signature.expires < 1 || signature.expires > 604800) {
    return {
      kind: "malformed",
      detail: "X-Amz-Expires must be between 1 second and 604800 seconds (a week)",
    };
  }
  if (now.getTime() > signingDate.getTime() + signature.expires * 1000) {
    return { kind: "presignExpired", detail: "Request has expired", extra: extra() };
  }
  if (signingDate.getTime() - now.getTime() > MAX_SKEW_MS) {
    return { kind: "notYetValid", detail: "Request is not valid yet", extra: extra() };
  }
  return undefined;
}

/**
 * The values of the signed headers, which must include `host` (and
 * `x-amz-date` with header auth), and the declared payload hash, checked
 * against the body when it is one.
 */
function signedHeaderValues(
  request: SignedRequest,
  signature: Signature,
  queryAuth: boolean,
): { values: Record<string, string>; declaredSha256: string | undefined } | Problem {
  const signedNames = new Set(signature.signedHeaders);
  if (!signedNames.has("host")) {
    return { kind: "malformed", detail: "SignedHeaders must include host" };
  }
  if (!queryAuth && !signedNames.has("x-amz-date")) {
    return { kind: "malformed", detail: "SignedHeaders must include x-amz-date" };
  }
  const values: Record<string, string> = {};
  for (const name of signature.signedHeaders) {
    const value = request.headers.get(name);
    if (value === null) return { kind: "mismatch", detail: `The signed header ${name} is missing` };
    values[name] = value;
  }
  const declaredSha256 = request.headers.get("x-amz-content-sha256") ?? undefined;
  if (declaredSha256 !== undefined && /^[0-9a-f]{64}$/i.test(declaredSha256)) {
    const computed = sha256Hex(request.body);
    if (computed !== declaredSha256.toLowerCase()) {
      return {
        kind: "contentMismatch",
        detail: "The provided 'x-amz-content-sha256' header does not match",
        extra: { computedSha256: computed, declaredSha256 },
      };
    }
  }
  return { values, declaredSha256 };
}

/** The canonical request and the string to sign, as the client should have built them. */
function canonicalStrings(
  request: SignedRequest,
  query: Map<string, string[]>,
  signature: Signature,
  headers: Record<string, string>,
  queryAuth: boolean,
): { canonicalRequest: string; stringToSign: string; credentialScope: string } {
  const s3 = signature.service === "s3";
  const signedNames = new Set(signature.signedHeaders);
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
  return { canonicalRequest, stringToSign, credentialScope };
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
