/**
 * The second step of `deno task build`: zips the bundle as the Lambda's
 * deployment package.
 *
 * @module
 */

import { buildDeploymentPackage, PACKAGE_PATHS } from "./deployment_package.ts";

async function main(): Promise<void> {
  let bundle: Uint8Array;
  try {
    bundle = await Deno.readFile(PACKAGE_PATHS.bundle);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    console.error(
      `Cannot build deployment package: ${PACKAGE_PATHS.bundle} does not exist (deno bundle writes it)`,
    );
    Deno.exitCode = 1;
    return;
  }
  const zip = buildDeploymentPackage(bundle);
  await Deno.writeFile(PACKAGE_PATHS.zip, zip);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", zip as BufferSource));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  console.log(
    `Wrote ${PACKAGE_PATHS.zip}: ${zip.byteLength} bytes (bundle ${bundle.byteLength} bytes), sha256 ${hex}`,
  );
}

if (import.meta.main) await main();
