/**
 * The one way the command-line programs answer a bad command line.
 *
 * @module
 */

/**
 * Prints a usage error and the hint to `--help`; returns exit code 2.
 *
 * @param message What was wrong with the command line.
 * @returns 2, the exit code of a usage error.
 */
export function usageError(message: string): number {
  console.error(`${message}\nRun with --help for usage.`);
  return 2;
}
