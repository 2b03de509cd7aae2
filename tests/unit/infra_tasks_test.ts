import assert from "node:assert/strict";
import config from "../../deno.json" with { type: "json" };
import { LAMBDA_BUNDLE } from "../../lib/build_lambda.ts";
import { PACKAGE_PATHS } from "../../lib/deployment_package.ts";

function command(name: string): string {
  const task = (config.tasks as Record<string, string | { command: string }>)[name];
  assert.ok(task, `task ${name} exists`);
  return typeof task === "string" ? task : task.command;
}

function flags(text: string, flag: string): string[] {
  return text.split(/\s+/).filter((word) => word.startsWith(`--${flag}=`)).flatMap((word) =>
    word.slice(flag.length + 3).split(",")
  );
}

Deno.test("deno.json deploy and destroy tasks allow only AWS, its variables and their files", () => {
  for (const name of ["deploy", "destroy"]) {
    const text = command(name);
    assert.match(text, new RegExp(`infra/${name}_cli\\.ts$`));
    assert.deepEqual(flags(text, "allow-net"), ["127.0.0.1", "localhost", "*.amazonaws.com"]);
    assert.deepEqual(flags(text, "allow-env")[0], "AWS_*");
    for (const variable of flags(text, "allow-env")) {
      assert.match(variable, /^(AWS_\*|HOME|USERPROFILE|HOMEPATH|HOMEDRIVE|_X_AMZN_TRACE_ID)$/);
    }
    assert.doesNotMatch(text, /--env-file|--allow-(run|ffi|sys|all)|\s-A\s/, name);
  }
  assert.deepEqual(flags(command("deploy"), "allow-read"), ["$HOME/.aws", "dist"]);
  assert.deepEqual(flags(command("deploy"), "allow-write"), [".env"]);
  assert.deepEqual(flags(command("destroy"), "allow-read"), ["$HOME/.aws"]);
  assert.deepEqual(flags(command("destroy"), "allow-write"), []);
});

Deno.test("deno.json template task needs no permission and build zips the bundle", () => {
  assert.equal(command("template"), "deno run infra/template_cli.ts");
  const build = command("build");
  assert.equal(
    build,
    "deno run --allow-run=deno --allow-read=dist --allow-write=dist infra/build_cli.ts",
  );
});

Deno.test("LAMBDA_BUNDLE builds dist/update_item.mjs from lambda/update_item.ts with the SDK's ES module builds", () => {
  assert.deepEqual({ ...LAMBDA_BUNDLE }, {
    entry: "lambda/update_item.ts",
    output: "dist/update_item.mjs",
    conditions: "module",
  });
  assert.equal(LAMBDA_BUNDLE.output, PACKAGE_PATHS.bundle);
});
