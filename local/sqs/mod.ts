/**
 * SQS as AWS answers it: the layer between the router and fauxqs's SQS (the
 * query protocol, AWS's errors and limits) and the queue URLs a client sees.
 *
 * @module
 */

export { createSqsLayer, type SqsLayer, type SqsLayerOptions } from "./_layer.ts";
export { INVALID_BODY_CHARACTER } from "./_errors.ts";
export { publicQueueUrl, QUEUE_URL_OPERATIONS, rewriteQueueUrls } from "./_queue_url.ts";
