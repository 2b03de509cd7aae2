/**
 * The answers of injected faults, in each service's own error shape, so that
 * every AWS SDK reads them as it reads AWS's: DynamoDB's JSON, SQS's JSON
 * (with its query-compatible error header) or query XML, S3's XML. Pure.
 *
 * @module
 */

import type { InnerRequest, InnerResponse } from "../core/mod.ts";
import type { AwsService } from "../core/mod.ts";
import { s3ErrorXml, s3RequestId } from "../s3/mod.ts";

/** The wire protocol of a request. */
export type WireProtocol = "json" | "query" | "rest-xml";

/** An error as AWS defines it for one service. */
export interface FaultError {
  /** HTTP status. */
  readonly status: number;
  /** Error code (the SDK's error name). */
  readonly code: string;
  /** Message. */
  readonly message: string;
  /** `Sender` or `Receiver`, for the query protocol and SQS's JSON. */
  readonly fault: "Sender" | "Receiver";
  /** The JSON protocol's `__type` namespace. */
  readonly namespace: string;
}

const DYNAMODB = "com.amazonaws.dynamodb.v20120810";
const CORAL = "com.amazon.coral.availability";
const SQS = "com.amazonaws.sqs";

/**
 * The error of a fault for a service: `error` is 500 or 503 (`alternate`),
 * `throttle` the service's first or second throttling error.
 *
 * @example Usage
 * ```ts
 * import { faultError } from "./_responses.ts";
 *
 * faultError("s3", "throttle", false).code; // "SlowDown"
 * ```
 *
 * @param service The service.
 * @param kind `error` or `throttle`.
 * @param alternate Which of the two forms.
 * @returns The error.
 */
export function faultError(
  service: AwsService,
  kind: "error" | "throttle",
  alternate: boolean,
): FaultError {
  if (kind === "error") {
    const unavailable = alternate;
    switch (service) {
      case "dynamodb":
        return unavailable
          ? e(503, "ServiceUnavailable", "The service is currently unavailable or busy", DYNAMODB)
          : e(500, "InternalServerError", "Internal server error", DYNAMODB);
      case "s3":
        return unavailable
          ? e(503, "ServiceUnavailable", "Service is unable to handle request.", "")
          : e(500, "InternalError", "We encountered an internal error. Please try again.", "");
      default:
        return unavailable
          ? e(
            503,
            "ServiceUnavailable",
            "The request has failed due to a temporary failure of the server.",
            SQS,
          )
          : e(
            500,
            "InternalFailure",
            "The request processing has failed because of an unknown error, exception or failure.",
            SQS,
          );
    }
  }
  switch (service) {
    case "dynamodb":
      return alternate
        ? e(400, "ThrottlingException", "Rate of requests exceeds the allowed throughput.", CORAL)
        : e(
          400,
          "ProvisionedThroughputExceededException",
          "The level of configured provisioned throughput for the table was exceeded. " +
            "Consider increasing your provisioning level with the UpdateTable API.",
          DYNAMODB,
        );
    case "s3":
      return e(503, "SlowDown", "Please reduce your request rate.", "");
    default:
      return alternate
        ? { ...e(400, "ThrottlingException", "Rate exceeded", SQS), fault: "Sender" }
        : { ...e(403, "RequestThrottled", "Request is throttled.", SQS), fault: "Sender" };
  }
}

/**
 * The wire protocol a request speaks: `json` with an `X-Amz-Target`, `query`
 * with an `Action` in the query string or a form body, else `rest-xml` (S3).
 *
 * @param request The request.
 * @returns Its protocol.
 */
export function wireProtocol(request: InnerRequest): WireProtocol {
  if (request.headers["x-amz-target"] !== undefined) return "json";
  const query = request.url.includes("?") ? request.url.slice(request.url.indexOf("?")) : "";
  if (new URLSearchParams(query).has("Action")) return "query";
  if ((request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
    return "query";
  }
  return "rest-xml";
}

/**
 * Renders an error as the service sends it over the request's protocol.
 *
 * @example Usage
 * ```ts
 * import { faultError, renderFaultError } from "./_responses.ts";
 *
 * const answer = renderFaultError(faultError("sqs", "throttle", false), "json");
 * answer.status; // 403
 * ```
 *
 * @param error The error.
 * @param protocol The request's protocol.
 * @returns The answer.
 */
export function renderFaultError(error: FaultError, protocol: WireProtocol): InnerResponse {
  const requestId = crypto.randomUUID();
  const encode = (text: string) => new TextEncoder().encode(text);
  if (protocol === "rest-xml") {
    const id = s3RequestId();
    return {
      status: error.status,
      headers: { "content-type": "application/xml", "x-amz-request-id": id },
      body: encode(s3ErrorXml({ code: error.code, message: error.message, requestId: id })),
    };
  }
  if (protocol === "query") {
    const xml =
      `<?xml version="1.0"?><ErrorResponse><Error><Type>${error.fault}</Type><Code>${error.code}</Code><Message>${error.message}</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return {
      status: error.status,
      headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
      body: encode(xml),
    };
  }
  const headers: Record<string, string> = {
    "content-type": "application/x-amz-json-1.0",
    "x-amzn-requestid": requestId,
  };
  // SQS's JSON protocol is query-compatible: the SDK reads the query error
  // code from this header.
  if (error.namespace === SQS) headers["x-amzn-query-error"] = `${error.code};${error.fault}`;
  return {
    status: error.status,
    headers,
    body: encode(
      JSON.stringify({ __type: `${error.namespace}#${error.code}`, message: error.message }),
    ),
  };
}

/**
 * The answer of a dropped connection as the router passes it on: a 500 that
 * the router's last step turns into a cut connection, as the request's
 * annotations (`fault: "drop-before"`) tell it.
 *
 * @returns The answer.
 */
export function droppedAnswer(): InnerResponse {
  return { status: 500, headers: {}, body: new Uint8Array() };
}

/**
 * What the client gets for a cut connection: the status line and headers,
 * then the connection closes before the body announced is complete. (A
 * Deno.serve handler cannot close a connection before the status line is
 * sent; a body that ends short of its `Content-Length` makes the server
 * close it, which clients see as a reset or a premature end.)
 *
 * @param status The status line's code.
 * @param headers The answer's headers (default none).
 * @param body The answer's body, of which half is sent (default none: 64 bytes announced).
 * @returns The response.
 */
export function droppedResponse(
  status: number,
  headers: Headers = new Headers(),
  body: Uint8Array = new Uint8Array(),
): Response {
  const sent = body.subarray(0, Math.floor(body.length / 2));
  const cut = new Headers(headers);
  cut.set("content-length", String(body.length === 0 ? 64 : body.length));
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (sent.length > 0) controller.enqueue(sent);
      controller.close();
    },
  });
  return new Response(stream, { status, headers: cut });
}

function e(status: number, code: string, message: string, namespace: string): FaultError {
  return { status, code, message, fault: status >= 500 ? "Receiver" : "Sender", namespace };
}
