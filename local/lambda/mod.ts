/**
 * The local Lambda: an SQS event source mapping that runs the function (the
 * bundle under Node.js, or the source under Deno) in warm child processes,
 * as Lambda's poller does.
 *
 * @module
 */

export {
  type LambdaCredentials,
  type LambdaFailureKind,
  type LambdaInvocationFailure,
  type LambdaInvocationReport,
  type LambdaLogEntry,
  type LambdaRecordOutcome,
  type LambdaRunner,
  type LambdaRunnerOptions,
  type LambdaRunnerStats,
  type LambdaRuntime,
  startLambdaRunner,
} from "./_runner.ts";
export { describeNodeRuntime } from "./_node_version.ts";
export { DEFAULT_ENVIRONMENT } from "./_config.ts";
