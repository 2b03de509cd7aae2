/**
 * Signing OTLP exports with SigV4 for X-Ray's OTLP endpoint
 * (`https://xray.<region>.amazonaws.com/v1/traces`), which authenticates its
 * callers as any AWS API does: the programs send their spans there directly,
 * with the credentials their AWS clients use.
 *
 * @module
 */

import { Sha256 } from "@smithy/core/checksum";
import { SignatureV4 } from "@smithy/signature-v4";

/** AWS credentials, or a function that gives them (an SDK client's `config.credentials`). */
export type CredentialsProvider = () => Promise<{
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}>;

/** Signs one export: returns the headers to send. */
export type ExportSigner = (request: {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}) => Promise<Record<string, string>>;

/**
 * The region of an X-Ray OTLP endpoint URL.
 *
 * @param url The traces URL.
 * @returns The region, or `undefined` when the URL is not X-Ray's.
 */
export function xrayEndpointRegion(url: string): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined;
  }
  return /^xray\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(host)?.[1];
}

/**
 * A signer for X-Ray's OTLP endpoint in `region`.
 *
 * @param region The endpoint's region.
 * @param credentials Gives the credentials (resolved on each export, so that they may rotate).
 * @returns The signer.
 */
export function xraySigner(region: string, credentials: CredentialsProvider): ExportSigner {
  const signer = new SignatureV4({
    service: "xray",
    region,
    sha256: Sha256,
    credentials: async () => {
      const { accessKeyId, secretAccessKey, sessionToken } = await credentials();
      return sessionToken === undefined
        ? { accessKeyId, secretAccessKey }
        : { accessKeyId, secretAccessKey, sessionToken };
    },
  });
  return async ({ url, headers, body }) => {
    const target = new URL(url);
    const signed = await signer.sign({
      method: "POST",
      protocol: target.protocol,
      hostname: target.hostname,
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      headers: { ...headers, host: target.host },
      body,
    });
    const { host: _, ...rest } = signed.headers;
    return rest;
  };
}
