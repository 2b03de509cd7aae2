/**
 * A JSON-protocol call (DynamoDB, SQS) made by the local AWS itself to an
 * in-process emulator: for provisioning and the dashboard, never seen by the
 * router, its observers or IAM.
 *
 * @module
 */

import type { InnerResponse, InnerService } from "./_inner.ts";

/** The answer of {@linkcode callInnerJson}. */
export interface InnerJsonAnswer {
  /** HTTP status. */
  readonly status: number;
  /** The JSON body, `{}` when it is empty or not an object. */
  readonly json: Record<string, unknown>;
}

const encoder = new TextEncoder();

/**
 * Calls `target` (`DynamoDB_20120810.DescribeTable`, `AmazonSQS.GetQueueUrl`)
 * on an in-process emulator. The signature is not checked by the emulators,
 * but they read the region from its credential scope.
 *
 * @param service The emulator.
 * @param target The `X-Amz-Target` value.
 * @param body The request.
 * @param options Region, and the caller's name in the credential scope.
 */
export async function callInnerJson(
  service: InnerService,
  target: string,
  body: Record<string, unknown>,
  options: { region: string; caller: string },
): Promise<InnerJsonAnswer> {
  const signingName = target.startsWith("DynamoDB") ? "dynamodb" : "sqs";
  const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, "");
  const scope = `${date.slice(0, 8)}/${options.region}/${signingName}/aws4_request`;
  const { status, json } = await postInnerJson(service, {
    "host": "127.0.0.1",
    "content-type": "application/x-amz-json-1.0",
    "x-amz-target": target,
    "x-amz-date": date,
    "authorization": `AWS4-HMAC-SHA256 Credential=${options.caller}/${scope}, ` +
      "SignedHeaders=host;x-amz-date, Signature=0",
  }, body);
  return { status, json };
}

/** The answer of {@linkcode postInnerJson}: with the response headers. */
export interface InnerJsonResponse extends InnerJsonAnswer {
  /** Response headers with lower-case names. */
  readonly headers: Record<string, string>;
}

/**
 * POSTs a JSON body to `/` of an in-process emulator with the given headers
 * and reads the JSON object it answers (`{}` when there is none).
 *
 * @param service The emulator.
 * @param headers The request headers, lower-case names.
 * @param body The request.
 */
export async function postInnerJson(
  service: InnerService,
  headers: Record<string, string>,
  body: Record<string, unknown>,
): Promise<InnerJsonResponse> {
  const answer = await service.handle({
    method: "POST",
    url: "/",
    headers,
    body: encoder.encode(JSON.stringify(body)),
  });
  return { status: answer.status, headers: answer.headers, json: parseJsonObject(answer) };
}

/** The JSON object of an answer's body, `{}` when there is none. */
export function parseJsonObject(answer: InnerResponse): Record<string, unknown> {
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(answer.body) || "{}");
    return typeof json === "object" && json !== null && !Array.isArray(json)
      ? json as Record<string, unknown>
      : {};
  } catch {
    return {};
  }
}
