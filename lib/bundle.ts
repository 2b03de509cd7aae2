/**
 * Bundling an entry point for Node.js with `deno bundle`: the one way the
 * project runs the bundler (`deno task build`, the local AWS, the bench and
 * the tests).
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
 * Bundles an entry point for Node.js, minified, as one ES module. Runs
 * `deno` (`--allow-run=deno`).
 *
 * @example Usage
 * ```ts
 * // Needs --allow-run=deno and writes the output file: type-checked by `deno task ok`, not run.
 * import { bundle } from "./bundle.ts";
 *
 * await bundle({ entry: "lambda/update_item.ts", output: "/tmp/x.mjs", conditions: "module" });
 * ```
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
