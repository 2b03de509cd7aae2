/**
 * Validation of the file names the generator writes and uses as S3 keys.
 *
 * @module
 */

/** Longest file name accepted, in characters (suffix included). */
export const MAX_FILE_NAME_LENGTH = 128;

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]*\.json$/;

/**
 * Checks that a name is a plain file name ending in `.json`: letters, digits,
 * `.`, `_` and `-` only, starting with a letter or digit, no path separators,
 * no `..`, at most {@linkcode MAX_FILE_NAME_LENGTH} characters.
 *
 * @example Usage
 * ```ts
 * import { validateFileName } from "./file_name.ts";
 *
 * validateFileName("laptop.json"); // "laptop.json"
 * ```
 *
 * @param name The file name given by the user.
 * @returns The same name.
 * @throws {TypeError} Saying what is wrong and what a valid name looks like.
 */
export function validateFileName(name: string): string {
  const fail = (detail: string): never => {
    throw new TypeError(
      `Invalid file name ${JSON.stringify(name)}: ${detail}; give a plain name such as laptop.json`,
    );
  };
  if (name.length === 0) fail("it is empty");
  if (name.length > MAX_FILE_NAME_LENGTH) {
    fail(`it has ${name.length} characters, more than ${MAX_FILE_NAME_LENGTH}`);
  }
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) fail("it contains control characters");
  if (name.includes("/") || name.includes("\\")) fail("it contains a path separator");
  if (name.includes("..")) fail('it contains ".."');
  if (!name.endsWith(".json")) fail('it does not end in ".json"');
  if (name === ".json") fail("it has no name before .json");
  if (!SAFE.test(name)) {
    fail("only letters, digits, '.', '_' and '-' are allowed, starting with a letter or digit");
  }
  return name;
}

/**
 * The file names for a run of `count` records: the name itself for one, and
 * `<stem>-1.json` … `<stem>-<count>.json` for more.
 *
 * @example Usage
 * ```ts
 * import { fileNamesFor } from "./file_name.ts";
 *
 * fileNamesFor("laptop.json", 3); // ["laptop-1.json", "laptop-2.json", "laptop-3.json"]
 * ```
 *
 * @param name A valid file name.
 * @param count How many files, at least 1.
 * @returns Valid file names, one per record.
 * @throws {TypeError} When the name or a numbered name is invalid.
 * @throws {RangeError} When the count is not a positive whole number.
 */
export function fileNamesFor(name: string, count: number): string[] {
  validateFileName(name);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`Invalid count ${count}: give a whole number of 1 or more`);
  }
  if (count === 1) return [name];
  const stem = name.slice(0, -".json".length);
  const names = Array.from({ length: count }, (_, i) => `${stem}-${i + 1}.json`);
  validateFileName(names[names.length - 1] ?? name);
  return names;
}
