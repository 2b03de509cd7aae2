/**
 * S3 bucket regions: the region a request was signed for, AWS's
 * location-constraint rules of `CreateBucket`, and the `GetBucketLocation`
 * answer. Pure.
 *
 * AWS's rules (API reference, "CreateBucket", "CreateBucketConfiguration",
 * and the S3 error code list):
 * - A constraint that is not one of S3's `BucketLocationConstraint` values
 *   is `InvalidLocationConstraint`; `us-east-1` is never one. `EU` is
 *   eu-west-1 under its old name.
 * - A request signed for `us-east-1` (the global endpoint) may create a
 *   bucket in any other region by naming it; with no constraint the bucket is
 *   in `us-east-1`.
 * - A request signed for any other region must name exactly that region:
 *   no constraint or another one is `IllegalLocationConstraintException`.
 *
 * @module
 */

import { elementText, escapeXml } from "../core/mod.ts";

/** An S3 error to answer with. */
export interface S3ErrorSpec {
  /** HTTP status. */
  readonly status: number;
  /** Error code. */
  readonly code: string;
  /** Message. */
  readonly message: string;
  /** Further elements of the error document. */
  readonly extra?: Readonly<Record<string, string>>;
}

/** Where `CreateBucket` puts the bucket, or why it refuses. */
export type BucketPlacement =
  | {
    readonly region: string;
    /** What `GetBucketLocation` answers when it is not the region (`EU`). */
    readonly location?: string;
    readonly error?: undefined;
  }
  | { readonly error: S3ErrorSpec; readonly region?: undefined };

/** The default region of S3: the one whose buckets report no location constraint. */
export const US_EAST_1 = "us-east-1";

/**
 * The region a request was signed for: the credential scope of its
 * `Authorization` header or of a presigned URL's `X-Amz-Credential`.
 *
 * @example Usage
 * ```ts
 * import { signedRegion } from "./_location.ts";
 *
 * signedRegion("AWS4-HMAC-SHA256 Credential=AK/20250101/eu-west-1/s3/aws4_request, ...", null);
 * // "eu-west-1"
 * ```
 */
export function signedRegion(
  authorization: string | undefined | null,
  credentialParam: string | undefined | null,
): string | undefined {
  const scope = /Credential=([^,\s]+)/.exec(authorization ?? "")?.[1] ?? credentialParam ?? "";
  const parts = scope.split("/");
  // access-key/date/region/service/aws4_request (the key itself has no slash)
  return parts.length >= 5 ? parts[parts.length - 3] : undefined;
}

/** The `LocationConstraint` of a `CreateBucketConfiguration` body, or undefined. */
export function locationConstraint(body: string): string | undefined {
  if (body.trim() === "") return undefined;
  const value = elementText(body, "LocationConstraint")?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/**
 * Applies AWS's location-constraint rules to a `CreateBucket` request.
 *
 * @param clientRegion The region the request was signed for.
 * @param constraint The body's `LocationConstraint`, if any.
 */
export function placeBucket(clientRegion: string, constraint: string | undefined): BucketPlacement {
  if (constraint !== undefined && !LOCATION_CONSTRAINTS.has(constraint)) {
    return {
      error: {
        status: 400,
        code: "InvalidLocationConstraint",
        message: "The specified location-constraint is not valid",
        extra: { LocationConstraint: constraint },
      },
    };
  }
  // `EU` is the old name of eu-west-1, still accepted and still reported.
  const region = constraint === "EU" ? "eu-west-1" : constraint;
  const location = constraint === "EU" ? { location: constraint } : {};
  if (clientRegion === US_EAST_1) return { region: region ?? US_EAST_1, ...location };
  if (region === clientRegion) return { region, ...location };
  return {
    error: {
      status: 400,
      code: "IllegalLocationConstraintException",
      message: `The ${
        constraint ?? "unspecified"
      } location constraint is incompatible for the region specific endpoint this request was sent to.`,
    },
  };
}

/**
 * The `GetBucketLocation` document: empty for `us-east-1`, as AWS answers
 * (clients read it as a null constraint), the region otherwise.
 */
export function bucketLocationXml(region: string): string {
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_NS}"`;
  return region === US_EAST_1 ? `${head}/>` : `${head}>${escapeXml(region)}</LocationConstraint>`;
}

/** S3's XML namespace. */
export const S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";

/**
 * S3's `BucketLocationConstraint` values (API reference,
 * "CreateBucketConfiguration"; the SDKs' S3 model lists the same).
 */
const LOCATION_CONSTRAINTS: ReadonlySet<string> = new Set([
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "cn-north-1",
  "cn-northwest-1",
  "EU",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
  "sa-east-1",
  "us-east-2",
  "us-gov-east-1",
  "us-gov-west-1",
  "us-west-1",
  "us-west-2",
]);
