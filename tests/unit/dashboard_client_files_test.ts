import assert from "node:assert/strict";
import { createClientFiles } from "../../local/dashboard/_client_files.ts";

const HEADERS = { "x-content-type-options": "nosniff" };

function get(name: string, headers: Record<string, string> = {}): Request {
  return new Request(`http://127.0.0.1:4566/_dashboard/${name}`, { headers });
}

Deno.test("createClientFiles() serves the page's modules as they are, as JavaScript", async () => {
  const files = createClientFiles();
  const response = await files.answer("app.js", get("app.js"), HEADERS);
  assert.ok(response);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(response.headers.get("x-content-type-options"), "nosniff");
  assert.equal(response.headers.get("cache-control"), "no-cache");
  const text = await response.text();
  const source = await Deno.readTextFile(
    new URL("../../local/dashboard/client/app.js", import.meta.url),
  );
  assert.equal(text, source);
  // Every module app.js imports is served too.
  const imports = [...text.matchAll(/^import .* from "\.\/([a-z_]+\.js)";$/gm)].map((m) => m[1]);
  assert.ok(imports.length >= 5, `app.js imports ${imports.join(", ")}`);
  for (const name of imports as string[]) {
    const imported = await files.answer(name, get(name), HEADERS);
    assert.equal(imported?.status, 200, name);
    await imported?.body?.cancel();
  }
});

Deno.test("createClientFiles() answers 304 while the browser's copy is current", async () => {
  const files = createClientFiles();
  const first = await files.answer("format.js", get("format.js"), HEADERS);
  const etag = first?.headers.get("etag");
  await first?.body?.cancel();
  assert.match(etag ?? "", /^"[0-9a-f]{24}"$/);
  const again = await files.answer("format.js", get("format.js", { "if-none-match": etag! }), {});
  assert.equal(again?.status, 304);
  assert.equal(again?.body, null);
  const other = await files.answer("dom.js", get("dom.js", { "if-none-match": etag! }), {});
  assert.equal(other?.status, 200);
  await other?.body?.cancel();
});

Deno.test("createClientFiles() serves nothing but the .js files of its folder", async () => {
  const files = createClientFiles();
  for (
    const name of [
      "deno.json",
      "missing.js",
      "../_dashboard.ts",
      "..%2f_page.ts",
      "client/app.js",
      "App.js",
      ".js",
      "app.js/",
    ]
  ) {
    assert.equal(await files.answer(name, get("x"), HEADERS), undefined, name);
  }
  assert.equal(files.isName("app.js"), true);
  assert.equal(files.isName("../app.js"), false);
});

Deno.test("createClientFiles() says which folder it cannot read", async () => {
  const files = createClientFiles(new URL("./no-such-folder/", import.meta.url));
  await assert.rejects(
    () => files.answer("app.js", get("app.js"), HEADERS),
    /Cannot read the dashboard's script in .*no-such-folder/,
  );
});
