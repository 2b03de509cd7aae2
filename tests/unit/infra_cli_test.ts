import assert from "node:assert/strict";
import { parseInfraArgs, readTarget, UsageError } from "../../infra/_cli.ts";

function env(values: Record<string, string>) {
  return (name: string) => values[name];
}

Deno.test("parseInfraArgs() takes the defaults", () => {
  assert.deepEqual(parseInfraArgs([], ["env-out", "package"]), {
    help: false,
    stack: "laptops",
    region: undefined,
    dryRun: false,
    envOut: undefined,
    package: undefined,
    keepArtifacts: false,
  });
});

Deno.test("parseInfraArgs() reads every flag of deploy", () => {
  const args = parseInfraArgs(
    ["--stack", "demo-2", "--region", "eu-west-1", "--env-out", ".env", "--dry-run"],
    ["env-out", "package"],
  );
  assert.equal(args.stack, "demo-2");
  assert.equal(args.region, "eu-west-1");
  assert.equal(args.envOut, ".env");
  assert.equal(args.dryRun, true);
  assert.equal(parseInfraArgs(["-h"], []).help, true);
  assert.equal(parseInfraArgs(["--keep-artifacts"], ["keep-artifacts"]).keepArtifacts, true);
});

Deno.test("parseInfraArgs() rejects bad usage with UsageError", () => {
  const cases: [string[], RegExp][] = [
    [["--bogus"], /Unknown option '--bogus'/],
    [["extra"], /positional/i],
    [["--stack"], /argument missing|--stack/],
    [["--stack", "1abc"], /Invalid --stack "1abc"/],
    [["--stack", "a_b"], /Invalid --stack "a_b"/],
    [["--region", "moon"], /Invalid --region "moon"/],
    [["--keep-artifacts"], /Unknown option '--keep-artifacts'/],
    [["--env-out", ""], /Invalid --env-out: the path is empty/],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => parseInfraArgs(args, ["env-out"]), (error: Error) => {
      assert.ok(error instanceof UsageError, args.join(" "));
      assert.match(error.message, message);
      return true;
    });
  }
});

Deno.test("readTarget() takes the region from the flag, then the variables, then the definition", () => {
  assert.equal(readTarget(env({ AWS_REGION: "eu-west-1" }), "us-west-2").region, "us-west-2");
  assert.equal(
    readTarget(env({ AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "us-west-2" }), undefined).region,
    "eu-west-1",
  );
  assert.equal(readTarget(env({ AWS_DEFAULT_REGION: "us-west-2" }), undefined).region, "us-west-2");
  assert.equal(readTarget(env({}), undefined).region, "us-east-1");
  assert.throws(
    () => readTarget(env({ AWS_REGION: "nowhere" }), undefined),
    new UsageError('Invalid AWS_REGION "nowhere": expected a region such as us-east-1'),
  );
});

Deno.test("readTarget() honours AWS_ENDPOINT_URL and signs locally as test/test without credentials", () => {
  assert.deepEqual(readTarget(env({}), undefined), {
    region: "us-east-1",
    endpoint: undefined,
    credentials: undefined,
  });
  assert.deepEqual(readTarget(env({ AWS_ENDPOINT_URL: "http://127.0.0.1:5000/" }), undefined), {
    region: "us-east-1",
    endpoint: "http://127.0.0.1:5000",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const configured = readTarget(
    env({ AWS_ENDPOINT_URL: "http://localhost:5000", AWS_PROFILE: "dev" }),
    undefined,
  );
  assert.equal(configured.credentials, undefined, "a profile is used as configured");
  const remote = readTarget(env({ AWS_ENDPOINT_URL: "https://example.test" }), undefined);
  assert.equal(remote.credentials, undefined, "no local keys for a remote endpoint");
  assert.throws(
    () => readTarget(env({ AWS_ENDPOINT_URL: "127.0.0.1:4566" }), undefined),
    UsageError,
  );
});
