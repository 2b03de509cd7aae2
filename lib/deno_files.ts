/**
 * The generator's {@linkcode FileWriter} on Deno's file system.
 *
 * @module
 */

import type { FileWriter } from "./generate_laptops.ts";

/**
 * Writes files with `createNew`, so an existing file is never overwritten:
 * the check and the creation are one atomic system call. The folder is
 * created when missing.
 *
 * Needs `--allow-write` for the folder.
 *
 * @example Usage
 * ```ts
 * // Needs write access to out/: type-checked by `deno task ok`, not run.
 * import { denoFiles } from "./deno_files.ts";
 *
 * await denoFiles().writeNew("out/laptop.json", "{}\n");
 * ```
 *
 * @returns The file writer.
 */
export function denoFiles(): FileWriter {
  return {
    async writeNew(path, data) {
      const folder = path.slice(0, path.lastIndexOf("/"));
      if (folder) await Deno.mkdir(folder, { recursive: true });
      await Deno.writeTextFile(path, data, { createNew: true });
    },
    async remove(path) {
      await Deno.remove(path);
    },
  };
}
