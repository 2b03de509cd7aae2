/**
 * The one way the command-line programs (generate, service, local, lambda,
 * demo, bench, build, deploy, destroy, template, the chaos test) read their
 * command line: `node:util`'s `parseArgs`, strict, with `-h`/`--help`; number
 * checks with one message format; and a bad command line answered with its
 * message and the usage text on standard error and exit code 2.
 *
 * @module
 */

import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { ConfigError, UsageError } from "./errors.ts";

/** What a program's command line may hold. */
export interface CommandLineSpec<T extends ParseArgsOptionsConfig> {
  /** The usage text, printed by `--help` and after a usage error. */
  readonly usage: string;
  /** The program's flags (`--help`/`-h` is added). */
  readonly options: T;
  /** Whether arguments other than flags are taken. Defaults to false. */
  readonly allowPositionals?: boolean;
}

const HELP = { help: { type: "boolean", short: "h", default: false } } as const;

/** The flags and positionals a program was given. */
export type CommandLine<T extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{
    options: T & typeof HELP;
    allowPositionals: true;
    strict: true;
    args: string[];
  }>
>;

/**
 * Parses a command line. With `--help` it prints the usage on standard
 * output and returns `undefined`: the program exits 0.
 *
 * @example Usage
 * ```ts
 * import { parseCommandLine } from "./cli.ts";
 *
 * const line = parseCommandLine(["--wait", "5"], {
 *   usage: "Usage: example [--wait S]",
 *   options: { wait: { type: "string", default: "20" } },
 * });
 * console.log(line?.values.wait); // "5"
 * ```
 *
 * @param args The arguments, `Deno.args`.
 * @param spec The usage text and the flags.
 * @returns The flags and positionals, or `undefined` after `--help`.
 * @throws {UsageError} On an unknown flag, a missing value or an unexpected argument.
 */
export function parseCommandLine<T extends ParseArgsOptionsConfig>(
  args: readonly string[],
  spec: CommandLineSpec<T>,
): CommandLine<T> | undefined {
  const parsed = parseFlags(args, spec);
  if ((parsed.values as { help?: boolean }).help) {
    console.log(spec.usage);
    return undefined;
  }
  return parsed;
}

/**
 * Parses a command line as {@linkcode parseCommandLine} does, but leaves
 * `--help` to the caller: `values.help` is true when it was given. Prints
 * nothing.
 *
 * @example Usage
 * ```ts
 * import { parseFlags } from "./cli.ts";
 *
 * const { values } = parseFlags(["-h"], { options: { json: { type: "boolean" } } });
 * console.log(values.help); // true
 * ```
 *
 * @param args The arguments.
 * @param spec The flags (`--help`/`-h` is added) and whether positionals are taken.
 * @returns The flags and positionals.
 * @throws {UsageError} On an unknown flag, a missing value or an unexpected argument.
 */
export function parseFlags<T extends ParseArgsOptionsConfig>(
  args: readonly string[],
  spec: Omit<CommandLineSpec<T>, "usage">,
): CommandLine<T> {
  try {
    return parseArgs({
      args: [...args],
      options: { ...spec.options, ...HELP },
      allowPositionals: spec.allowPositionals ?? false,
      strict: true,
    }) as CommandLine<T>;
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}

/** Bounds of {@linkcode parseNumber}. */
export interface NumberBounds {
  /** The flag, without `--`, for the message. */
  readonly flag: string;
  /** Smallest value allowed. */
  readonly min?: number;
  /** Values must be above this one. */
  readonly above?: number;
  /** Largest value allowed. */
  readonly max?: number;
  /** Whether only whole numbers (digits only) are taken. Defaults to true. */
  readonly whole?: boolean;
  /** What the number counts, for the message (`seconds`). */
  readonly unit?: string;
}

/**
 * Reads a flag's number: digits only for a whole number, a decimal number
 * otherwise, within the bounds. The message of a bad one says what was
 * expected and what was given:
 * `Invalid --wait: expected 0 to 20 seconds, got "30"`.
 *
 * @example Usage
 * ```ts
 * import { parseNumber } from "./cli.ts";
 *
 * parseNumber("8080", { flag: "port", min: 0, max: 65535 }); // 8080
 * ```
 *
 * @param raw The flag's value.
 * @param bounds The flag's name and bounds.
 * @returns The number.
 * @throws {UsageError} When it is not such a number.
 */
export function parseNumber(raw: string, bounds: NumberBounds): number {
  const { flag, min, above, max, whole = true } = bounds;
  const value = Number(raw);
  const valid = (whole ? /^\d+$/ : /^\d+(\.\d+)?$/).test(raw) &&
    value <= Number.MAX_SAFE_INTEGER &&
    (min === undefined || value >= min) && (above === undefined || value > above) &&
    (max === undefined || value <= max);
  if (valid) return value;
  throw new UsageError(
    `Invalid --${flag}: expected ${expectation(bounds)}, got ${JSON.stringify(raw)}`,
  );
}

/** What {@linkcode parseNumber} expected, in words: `0 to 20 seconds`, `a positive number of seconds`. */
function expectation({ min, above, max, whole = true, unit }: NumberBounds): string {
  const of = unit ? ` of ${unit}` : "";
  if (above === 0 && max === undefined) return `a positive ${whole ? "whole " : ""}number${of}`;
  const range = above !== undefined
    ? `above ${above}${max === undefined ? "" : ` and at most ${max}`}`
    : max === undefined
    ? `${min ?? 0} or more`
    : `${whole ? "" : "from "}${min ?? 0} to ${max}`;
  return whole ? `${range}${unit ? ` ${unit}` : ""}` : `a number${of} ${range}`;
}

/**
 * Runs a program's `main`, answering a {@linkcode UsageError} with its
 * message and the usage text on standard error and exit code 2, and a
 * {@linkcode ConfigError} (the program cannot start) with its message and
 * exit code 1. Other errors are the program's to handle; they propagate.
 *
 * @example Usage
 * ```ts
 * import { runProgram } from "./cli.ts";
 *
 * const USAGE = "Usage: deno task hello [--name NAME]";
 * function main(args: readonly string[]): Promise<number> {
 *   console.log(`hello ${args.join(" ")}`);
 *   return Promise.resolve(0);
 * }
 * if (import.meta.main) Deno.exitCode = await runProgram(USAGE, () => main(Deno.args));
 * ```
 *
 * @param usage The usage text.
 * @param main The program: returns its exit code.
 * @returns The exit code: `main`'s, 2 after a usage error, 1 after a configuration error.
 */
export async function runProgram(
  usage: string,
  main: () => number | Promise<number>,
): Promise<number> {
  try {
    return await main();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    if (!(error instanceof UsageError)) throw error;
    reportUsageError(error, usage);
    return 2;
  }
}

/**
 * Prints a usage error: its message, a blank line and the usage text, on
 * standard error.
 *
 * @param error The usage error.
 * @param usage The usage text.
 */
export function reportUsageError(error: UsageError, usage: string): void {
  console.error(`${error.message}\n\n${usage}`);
}
