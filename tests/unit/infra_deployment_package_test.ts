import assert from "node:assert/strict";
import { unzipSync } from "fflate";
import { buildDeploymentPackage, PACKAGE_PATHS } from "../../lib/deployment_package.ts";
import { RESOURCES } from "../../lib/resources.ts";

const BUNDLE = new TextEncoder().encode(
  "export const handler = async () => ({ batchItemFailures: [] });\n",
);

Deno.test("buildDeploymentPackage() puts the bundle under the file the handler names", () => {
  const files = unzipSync(buildDeploymentPackage(BUNDLE));
  assert.equal(RESOURCES.updateFunction.handler, "update_item.handler");
  assert.deepEqual(Object.keys(files), ["update_item.mjs"]);
  assert.deepEqual(files["update_item.mjs"], BUNDLE);
  assert.ok(PACKAGE_PATHS.bundle.endsWith("/update_item.mjs"));
  assert.ok(PACKAGE_PATHS.zip.endsWith("/update_item.zip"));
});

Deno.test("buildDeploymentPackage() follows another handler", () => {
  const files = unzipSync(buildDeploymentPackage(BUNDLE, { handler: "main.run" }));
  assert.deepEqual(Object.keys(files), ["main.mjs"]);
});

Deno.test("buildDeploymentPackage() gives the same bytes for the same bundle", () => {
  const first = buildDeploymentPackage(BUNDLE);
  const second = buildDeploymentPackage(BUNDLE.slice());
  assert.deepEqual(first, second);
  assert.notDeepEqual(buildDeploymentPackage(new TextEncoder().encode("x")), first);
});

Deno.test("buildDeploymentPackage() marks the file readable by everyone, as Unix", () => {
  const zip = buildDeploymentPackage(BUNDLE);
  // The central directory entry: signature PK\x01\x02, "version made by" at +4
  // (high byte = OS, 3 = Unix), external attributes at +38 (Unix mode in the high 16 bits).
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let offset = -1;
  for (let i = 0; i < zip.length - 4; i++) {
    if (view.getUint32(i, true) === 0x02014b50) {
      offset = i;
      break;
    }
  }
  assert.ok(offset >= 0, "central directory found");
  assert.equal(view.getUint8(offset + 5), 3);
  assert.equal((view.getUint32(offset + 38, true) >>> 16) & 0o777, 0o644);
});

Deno.test("buildDeploymentPackage() rejects a handler not in file.export form", () => {
  for (const handler of ["update_item", "lambda/update_item.handler", ".handler", "a.b.c"]) {
    assert.throws(
      () => buildDeploymentPackage(BUNDLE, { handler }),
      new TypeError(
        `Cannot build deployment package: handler ${
          JSON.stringify(handler)
        } is not in file.export form`,
      ),
    );
  }
});
