/**
 * Security, over the wire: credentials never appear in any program's logs
 * or error messages (a recognizable fake secret and session token, through
 * the success and the failure paths of every program), and the local AWS
 * listens on 127.0.0.1 only, and says so.
 */

import assert from "node:assert/strict";
import { RESOURCES } from "../../lib/resources.ts";
import { startLambdaRunner } from "../../local/lambda/mod.ts";
import { startLocalAws } from "../../local/local_aws.ts";
import { buildBundle, closedPort, run, tempDir, testClients } from "../_helpers/e2e.ts";
import { startTask, type TaskProcess } from "../_helpers/processes.ts";
import { waitFor } from "../_helpers/wait.ts";
import { sendTo } from "../_helpers/sqs.ts";

const SECRET = "SECRETxyzNeverPrintThis0123456789abcdefgh";
const TOKEN = "SECRETtokenNeverPrintThisEither0123456789";
const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: "AKIAFAKEFAKEFAKEFAKE",
  AWS_SECRET_ACCESS_KEY: SECRET,
  AWS_SESSION_TOKEN: TOKEN,
};

function assertNoCredential(what: string, text: string): void {
  assert.ok(!text.includes(SECRET), `${what} prints the secret access key`);
  assert.ok(!text.includes(TOKEN), `${what} prints the session token`);
}

function output(process: TaskProcess): string {
  return [...process.stdout, ...process.stderr].join("\n");
}

/** The runs: what, the task, its arguments, and the endpoint it talks to. */
function programRuns(
  outDir: string,
  openEndpoint: string,
  strictEndpoint: string,
): [string, string, string[], string][] {
  return [
    [
      "generate, success",
      "generate",
      ["ok.json", "--count", "3", "--out-dir", outDir],
      openEndpoint,
    ],
    [
      "generate, rejected credentials",
      "generate",
      ["no.json", "--out-dir", outDir],
      strictEndpoint,
    ],
    [
      "generate, unreachable endpoint",
      "generate",
      ["no.json", "--out-dir", outDir],
      `http://127.0.0.1:${closedPort()}`,
    ],
    [
      "service, success",
      "service",
      ["--json", "--max-messages", "4", "--wait", "2"],
      openEndpoint,
    ],
    ["service, rejected credentials", "service", ["--once", "--wait", "1"], strictEndpoint],
  ];
}

/** Queues a poison message on each queue, for the Lambda and the service to fail on. */
async function sendPoisonMessages(endpoint: string): Promise<void> {
  using admin = testClients(endpoint);
  await sendTo(admin.sqs, RESOURCES.updateQueue.name, '{"dynamodb_key": 1}');
  await sendTo(admin.sqs, RESOURCES.uploadQueue.name, "not json");
}

/** The paths ran: the success paths worked, the failure paths said why. */
function assertPathsRan(text: Record<string, string>): void {
  assert.match(text["generate, success"] ?? "", /generated 3 of 3 laptops/);
  assert.match(text["generate, rejected credentials"] ?? "", /AWS rejected the credentials/);
  assert.match(text["generate, unreachable endpoint"] ?? "", /connection refused/);
  assert.match(text["service, success"] ?? "", /"same_record":true/);
  assert.match(text["service, success"] ?? "", /Cannot parse message body/);
  assert.match(text["service, rejected credentials"] ?? "", /AWS rejected the credentials/);
  assert.match(
    text["Lambda runner and function"] ?? "",
    /Cannot parse message body: it is not JSON/,
  );
  assert.match(text["local AWS (IAM on)"] ?? "", /\[iam\] InvalidClientTokenId/);
}

Deno.test("no program prints a credential, on success or failure", async () => {
  const dir = await tempDir("security-");
  const outDir = `out/security-${crypto.randomUUID().slice(0, 8)}`;
  const seen: [string, string][] = [];
  try {
    // A local AWS that takes any credentials (success paths), and one that
    // checks them (failure paths), both as `deno task local` processes.
    await using open = startTask("local", [
      "--in-memory",
      "--no-lambda",
      "--port",
      "0",
      "--iam",
      "off",
    ]);
    await using strict = startTask("local", ["--in-memory", "--no-lambda", "--port", "0"]);
    const endpointOf = async (local: TaskProcess) =>
      (await local.waitFor(/local AWS ready on http:\/\/127\.0\.0\.1:\d+/)).match(
        /http:\/\/127\.0\.0\.1:\d+/,
      )![0];
    const openEndpoint = await endpointOf(open);
    const strictEndpoint = await endpointOf(strict);

    // The Lambda, with the fake credentials as its role's.
    const code = await buildBundle(dir);
    const lambdaLines: string[] = [];
    const runner = await startLambdaRunner({
      endpoint: openEndpoint,
      code,
      credentials: {
        accessKeyId: CREDENTIALS.AWS_ACCESS_KEY_ID,
        secretAccessKey: SECRET,
        sessionToken: TOKEN,
      },
      timeoutSeconds: 2,
      logger: (entry) => lambdaLines.push(entry.line),
    });
    try {
      const programs = programRuns(outDir, openEndpoint, strictEndpoint);
      // A poison message: the Lambda and the service each report a failure.
      await sendPoisonMessages(openEndpoint);
      for (const [what, task, args, endpoint] of programs) {
        const process = startTask(task, args, {
          env: { ...CREDENTIALS, AWS_ENDPOINT_URL: endpoint },
        });
        const status = await process.status;
        seen.push([what, output(process)]);
        if (what.endsWith("success")) assert.ok(status.code <= 1, output(process));
        else assert.equal(status.code, 1, output(process));
      }
      await waitFor(
        "the Lambda's parse error",
        () => lambdaLines.some((l) => l.includes("Cannot parse message body")),
        { timeoutMs: 30_000 },
      );
    } finally {
      await runner.close();
    }
    seen.push(["Lambda runner and function", lambdaLines.join("\n")]);
    open.kill("SIGTERM");
    strict.kill("SIGTERM");
    await Promise.all([open.status, strict.status]);
    seen.push(["local AWS (IAM off)", output(open)], ["local AWS (IAM on)", output(strict)]);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outDir, { recursive: true }).catch(() => {});
  }

  assertPathsRan(Object.fromEntries(seen));
  for (const [what, printed] of seen) assertNoCredential(what, printed);
});

const PROBE = `
import json, socket, sys
port = int(sys.argv[1])
def connect(family, host):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect((host, port))
        return "open"
    except ConnectionRefusedError:
        return "refused"
    except OSError as error:
        return "unreachable: %s" % error.strerror
    finally:
        s.close()
out = {"127.0.0.1": connect(socket.AF_INET, "127.0.0.1")}
# This machine's own address on its network, if it has one (no packet is sent).
probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    probe.connect(("10.255.255.255", 1))
    address = probe.getsockname()[0]
    if not address.startswith("127."):
        out[address] = connect(socket.AF_INET, address)
except OSError:
    pass
finally:
    probe.close()
if socket.has_ipv6:
    out["::1"] = connect(socket.AF_INET6, "::1")
print(json.dumps(out))
`;

Deno.test("deno task local listens on 127.0.0.1 only, and says so", async () => {
  await using local = startTask("local", ["--in-memory", "--no-lambda", "--port", "0"]);
  const ready = await local.waitFor(/local AWS ready/);
  assert.match(
    ready,
    /^local AWS ready on http:\/\/127\.0\.0\.1:\d+ .*listening on 127\.0\.0\.1 only/,
  );
  const port = ready.match(/127\.0\.0\.1:(\d+)/)![1]!;
  const probe = await run("python3", ["-c", PROBE, port]);
  assert.equal(probe.code, 0, probe.stderr);
  const reached = JSON.parse(probe.stdout) as Record<string, string>;
  console.log(`port ${port} from: ${JSON.stringify(reached)}`);
  assert.equal(reached["127.0.0.1"], "open");
  for (const [address, outcome] of Object.entries(reached)) {
    if (address !== "127.0.0.1") assert.notEqual(outcome, "open", `reachable on ${address}`);
  }
  local.kill("SIGTERM");
  assert.equal((await local.status).code, 0);
});

Deno.test("startLocalAws() binds 127.0.0.1, whatever port it is given", async () => {
  await using aws = await startLocalAws({ port: 0, inMemory: true });
  assert.match(aws.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
});
