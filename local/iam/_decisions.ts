/**
 * IAM decisions with the action's part of the work done once: for each
 * principal and action, the statements whose `Action` (or `NotAction`)
 * covers it are kept in order, so a request only matches its resource
 * against those. A client repeats the same few actions, on resources that
 * vary (S3 keys): the decision is {@linkcode evaluatePolicies}'s, and the
 * policies cannot change under what is kept.
 *
 * @module
 */

import { KeptValues } from "../core/mod.ts";
import {
  actionApplies,
  checkPolicy,
  type IamDecision,
  type IamPolicy,
  type IamRequestContext,
  type IamStatement,
  resourceApplies,
  statementsOf,
} from "./_policy.ts";

/** Options of {@linkcode PolicyDecisions}. */
export interface PolicyDecisionsOptions {
  /** Statement lists (principal and action) kept at most; all are dropped when it is reached. Default 1,024. */
  readonly maxEntries?: number;
}

/**
 * Each principal's policies, copied and frozen so that they cannot change
 * under what is kept (a later change of the policies given is not seen:
 * other policies are another `PolicyDecisions`), and for each principal and
 * action the statements that cover the action, a bounded number of lists.
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
  #statements: ReadonlyMap<string, readonly IamStatement[]>;
  #byAction: KeptValues<string, readonly IamStatement[]>;

  /**
   * @throws {TypeError} When a policy uses an element the evaluator does not model.
   * @throws {RangeError} When `maxEntries` is not a positive integer.
   */
  constructor(
    policies: Readonly<Record<string, readonly IamPolicy[]>>,
    options: PolicyDecisionsOptions = {},
  ) {
    const maxEntries = options.maxEntries ?? 1024;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
    this.#byAction = new KeptValues(maxEntries);
    const statements = new Map<string, readonly IamStatement[]>();
    for (const [principal, list] of Object.entries(policies)) {
      const copy = deepFreeze(structuredClone(list) as IamPolicy[]);
      copy.forEach(checkPolicy);
      statements.set(principal, Object.freeze(copy.flatMap(statementsOf)));
    }
    this.#statements = statements;
  }

  /** Statement lists (one per principal and action seen) kept now. */
  get size(): number {
    return this.#byAction.size;
  }

  /** The decision on `request` by `principal`'s policies (none: an implicit deny). */
  decide(principal: string, request: IamRequestContext): IamDecision {
    let allowedBy: IamStatement | undefined;
    for (const statement of this.#covering(principal, request.action)) {
      if (!resourceApplies(statement, request.resource)) continue;
      if (statement.Effect === "Deny") return { decision: "explicitDeny", statement };
      allowedBy ??= statement;
    }
    return allowedBy === undefined
      ? { decision: "implicitDeny" }
      : { decision: "allow", statement: allowedBy };
  }

  /** The principal's statements that cover `action`, in order. */
  #covering(principal: string, action: string): readonly IamStatement[] {
    // Principal names have no line break: the key is one pair's only.
    const key = `${principal}\n${action}`;
    return this.#byAction.get(key) ?? this.#byAction.keep(
      key,
      Object.freeze(
        (this.#statements.get(principal) ?? []).filter((s) => actionApplies(s, action)),
      ),
    );
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
