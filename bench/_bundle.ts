/**
 * Building Lambda bundles with `deno bundle` and timing their cold import
 * under Node.js, one fresh `node` process per sample.
 *
 * @module
 */

/** How to bundle an entry point. */
export interface BundleOptions {
  /** Entry point, e.g. `lambda/update_item.ts`. */
  readonly entry: string;
  /** Output file. */
  readonly output: string;
  /**
   * Extra package export conditions (`DENO_CONDITIONS`). `module` picks the
   * SDK's ES module builds, which the bundler can tree-shake, over the
   * CommonJS ones the `node` condition selects.
   */
  readonly conditions?: string;
  /** Packages left out of the bundle, resolved at run time instead. */
  readonly external?: readonly string[];
}

/**
 * Bundles an entry point as `deno task build` does: for Node.js, minified.
 *
 * @param options Entry, output, conditions and externals.
 * @throws {Error} When `deno bundle` fails, with its output.
 */
export async function bundle(options: BundleOptions): Promise<void> {
  const args = [
    "bundle",
    "--quiet",
    "--platform=node",
    "--minify",
    ...(options.external ?? []).map((name) => `--external=${name}`),
    `--output=${options.output}`,
    options.entry,
  ];
  const output = await new Deno.Command("deno", {
    args,
    env: options.conditions ? { DENO_CONDITIONS: options.conditions } : {},
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    const text = new TextDecoder().decode(output.stderr).trim();
    throw new Error(`Cannot bundle ${options.entry}: deno bundle failed: ${text}`);
  }
}

/**
 * Times the import of a module in fresh Node.js processes: each process
 * measures `await import(path)` with `performance.now()`, so Node's own
 * start-up is not counted, the module's loading, parsing, linking and
 * evaluation are.
 *
 * @param path The module's path.
 * @param runs Fresh processes to start.
 * @returns Milliseconds, one per process.
 * @throws {Error} When an import fails.
 */
export async function coldImportTimes(path: string, runs: number): Promise<number[]> {
  const url = new URL(`../${path}`, import.meta.url).href;
  const script = `const t0 = performance.now(); await import(${JSON.stringify(url)}); ` +
    `process.stdout.write(String(performance.now() - t0));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const output = await new Deno.Command("node", {
      args: ["--no-warnings", "--input-type=module", "-e", script],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stdout).trim();
    const ms = Number(text);
    if (!output.success || !Number.isFinite(ms)) {
      const error = new TextDecoder().decode(output.stderr).trim().split("\n").slice(0, 3).join(
        " ",
      );
      throw new Error(`Cannot import ${path} under Node.js: ${error || text}`);
    }
    times.push(ms);
  }
  return times;
}
