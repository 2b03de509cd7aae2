/**
 * An evaluator of IAM identity-based policies, following AWS's documented
 * evaluation logic for a request within one account when only identity-based
 * policies apply (IAM User Guide, "Policy evaluation logic" and "Determining
 * whether a request is allowed or denied within an account"):
 *
 * 1. A statement applies when its `Action` (or `NotAction`) and its
 *    `Resource` (or `NotResource`) match the request.
 * 2. An applicable `Deny` is an explicit deny: it wins over every `Allow`.
 * 3. Otherwise an applicable `Allow` allows the request.
 * 4. Otherwise the request is implicitly denied (default deny).
 *
 * Matching ("IAM JSON policy elements: Action" and "...: Resource"): `*`
 * matches any run of characters and `?` any one character. Action names are
 * case-insensitive; ARNs are case-sensitive. In an ARN a wildcard stays
 * within its colon-separated segment, except a `*` that ends a segment (or
 * the ARN), which may run past colons.
 *
 * Not modelled, refused when a policy uses them: `Condition`, `Principal` /
 * `NotPrincipal` (not valid in an identity-based policy), policy variables.
 * Resource-based policies, permissions boundaries, session policies and SCPs
 * are not evaluated.
 *
 * Written for this project (MIT); it copies no other evaluator.
 *
 * @module
 */

/** One statement of an IAM policy document. */
export interface IamStatement {
  /** Statement id. */
  readonly Sid?: string;
  /** `Allow` or `Deny`. */
  readonly Effect: "Allow" | "Deny";
  /** Actions the statement covers. Exactly one of `Action` and `NotAction`. */
  readonly Action?: string | readonly string[];
  /** Actions the statement does not cover: it covers every other one. */
  readonly NotAction?: string | readonly string[];
  /** Resources the statement covers. Exactly one of `Resource` and `NotResource`. */
  readonly Resource?: string | readonly string[];
  /** Resources the statement does not cover: it covers every other one. */
  readonly NotResource?: string | readonly string[];
}

/** An IAM identity-based policy document. */
export interface IamPolicy {
  /** Policy language version: `2012-10-17`. */
  readonly Version?: string;
  /** The statements. */
  readonly Statement: IamStatement | readonly IamStatement[];
}

/** The part of a request that identity-based policies without conditions look at. */
export interface IamRequestContext {
  /** The action, `service:Action` (`dynamodb:UpdateItem`). */
  readonly action: string;
  /** The resource's ARN, or `*` for an action that takes none. */
  readonly resource: string;
}

/** The outcome of {@linkcode evaluatePolicies}. */
export type IamDecision =
  | { readonly decision: "allow"; readonly statement: IamStatement }
  | { readonly decision: "explicitDeny"; readonly statement: IamStatement }
  | { readonly decision: "implicitDeny" };

/**
 * Evaluates identity-based policies for one action on one resource.
 *
 * @example Usage
 * ```ts
 * import { evaluatePolicies } from "./_policy.ts";
 *
 * const policy = {
 *   Version: "2012-10-17",
 *   Statement: [{ Effect: "Allow", Action: "sqs:*", Resource: "arn:aws:sqs:*:*:jobs" }],
 * } as const;
 * evaluatePolicies([policy], {
 *   action: "sqs:SendMessage",
 *   resource: "arn:aws:sqs:us-east-1:000000000000:jobs",
 * }).decision; // "allow"
 * ```
 *
 * @param policies The principal's identity-based policies.
 * @param request The action and resource.
 * @returns The decision and, for an allow or an explicit deny, the deciding statement.
 * @throws {TypeError} When a policy uses an element this evaluator does not model.
 */
export function evaluatePolicies(
  policies: readonly IamPolicy[],
  request: IamRequestContext,
): IamDecision {
  let allowedBy: IamStatement | undefined;
  for (const policy of policies) {
    for (const statement of statementsOf(policy)) {
      checkStatement(statement);
      if (!applies(statement, request)) continue;
      if (statement.Effect === "Deny") return { decision: "explicitDeny", statement };
      allowedBy ??= statement;
    }
  }
  return allowedBy === undefined
    ? { decision: "implicitDeny" }
    : { decision: "allow", statement: allowedBy };
}

/**
 * Checks that a policy uses only what {@linkcode evaluatePolicies} models, so
 * that a policy is refused when it is loaded rather than misjudged later.
 *
 * @throws {TypeError} When it does not.
 */
export function checkPolicy(policy: IamPolicy): void {
  if (policy.Version !== undefined && policy.Version !== "2012-10-17") {
    throw new TypeError(
      `Cannot evaluate policy: Version must be "2012-10-17", got ${JSON.stringify(policy.Version)}`,
    );
  }
  for (const statement of statementsOf(policy)) checkStatement(statement);
}

/** Whether an action pattern (`sqs:Send*`) matches an action (`sqs:SendMessage`). */
export function actionMatches(pattern: string, action: string): boolean {
  return globToRegExp(pattern, { ignoreCase: true, segmented: false }).test(action);
}

/** Whether a resource pattern (`arn:aws:s3:::bucket/*`) matches an ARN. */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === "*") return true;
  return globToRegExp(pattern, { ignoreCase: false, segmented: pattern.startsWith("arn:") })
    .test(resource);
}

function applies(statement: IamStatement, request: IamRequestContext): boolean {
  return actionApplies(statement, request.action) &&
    resourceApplies(statement, request.resource);
}

/** Whether a statement's `Action` (or `NotAction`) covers an action. */
export function actionApplies(statement: IamStatement, action: string): boolean {
  return statement.Action !== undefined
    ? listOf(statement.Action).some((p) => actionMatches(p, action))
    : !listOf(statement.NotAction ?? []).some((p) => actionMatches(p, action));
}

/** Whether a statement's `Resource` (or `NotResource`) covers a resource ARN. */
export function resourceApplies(statement: IamStatement, resource: string): boolean {
  return statement.Resource !== undefined
    ? listOf(statement.Resource).some((p) => resourceMatches(p, resource))
    : !listOf(statement.NotResource ?? []).some((p) => resourceMatches(p, resource));
}

function checkStatement(statement: IamStatement): void {
  const where = `statement ${statement.Sid ?? JSON.stringify(statement)}`;
  const fail = (detail: string): never => {
    throw new TypeError(`Cannot evaluate policy: ${where} ${detail}`);
  };
  if (statement.Effect !== "Allow" && statement.Effect !== "Deny") {
    fail(`has Effect ${JSON.stringify(statement.Effect)}, not "Allow" or "Deny"`);
  }
  if ((statement.Action === undefined) === (statement.NotAction === undefined)) {
    fail("must have exactly one of Action and NotAction");
  }
  if ((statement.Resource === undefined) === (statement.NotResource === undefined)) {
    fail("must have exactly one of Resource and NotResource");
  }
  for (const key of ["Condition", "Principal", "NotPrincipal"]) {
    if (key in statement) fail(`uses ${key}, which the local evaluator does not model`);
  }
  const patterns = [
    ...listOf(statement.Action ?? []),
    ...listOf(statement.NotAction ?? []),
    ...listOf(statement.Resource ?? []),
    ...listOf(statement.NotResource ?? []),
  ];
  for (const pattern of patterns) {
    if (typeof pattern !== "string" || pattern === "") fail("has an empty or non-string entry");
    if (pattern.includes("${")) fail(`uses a policy variable in ${pattern}`);
  }
}

/** The statements of a policy, one or many. */
export function statementsOf(policy: IamPolicy): readonly IamStatement[] {
  return Array.isArray(policy.Statement)
    ? policy.Statement as readonly IamStatement[]
    : [policy.Statement as IamStatement];
}

function listOf(value: string | readonly string[]): readonly string[] {
  return typeof value === "string" ? [value] : value;
}

const cache = new Map<string, RegExp>();

/**
 * `*` → any run, `?` → one character. With `segmented` (ARNs), wildcards do
 * not cross a colon, except a `*` that ends its segment.
 */
function globToRegExp(
  pattern: string,
  options: { ignoreCase: boolean; segmented: boolean },
): RegExp {
  const key = `${options.ignoreCase ? "i" : "-"}${options.segmented ? "s" : "-"}${pattern}`;
  let regex = cache.get(key);
  if (regex !== undefined) return regex;
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") {
      const next = pattern[i + 1];
      source += !options.segmented || next === undefined || next === ":" ? ".*" : "[^:]*";
    } else if (c === "?") {
      source += options.segmented ? "[^:]" : ".";
    } else {
      source += c.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
    }
  }
  regex = new RegExp(`^${source}$`, options.ignoreCase ? "is" : "s");
  cache.set(key, regex);
  return regex;
}
