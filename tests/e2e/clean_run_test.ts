/**
 * A newcomer's first run prints no warning: with no `.env`, `deno task
 * generate`, `deno task service` and `deno task local` write no line
 * containing "Warning" (Deno's `--env-file` warns about a missing file unless
 * quiet). Skipped, saying so, where a `.env` exists.
 */

import assert from "node:assert/strict";
import { run } from "../_helpers/e2e.ts";
import { startTask } from "../_helpers/processes.ts";

// The e2e suite may not read .env itself: a deno child looks.
const HAS_ENV = (await run("deno", ["eval", "Deno.statSync('.env')"])).code === 0;
if (HAS_ENV) console.log("clean_run_test: skipping: this checkout has a .env");

function warnings(lines: string[]): string[] {
  return lines.filter((line) => line.includes("Warning"));
}

Deno.test({
  name: "deno task generate, service and local print no warning without a .env",
  ignore: HAS_ENV,
}, async () => {
  const local = startTask("local", ["--port", "0", "--in-memory", "--no-lambda"]);
  try {
    const ready = await local.waitFor(/^local AWS ready on (http:\/\/127\.0\.0\.1:\d+)/);
    const endpoint = /(http:\/\/127\.0\.0\.1:\d+)/.exec(ready)?.[1] ?? "";
    const env = { AWS_ENDPOINT_URL: endpoint };
    const stem = `clean-${crypto.randomUUID().slice(0, 8)}`;
    try {
      const generate = await run("deno", ["task", "generate", `${stem}.json`], { env });
      assert.equal(generate.code, 0, generate.stderr);
      // Nothing to poll from the update queue: no Lambda runs here.
      const service = await run("deno", ["task", "service", "--once", "--wait", "0"], { env });
      assert.equal(service.code, 0, service.stderr);
      for (const result of [generate, service]) {
        assert.deepEqual(warnings(`${result.stdout}\n${result.stderr}`.split("\n")), []);
      }
    } finally {
      await Deno.remove(`out/${stem}.json`).catch(() => {});
    }
  } finally {
    local.kill("SIGTERM");
    await local.status;
  }
  assert.deepEqual(warnings([...local.stdout, ...local.stderr]), []);
});
