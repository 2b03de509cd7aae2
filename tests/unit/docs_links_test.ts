/**
 * Every relative link of `README.md` and `docs/` leads somewhere: the file
 * exists, and a `#fragment` names a heading of the Markdown file it points
 * at (GitHub's heading ids). Links inside code are not links.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The Markdown files whose links are checked, from the repository's root. */
async function pages(): Promise<string[]> {
  const found = ["README.md"];
  for await (const entry of Deno.readDir(join(ROOT, "docs"))) {
    if (entry.isFile && entry.name.endsWith(".md")) found.push(`docs/${entry.name}`);
  }
  return found.sort();
}

/** Markdown without fenced blocks and inline code, where brackets are not links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "");
}

/** The targets of `[text](target)` and `![alt](target)` links. */
function linkTargets(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((match) => match[1] ?? "");
}

/** GitHub's ids of a Markdown file's headings (`-1`, `-2` … for repeats). */
function headingIds(markdown: string): Set<string> {
  const ids = new Set<string>();
  const seen = new Map<string, number>();
  const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
  for (const [, title = ""] of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = title.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    ids.add(count === 0 ? base : `${base}-${count}`);
  }
  return ids;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(join(ROOT, path));
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new Error(`Cannot check ${path}: add it to the unit suite's --allow-read`, {
      cause: error,
    });
  }
}

Deno.test("headingIds() and linkTargets() read Markdown as GitHub does", () => {
  assert.deepEqual(
    [...headingIds("# The programs\n## The original Python project's records\n## A\n## A\n")],
    ["the-programs", "the-original-python-projects-records", "a", "a-1"],
  );
  assert.deepEqual(
    [...headingIds("## File names (`deno task generate <name>`)\n```\n# not a heading\n```\n")],
    ["file-names-deno-task-generate-name"],
  );
  assert.deepEqual(
    linkTargets("[a](x.md) ![b](y.png#z) `[c](code.md)`\n```\n[d](fenced.md)\n```\n[e](<f.md>)"),
    ["x.md", "y.png#z", "f.md"],
  );
});

Deno.test("README.md and docs/ link only to files and headings that exist", async () => {
  const broken: string[] = [];
  let checked = 0;
  for (const page of await pages()) {
    const markdown = await Deno.readTextFile(join(ROOT, page));
    for (const target of linkTargets(markdown)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      checked++;
      const [path = "", fragment] = target.split("#", 2);
      const file = path === "" ? page : normalize(join(dirname(page), decodeURI(path)));
      if (file.startsWith("..") || !(await exists(file))) {
        broken.push(`${page}: ${target} (no file ${file})`);
        continue;
      }
      if (fragment === undefined || !file.endsWith(".md")) continue;
      const ids = headingIds(await Deno.readTextFile(join(ROOT, file)));
      if (!ids.has(fragment)) {
        broken.push(`${page}: ${target} (no heading #${fragment} in ${file})`);
      }
    }
  }
  assert.deepEqual(broken, []);
  assert.ok(checked >= 10, `only ${checked} relative links found`);
});
