/**
 * Building the Lambda: `lambda/update_item.ts` bundled for Node.js from the
 * SDK's ES module builds into `dist/update_item.mjs`, zipped as the
 * deployment package `dist/update_item.zip`. `deno task build` runs
 * {@linkcode buildLambda}; the local AWS runs {@linkcode ensureLambdaBuilt}
 * (rebuild when stale); the bench and the tests bundle
 * {@linkcode LAMBDA_BUNDLE} with another output.
 *
 * @module
 */

import { bundle, type BundleOptions } from "./bundle.ts";
import { buildDeploymentPackage, PACKAGE_PATHS } from "./deployment_package.ts";

/**
 * The Lambda's bundle: entry, output and the package condition `module` (the
 * SDK's ES module builds, tree-shaken: see bench/README.md).
 */
export const LAMBDA_BUNDLE: BundleOptions = Object.freeze({
  entry: "lambda/update_item.ts",
  output: PACKAGE_PATHS.bundle,
  conditions: "module",
});

/** Sources the bundle is built from. */
const SOURCES = ["lambda", "lib", "deno.json", "deno.lock"];

/** What {@linkcode buildLambda} wrote. */
export interface LambdaBuild {
  /** Size of `dist/update_item.mjs`. */
  readonly bundleBytes: number;
  /** Size of `dist/update_item.zip`. */
  readonly zipBytes: number;
  /** SHA-256 of the zip, hexadecimal: it identifies the code. */
  readonly sha256: string;
}

/**
 * Bundles the Lambda ({@linkcode LAMBDA_BUNDLE}) and zips it as its
 * deployment package. Needs `--allow-run=deno` and read and write
 * permission for `dist`.
 *
 * @returns Sizes and the zip's hash.
 * @throws {Error} When `deno bundle` fails, with its output.
 */
export async function buildLambda(): Promise<LambdaBuild> {
  await bundle(LAMBDA_BUNDLE);
  const code = await Deno.readFile(PACKAGE_PATHS.bundle);
  const zip = buildDeploymentPackage(code);
  await Deno.writeFile(PACKAGE_PATHS.zip, zip);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", zip as BufferSource));
  return {
    bundleBytes: code.byteLength,
    zipBytes: zip.byteLength,
    sha256: Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join(""),
  };
}

/**
 * Whether the bundle is missing or older than a file of its sources
 * (`lambda/`, `lib/`, `deno.json`, `deno.lock`). Needs read permission for
 * the bundle and the sources.
 *
 * @param bundlePath Path of the bundle.
 * @returns True when it must be built again.
 */
export async function bundleIsStale(bundlePath: string): Promise<boolean> {
  let built: number;
  try {
    built = (await Deno.stat(bundlePath)).mtime?.getTime() ?? 0;
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
 * Runs {@linkcode buildLambda} when `dist/update_item.mjs` is stale.
 *
 * @returns Whether a build ran.
 * @throws {Error} With the bundler's output when it fails.
 */
export async function ensureLambdaBuilt(): Promise<boolean> {
  if (!(await bundleIsStale(PACKAGE_PATHS.bundle))) return false;
  try {
    await buildLambda();
  } catch (error) {
    throw new Error(`Cannot build the Lambda bundle: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return true;
}
