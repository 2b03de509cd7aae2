/**
 * What must never reach the repository: local settings (`.env`), the local
 * AWS's data (`.local/`), and any secret in the committed `example.env`.
 * The files are imported as text, so the suite stays hermetic.
 */

import assert from "node:assert/strict";
import gitignore from "../../.gitignore" with { type: "text" };
import exampleEnv from "../../example.env" with { type: "text" };

/** The patterns of a .gitignore, without comments and blank lines. */
function patterns(text: string): string[] {
  return text.split("\n").map((line) => line.trim()).filter((line) =>
    line !== "" && !line.startsWith("#")
  );
}

/** The `NAME=value` lines of an env file that are in effect (not commented out). */
function assignments(text: string): [string, string][] {
  return text.split("\n").map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const at = line.indexOf("=");
      return [line.slice(0, at).replace(/^export\s+/, ""), line.slice(at + 1)];
    });
}

/** Things that look like AWS credentials, wherever they are. */
const CREDENTIAL_SHAPES: [string, RegExp][] = [
  ["an access key id", /\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/],
  ["a secret access key", /(^|[^A-Za-z0-9/+])[A-Za-z0-9/+]{40}($|[^A-Za-z0-9/+=])/m],
  ["a session token", /\bIQoJb3JpZ2luX2Vj[A-Za-z0-9/+=]{20,}/],
];

Deno.test(".gitignore ignores .env and the local AWS's data in .local/", () => {
  const ignored = patterns(gitignore);
  assert.ok(ignored.includes(".env") || ignored.includes("/.env"), ".env");
  assert.ok(ignored.includes(".local/") || ignored.includes("/.local/"), ".local/");
  assert.ok(!ignored.some((p) => p.startsWith("!.env") || p.startsWith("!.local")), "no exception");
});

Deno.test("example.env gives no credential a value and holds nothing shaped like one", () => {
  const credentials = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];
  for (const [name, value] of assignments(exampleEnv)) {
    assert.ok(!credentials.includes(name) || value === "", `${name} is set`);
  }
  for (const name of credentials.slice(1)) {
    assert.doesNotMatch(exampleEnv, new RegExp(`^\\s*#?\\s*${name}\\s*=\\s*\\S`, "m"), name);
  }
  for (const [what, shape] of CREDENTIAL_SHAPES) {
    assert.doesNotMatch(exampleEnv, shape, `no ${what}`);
  }
});

Deno.test("CREDENTIAL_SHAPES recognize AWS's documented example keys and not the local ones", () => {
  const [accessKey, secret] = CREDENTIAL_SHAPES;
  assert.match("AKIAIOSFODNN7EXAMPLE", accessKey![1]);
  assert.match("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", secret![1]);
  assert.doesNotMatch("LKIAGENERATORLOCAL01", accessKey![1]);
  assert.doesNotMatch("AWS_REGION=us-east-1", secret![1]);
});
