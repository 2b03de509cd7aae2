/**
 * The house's size rules (issue 12, "Units a reader can hold"): no source
 * file over 600 lines, and at most 3 functions in the whole tree with over
 * 100 lines of their own (not counting the functions nested in them), each
 * one a template of data that is clearer whole. `deno task shape` prints the
 * figures.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  countLines,
  type FunctionShape,
  measureFunctions,
  measureShape,
} from "../_helpers/shape.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAX_FILE_LINES = 600;
const MAX_OWN_LINES = 100;
const MAX_LONG_FUNCTIONS = 3;

/**
 * The functions allowed over {@linkcode MAX_OWN_LINES} for good: templates of
 * data, clearer read whole than cut into pieces.
 */
const TEMPLATES: readonly string[] = [
  // The CloudFormation template: one literal of resources, in the order AWS documents them.
  "infra/template.ts buildTemplate",
];

/**
 * TEMPORARY: units nobody has split in this phase (the IAM checks, the local
 * AWS's start-up, the Lambda container, the bench's run and report). The
 * lead empties this list at integration; it names files and functions one by
 * one, so it hides nothing else.
 */
const TEMPORARY_ALLOWLIST: { files: string[]; functions: string[] } = {
  files: [],
  functions: [],
};

const SHAPE = await measureShape(ROOT);

function key(fn: FunctionShape): string {
  return `${fn.file} ${fn.name}`;
}

Deno.test("measureFunctions() counts a function's own lines, less its nested functions", () => {
  const text = [
    "export function outer() {", // 1
    "  const a = 1;", // 2
    "  const inner = () => {", // 3: the line inner opens on is outer's too
    "    return a;", // 4
    "  };", // 5
    "  return inner;", // 6
    "}", // 7
    "class C { method() {", // 8
    "  return 1;", // 9
    "} }", // 10
  ].join("\n");
  const found = measureFunctions("x.ts", text);
  const byName = Object.fromEntries(found.map((f) => [f.name, f]));
  assert.equal(byName.outer?.ownLines, 7 - 2);
  assert.equal(byName.outer?.line, 1);
  assert.equal(byName.inner?.ownLines, 3);
  assert.equal(byName.inner?.line, 3);
  assert.equal(byName.method?.ownLines, 3);
  assert.equal(found.length, 3);
});

Deno.test("measureFunctions() names a test's callback after the test, and reads .mjs as JavaScript", () => {
  const found = measureFunctions(
    "x.mjs",
    'Deno.test("f() works", async () => {\n  await 1;\n});\n',
  );
  assert.deepEqual(found.map((f) => [f.name, f.ownLines]), [['Deno.test("f() works")', 3]]);
});

Deno.test("countLines() counts a last line with or without its newline", () => {
  assert.equal(countLines(""), 0);
  assert.equal(countLines("a\nb\n"), 2);
  assert.equal(countLines("a\nb"), 2);
});

Deno.test("measureShape() reads the whole tree: lib/, local/, tests/ and the entry points", () => {
  const files = new Set(SHAPE.files.map((f) => f.file));
  for (const file of ["lib/retry.ts", "lambda/update_item.ts", "tests/_helpers/shape.ts"]) {
    assert.ok(files.has(file), file);
  }
  assert.ok(![...files].some((f) => /(^|\/)(node_modules|dist|out|\.local)\//.test(f)));
  assert.ok(SHAPE.files.length > 100, `${SHAPE.files.length} files`);
});

Deno.test(`source files have at most ${MAX_FILE_LINES} lines`, () => {
  const long = SHAPE.files.filter((f) => f.lines > MAX_FILE_LINES)
    .filter((f) => !TEMPORARY_ALLOWLIST.files.includes(f.file))
    .map((f) => `${f.file} (${f.lines} lines)`);
  assert.deepEqual(long, []);
});

Deno.test(`at most ${MAX_LONG_FUNCTIONS} functions have over ${MAX_OWN_LINES} lines of their own, each a template of data`, () => {
  const long = SHAPE.functions.filter((f) => f.ownLines > MAX_OWN_LINES)
    .filter((f) => !TEMPORARY_ALLOWLIST.functions.includes(key(f)));
  const others = long.filter((f) => !TEMPLATES.includes(key(f)))
    .map((f) => `${f.file}:${f.line} ${f.name} (${f.ownLines} own lines)`);
  assert.deepEqual(others, []);
  assert.ok(long.length <= MAX_LONG_FUNCTIONS, `${long.length} templates over ${MAX_OWN_LINES}`);
});

Deno.test("the temporary allowlist names only real offenders", () => {
  const longFiles = new Set(
    SHAPE.files.filter((f) => f.lines > MAX_FILE_LINES).map((f) => f.file),
  );
  const longFunctions = new Set(
    SHAPE.functions.filter((f) => f.ownLines > MAX_OWN_LINES).map(key),
  );
  assert.deepEqual(TEMPORARY_ALLOWLIST.files.filter((f) => !longFiles.has(f)), []);
  assert.deepEqual(TEMPORARY_ALLOWLIST.functions.filter((f) => !longFunctions.has(f)), []);
});
