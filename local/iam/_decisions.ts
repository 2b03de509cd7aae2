/**
 * The decisions of {@linkcode evaluatePolicies}, kept per principal, action
 * and resource: a client repeats the same few calls, and the answer depends
 * on nothing else while the policies are the same.
 *
 * @module
 */

import {
  checkPolicy,
  evaluatePolicies,
  type IamDecision,
  type IamPolicy,
  type IamRequestContext,
} from "./_policy.ts";

/** Options of {@linkcode PolicyDecisions}. */
export interface PolicyDecisionsOptions {
  /** Decisions kept at most; all are dropped when it is reached. Default 4,096. */
  readonly maxEntries?: number;
}

/**
 * Each principal's policies, copied and frozen so that they cannot change
 * under the decisions kept (a later change of the policies given is not
 * seen: other policies are another `PolicyDecisions`), and the decisions
 * taken on them, a bounded number.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { PolicyDecisions } from "./_decisions.ts";
 *
 * const decisions = new PolicyDecisions({
 *   worker: [{ Statement: [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }] }],
 * });
 * const request = { action: "sqs:SendMessage", resource: "arn:aws:sqs:us-east-1:0:jobs" };
 * assert.equal(decisions.decide("worker", request).decision, "allow");
 * assert.equal(decisions.decide("nobody", request).decision, "implicitDeny");
 * ```
 */
export class PolicyDecisions {
  #policies: ReadonlyMap<string, readonly IamPolicy[]>;
  #decisions = new Map<string, IamDecision>();
  #maxEntries: number;

  /**
   * @throws {TypeError} When a policy uses an element the evaluator does not model.
   * @throws {RangeError} When `maxEntries` is not a positive integer.
   */
  constructor(
    policies: Readonly<Record<string, readonly IamPolicy[]>>,
    options: PolicyDecisionsOptions = {},
  ) {
    const maxEntries = options.maxEntries ?? 4096;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
    this.#maxEntries = maxEntries;
    const copies = new Map<string, readonly IamPolicy[]>();
    for (const [principal, list] of Object.entries(policies)) {
      const copy = deepFreeze(structuredClone(list) as IamPolicy[]);
      copy.forEach(checkPolicy);
      copies.set(principal, copy);
    }
    this.#policies = copies;
  }

  /** Decisions kept now. */
  get size(): number {
    return this.#decisions.size;
  }

  /** The decision on `request` by `principal`'s policies (none: an implicit deny). */
  decide(principal: string, request: IamRequestContext): IamDecision {
    // Names and actions have no line break: the key is one request's only.
    const key = `${principal}\n${request.action}\n${request.resource}`;
    let decision = this.#decisions.get(key);
    if (decision === undefined) {
      decision = Object.freeze(evaluatePolicies(this.#policies.get(principal) ?? [], request));
      if (this.#decisions.size >= this.#maxEntries) this.#decisions.clear();
      this.#decisions.set(key, decision);
    }
    return decision;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
