/**
 * The local AWS's identities: one per principal of {@linkcode POLICIES}, and
 * an administrator. The programs sign with them when their endpoint is the
 * local AWS and no credentials are configured; the local AWS checks the
 * signature against the secret here and the request against the principal's
 * policy.
 *
 * None of these keys is a secret: they exist only on this machine and are
 * documented in the README. The administrator is `test`/`test`, LocalStack's
 * convention, so any AWS client or tool pointed at the local AWS with those
 * keys may do everything. The other keys start with `LKIA` (a user's long-term
 * key) or `LSIA` (a role session's key), LocalStack's prefixes for local keys,
 * so that no secret scanner mistakes them for AWS's `AKIA`/`ASIA` keys.
 *
 * @module
 */

import type { PrincipalName } from "./policies.ts";
import { RESOURCES } from "./resources.ts";

/** The account of every local identity and resource (LocalStack's). */
export const LOCAL_ACCOUNT_ID = "000000000000";

/** The name of a local identity: a principal of the pipeline, or `admin`. */
export type LocalIdentityName = PrincipalName | "admin";

/** One local identity: its keys and who it is. */
export interface LocalIdentity {
  /** The identity's name. */
  readonly name: LocalIdentityName;
  /** Access key id, as the SDK sends it in the `Credential` of its signature. */
  readonly accessKeyId: string;
  /** Secret access key (known to everyone: this is the local AWS). */
  readonly secretAccessKey: string;
  /**
   * The ARN AWS names the caller by in an `AccessDenied` message: a user's
   * ARN, or the Lambda role's session (`arn:aws:sts::…:assumed-role/ROLE/FUNCTION`).
   */
  readonly arn: string;
  /** Whose policy of {@linkcode POLICIES} applies, or `undefined` for the administrator. */
  readonly principal: PrincipalName | undefined;
  /**
   * Session token of a role session's keys (`LSIA…`), as AWS gives a role's
   * temporary credentials; `undefined` for a user's long-term keys.
   */
  readonly sessionToken: string | undefined;
}

// The template's role gets a name CloudFormation derives from its logical
// id; locally the role is named by the logical id.
const FUNCTION_ROLE_NAME = "UpdateFunctionRole";

/**
 * Every local identity, by name.
 *
 * | Identity         | Access key id          | Secret                        |
 * | ---------------- | ---------------------- | ----------------------------- |
 * | `admin`          | `test`                 | `test`                        |
 * | `generator`      | `LKIAGENERATORLOCAL01` | `local-generator-secret`      |
 * | `service`        | `LKIASERVICELOCAL0001` | `local-service-secret`        |
 * | `updateFunction` | `LSIAUPDATEITEMLOCAL1` | `local-update-function-secret`|
 *
 * The function's role session also has a session token: the local Lambda
 * runner gives the function the three as `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, as Lambda gives a
 * function its execution role's credentials.
 *
 * @example Sign as the generator
 * ```ts
 * import { LOCAL_IDENTITIES } from "./local_identities.ts";
 *
 * const { accessKeyId, secretAccessKey } = LOCAL_IDENTITIES.generator;
 * console.log(accessKeyId); // "LKIAGENERATORLOCAL01"
 * ```
 */
export const LOCAL_IDENTITIES: Readonly<Record<LocalIdentityName, LocalIdentity>> = Object.freeze({
  admin: Object.freeze({
    name: "admin",
    accessKeyId: "test",
    secretAccessKey: "test",
    arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/admin`,
    principal: undefined,
    sessionToken: undefined,
  }),
  generator: Object.freeze({
    name: "generator",
    accessKeyId: "LKIAGENERATORLOCAL01",
    secretAccessKey: "local-generator-secret",
    arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/generator`,
    principal: "generator",
    sessionToken: undefined,
  }),
  service: Object.freeze({
    name: "service",
    accessKeyId: "LKIASERVICELOCAL0001",
    secretAccessKey: "local-service-secret",
    arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/service`,
    principal: "service",
    sessionToken: undefined,
  }),
  updateFunction: Object.freeze({
    name: "updateFunction",
    accessKeyId: "LSIAUPDATEITEMLOCAL1",
    secretAccessKey: "local-update-function-secret",
    arn:
      `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/${FUNCTION_ROLE_NAME}/${RESOURCES.updateFunction.name}`,
    principal: "updateFunction",
    sessionToken: "local-update-function-session",
  }),
});
