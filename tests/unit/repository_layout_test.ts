/**
 * The house's layout rules (STYLE.md, "Folders by part, one face each"):
 * `local/` keeps one folder per part, each with one public module
 * (`mod.ts`); code outside a folder imports only that module, never a
 * private `_x.ts` of another folder; and the boundaries between the top-level
 * folders hold. Tests may import a unit's private file to test it alone, as
 * std's own tests do.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SOURCE_ROOTS = ["lib", "local", "infra", "bench", "scripts", "service", "lambda", "tests"];
const SKIPPED = new Set(["node_modules", "out", "dist", ".local"]);

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory && !SKIPPED.has(entry.name)) files.push(...await sourceFiles(path));
    else if (entry.isFile && /\.(ts|mjs|js)$/.test(entry.name)) files.push(path);
  }
  return files;
}

/** Relative imports of a file, resolved to paths from the repository's root. */
async function importsOf(file: string): Promise<string[]> {
  const text = await Deno.readTextFile(join(ROOT, file));
  const specifiers = text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g);
  return [...specifiers].map((match) =>
    relative(ROOT, resolve(join(ROOT, dirname(file)), match[1] ?? ""))
  );
}

const FILES = (await Promise.all(SOURCE_ROOTS.map(sourceFiles))).flat();

Deno.test("local/ holds at most 12 files at its top, the rest in one folder per part", async () => {
  const top: string[] = [];
  for await (const entry of Deno.readDir(join(ROOT, "local"))) {
    if (entry.isFile) top.push(entry.name);
  }
  assert.ok(
    top.length <= 12,
    `local/ has ${top.length} files at its top: ${top.sort().join(", ")}`,
  );
});

Deno.test("local/ folders each have a mod.ts face", async () => {
  for await (const entry of Deno.readDir(join(ROOT, "local"))) {
    if (!entry.isDirectory) continue;
    const stat = await Deno.stat(join(ROOT, "local", entry.name, "mod.ts"));
    assert.ok(stat.isFile, `local/${entry.name}/mod.ts`);
  }
});

Deno.test("source files import no other folder's private file", async () => {
  const offences: string[] = [];
  for (const file of FILES) {
    if (file.startsWith("tests/unit/")) continue;
    for (const target of await importsOf(file)) {
      const name = target.split("/").at(-1) ?? "";
      if (name.startsWith("_") && dirname(target) !== dirname(file)) {
        offences.push(`${file} -> ${target}`);
      }
    }
  }
  assert.deepEqual(offences, []);
});

Deno.test("code outside a local/ part imports only its mod.ts", async () => {
  const offences: string[] = [];
  for (const file of FILES) {
    if (file.startsWith("tests/unit/")) continue;
    for (const target of await importsOf(file)) {
      const part = /^local\/([^/]+)\//.exec(target)?.[1];
      if (part === undefined || file.startsWith(`local/${part}/`)) continue;
      if (target !== `local/${part}/mod.ts`) offences.push(`${file} -> ${target}`);
    }
  }
  assert.deepEqual(offences, []);
});

Deno.test("top-level folders import only across the boundaries STYLE.md allows", async () => {
  const forbidden: Record<string, string[]> = {
    lib: ["local", "infra", "bench", "scripts", "service", "lambda", "tests"],
    scripts: ["local", "infra", "bench"],
    service: ["local", "infra", "bench"],
    lambda: ["local", "infra", "bench"],
    infra: ["local", "bench"],
    local: ["infra", "bench", "scripts", "service"],
  };
  const offences: string[] = [];
  for (const file of FILES) {
    const from = file.split("/")[0] ?? "";
    for (const target of await importsOf(file)) {
      const to = target.split("/")[0] ?? "";
      if (forbidden[from]?.includes(to)) offences.push(`${file} -> ${target}`);
    }
  }
  assert.deepEqual(offences, []);
});
