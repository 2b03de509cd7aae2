/**
 * The local AWS's shared plumbing, used by every service folder: the shape in
 * which the router hands a request to an in-process emulator and back, the
 * operation a request names, a JSON body parsed once for all its readers, the router's interceptor and report types, a
 * keyed lock, a map bounded in entries (the dashboard's look-ups, the trace store), and the small XML helpers of the S3 and SQS query protocols.
 *
 * @module
 */

export { BoundedMap, type BoundedMapCounts } from "./_bounded_map.ts";
export type { InnerRequest, InnerResponse, InnerService } from "./_inner.ts";
export {
  callInnerJson,
  type InnerJsonAnswer,
  type InnerJsonResponse,
  parseJsonObject,
  postInnerJson,
} from "./_inner_json.ts";
export {
  type AwsOperation,
  type AwsService,
  describeOperation,
  type OperationInput,
  type S3Target,
  s3Target,
} from "./_operation.ts";
export type {
  InterceptedRequest,
  Interceptor,
  LocalAwsRequest,
  RequestAnnotations,
} from "./_request.ts";
export { encodeJsonBody, jsonBody } from "./_json_body.ts";
export { KeyedLock } from "./_keyed_lock.ts";
export { KeptValues } from "./_kept_values.ts";
export { urlPath } from "./_url_path.ts";
export { element, elementText, elementTexts, escapeXml, unescapeXml } from "./_xml.ts";
