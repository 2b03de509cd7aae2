/**
 * A request as the dashboard takes it from the router. Types only.
 *
 * @module
 */

import type { ObservedCall } from "./_call_detail.ts";

/** A request as the aggregator takes it: the router's report (a subset). */
export interface ObservedRequest extends ObservedCall {
  /** `service:Operation`. */
  readonly name: string;
  /** Arrival time, epoch milliseconds. */
  readonly startedAt: number;
  /** Time to answer, milliseconds. */
  readonly durationMs: number;
  /** Who signed it, when IAM is on. */
  readonly principal?: string;
  /** Why IAM (or another interceptor) refused it. */
  readonly denied?: { readonly code: string; readonly message: string };
}
