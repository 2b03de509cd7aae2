import assert from "node:assert/strict";
import { urlPath } from "../../local/core/_url_path.ts";

Deno.test("urlPath() gives the path of a request URL without its query or fragment", () => {
  assert.equal(urlPath("http://127.0.0.1:4566/_local/faults?x=1"), "/_local/faults");
  assert.equal(urlPath("http://127.0.0.1:4566/bucket/key.json#part"), "/bucket/key.json");
  assert.equal(urlPath("http://127.0.0.1:4566/"), "/");
  assert.equal(urlPath("http://localhost:4566"), "/");
});

Deno.test("urlPath() agrees with new URL() where the URL parser rewrites the path", () => {
  for (
    const url of [
      "http://127.0.0.1:4566/_local/../_local/faults",
      "http://127.0.0.1:4566/_dashboard/./events",
      "http://127.0.0.1:4566/a%2Fb/c d",
      "http://127.0.0.1:4566/caf\u00e9",
      "http://127.0.0.1:4566/a\\b",
      "http://127.0.0.1:4566/x/y.json?q=/z",
    ]
  ) {
    assert.equal(urlPath(url), new URL(url).pathname, url);
  }
});
