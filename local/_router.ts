/**
 * The one-port router: sends each request to the emulator of its service,
 * closes the emulators' known gaps on the way, and reports every request.
 *
 * Routing: `X-Amz-Target: DynamoDB_20120810.*` → dynalite; any other target
 * but `AmazonSQS.*` → `UnknownOperationException`; everything else (SQS JSON
 * protocol, S3, and SNS/STS query protocol) → fauxqs.
 *
 * Corrections: each service's requests pass through its compatibility layer
 * (`_compat.ts`: S3 regions, versioning and conditional requests; SQS's query
 * protocol and AWS's errors; DynamoDB's current validation). SQS `QueueUrl`s
 * (`CreateQueue`, `GetQueueUrl`, `ListQueues`) carry the origin the client
 * used, not the host fauxqs stored when the queue was made.
 *
 * @module
 */

import type { InnerRequest, InnerResponse } from "./core/mod.ts";
import type { DynaliteService, FauxqsService } from "./engines/mod.ts";
import { createCompat, type DynamoDbSweeps } from "./_compat.ts";
import { type AwsService, describeOperation } from "./core/mod.ts";
import { QUEUE_URL_OPERATIONS, rewriteQueueUrls } from "./sqs/mod.ts";
import { s3ErrorXml, s3RequestId } from "./s3/mod.ts";
import type { Interceptor, LocalAwsRequest, RequestAnnotations } from "./core/mod.ts";

/** What the router routes to. */
export interface RouterOptions {
  /** Interceptors run before dispatch, in order. Default none. */
  readonly interceptors?: readonly Interceptor[];
  /** DynamoDB. */
  readonly dynamodb: DynaliteService;
  /** SQS, S3, SNS and STS. */
  readonly fauxqs: FauxqsService;
  /** Called after each answer. */
  readonly onRequest: (request: LocalAwsRequest) => void;
  /**
   * The last step: the response to send for a request answered as its report
   * says (the fault injector cuts connections there). Default the response.
   */
  readonly finish?: (report: LocalAwsRequest, response: Response) => Response;
  /** Whether the server is closing: new requests then get 503. */
  readonly isClosing: () => boolean;
  /** Region of resources whose requests name none. Default `us-east-1`. */
  readonly region?: string;
  /** DynamoDB's TTL sweeps. Default none. */
  readonly dynamoDbSweeps?: DynamoDbSweeps;
}

/** A Deno.serve handler. */
export type Router = (request: Request) => Promise<Response>;

const DROPPED_HEADERS = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
]);

/** The query of a URL without one; only read (by `describeOperation`). */
const NO_QUERY = new URLSearchParams();

/** Makes the router. */
export function createRouter(options: RouterOptions): Router {
  const { dynamodb, fauxqs } = options;
  const compat = createCompat({
    dynamodb,
    fauxqs,
    region: options.region ?? "us-east-1",
    ...(options.dynamoDbSweeps === undefined ? {} : { dynamoDbSweeps: options.dynamoDbSweeps }),
  });
  const interceptors = options.interceptors ?? [];
  const finish = options.finish;

  return async function route(request: Request): Promise<Response> {
    const startedAt = Date.now();
    const started = performance.now();
    const url = new URL(request.url);
    const body = request.body === null ? new Uint8Array() : await request.bytes();
    const { service, operation } = describeOperation({
      method: request.method,
      path: url.pathname,
      // No query (DynamoDB, SQS's JSON protocol): no URLSearchParams made for it.
      query: url.search === "" ? NO_QUERY : url.searchParams,
      headers: request.headers,
      body,
    });
    const inner: InnerRequest = {
      method: request.method,
      url: url.pathname + url.search,
      headers: Object.fromEntries(request.headers),
      body,
    };
    let answer: InnerResponse;
    const annotations: RequestAnnotations = {};
    if (options.isClosing()) {
      answer = failure(service, 503, "ServiceUnavailable", "The local AWS is shutting down");
    } else {
      try {
        const intercepted = {
          service,
          operation,
          inner,
          url,
          headers: request.headers,
          annotations,
        };
        let early: InnerResponse | undefined;
        for (const intercept of interceptors) {
          const result = intercept(intercepted);
          // An interceptor with nothing to do answers at once: no promise to wait for.
          early = result instanceof Promise ? await result : result;
          if (early !== undefined) break;
        }
        answer = early ?? await dispatch(service, operation, inner);
      } catch (error) {
        console.error(`local AWS: ${service}:${operation} failed:`, error);
        answer = failure(service, 500, "InternalError", String(error));
      }
    }
    if (service === "sqs" && answer.status === 200 && QUEUE_URL_OPERATIONS.has(operation)) {
      answer = withQueueUrls(answer, `${url.protocol}//${request.headers.get("host") ?? url.host}`);
    }
    const response = toResponse(request.method, answer);
    const report: LocalAwsRequest = {
      service,
      operation,
      name: `${service}:${operation}`,
      method: request.method,
      path: url.pathname,
      status: answer.status,
      durationMs: performance.now() - started,
      startedAt,
      inner,
      answer,
      ...annotations,
    };
    options.onRequest(report);
    return finish === undefined ? response : finish(report, response);
  };

  function dispatch(
    service: AwsService,
    operation: string,
    request: InnerRequest,
  ): Promise<InnerResponse> {
    if (service === "unknown" && request.headers["x-amz-target"] !== undefined) {
      return Promise.resolve(
        failure(
          service,
          400,
          "UnknownOperationException",
          `The local AWS does not serve ${request.headers["x-amz-target"]}`,
        ),
      );
    }
    return compat.handle(service, operation, request);
  }
}

function failure(
  service: AwsService,
  status: number,
  code: string,
  message: string,
): InnerResponse {
  if (service === "s3") {
    const requestId = s3RequestId();
    return {
      status,
      headers: { "content-type": "application/xml", "x-amz-request-id": requestId },
      body: new TextEncoder().encode(s3ErrorXml({ code, message, requestId })),
    };
  }
  return {
    status,
    headers: { "content-type": "application/x-amz-json-1.0" },
    body: new TextEncoder().encode(JSON.stringify({ __type: code, message })),
  };
}

function withQueueUrls(answer: InnerResponse, origin: string): InnerResponse {
  const text = new TextDecoder().decode(answer.body);
  const rewritten = rewriteQueueUrls(text, origin);
  if (rewritten === text) return answer;
  return { ...answer, body: new TextEncoder().encode(rewritten) };
}

function toResponse(method: string, answer: InnerResponse): Response {
  const bodyless = method === "HEAD" || answer.status === 204 || answer.status === 304;
  // A record, not a Headers filled by set(): the Response checks each header once.
  const headers: Record<string, string> = {};
  for (const name in answer.headers) {
    // A HEAD answer keeps Content-Length: it is the size of the object.
    if (DROPPED_HEADERS.has(name) && !(bodyless && name === "content-length")) continue;
    headers[name] = answer.headers[name] as string;
  }
  return new Response(bodyless ? null : answer.body as Uint8Array<ArrayBuffer>, {
    status: answer.status,
    headers,
  });
}
