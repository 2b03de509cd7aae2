/**
 * Keeping the Lambda bundle current for `deno task local`: rebuilt with
 * `deno task build` when it is missing or older than its sources.
 *
 * @module
 */

/** Sources the bundle is built from. */
const SOURCES = ["lambda", "lib", "deno.json", "deno.lock"];

/**
 * Whether the bundle is missing or older than a file of {@linkcode SOURCES}.
 * Needs read permission for the bundle and the sources.
 *
 * @param bundle Path of the bundle.
 */
export async function bundleIsStale(bundle: string): Promise<boolean> {
  let built: number;
  try {
    built = (await Deno.stat(bundle)).mtime?.getTime() ?? 0;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    throw error;
  }
  for (const source of SOURCES) {
    if (await newerThan(source, built)) return true;
  }
  return false;
}

async function newerThan(path: string, time: number): Promise<boolean> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
  if (info.isFile) return (info.mtime?.getTime() ?? 0) > time;
  for await (const entry of Deno.readDir(path)) {
    if (await newerThan(`${path}/${entry.name}`, time)) return true;
  }
  return false;
}

/**
 * Runs `deno task build` when the bundle is stale; its output is shown only
 * when it fails.
 *
 * @param bundle Path of the bundle.
 * @returns Whether a build ran.
 * @throws {Error} With the build's output when it fails.
 */
export async function ensureBundle(bundle: string): Promise<boolean> {
  if (!(await bundleIsStale(bundle))) return false;
  const output = await new Deno.Command("deno", {
    args: ["task", "--quiet", "build"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
    throw new Error(`Cannot build the Lambda bundle with deno task build:\n${text.trim()}`);
  }
  return true;
}
