/**
 * The error deploy and destroy throw when CloudFormation does not finish the
 * operation.
 *
 * @module
 */

/** One resource event that explains a failure. */
export interface StackFailure {
  /** Logical id of the resource (the stack's name for the stack itself). */
  readonly logicalId: string;
  /** Resource type, e.g. `AWS::Lambda::Function`. */
  readonly resourceType: string;
  /** Status, e.g. `CREATE_FAILED`. */
  readonly status: string;
  /** CloudFormation's reason. */
  readonly reason: string;
}

/**
 * A stack operation ended in a failed or rolled-back state. The message lists
 * every failed resource with CloudFormation's reason, one a line.
 *
 * @example Usage
 * ```ts
 * import { StackOperationError } from "./stack_operation_error.ts";
 *
 * const error = new StackOperationError("Cannot deploy stack laptops: it ended in ROLLBACK_COMPLETE", {
 *   stackName: "laptops",
 *   status: "ROLLBACK_COMPLETE",
 *   failures: [],
 * });
 * console.log(error.status);
 * ```
 */
export class StackOperationError extends Error {
  /** The stack's name. */
  readonly stackName: string;
  /** The state the stack ended in. */
  readonly status: string;
  /** The failed resources, oldest first. */
  readonly failures: readonly StackFailure[];

  /**
   * Constructs a new instance.
   *
   * @param summary First line of the message.
   * @param details Stack name, final status and failures.
   */
  constructor(
    summary: string,
    details: { stackName: string; status: string; failures: readonly StackFailure[] },
  ) {
    const lines = details.failures.map((failure) =>
      `  ${failure.logicalId} (${failure.resourceType}) ${failure.status}: ${failure.reason}`
    );
    super(lines.length === 0 ? summary : `${summary}\n${lines.join("\n")}`);
    this.name = "StackOperationError";
    this.stackName = details.stackName;
    this.status = details.status;
    this.failures = details.failures;
  }
}
