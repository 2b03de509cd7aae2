/**
 * `deno task local --reset`: removes what the local AWS keeps in its data
 * directory, so that it starts from empty data.
 *
 * @module
 */

import { join } from "node:path";

/** The folders the local AWS writes in its data directory: DynamoDB's, then SQS's and S3's. */
export const DATA_FOLDERS: readonly string[] = ["dynamodb", "fauxqs"];

/**
 * Removes the local AWS's folders from a data directory and says what went.
 * Other entries (such as the tests' `tmp/`) are left alone.
 *
 * @example Usage
 * ```ts
 * // Needs write access to the data directory: type-checked by `deno task ok`, not run.
 * import { resetDataDir } from "./_reset_data.ts";
 *
 * console.log(await resetDataDir(".local"));
 * // "reset: removed .local/dynamodb, .local/fauxqs (31 files, 2.1 MB)"
 * ```
 *
 * @param dataDir The data directory.
 * @returns One line for the user.
 */
export async function resetDataDir(dataDir: string): Promise<string> {
  const removed: string[] = [];
  let files = 0;
  let bytes = 0;
  for (const folder of DATA_FOLDERS) {
    const path = join(dataDir, folder);
    try {
      for await (const size of fileSizes(path)) {
        files++;
        bytes += size;
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    await Deno.remove(path, { recursive: true });
    removed.push(path);
  }
  if (removed.length === 0) return `reset: ${dataDir} held no local AWS data`;
  return `reset: removed ${removed.join(", ")} (${files} files, ${formatBytes(bytes)})`;
}

async function* fileSizes(path: string): AsyncGenerator<number> {
  const info = await Deno.lstat(path);
  if (!info.isDirectory) {
    yield info.size;
    return;
  }
  for await (const entry of Deno.readDir(path)) yield* fileSizes(join(path, entry.name));
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
