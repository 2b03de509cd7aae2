/**
 * Timing the cold import of a Lambda bundle under Node.js, one fresh `node`
 * process per sample (the bundles are built by `lib/bundle.ts`).
 *
 * @module
 */

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
