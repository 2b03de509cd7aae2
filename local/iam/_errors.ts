/**
 * The errors AWS answers a refused signature or a denied action with, in
 * each service's shape: S3's XML `<Error>`, DynamoDB's JSON `__type`, SQS's
 * JSON protocol with the query code in `x-amzn-query-error`, and the query
 * protocol's XML `<ErrorResponse>` (SQS, SNS, STS).
 *
 * @module
 */

import type { InnerResponse } from "../core/mod.ts";
import type { AwsService } from "../core/mod.ts";
import { s3ErrorXml, s3RequestId } from "../s3/mod.ts";
import type { SignatureFailure } from "./_sigv4.ts";
import { MAX_SKEW_MS } from "./_sigv4.ts";

/** An error to answer with, independent of the wire shape. */
export interface AwsError {
  /** HTTP status. */
  readonly status: number;
  /** Code of S3 and the query protocol (`SignatureDoesNotMatch`). */
  readonly code: string;
  /** Exception name of the JSON protocols (`InvalidSignatureException`). */
  readonly jsonType: string;
  /** Message. */
  readonly message: string;
  /** Further elements of S3's error document. */
  readonly s3Extra?: Readonly<Record<string, string>>;
}

/** How the request was spoken, which decides the error's shape. */
export interface ErrorTarget {
  /** Service. */
  readonly service: AwsService;
  /** Whether the request used a JSON protocol (`X-Amz-Target` present). */
  readonly json: boolean;
}

const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const INVALID_TOKEN = "The security token included in the request is invalid.";

/** The error AWS answers a refused signature with, for a service. */
export function signatureError(service: AwsService, failure: SignatureFailure): AwsError {
  if (failure.kind === "presignExpired") return presignExpiredError(failure);
  if (service === "s3") return s3SignatureError(failure);
  return jsonOrQuerySignatureError(failure, service === "dynamodb" ? 400 : 403);
}

/** A presigned URL past its expiry: S3's answer, whatever the service. */
function presignExpiredError(failure: SignatureFailure): AwsError {
  return {
    status: 403,
    code: "AccessDenied",
    jsonType: "AccessDeniedException",
    message: "Request has expired",
    s3Extra: {
      ...present("RequestTime", failure.requestTime),
      ...present("ServerTime", failure.serverTime),
    },
  };
}

/** S3's refusals: XML `<Error>` with the details S3 adds as elements. */
function s3SignatureError(failure: SignatureFailure): AwsError {
  const keyExtra = present("AWSAccessKeyId", failure.accessKeyId);
  switch (failure.kind) {
    case "missing":
      return {
        status: 403,
        code: "AccessDenied",
        jsonType: "AccessDeniedException",
        message: "Access Denied",
      };
    case "malformed":
      return {
        status: 400,
        code: "AuthorizationHeaderMalformed",
        jsonType: "IncompleteSignatureException",
        message: `The authorization header is malformed; ${failure.detail}`,
      };
    case "unknownKey":
      return {
        status: 403,
        code: "InvalidAccessKeyId",
        jsonType: "InvalidAccessKeyId",
        message: "The AWS Access Key Id you provided does not exist in our records.",
        s3Extra: keyExtra,
      };
    case "mismatch":
      return {
        status: 403,
        code: "SignatureDoesNotMatch",
        jsonType: "SignatureDoesNotMatch",
        message:
          "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
        s3Extra: {
          ...keyExtra,
          ...present("StringToSign", failure.stringToSign),
          ...present("SignatureProvided", failure.signatureProvided),
          ...present("CanonicalRequest", failure.canonicalRequest),
        },
      };
    case "expired":
    case "notYetValid":
      return {
        status: 403,
        code: "RequestTimeTooSkewed",
        jsonType: "RequestTimeTooSkewed",
        message: "The difference between the request time and the current time is too large.",
        s3Extra: {
          RequestTime: failure.requestTime ?? "",
          ServerTime: failure.serverTime ?? "",
          MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS),
        },
      };
    case "presignExpired":
      return presignExpiredError(failure);
    case "contentMismatch":
      return {
        status: 400,
        code: "XAmzContentSHA256Mismatch",
        jsonType: "XAmzContentSHA256Mismatch",
        message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
        s3Extra: {
          ClientComputedContentSHA256: failure.declaredSha256 ?? "",
          S3ComputedContentSHA256: failure.computedSha256 ?? "",
        },
      };
  }
}

/**
 * The refusals of the JSON and query protocols (DynamoDB, SQS, SNS, STS),
 * with the status the service uses (DynamoDB 400, the others 403).
 */
function jsonOrQuerySignatureError(failure: SignatureFailure, status: number): AwsError {
  switch (failure.kind) {
    case "missing":
      return {
        status,
        code: "MissingAuthenticationToken",
        jsonType: "MissingAuthenticationTokenException",
        message: "Request is missing Authentication Token",
      };
    case "malformed":
      return {
        status: 400,
        code: "IncompleteSignature",
        jsonType: "IncompleteSignatureException",
        message: failure.detail,
      };
    case "unknownKey":
      return {
        status,
        code: "InvalidClientTokenId",
        jsonType: "UnrecognizedClientException",
        message: INVALID_TOKEN,
      };
    case "expired":
    case "notYetValid":
      return {
        status,
        code: "SignatureDoesNotMatch",
        jsonType: "InvalidSignatureException",
        message: failure.detail,
      };
    case "presignExpired":
      return presignExpiredError(failure);
    case "mismatch":
    case "contentMismatch":
      return {
        status,
        code: "SignatureDoesNotMatch",
        jsonType: "InvalidSignatureException",
        message: SIGNATURE_MISMATCH,
      };
  }
}

/** `{ [name]: value }`, or nothing where the value is absent. */
function present(name: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [name]: value };
}

/** What was denied to whom. */
export interface Denial {
  /** ARN of the caller (`arn:aws:iam::000000000000:user/generator`). */
  readonly principal: string;
  /** The IAM action. */
  readonly action: string;
  /** The resource ARN, or `*`. */
  readonly resource: string;
  /** Whether a `Deny` statement decided (else no statement allowed it). */
  readonly explicit: boolean;
}

/**
 * AWS's access denied message:
 * `User: ARN is not authorized to perform: ACTION on resource: RESOURCE because
 * no identity-based policy allows the ACTION action` (or `with an explicit
 * deny in an identity-based policy`). S3 quotes the resource.
 */
export function accessDeniedMessage(service: AwsService, denial: Denial): string {
  const resource = denial.resource === "*"
    ? ""
    : ` on resource: ${service === "s3" ? `"${denial.resource}"` : denial.resource}`;
  const why = denial.explicit
    ? "with an explicit deny in an identity-based policy"
    : `because no identity-based policy allows the ${denial.action} action`;
  return `User: ${denial.principal} is not authorized to perform: ${denial.action}${resource} ${why}`;
}

/** The error AWS answers a denied action with, for a service. */
export function accessDeniedError(service: AwsService, denial: Denial): AwsError {
  return {
    status: service === "dynamodb" ? 400 : 403,
    code: "AccessDenied",
    jsonType: "AccessDeniedException",
    message: accessDeniedMessage(service, denial),
  };
}

const QUERY_NAMESPACES: Partial<Record<AwsService, string>> = {
  sqs: "http://queue.amazonaws.com/doc/2012-11-05/",
  sns: "http://sns.amazonaws.com/doc/2010-03-31/",
  sts: "https://sts.amazonaws.com/doc/2011-06-15/",
};

/** Renders an error in the shape the request's protocol expects. */
export function errorResponse(target: ErrorTarget, error: AwsError): InnerResponse {
  const requestId = crypto.randomUUID();
  if (target.service === "s3") {
    const id = s3RequestId();
    return {
      status: error.status,
      headers: { "content-type": "application/xml", "x-amz-request-id": id },
      body: encode(s3ErrorXml({
        code: error.code,
        message: error.message,
        requestId: id,
        ...(error.s3Extra === undefined ? {} : { extra: error.s3Extra }),
      })),
    };
  }
  if (target.service === "dynamodb" || target.json) {
    return {
      status: error.status,
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amzn-requestid": requestId,
        // SQS speaks JSON "query compatibly": the SDKs take the code from here.
        ...(target.service === "sqs" ? { "x-amzn-query-error": `${error.code};Sender` } : {}),
      },
      body: encode(JSON.stringify({
        __type: `com.amazon.coral.service#${error.jsonType}`,
        message: error.message,
      })),
    };
  }
  const namespace = QUERY_NAMESPACES[target.service];
  return {
    status: error.status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body: encode(
      `<?xml version="1.0"?><ErrorResponse${
        namespace === undefined ? "" : ` xmlns="${namespace}"`
      }><Error><Type>Sender</Type><Code>${escapeXml(error.code)}</Code><Message>${
        escapeXml(error.message)
      }</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    ),
  };
}

function encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
