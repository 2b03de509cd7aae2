/**
 * `deno task deploy` and `deno task destroy` run for real, with the tasks'
 * own permissions, against moto (a second AWS emulator, for Python) on an
 * ephemeral port: the real template must create a complete stack there.
 * Skipped, saying so, where python3 with moto is not installed.
 */

import assert from "node:assert/strict";
import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { unzipSync } from "fflate";
import config from "../../deno.json" with { type: "json" };
import { createInfraClients } from "../../infra/clients.ts";
import { buildDeploymentPackage } from "../../lib/deployment_package.ts";
import { buildTemplate } from "../../infra/template.ts";
import { policyDocument, type PrincipalName, resourceArn } from "../../lib/policies.ts";
import { RESOURCES } from "../../lib/resources.ts";
import { buildBundle, run, type RunResult, startMoto, tempDir } from "../_helpers/e2e.ts";

const REGION = "us-east-1";
const MOTO_ACCOUNT = "123456789012";
const DATA_BUCKET = `${RESOURCES.bucket.name}-${MOTO_ACCOUNT}-${REGION}`;
const ARTIFACT_BUCKET = `${RESOURCES.bucket.name}-artifacts-${MOTO_ACCOUNT}-${REGION}`;

async function motoInstalled(): Promise<boolean> {
  try {
    const result = await run("python3", ["-c", "import moto, moto.server"]);
    return result.code === 0;
  } catch {
    return false;
  }
}

const MOTO = await motoInstalled();
if (!MOTO) {
  console.log(
    "deploy_moto_test: skipping the deploy to moto: python3 with moto is not installed (pip install 'moto[server]')",
  );
}

/**
 * Runs an infra task as deno.json defines it, with its permissions, except
 * that it may also read `readDir` and write `writeFile` instead of `.env`.
 */
async function runTask(
  name: "deploy" | "destroy",
  args: string[],
  options: { endpoint: string; readDir?: string; writeFile?: string },
): Promise<RunResult> {
  const task = (config.tasks as Record<string, { command: string }>)[name];
  assert.ok(task);
  const home = Deno.env.get("HOME") ?? "";
  const words = task.command.split(/\s+/).map((word) => word.replaceAll("$HOME", home));
  assert.equal(words.shift(), "deno");
  const taskArgs = words.map((word) => {
    if (word.startsWith("--allow-read=") && options.readDir) return `${word},${options.readDir}`;
    if (word.startsWith("--allow-write=") && options.writeFile) {
      return `--allow-write=${options.writeFile}`;
    }
    return word;
  });
  // Only HOME (for Deno's cache) and the endpoint: no credentials, so the
  // programs sign as the local test/test identity, as on a laptop.
  const result = await run("deno", [...taskArgs, ...args], {
    clearEnv: true,
    env: { HOME: home, AWS_ENDPOINT_URL: options.endpoint, AWS_REGION: REGION, NO_COLOR: "1" },
  });
  return result;
}

function parseEnv(text: string): Record<string, string> {
  return Object.fromEntries(
    text.split("\n").filter((line) => line && !line.startsWith("#")).map((line) => {
      const at = line.indexOf("=");
      return [line.slice(0, at), line.slice(at + 1)];
    }),
  );
}

async function awsCli(endpoint: string, args: string[]): Promise<unknown> {
  const result = await run("aws", ["--endpoint-url", endpoint, "--output", "json", ...args], {
    clearEnv: true,
    env: {
      HOME: Deno.env.get("HOME") ?? "",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_DEFAULT_REGION: REGION,
    },
  });
  assert.equal(result.code, 0, `aws ${args.join(" ")}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** The .env: every variable, pointing at moto. */
async function assertEnvFile(envFile: string, endpoint: string): Promise<void> {
  const env = parseEnv(await Deno.readTextFile(envFile));
  assert.deepEqual(env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: REGION,
    AWS_DYNAMODB_TABLE: RESOURCES.table.name,
    AWS_S3_BUCKET: DATA_BUCKET,
    AWS_SQS_UPLOAD_QUEUE: RESOURCES.uploadQueue.name,
    AWS_SQS_UPDATE_QUEUE: RESOURCES.updateQueue.name,
  });
}

/** The queues as the definition says, each with its DLQ and SSE. */
async function assertQueuesDeployed(sqs: SQSClient): Promise<void> {
  for (const definition of [RESOURCES.uploadQueue, RESOURCES.updateQueue]) {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: definition.name }));
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }),
    );
    assert.equal(Attributes.VisibilityTimeout, String(definition.visibilityTimeoutSeconds));
    assert.equal(Attributes.SqsManagedSseEnabled, "true");
    assert.deepEqual(JSON.parse(Attributes.RedrivePolicy ?? "{}"), {
      deadLetterTargetArn:
        `arn:aws:sqs:${REGION}:${MOTO_ACCOUNT}:${definition.deadLetterQueueName}`,
      maxReceiveCount: definition.maxReceiveCount,
    });
  }
}

/** The function, from the uploaded package, and its event source mapping (AWS CLI). */
async function assertFunctionDeployed(endpoint: string): Promise<void> {
  const fn = RESOURCES.updateFunction;
  const configuration = await awsCli(endpoint, [
    "lambda",
    "get-function-configuration",
    "--function-name",
    fn.name,
  ]) as Record<string, unknown>;
  assert.equal(configuration.Runtime, fn.runtime);
  assert.equal(configuration.Handler, fn.handler);
  assert.equal(configuration.Timeout, fn.timeoutSeconds);
  assert.equal(configuration.MemorySize, fn.memoryMb);
  assert.deepEqual(configuration.Environment, {
    Variables: {
      AWS_DYNAMODB_TABLE: RESOURCES.table.name,
      AWS_SQS_UPDATE_QUEUE: RESOURCES.updateQueue.name,
    },
  });
  const { EventSourceMappings: mappings } = await awsCli(endpoint, [
    "lambda",
    "list-event-source-mappings",
    "--function-name",
    fn.name,
  ]) as { EventSourceMappings: Record<string, unknown>[] };
  assert.equal(mappings.length, 1);
  assert.deepEqual(mappings[0]?.FunctionResponseTypes, ["ReportBatchItemFailures"]);
  assert.equal(mappings[0]?.BatchSize, fn.batchSize);
  assert.equal(
    mappings[0]?.EventSourceArn,
    `arn:aws:sqs:${REGION}:${MOTO_ACCOUNT}:${RESOURCES.uploadQueue.name}`,
  );
}

/** The package in the artifact bucket holds the bundle under the handler's file. */
async function assertPackageDeployed(s3: S3Client, bundle: Uint8Array): Promise<void> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: ARTIFACT_BUCKET }));
  assert.equal(listed.KeyCount, 1);
  const key = listed.Contents?.[0]?.Key ?? "";
  assert.match(key, /^update-item\/[0-9a-f]{64}\.zip$/);
  const zip = await s3.send(new GetObjectCommand({ Bucket: ARTIFACT_BUCKET, Key: key }));
  const files = unzipSync(await zip.Body!.transformToByteArray());
  assert.deepEqual(files["update_item.mjs"], bundle);
}

/** The people's policies as deployed equal lib/policies.ts with concrete ARNs. */
async function assertPoliciesDeployed(endpoint: string): Promise<void> {
  const context = { region: REGION, accountId: MOTO_ACCOUNT, bucketName: DATA_BUCKET };
  const { Policies: policies } = await awsCli(endpoint, [
    "iam",
    "list-policies",
    "--scope",
    "Local",
  ]) as { Policies: { PolicyName: string; Arn: string; DefaultVersionId: string }[] };
  const deployedPolicies: Record<string, unknown> = {};
  for (const policy of policies) {
    const { PolicyVersion } = await awsCli(endpoint, [
      "iam",
      "get-policy-version",
      "--policy-arn",
      policy.Arn,
      "--version-id",
      policy.DefaultVersionId,
    ]) as { PolicyVersion: { Document: unknown } };
    deployedPolicies[policy.PolicyName.replace(/^e2e-(\w+)Policy-.*$/, "$1")] =
      PolicyVersion.Document;
  }
  const expected = (principal: PrincipalName) =>
    JSON.parse(JSON.stringify(policyDocument(principal, (r) => resourceArn(r, context))));
  assert.deepEqual(deployedPolicies, {
    Generator: expected("generator"),
    Service: expected("service"),
  });
}

/** Data in the bucket, in several versions and a delete marker. */
async function putVersionedData(s3: S3Client): Promise<void> {
  await s3.send(
    new PutBucketVersioningCommand({
      Bucket: DATA_BUCKET,
      VersioningConfiguration: { Status: "Enabled" },
    }),
  );
  for (const body of ["{}", '{"v":2}']) {
    await s3.send(new PutObjectCommand({ Bucket: DATA_BUCKET, Key: "a.json", Body: body }));
  }
  await s3.send(new PutObjectCommand({ Bucket: DATA_BUCKET, Key: "b.json", Body: "{}" }));
  await s3.send(new DeleteObjectCommand({ Bucket: DATA_BUCKET, Key: "b.json" }));
}

Deno.test({
  name: "deno task deploy and destroy create and remove the whole stack on moto",
  ignore: !MOTO,
  async fn() {
    const dir = await Deno.realPath(await tempDir("deploy-moto-"));
    const moto = await startMoto();
    const common = {
      endpoint: moto.endpoint,
      region: REGION,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      defaultUserAgentProvider: () => Promise.resolve([["e2e", "1"]] as [string, string][]),
    };
    const s3 = new S3Client({ ...common, forcePathStyle: true });
    const sqs = new SQSClient(common);
    const infra = createInfraClients(common);
    try {
      // The package AWS would run: the real bundle, zipped as `deno task build` does.
      const bundle = await Deno.readFile(await buildBundle(dir));
      await Deno.writeFile(`${dir}/update_item.zip`, buildDeploymentPackage(bundle));
      const envFile = `${dir}/moto.env`;
      const deployArgs = [
        "--stack",
        "e2e",
        "--package",
        `${dir}/update_item.zip`,
        "--env-out",
        envFile,
      ];

      let started = performance.now();
      const deployed = await runTask("deploy", deployArgs, {
        endpoint: moto.endpoint,
        readDir: dir,
        writeFile: envFile,
      });
      const deploySeconds = (performance.now() - started) / 1000;
      assert.equal(deployed.code, 0, `deploy failed:\n${deployed.stdout}\n${deployed.stderr}`);
      assert.match(deployed.stdout, /Creating stack e2e/);
      assert.match(deployed.stdout, /CREATE_COMPLETE +AWS::CloudFormation::Stack +e2e/);
      assert.match(deployed.stdout, /Stack e2e: CREATE_COMPLETE in \d+ s/);
      assert.match(deployed.stdout, new RegExp(`Wrote ${envFile}`));

      await assertEnvFile(envFile, moto.endpoint);
      const described = await infra.cloudformation.send(
        new DescribeStacksCommand({ StackName: "e2e" }),
      );
      assert.equal(described.Stacks?.[0]?.StackStatus, "CREATE_COMPLETE");

      await assertQueuesDeployed(sqs);
      await assertFunctionDeployed(moto.endpoint);
      await assertPackageDeployed(s3, bundle);
      await assertPoliciesDeployed(moto.endpoint);

      // Deploying the same package again changes nothing.
      const again = await runTask("deploy", [
        "--stack",
        "e2e",
        "--package",
        `${dir}/update_item.zip`,
      ], {
        endpoint: moto.endpoint,
        readDir: dir,
      });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /already there/);
      assert.match(again.stdout, /Stack e2e is up to date/);
      assert.match(again.stdout, /AWS_S3_BUCKET=laptops-123456789012-us-east-1/);

      await putVersionedData(s3);

      started = performance.now();
      const destroyed = await runTask("destroy", ["--stack", "e2e"], { endpoint: moto.endpoint });
      const destroySeconds = (performance.now() - started) / 1000;
      assert.equal(destroyed.code, 0, `destroy failed:\n${destroyed.stdout}\n${destroyed.stderr}`);
      assert.match(destroyed.stdout, /Emptied data bucket .*: 4 object versions deleted/);
      assert.match(destroyed.stdout, /Stack e2e: DELETE_COMPLETE/);
      assert.match(destroyed.stdout, /Deleted artifact bucket .* and its 1 packages/);
      await assert.rejects(
        infra.cloudformation.send(new DescribeStacksCommand({ StackName: "e2e" })),
        /does not exist/,
      );
      for (const bucket of [DATA_BUCKET, ARTIFACT_BUCKET]) {
        await assert.rejects(s3.send(new HeadBucketCommand({ Bucket: bucket })), bucket);
      }
      console.log(
        `moto: deploy ${deploySeconds.toFixed(1)} s, destroy ${
          destroySeconds.toFixed(1)
        } s (each a deno process, with start-up)`,
      );
    } finally {
      s3.destroy();
      sqs.destroy();
      await moto.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("deno task deploy --dry-run prints the plan without credentials or network", async () => {
  const result = await runTask("deploy", ["--dry-run", "--stack", "plan"], {
    endpoint: "http://127.0.0.1:9",
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /^Dry run: deploy stack plan to http:\/\/127\.0\.0\.1:9 \(us-east-1\)/,
  );
  assert.match(result.stdout, /UpdateFunctionEventSourceMapping +AWS::Lambda::EventSourceMapping/);
  assert.match(result.stdout, /6\. Print the outputs as a \.env/);
});

Deno.test("deno task deploy and destroy exit 2 with the usage on a bad flag", async () => {
  for (const name of ["deploy", "destroy"] as const) {
    const result = await runTask(name, ["--stack", "bad_name"], { endpoint: "http://127.0.0.1:9" });
    assert.equal(result.code, 2, name);
    assert.match(result.stderr, /Invalid --stack "bad_name"/);
    assert.match(result.stderr, new RegExp(`Usage: deno task ${name}`));
    const help = await runTask(name, ["--help"], { endpoint: "http://127.0.0.1:9" });
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`^Usage: deno task ${name}`));
  }
  const write = await runTask("deploy", ["--env-out", "elsewhere.env"], {
    endpoint: "http://127.0.0.1:9",
  });
  assert.equal(write.code, 2);
  assert.match(
    write.stderr,
    /Cannot write --env-out elsewhere\.env: the deploy task may write \.env only/,
  );
});

Deno.test("deno task template prints the template as JSON", async () => {
  const result = await run("deno", ["run", "infra/template_cli.ts"]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), buildTemplate());
});
