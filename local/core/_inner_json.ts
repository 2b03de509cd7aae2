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
  const answer = await service.handle({
    method: "POST",
    url: "/",
    headers: {
      "host": "127.0.0.1",
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": target,
      "x-amz-date": date,
      "authorization": `AWS4-HMAC-SHA256 Credential=${options.caller}/${scope}, ` +
        "SignedHeaders=host;x-amz-date, Signature=0",
    },
    body: encoder.encode(JSON.stringify(body)),
  });
  return { status: answer.status, json: parseJsonObject(answer) };
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
