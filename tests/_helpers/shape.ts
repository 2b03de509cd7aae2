/**
 * The shape of the source tree, measured with the TypeScript compiler's own
 * parser: how many files and lines, the largest file, and every function's
 * own length (its lines, not counting the functions nested in it).
 *
 * Run it to print the figures:
 *
 * ```sh
 * deno task shape
 * ```
 *
 * or, for another checkout, `deno run --allow-read=DIR … tests/_helpers/shape.ts DIR`.
 *
 * @module
 */

import ts from "typescript";
import { join } from "node:path";

/** The folders holding the project's source (`.ts`, `.mjs`, `.js`). */
export const SOURCE_ROOTS: readonly string[] = [
  "lib",
  "local",
  "infra",
  "bench",
  "scripts",
  "service",
  "lambda",
  "tests",
];

/** Folders that hold no source of ours: installed, built, generated or local data. */
const SKIPPED = new Set(["node_modules", "dist", "out", ".local"]);

/** One function's place and own length. */
export interface FunctionShape {
  /** Path from the repository's root. */
  readonly file: string;
  /** The function's name, or a description of where it stands (`<arrow>`). */
  readonly name: string;
  /** First line (1-based). */
  readonly line: number;
  /** Lines of its own: its span, less the lines of the functions nested in it. */
  readonly ownLines: number;
}

/** One file's path (from the repository's root) and its lines, counted by {@linkcode countLines}. */
export type FileShape = Pick<FunctionShape, "file"> & { readonly lines: number };

/** What {@linkcode measureShape} finds. */
export interface Shape {
  /** Every source file, largest first. */
  readonly files: readonly FileShape[];
  /** Every function, longest (own lines) first. */
  readonly functions: readonly FunctionShape[];
  /** Lines in all files. */
  readonly totalLines: number;
}

/** Lists the source files under `roots` (paths from `root`), skipping {@linkcode SKIPPED} folders. */
export async function sourceFiles(
  root: string,
  roots: readonly string[] = SOURCE_ROOTS,
): Promise<string[]> {
  const files: string[] = [];
  async function walk(dir: string): Promise<void> {
    for await (const entry of Deno.readDir(join(root, dir))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory && !SKIPPED.has(entry.name)) await walk(path);
      else if (entry.isFile && /\.(ts|mjs|js)$/.test(entry.name)) files.push(path);
    }
  }
  for (const dir of roots) await walk(dir);
  return files.sort();
}

/** The name a function is known by: its own, or that of what it is assigned to. */
function functionName(node: ts.FunctionLikeDeclaration, source: ts.SourceFile): string {
  if (node.name !== undefined) return node.name.getText(source);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) {
    return parent.name.getText(source);
  }
  if (ts.isConstructorDeclaration(node)) return "constructor";
  if (ts.isCallExpression(parent)) {
    const [first] = parent.arguments;
    const label = first !== undefined && ts.isStringLiteralLike(first) ? `"${first.text}"` : "";
    return `${parent.expression.getText(source)}(${label})`;
  }
  return ts.isArrowFunction(node) ? "<arrow>" : "<function>";
}

/**
 * Measures the functions of one file's text. A function's own lines are the
 * lines of its span less, for each function nested directly in it, that
 * function's lines after its first (the line it opens on is shared).
 */
export function measureFunctions(file: string, text: string): FunctionShape[] {
  const kind = file.endsWith(".ts") ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line;
  const found: FunctionShape[] = [];
  /** Visits `node`'s subtree; returns the nested lines to take off the enclosing function. */
  function visit(node: ts.Node): number {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const first = lineOf(node.getStart(source));
      const span = lineOf(node.getEnd()) - first + 1;
      let nested = 0;
      ts.forEachChild(node, (child) => {
        nested += visit(child);
      });
      const name = functionName(node as ts.FunctionLikeDeclaration, source);
      found.push({ file, name, line: first + 1, ownLines: span - nested });
      return span - 1;
    }
    let nested = 0;
    ts.forEachChild(node, (child) => {
      nested += visit(child);
    });
    return nested;
  }
  visit(source);
  return found;
}

/** Counts lines the way an editor shows them (a final newline ends the last line). */
export function countLines(text: string): number {
  if (text === "") return 0;
  const breaks = text.split("\n").length - 1;
  return text.endsWith("\n") ? breaks : breaks + 1;
}

/** Measures every source file under `root`. */
export async function measureShape(
  root: string,
  roots: readonly string[] = SOURCE_ROOTS,
): Promise<Shape> {
  const files: FileShape[] = [];
  const functions: FunctionShape[] = [];
  for (const file of await sourceFiles(root, roots)) {
    const text = await Deno.readTextFile(join(root, file));
    files.push({ file, lines: countLines(text) });
    functions.push(...measureFunctions(file, text));
  }
  files.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
  functions.sort((a, b) => b.ownLines - a.ownLines || a.file.localeCompare(b.file));
  const totalLines = files.reduce((sum, f) => sum + f.lines, 0);
  return { files, functions, totalLines };
}

/** The figures as lines of text: totals, then files over `maxFileLines`, functions over `maxOwnLines`. */
export function formatShape(
  shape: Shape,
  { maxFileLines = 600, maxOwnLines = 100 } = {},
): string[] {
  const [largestFile] = shape.files;
  const [largestFunction] = shape.functions;
  const lines = [
    `files: ${shape.files.length}`,
    `lines: ${shape.totalLines}`,
    `largest file: ${largestFile ? `${largestFile.file} (${largestFile.lines} lines)` : "none"}`,
    `largest function: ${
      largestFunction
        ? `${largestFunction.name} at ${largestFunction.file}:${largestFunction.line} (${largestFunction.ownLines} own lines)`
        : "none"
    }`,
  ];
  const longFiles = shape.files.filter((f) => f.lines > maxFileLines);
  lines.push(`files over ${maxFileLines} lines: ${longFiles.length}`);
  for (const f of longFiles) lines.push(`  ${f.file} ${f.lines}`);
  const longFunctions = shape.functions.filter((f) => f.ownLines > maxOwnLines);
  lines.push(`functions over ${maxOwnLines} own lines: ${longFunctions.length}`);
  for (const f of longFunctions) lines.push(`  ${f.file}:${f.line} ${f.name} ${f.ownLines}`);
  return lines;
}

if (import.meta.main) {
  const root = Deno.args[0] ?? new URL("../../", import.meta.url).pathname;
  const shape = await measureShape(root);
  for (const line of formatShape(shape)) console.log(line);
}
