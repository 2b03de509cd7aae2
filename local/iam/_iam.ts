/**
 * IAM for the local AWS: an interceptor that verifies each request's SigV4
 * signature against the secret of its local identity
 * (`lib/local_identities.ts`), maps the operation to its IAM actions and
 * resources, and evaluates the identity policies the CloudFormation template
 * gives that principal (`lib/policies.ts`, rendered with this account's
 * ARNs). A request that fails gets the error AWS would answer with, in the
 * service's shape, and never reaches the emulators.
 *
 * @module
 */

import {
  LOCAL_ACCOUNT_ID,
  LOCAL_IDENTITIES,
  type LocalIdentity,
} from "../../lib/local_identities.ts";
import {
  POLICIES,
  policyDocument,
  type PrincipalName,
  type PrincipalPolicy,
  resourceArn,
} from "../../lib/policies.ts";
import { RESOURCES } from "../../lib/resources.ts";
import { iamRequestsOf } from "./_action.ts";
import {
  accessDeniedError,
  type AwsError,
  errorResponse,
  type ErrorTarget,
  signatureError,
} from "./_errors.ts";
import {
  actionMatches,
  checkPolicy,
  type IamPolicy,
  type IamStatement,
  resourceMatches,
} from "./_policy.ts";
import { PolicyDecisions } from "./_decisions.ts";
import { verifySignature } from "./_sigv4.ts";
import type { InterceptedRequest, Interceptor } from "../core/mod.ts";

/** The identity policies of every principal, as the pipeline defines them. */
export type PolicySet = Readonly<Record<PrincipalName, PrincipalPolicy>>;

/** Options of {@linkcode createIamInterceptor} and {@linkcode localPolicies}. */
export interface IamOptions {
  /** Region of the table, queues and log group. Default `RESOURCES.region`. */
  readonly region?: string;
  /** Account of the local resources. Default {@linkcode LOCAL_ACCOUNT_ID}. */
  readonly accountId?: string;
  /** Data bucket name. Default `RESOURCES.bucket.name`. */
  readonly bucketName?: string;
  /**
   * The policies to enforce. Default {@linkcode POLICIES}, what the template
   * deploys; tests pass a changed copy to see a missing permission fail.
   */
  readonly policies?: PolicySet;
  /** The local clock, for the signature's time. Default `new Date()`. */
  readonly now?: () => Date;
}

/** AWS's managed policy `AdministratorAccess`: the admin identity's. */
const ADMINISTRATOR_ACCESS: IamPolicy = Object.freeze({
  Version: "2012-10-17",
  Statement: Object.freeze([{ Effect: "Allow" as const, Action: "*", Resource: "*" }]),
});

/**
 * Each local identity's identity-based policies with concrete ARNs: the
 * principals' from {@linkcode POLICIES} (or `options.policies`), and
 * `AdministratorAccess` for the admin.
 *
 * @throws {TypeError} When a policy uses an element the evaluator does not model.
 */
export function localPolicies(
  options: IamOptions = {},
): Readonly<Record<LocalIdentity["name"], readonly IamPolicy[]>> {
  const context = {
    region: options.region ?? RESOURCES.region,
    accountId: options.accountId ?? LOCAL_ACCOUNT_ID,
    bucketName: options.bucketName ?? RESOURCES.bucket.name,
  };
  const policies = options.policies ?? POLICIES;
  // The template renders the same statements with intrinsic functions.
  const render = (principal: PrincipalName): IamPolicy =>
    policyDocument(principal, (key) => resourceArn(key, context), { policies });
  const rendered = {
    admin: [ADMINISTRATOR_ACCESS],
    generator: [render("generator")],
    service: [render("service")],
    updateFunction: [render("updateFunction")],
  };
  for (const list of Object.values(rendered)) list.forEach(checkPolicy);
  return rendered;
}

/**
 * Makes the IAM interceptor of the router.
 *
 * @example Usage
 * ```ts
 * import { createIamInterceptor } from "./_iam.ts";
 *
 * // The router runs it before each call: `createRouter({ interceptors: [iam], ... })`.
 * const iam = createIamInterceptor({ region: "us-east-1" });
 * ```
 */
export function createIamInterceptor(options: IamOptions = {}): Interceptor {
  const region = options.region ?? RESOURCES.region;
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const decisions = new PolicyDecisions(localPolicies(options));
  const byKey = new Map(Object.values(LOCAL_IDENTITIES).map((id) => [id.accessKeyId, id]));
  const now = options.now ?? (() => new Date());
  const secretOf = (key: string) => byKey.get(key)?.secretAccessKey;

  return function iam(request: InterceptedRequest) {
    const { service, annotations } = request;
    // A service the local AWS does not serve is refused by the router anyway.
    if (service === "unknown") return undefined;
    const target: ErrorTarget = { service, json: request.headers.has("x-amz-target") };
    const refuse = (error: AwsError) => {
      // As the client sees it: DynamoDB's JSON names the exception.
      const code = service === "dynamodb" ? error.jsonType : error.code;
      annotations.denied = { code, message: error.message };
      return errorResponse(target, error);
    };

    const check = verifySignature(
      {
        method: request.inner.method,
        url: request.url,
        headers: request.headers,
        body: request.inner.body,
      },
      { secretOf, now: now() },
    );
    if (!check.ok) return refuse(signatureError(service, check.failure));
    const identity = byKey.get(check.accessKeyId);
    if (identity === undefined) return undefined; // verifySignature knew the key
    annotations.principal = identity.arn;

    const needed = iamRequestsOf(
      {
        service,
        operation: request.operation,
        url: request.url,
        headers: request.headers,
        body: request.inner.body,
      },
      { region, accountId },
    );
    for (const context of needed) {
      annotations.action ??= context.action;
      annotations.resource ??= context.resource;
      const verdict = decisions.decide(identity.name, context);
      if (verdict.decision === "allow") continue;
      annotations.action = context.action;
      annotations.resource = context.resource;
      return refuse(accessDeniedError(service, {
        principal: identity.arn,
        action: context.action,
        resource: context.resource,
        explicit: verdict.decision === "explicitDeny",
      }));
    }
    return undefined;
  };
}

/** One allowed use of a permission, as the local AWS saw it. */
export interface PermissionUse {
  /** Who. */
  readonly principal: PrincipalName;
  /** The IAM action checked. */
  readonly action: string;
  /** The resource ARN it was checked on. */
  readonly resource: string;
}

/** A permission of a policy that no use needed. */
export interface ExcessPermission {
  /** Whose policy. */
  readonly principal: PrincipalName;
  /** The action allowed. */
  readonly action: string;
  /** The resource (ARN pattern) it is allowed on. */
  readonly resource: string;
}

/**
 * Actions the template allows for AWS's own use on a principal's behalf,
 * which no call to the local AWS makes: the Lambda service writes the
 * function's logs to CloudWatch Logs and, with active tracing, its segments
 * to X-Ray, neither of which the local AWS serves.
 */
export const PLATFORM_ACTIONS: readonly string[] = Object.freeze([
  "updateFunction logs:CreateLogStream",
  "updateFunction logs:PutLogEvents",
  "updateFunction xray:PutTelemetryRecords",
  "updateFunction xray:PutTraceSegments",
]);

/**
 * The permissions of a policy set (default `POLICIES`) that none of `uses`
 * needed, leaving out {@linkcode PLATFORM_ACTIONS}: what least privilege
 * would remove.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { excessPermissions, type PermissionUse } from "./_iam.ts";
 *
 * // The local AWS's onRequest() hands each call's principal, action and resource:
 * // collect them while every step of the pipeline runs, then expect [].
 * const uses: PermissionUse[] = [];
 * const excess = excessPermissions(uses);
 * assert.ok(excess.length > 0, "with no use at all, every permission is excess");
 * ```
 */
export function excessPermissions(
  uses: readonly PermissionUse[],
  options: IamOptions = {},
): ExcessPermission[] {
  const rendered = localPolicies(options);
  const excess: ExcessPermission[] = [];
  for (const principal of Object.keys(POLICIES) as PrincipalName[]) {
    for (const policy of rendered[principal]) {
      const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
      for (const statement of statements as IamStatement[]) {
        if (statement.Effect !== "Allow") continue;
        const actions = [statement.Action ?? []].flat();
        const resources = [statement.Resource ?? []].flat();
        for (const action of actions) {
          if (PLATFORM_ACTIONS.includes(`${principal} ${action}`)) continue;
          for (const resource of resources) {
            const used = uses.some((use) =>
              use.principal === principal && actionMatches(action, use.action) &&
              resourceMatches(resource, use.resource)
            );
            if (!used) excess.push({ principal, action, resource });
          }
        }
      }
    }
  }
  return excess;
}
