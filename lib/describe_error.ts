/**
 * Turning SDK and network errors into one line a person can act on.
 *
 * @module
 */

/** Where the failing call went, for the message. */
export interface ErrorContext {
  /** The endpoint, or `undefined` for AWS's own. */
  readonly endpoint: string | undefined;
  /** Region. */
  readonly region: string;
}

/**
 * Describes an error from an AWS call: unreachable endpoints, missing
 * resources, credentials and permissions get a sentence saying what to do;
 * anything else its name and message. Never includes credentials.
 *
 * @example Usage
 * ```ts
 * import { describeError } from "./describe_error.ts";
 *
 * const error = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4566"), {
 *   code: "ECONNREFUSED",
 * });
 * describeError(error, { endpoint: "http://127.0.0.1:4566", region: "us-east-1" });
 * // "Cannot reach AWS at http://127.0.0.1:4566: connection refused; is the local AWS running? …"
 * ```
 *
 * @param error What the call threw.
 * @param context Endpoint and region of the call.
 * @returns One line.
 */
export function describeError(error: unknown, context: ErrorContext): string {
  const where = context.endpoint ?? `AWS (${context.region})`;
  const chain: unknown[] = [];
  for (let e: unknown = error; e && chain.length < 5; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
  }
  const codes = chain.map((e) => String((e as { code?: unknown }).code ?? ""));
  const names = chain.map((e) => String((e as { name?: unknown }).name ?? ""));
  const text = chain.map((e) => String((e as { message?: unknown }).message ?? "")).join(" ");
  const top = chain[0] as { name?: string; message?: string } | undefined;
  const local = context.endpoint !== undefined &&
    /^https?:\/\/(127\.|localhost|\[::1\])/.test(context.endpoint);
  const hint = local ? "; is the local AWS running? Start it with `deno task local`" : "";

  if (codes.includes("ECONNREFUSED") || /\bECONNREFUSED\b|Connection refused/.test(text)) {
    return `Cannot reach AWS at ${where}: connection refused${hint}`;
  }
  if (
    codes.some((c) => c === "ETIMEDOUT" || c === "ECONNRESET" || c === "EHOSTUNREACH") ||
    names.includes("TimeoutError") || /\bETIMEDOUT\b|\bECONNRESET\b/.test(text)
  ) {
    return `Cannot reach AWS at ${where}: the connection timed out or was reset${hint}`;
  }
  if (codes.includes("ENOTFOUND") || /\bENOTFOUND\b|getaddrinfo|dns error/.test(text)) {
    return `Cannot reach AWS at ${where}: the host name does not resolve`;
  }
  // An AWS error wrapped by the pipeline ("Cannot put the item: <AWS's message>")
  // is described as itself, after the wrapper's words.
  for (let i = 0; i < chain.length; i++) {
    const e = chain[i] as { name?: string; message?: string };
    const described = describeNamed(
      e.name ?? "",
      (e.message ?? "").replace(/\.$/, ""),
      where,
      local,
    );
    if (described === undefined) continue;
    const outer = top?.message ?? "";
    const own = e.message ?? "";
    return i > 0 && own !== "" && outer.endsWith(own)
      ? `${outer.slice(0, outer.length - own.length)}${described}`
      : described;
  }
  const name = top?.name ?? "Error";
  const message = (top?.message ?? String(error)).replace(/\.$/, "");
  return name === "Error" || name === "TypeError" ? message : `${name}: ${message}`;
}

function describeNamed(
  name: string,
  message: string,
  where: string,
  local: boolean,
): string | undefined {
  switch (name) {
    case "QueueDoesNotExist":
    case "AWS.SimpleQueueService.NonExistentQueue":
      return `The queue does not exist at ${where}: ${message}; check the queue name variables`;
    case "ResourceNotFoundException":
      return `A DynamoDB table does not exist at ${where}: ${message}; check AWS_DYNAMODB_TABLE`;
    case "NoSuchBucket":
      return `The bucket does not exist at ${where}: ${message}; check AWS_S3_BUCKET`;
    case "CredentialsProviderError":
      return `No AWS credentials found: ${message}; set AWS_PROFILE or AWS_ACCESS_KEY_ID`;
    case "InvalidClientTokenId":
    case "UnrecognizedClientException":
    case "InvalidAccessKeyId":
    case "SignatureDoesNotMatch":
    case "InvalidSignatureException":
    case "IncompleteSignature":
    case "IncompleteSignatureException":
    case "MissingAuthenticationToken":
    case "MissingAuthenticationTokenException":
    case "RequestTimeTooSkewed":
    case "ExpiredToken":
    case "ExpiredTokenException":
      return `AWS rejected the credentials (${name}): ${message}${
        local ? "; the local AWS knows only its local identities (admin: test/test)" : ""
      }`;
    case "AccessDenied":
    case "AccessDeniedException":
      // AWS's message names the identity, the action and the resource.
      return `Access denied (${name}): ${message}${
        local ? "; the local AWS enforces the policies of lib/policies.ts, as deployed" : ""
      }`;
    default:
      return undefined;
  }
}
