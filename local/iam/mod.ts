/**
 * IAM for the local AWS: SigV4 verification of every request and the
 * evaluation of the pipeline's policies (from `lib/policies.ts`), as an
 * interceptor of the router.
 *
 * @module
 */

export {
  createIamInterceptor,
  type ExcessPermission,
  excessPermissions,
  type IamOptions,
  localPolicies,
  type PermissionUse,
  PLATFORM_ACTIONS,
  type PolicySet,
} from "./_iam.ts";
