import assert from "node:assert/strict";
import { checkDashboardRequest } from "../../local/dashboard/_guard.ts";

const PORT = 4566;
const read = { port: PORT, mutating: false };
const write = { port: PORT, mutating: true };

function headers(values: Record<string, string>): Headers {
  return new Headers({ host: `127.0.0.1:${PORT}`, ...values });
}

Deno.test("checkDashboardRequest() lets the page read over loopback", () => {
  assert.equal(checkDashboardRequest("GET", headers({}), read), undefined);
  assert.equal(
    checkDashboardRequest("GET", new Headers({ host: `localhost:${PORT}` }), read),
    undefined,
  );
});

Deno.test("checkDashboardRequest() refuses another host name (DNS rebinding)", () => {
  const refusal = checkDashboardRequest("GET", new Headers({ host: `evil.example:${PORT}` }), read);
  assert.equal(refusal?.status, 421);
  assert.equal(
    checkDashboardRequest("GET", new Headers({ host: "127.0.0.1:9" }), read)?.status,
    421,
  );
});

Deno.test("checkDashboardRequest() accepts a same-origin JSON POST", () => {
  const refusal = checkDashboardRequest(
    "POST",
    headers({
      "content-type": "application/json",
      "origin": `http://127.0.0.1:${PORT}`,
      "sec-fetch-site": "same-origin",
    }),
    write,
  );
  assert.equal(refusal, undefined);
});

Deno.test("checkDashboardRequest() refuses a cross-site POST", () => {
  const json = { "content-type": "application/json" };
  assert.equal(
    checkDashboardRequest("POST", headers({ ...json, "sec-fetch-site": "cross-site" }), write)
      ?.status,
    403,
  );
  assert.equal(
    checkDashboardRequest("POST", headers({ ...json, origin: "https://evil.example" }), write)
      ?.status,
    403,
  );
  assert.equal(
    checkDashboardRequest("POST", headers({ ...json, origin: "http://localhost:4566" }), write)
      ?.status,
    403,
    "another origin of the same machine is another site",
  );
});

Deno.test("checkDashboardRequest() refuses a form POST and any other method for actions", () => {
  const form = headers({ "content-type": "application/x-www-form-urlencoded" });
  assert.equal(checkDashboardRequest("POST", form, write)?.status, 415);
  assert.equal(checkDashboardRequest("GET", headers({}), write)?.status, 405);
  assert.equal(checkDashboardRequest("DELETE", headers({}), read)?.status, 405);
});
