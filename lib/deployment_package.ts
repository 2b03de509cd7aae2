/**
 * The Lambda's deployment package: the Node.js bundle of
 * `lambda/update_item.ts` in a zip, under the file name its handler names.
 *
 * @module
 */

import { zipSync } from "fflate";
import { RESOURCES } from "../lib/resources.ts";

/** Where `deno task build` writes the bundle and the package, relative to the project root. */
export const PACKAGE_PATHS = Object.freeze(
  {
    /** The ES module bundle `deno bundle` writes. */
    bundle: "dist/update_item.mjs",
    /** The zip `deno task deploy` uploads. */
    zip: "dist/update_item.zip",
  } as const,
);

/** Options of {@linkcode buildDeploymentPackage}. */
export interface DeploymentPackageOptions {
  /** Handler in `file.export` form. Defaults to {@linkcode RESOURCES}' function handler. */
  readonly handler?: string;
}

/** The zip's entries carry this date, so the same bundle always gives the same bytes. */
const FIXED_MTIME = new Date(2020, 0, 1);

/**
 * Zips a bundle as the Lambda's deployment package. The bundle becomes
 * `<file>.mjs` at the zip's root, `<file>` being the handler's part before
 * the export name (`update_item.handler` → `update_item.mjs`), readable by
 * everyone (Lambda runs the code as another user). The output depends only on
 * the bundle, so its hash identifies the code.
 *
 * @example Usage
 * ```ts
 * import { buildDeploymentPackage } from "./deployment_package.ts";
 *
 * const bundle = new TextEncoder().encode("export const handler = async () => ({});");
 * const zip = buildDeploymentPackage(bundle);
 * console.log(zip.byteLength);
 * ```
 *
 * @param bundle The ES module bundle.
 * @param options The handler.
 * @returns The zip's bytes.
 * @throws {TypeError} When the handler is not in `file.export` form.
 */
export function buildDeploymentPackage(
  bundle: Uint8Array,
  options: DeploymentPackageOptions = {},
): Uint8Array {
  const { handler = RESOURCES.updateFunction.handler } = options;
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z_$][A-Za-z0-9_$]*)$/.exec(handler);
  if (!match) {
    throw new TypeError(
      `Cannot build deployment package: handler ${
        JSON.stringify(handler)
      } is not in file.export form`,
    );
  }
  return zipSync({
    [`${match[1]}.mjs`]: [bundle, { level: 9, mtime: FIXED_MTIME, os: 3, attrs: 0o644 << 16 }],
  });
}
