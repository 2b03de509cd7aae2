/**
 * SQS as AWS answers it: the layer between the router and fauxqs's SQS (the
 * query protocol, AWS's errors and limits), the queue URLs a client sees, and
 * the message move tasks (AWS's DLQ redrive) that the dashboard starts too.
 *
 * @module
 */

export { createSqsLayer, type SqsLayer, type SqsLayerOptions } from "./_layer.ts";
export { INVALID_BODY_CHARACTER } from "./_errors.ts";
export {
  type MessageMove,
  messageMoveTasks,
  type MoveTasks,
  type StartOptions,
} from "./_move_tasks.ts";
export { publicQueueUrl, QUEUE_URL_OPERATIONS, rewriteQueueUrls } from "./_queue_url.ts";
