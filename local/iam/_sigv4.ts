/**
 * Verifying a request's Signature Version 4: the canonical request is rebuilt
 * from what arrived (method, path, query, exactly the headers the client
 * listed in `SignedHeaders`, and the payload hash) as the SDK's signer
 * (`@smithy/signature-v4`) builds it (`_sigv4_canonical.ts`), signed again
 * with the secret of the access key it names, at the time it states, for the
 * region and service of its credential scope, and the two signatures are
 * compared. Each signing key (`AWS4` + secret, date, region, service) is
 * derived once and kept as a prepared HMAC key (`_sigv4_hmac.ts`), so a
 * request costs two SHA-256 hashes (the body's and the canonical request's)
 * and one HMAC.
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

import { sameText, sha256Hex, verifyChunks } from "./_sigv4_chunks.ts";
import {
  canonicalRequest,
  parseQuery,
  type Query,
  type SignedHeaderList,
  signedHeaderList,
} from "./_sigv4_canonical.ts";
import { HmacKey } from "./_sigv4_hmac.ts";
import { KeptValues } from "../core/mod.ts";

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

/** Signing keys by secret, date, region and service; dropped whole when full. */
const signingKeys = new KeptValues<string, HmacKey>(256);

/** The SigV4 signing key of a secret for a date, region and service. */
function signingKey(secret: string, date: string, region: string, service: string): HmacKey {
  const id = `${secret}\n${date}\n${region}\n${service}`;
  const kept = signingKeys.get(id);
  if (kept !== undefined) return kept;
  let bytes = new HmacKey(`AWS4${secret}`).digest(date);
  for (const part of [region, service, "aws4_request"]) bytes = new HmacKey(bytes).digest(part);
  return signingKeys.keep(id, new HmacKey(bytes));
}

/** The parts of a signature, from the header or the query. */
interface Signature {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: SignedHeaderList;
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

  const canonical = canonicalStrings(request, query, signature, headers, queryAuth);
  const key = signingKey(secret, signature.date, signature.region, signature.service);
  const sign = (text: string) => key.hex(text);
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
  const signingTime = parseAmzDate(signature.amzDate);
  if (Number.isNaN(signingTime) || signature.amzDate.slice(0, 8) !== signature.date) {
    return {
      kind: "malformed",
      detail: `X-Amz-Date ${signature.amzDate} does not match the credential date`,
    };
  }
  // Only a refusal shows the server's time: written then, not per request.
  const serverTime = () => amzDate(now);
  const extra = () => ({ requestTime: signature.amzDate, serverTime: serverTime() });
  if (signature.expires === undefined) {
    const skew = signingTime - now.getTime();
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
  if (now.getTime() > signingTime + signature.expires * 1000) {
    return { kind: "presignExpired", detail: "Request has expired", extra: extra() };
  }
  if (signingTime - now.getTime() > MAX_SKEW_MS) {
    return { kind: "notYetValid", detail: "Request is not valid yet", extra: extra() };
  }
  return undefined;
}

/** The signed headers' values, and the payload's declared hash and the body's. */
interface SignedValues {
  /** Each signed header's value, by lower-case name. */
  readonly values: Map<string, string>;
  /** The `x-amz-content-sha256` the request carried. */
  readonly declaredSha256: string | undefined;
  /** The body's SHA-256 when it was computed to check the declared one. */
  readonly bodySha256: string | undefined;
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
): SignedValues | Problem {
  const signed = signature.signedHeaders;
  if (!signed.sorted.includes("host")) {
    return { kind: "malformed", detail: "SignedHeaders must include host" };
  }
  if (!queryAuth && !signed.sorted.includes("x-amz-date")) {
    return { kind: "malformed", detail: "SignedHeaders must include x-amz-date" };
  }
  const values = new Map<string, string>();
  for (const name of signed.names) {
    const value = request.headers.get(name);
    if (value === null) return { kind: "mismatch", detail: `The signed header ${name} is missing` };
    values.set(name, value);
  }
  const declaredSha256 = request.headers.get("x-amz-content-sha256") ?? undefined;
  if (declaredSha256 === undefined || !/^[0-9a-f]{64}$/i.test(declaredSha256)) {
    return { values, declaredSha256, bodySha256: undefined };
  }
  const computed = sha256Hex(request.body);
  if (computed !== declaredSha256.toLowerCase()) {
    return {
      kind: "contentMismatch",
      detail: "The provided 'x-amz-content-sha256' header does not match",
      extra: { computedSha256: computed, declaredSha256 },
    };
  }
  return { values, declaredSha256, bodySha256: computed };
}

/** The canonical request and the string to sign, as the client should have built them. */
function canonicalStrings(
  request: SignedRequest,
  query: Query,
  signature: Signature,
  signed: SignedValues,
  queryAuth: boolean,
): { canonicalRequest: string; stringToSign: string; credentialScope: string } {
  const s3 = signature.service === "s3";
  // Query auth on S3 signs UNSIGNED-PAYLOAD; otherwise the signed
  // x-amz-content-sha256 when there is one, else the body's hash.
  const payloadHash =
    queryAuth && s3 && !signature.signedHeaders.sorted.includes("x-amz-content-sha256")
      ? "UNSIGNED-PAYLOAD"
      : signed.values.get("x-amz-content-sha256") ?? signed.bodySha256 ??
        sha256Hex(request.body);
  const credentialScope = `${signature.date}/${signature.region}/${signature.service}/aws4_request`;
  const canonical = canonicalRequest({
    method: request.method,
    path: request.url.pathname,
    s3,
    query,
    headers: signature.signedHeaders,
    values: signed.values,
    payloadHash,
  });
  const stringToSign = `${ALGORITHM}\n${signature.amzDate}\n${credentialScope}\n${
    sha256Hex(canonical)
  }`;
  return { canonicalRequest: canonical, stringToSign, credentialScope };
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
  // The last of a repeated field counts.
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  for (const part of authorization.slice(ALGORITHM.length + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const value = part.slice(eq + 1).trim();
    const name = part.slice(0, eq).trim();
    if (name === "Credential") credential = value;
    else if (name === "SignedHeaders") signedHeaders = value;
    else if (name === "Signature") signature = value;
  }
  return parseSignature({
    credential,
    signedHeaders,
    signature,
    amzDate: headers.get("x-amz-date") ?? undefined,
    sessionToken: headers.get("x-amz-security-token") ?? undefined,
    expires: undefined,
  });
}

function fromQuery(all: Query): Signature | SignatureFailure {
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
  if (!parts.credential || !parts.signedHeaders || !parts.signature || !parts.amzDate) {
    const missing = (["credential", "signedHeaders", "signature", "amzDate"] as const)
      .filter((name) => parts[name] === undefined || parts[name] === "");
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
    signedHeaders: signedHeaderList(parts.signedHeaders ?? ""),
    signature: (parts.signature ?? "").toLowerCase(),
    amzDate: parts.amzDate ?? "",
    sessionToken: parts.sessionToken,
    expires: parts.expires,
  };
}

/** The last request time parsed: requests signed in the same second share it. */
let lastAmzDate = { text: "", time: Number.NaN };

/** The time of an `X-Amz-Date`, in milliseconds since the epoch, or `NaN`. */
function parseAmzDate(text: string): number {
  if (text === lastAmzDate.text) return lastAmzDate.time;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  const time = m ? Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : Number.NaN;
  lastAmzDate = { text, time };
  return time;
}

/** `20240101T000000Z`. */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}
