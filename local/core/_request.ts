/**
 * What the router hands its interceptors (faults, IAM) and its observers (the
 * dashboard): a request before dispatch, the annotations interceptors add,
 * and the report of a request once answered.
 *
 * @module
 */

import type { InnerRequest, InnerResponse } from "./_inner.ts";
import type { AwsService } from "./_operation.ts";

/**
 * What interceptors add to a request's report: who signed it, what IAM
 * checked, and why it was refused before dispatch (for the dashboard).
 */
export interface RequestAnnotations {
  /** ARN of the identity that signed the request (`arn:aws:iam::000000000000:user/generator`). */
  principal?: string;
  /** The IAM action checked (`sqs:SendMessage` for `SendMessageBatch`). */
  action?: string;
  /** The resource ARN it was checked on. */
  resource?: string;
  /** Why the request was refused before dispatch: AWS's error code and message. */
  denied?: { readonly code: string; readonly message: string };
  /** The fault injected (`_faults.ts`): `error`, `throttle`, `drop-before` or `drop-after`. */
  fault?: "error" | "throttle" | "drop-before" | "drop-after";
}

/** One request the local AWS answered. */
export interface LocalAwsRequest extends Readonly<RequestAnnotations> {
  /** Service (`sqs`). */
  readonly service: AwsService;
  /** Operation (`SendMessageBatch`). */
  readonly operation: string;
  /** `service:Operation`, as IAM names the action (`sqs:SendMessageBatch`). */
  readonly name: string;
  /** HTTP method. */
  readonly method: string;
  /** Path as sent, without the query string. */
  readonly path: string;
  /** HTTP status of the answer. */
  readonly status: number;
  /** Time from the request's arrival to its answer, in milliseconds. */
  readonly durationMs: number;
  /** When the request arrived (milliseconds since the epoch). */
  readonly startedAt: number;
  /**
   * The request as dispatched (path and query, headers, body), for observers
   * that look inside it (the dashboard). Read it during the call; do not keep it.
   */
  readonly inner: InnerRequest;
  /** The answer as sent, body included. Read it during the call; do not keep it. */
  readonly answer: InnerResponse;
}

/** A request as the router's interceptors see it, before it is dispatched. */
export interface InterceptedRequest {
  /** Service (`sqs`). */
  readonly service: AwsService;
  /** Operation (`SendMessageBatch`). */
  readonly operation: string;
  /** The request as the emulators will get it (body read). */
  readonly inner: InnerRequest;
  /** The request's URL. */
  readonly url: URL;
  /** The original request's headers. */
  readonly headers: Headers;
  /** Written by interceptors, copied to the request's {@linkcode LocalAwsRequest}. */
  readonly annotations: RequestAnnotations;
}

/**
 * Runs before dispatch, in order (for example fault injection, then IAM).
 * Returning an answer stops the request there: that answer is sent and the
 * emulators never see it. Returning `undefined` passes it on.
 */
export type Interceptor = (
  request: InterceptedRequest,
) => InnerResponse | undefined | Promise<InnerResponse | undefined>;
