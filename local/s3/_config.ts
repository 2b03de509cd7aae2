/**
 * S3 bucket configurations (`?tagging`, `?policy`, `?cors`, ...) as AWS
 * keeps them: what `Put*` stores, what `Get*` answers before anything was
 * stored (AWS's default for a new bucket, or its "not found" error), and what
 * `Delete*` brings back. Pure. Sources: each operation's page in the S3 API
 * reference, and "Default encryption", "Object Ownership" and "Blocking
 * public access" in the S3 user guide for today's defaults of new buckets.
 *
 * @module
 */

import { S3_NS, type S3ErrorSpec } from "./_location.ts";
import { OWNER } from "./_versions.ts";
import { elementTexts, escapeXml } from "../core/mod.ts";

/** How one bucket configuration behaves. */
export interface BucketConfigSpec {
  /** The query parameter that names it (`tagging`). */
  readonly param: string;
  /** Answer of `Get*` when nothing is stored: a document or an error. */
  readonly absent: { readonly xml: string } | { readonly error: S3ErrorSpec };
  /** Content type of the stored document (`application/json` for policies). */
  readonly contentType: string;
  /** Root element of an XML document (a body without it is `MalformedXML`). */
  readonly root?: string;
  /** True when S3 has no `Delete*` for it (`DELETE` is `MethodNotAllowed`). */
  readonly noDelete?: boolean;
  /** Checks a `Put*` body; returns the error AWS gives, if any. */
  readonly validate?: (body: string) => S3ErrorSpec | undefined;
}

function doc(root: string, inner = ""): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_NS}">${inner}</${root}>`;
}

function notFound(code: string, message: string): { error: S3ErrorSpec } {
  return { error: { status: 404, code, message } };
}

/** The default ACL: the owner has full control. */
export function ownerAclXml(): string {
  const owner = `<ID>${OWNER.id}</ID><DisplayName>${OWNER.displayName}</DisplayName>`;
  return doc(
    "AccessControlPolicy",
    `<Owner>${owner}</Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">${owner}</Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList>`,
  );
}

/** An S3 `Tagging` document. */
export function taggingXml(tags: readonly (readonly [string, string])[]): string {
  return doc(
    "Tagging",
    `<TagSet>${
      tags.map(([key, value]) =>
        `<Tag><Key>${escapeXml(key)}</Key><Value>${escapeXml(value)}</Value></Tag>`
      ).join("")
    }</TagSet>`,
  );
}

/** The tags of a `Tagging` document. */
export function parseTagging(body: string): [string, string][] {
  return elementTexts(body, "Tag").map((tag) => [
    elementTexts(tag, "Key")[0] ?? "",
    elementTexts(tag, "Value")[0] ?? "",
  ]);
}

/** The tags of an `x-amz-tagging` header (`a=1&b=2`). */
export function parseTaggingHeader(header: string): [string, string][] {
  return [...new URLSearchParams(header)];
}

/** AWS's checks of a tag set (object tags: at most 10; bucket tags: at most 50). */
export function checkTags(
  tags: readonly (readonly [string, string])[],
  max: number,
): S3ErrorSpec | undefined {
  if (tags.length > max) {
    return {
      status: 400,
      code: max === 10 ? "BadRequest" : "InvalidTag",
      message: max === 10
        ? "Object tags cannot be greater than 10"
        : "Bucket tag count cannot be greater than 50",
    };
  }
  const keys = new Set<string>();
  for (const [key, value] of tags) {
    if (key.length === 0 || key.length > 128 || value.length > 256) {
      return {
        status: 400,
        code: "InvalidTag",
        message: "The TagKey you have provided is invalid",
      };
    }
    if (keys.has(key)) {
      return {
        status: 400,
        code: "InvalidTag",
        message: "Cannot provide multiple Tags with the same key",
      };
    }
    keys.add(key);
  }
  return undefined;
}

/** Bucket configurations by the operation names' stem (`BucketTagging` → `tagging`). */
export const BUCKET_CONFIGS: readonly BucketConfigSpec[] = [
  {
    param: "tagging",
    absent: notFound("NoSuchTagSet", "The TagSet does not exist"),
    contentType: "application/xml",
    root: "Tagging",
    validate: (body) => checkTags(parseTagging(body), 50),
  },
  {
    param: "policy",
    absent: notFound("NoSuchBucketPolicy", "The bucket policy does not exist"),
    contentType: "application/json",
    validate(body) {
      try {
        if (body.trimStart().startsWith("{")) {
          JSON.parse(body);
          return undefined;
        }
      } catch {
        // Reported below.
      }
      return {
        status: 400,
        code: "MalformedPolicy",
        message: "Policies must be valid JSON and the first byte must be '{'",
      };
    },
  },
  {
    param: "lifecycle",
    absent: notFound("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"),
    contentType: "application/xml",
    root: "LifecycleConfiguration",
    validate: (body) => /<Rule[\s>]/.test(body) ? undefined : malformedXml(),
  },
  {
    param: "cors",
    absent: notFound("NoSuchCORSConfiguration", "The CORS configuration does not exist"),
    contentType: "application/xml",
    root: "CORSConfiguration",
  },
  {
    param: "website",
    absent: notFound(
      "NoSuchWebsiteConfiguration",
      "The specified bucket does not have a website configuration",
    ),
    contentType: "application/xml",
    root: "WebsiteConfiguration",
  },
  {
    param: "replication",
    absent: notFound(
      "ReplicationConfigurationNotFoundError",
      "The replication configuration was not found",
    ),
    contentType: "application/xml",
    root: "ReplicationConfiguration",
  },
  {
    param: "encryption",
    // Every bucket has SSE-S3 by default since January 2023.
    absent: {
      xml: doc(
        "ServerSideEncryptionConfiguration",
        "<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule>",
      ),
    },
    contentType: "application/xml",
    root: "ServerSideEncryptionConfiguration",
  },
  {
    param: "ownershipControls",
    // New buckets have ACLs disabled (BucketOwnerEnforced) since April 2023;
    // a deleted setting is "not found".
    absent: {
      xml: doc(
        "OwnershipControls",
        "<Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule>",
      ),
    },
    contentType: "application/xml",
    root: "OwnershipControls",
  },
  {
    param: "publicAccessBlock",
    // New buckets block all public access since April 2023.
    absent: {
      xml: doc(
        "PublicAccessBlockConfiguration",
        "<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets>",
      ),
    },
    contentType: "application/xml",
    root: "PublicAccessBlockConfiguration",
  },
  {
    param: "object-lock",
    absent: notFound(
      "ObjectLockConfigurationNotFoundError",
      "Object Lock configuration does not exist for this bucket",
    ),
    contentType: "application/xml",
    root: "ObjectLockConfiguration",
    noDelete: true,
  },
  {
    param: "notification",
    absent: { xml: doc("NotificationConfiguration") },
    contentType: "application/xml",
    root: "NotificationConfiguration",
    noDelete: true,
  },
  {
    param: "logging",
    absent: { xml: doc("BucketLoggingStatus") },
    contentType: "application/xml",
    root: "BucketLoggingStatus",
    noDelete: true,
  },
  {
    param: "accelerate",
    absent: { xml: doc("AccelerateConfiguration") },
    contentType: "application/xml",
    root: "AccelerateConfiguration",
    noDelete: true,
  },
  {
    param: "requestPayment",
    absent: { xml: doc("RequestPaymentConfiguration", "<Payer>BucketOwner</Payer>") },
    contentType: "application/xml",
    root: "RequestPaymentConfiguration",
    noDelete: true,
  },
  {
    param: "acl",
    absent: { xml: ownerAclXml() },
    contentType: "application/xml",
    root: "AccessControlPolicy",
    noDelete: true,
  },
];

/** What `Delete*` leaves of configurations whose default is not "absent". */
export const DELETED_IS_NOT_FOUND: Readonly<Record<string, S3ErrorSpec>> = {
  ownershipControls: {
    status: 404,
    code: "OwnershipControlsNotFoundError",
    message: "The bucket ownership controls were not found",
  },
  publicAccessBlock: {
    status: 404,
    code: "NoSuchPublicAccessBlockConfiguration",
    message: "The public access block configuration was not found",
  },
};

/** S3's 400 for a document it cannot read. */
export function malformedXml(): S3ErrorSpec {
  return {
    status: 400,
    code: "MalformedXML",
    message:
      "The XML you provided was not well-formed or did not validate against our published schema",
  };
}

/** The configuration a request's query names, if any. */
export function bucketConfigOf(query: URLSearchParams): BucketConfigSpec | undefined {
  return BUCKET_CONFIGS.find((spec) => query.has(spec.param));
}

/** The `ObjectLockConfiguration` of a bucket created with Object Lock. */
export function objectLockEnabledXml(): string {
  return doc("ObjectLockConfiguration", "<ObjectLockEnabled>Enabled</ObjectLockEnabled>");
}
