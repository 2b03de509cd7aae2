import assert from "node:assert/strict";
import { buildTemplate } from "../../infra/template.ts";
import {
  ACCOUNT,
  ARTIFACT_BUCKET,
  awsError,
  DATA_BUCKET,
  event,
  eventSnapshots,
  fakeInfra,
  stack,
  STACK_ID,
  stacks,
} from "../_helpers/infra_fakes.ts";
import {
  CHECKS,
  deployed,
  emptyS3,
  PARAMETERS,
  readyS3,
  runDeploy,
  stackUpdate,
  stackUpToDate,
  ZIP,
  ZIP_KEY,
} from "../_helpers/deploy_runs.ts";

const CREATE_EVENTS = [
  event("1", "laptops", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated"),
  event("2", "Table", "AWS::DynamoDB::Table", "CREATE_IN_PROGRESS"),
  event("3", "Table", "AWS::DynamoDB::Table", "CREATE_COMPLETE"),
  event("4", "laptops", "AWS::CloudFormation::Stack", "CREATE_COMPLETE"),
];

Deno.test("deploy() uploads the package, then creates the stack and returns its outputs", async () => {
  const fake = fakeInfra({
    s3: emptyS3(),
    cloudformation: {
      DescribeStacks: stacks(
        "missing",
        stack("CREATE_IN_PROGRESS"),
        stack("CREATE_COMPLETE", { outputs: true }),
      ),
      CreateStack: () => ({ StackId: STACK_ID }),
      DescribeStackEvents: eventSnapshots(
        CREATE_EVENTS.slice(0, 2).reverse(),
        CREATE_EVENTS.slice().reverse(),
      ),
    },
  });
  const { result, progress } = await deployed(fake);

  assert.deepEqual(fake.operations(), [
    ...CHECKS,
    "CreateBucket",
    "PutPublicAccessBlock",
    "HeadObject",
    "PutObject",
    "CreateStack",
    "DescribeStackEvents",
    "DescribeStacks",
    "DescribeStackEvents",
    "DescribeStacks",
  ]);
  assert.deepEqual(fake.log[1]?.input, { StackName: "laptops" });
  assert.deepEqual(fake.log[3]?.input, { Bucket: ARTIFACT_BUCKET });
  assert.deepEqual(fake.log[4]?.input, {
    Bucket: ARTIFACT_BUCKET,
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
  });
  assert.deepEqual(fake.log[6]?.input, {
    Bucket: ARTIFACT_BUCKET,
    Key: ZIP_KEY,
    Body: ZIP,
    ContentType: "application/zip",
  });
  assert.deepEqual(fake.log[7]?.input, {
    StackName: "laptops",
    TemplateBody: JSON.stringify(buildTemplate()),
    Parameters: PARAMETERS,
    Capabilities: ["CAPABILITY_IAM"],
    Tags: [{ Key: "project", Value: "aws-discovery" }],
  });
  for (const call of fake.log.slice(8)) assert.equal(call.input.StackName, STACK_ID);

  assert.equal(result.outcome, "created");
  assert.deepEqual(result.artifact, { bucket: ARTIFACT_BUCKET, key: ZIP_KEY });
  assert.deepEqual(result.outputs, {
    AwsRegion: "us-east-1",
    AwsDynamodbTable: "laptops",
    AwsS3Bucket: DATA_BUCKET,
    AwsSqsUploadQueue: "uploaded-laptops",
    AwsSqsUpdateQueue: "updated-laptops",
  });
  assert.equal(progress.sleeps(), 1);
});

Deno.test("deploy() prints each resource event once, oldest first", async () => {
  const fake = fakeInfra({
    s3: readyS3(),
    cloudformation: {
      DescribeStacks: stacks(
        "missing",
        stack("CREATE_IN_PROGRESS"),
        stack("CREATE_IN_PROGRESS"),
        stack("CREATE_COMPLETE", { outputs: true }),
      ),
      CreateStack: () => ({ StackId: STACK_ID }),
      DescribeStackEvents: eventSnapshots(
        CREATE_EVENTS.slice(0, 2).reverse(),
        CREATE_EVENTS.slice(0, 2).reverse(),
        CREATE_EVENTS.slice().reverse(),
      ),
    },
  });
  const { progress, done } = runDeploy(fake);
  await done;
  const events = progress.lines.filter((line) => line.startsWith("  00:"));
  assert.deepEqual(events, [
    "  00:00:01  CREATE_IN_PROGRESS           AWS::CloudFormation::Stack         laptops",
    "  00:00:02  CREATE_IN_PROGRESS           AWS::DynamoDB::Table               Table",
    "  00:00:03  CREATE_COMPLETE              AWS::DynamoDB::Table               Table",
    "  00:00:04  CREATE_COMPLETE              AWS::CloudFormation::Stack         laptops",
  ]);
  assert.ok(progress.lines.includes("Artifact bucket " + ARTIFACT_BUCKET + ": exists"));
  assert.ok(progress.lines.some((line) => line.endsWith(`as ${ZIP_KEY}: already there`)));
  assert.equal(progress.lines.at(-1), "Stack laptops: CREATE_COMPLETE in 10 s");
});

Deno.test("deploy() reads event pages until one it has seen", async () => {
  const older = event("1", "laptops", "AWS::CloudFormation::Stack", "UPDATE_COMPLETE");
  const pages: Record<string, unknown> = {
    first: {
      StackEvents: [
        event("4", "laptops", "AWS::CloudFormation::Stack", "UPDATE_COMPLETE"),
        event("3", "Table", "AWS::DynamoDB::Table", "UPDATE_COMPLETE"),
      ],
      NextToken: "page2",
    },
    page2: {
      StackEvents: [
        event("2", "laptops", "AWS::CloudFormation::Stack", "UPDATE_IN_PROGRESS"),
        older,
      ],
      NextToken: "page3",
    },
  };
  let baseline = true;
  const fake = stackUpdate("UPDATE_COMPLETE", "UPDATE_COMPLETE", (input) => {
    if (baseline) {
      baseline = false;
      return { StackEvents: [older] };
    }
    return pages[(input.NextToken as string | undefined) ?? "first"];
  });
  const { result, progress } = await deployed(fake);
  assert.equal(result.outcome, "updated");
  const eventCalls = fake.cloudformation.callsOf("DescribeStackEvents").map((call) => call.input);
  assert.deepEqual(eventCalls, [
    { StackName: STACK_ID },
    { StackName: STACK_ID },
    { StackName: STACK_ID, NextToken: "page2" },
  ]);
  assert.deepEqual(
    progress.lines.filter((line) => line.startsWith("  00:")).map((line) => line.slice(2, 10)),
    ["00:00:02", "00:00:03", "00:00:04"],
  );
});

Deno.test("deploy() updates an existing stack and prints only the new events", async () => {
  const before = [event("9", "laptops", "AWS::CloudFormation::Stack", "CREATE_COMPLETE")];
  const after = [
    event("11", "laptops", "AWS::CloudFormation::Stack", "UPDATE_COMPLETE"),
    event("10", "UpdateFunction", "AWS::Lambda::Function", "UPDATE_COMPLETE"),
    ...before,
  ];
  const fake = stackUpdate("CREATE_COMPLETE", "UPDATE_COMPLETE", eventSnapshots(before, after));
  const { result, progress } = await deployed(fake);
  assert.deepEqual(fake.operations(), [
    ...CHECKS,
    "HeadObject",
    "DescribeStackEvents",
    "UpdateStack",
    "DescribeStackEvents",
    "DescribeStacks",
  ]);
  assert.deepEqual(fake.cloudformation.callsOf("UpdateStack")[0]?.input, {
    StackName: "laptops",
    TemplateBody: JSON.stringify(buildTemplate()),
    Parameters: PARAMETERS,
    Capabilities: ["CAPABILITY_IAM"],
    Tags: [{ Key: "project", Value: "aws-discovery" }],
  });
  assert.equal(result.outcome, "updated");
  const events = progress.lines.filter((line) => line.startsWith("  00:"));
  assert.equal(events.length, 2);
  assert.match(events[0] ?? "", /UPDATE_COMPLETE +AWS::Lambda::Function +UpdateFunction$/);
  assert.equal(progress.sleeps(), 0);
});

Deno.test("deploy() takes 'No updates are to be performed' as up to date", async () => {
  const fake = stackUpToDate(() => {
    throw awsError("ValidationError", 400, "No updates are to be performed.");
  });
  const { result, progress } = await deployed(fake);
  assert.equal(result.outcome, "unchanged");
  assert.equal(result.outputs.AwsS3Bucket, DATA_BUCKET);
  assert.equal(fake.operations().at(-1), "UpdateStack");
  assert.ok(progress.lines.includes("Stack laptops is up to date: UPDATE_COMPLETE"));
});

Deno.test("deploy() deletes a stack left in ROLLBACK_COMPLETE, then creates it again", async () => {
  const newId = `${STACK_ID}-new`;
  const fake = fakeInfra({
    s3: readyS3(),
    cloudformation: {
      DescribeStacks: stacks(
        stack("ROLLBACK_COMPLETE"),
        stack("DELETE_COMPLETE"),
        stack("CREATE_COMPLETE", { id: newId, outputs: true }),
      ),
      DescribeStackEvents: () => ({ StackEvents: [] }),
      DeleteStack: () => ({}),
      CreateStack: () => ({ StackId: newId }),
    },
  });
  const { result, progress } = await deployed(fake);
  assert.equal(result.outcome, "created");
  assert.deepEqual(fake.operations(), [
    ...CHECKS,
    "HeadObject",
    "DescribeStackEvents",
    "DeleteStack",
    "DescribeStackEvents",
    "DescribeStacks",
    "CreateStack",
    "DescribeStackEvents",
    "DescribeStacks",
  ]);
  assert.deepEqual(fake.cloudformation.callsOf("DeleteStack")[0]?.input, { StackName: STACK_ID });
  assert.deepEqual(fake.cloudformation.callsOf("DescribeStacks")[2]?.input, { StackName: newId });
  assert.ok(progress.lines.includes(
    "Stack laptops is ROLLBACK_COMPLETE after a failed create: deleting it first",
  ));
});

Deno.test("deploy() creates the artifact bucket in its region outside us-east-1", async () => {
  const fake = fakeInfra({
    s3: emptyS3(),
    cloudformation: {
      DescribeStacks: stacks("missing", stack("CREATE_COMPLETE", { outputs: true })),
      CreateStack: () => ({ StackId: STACK_ID }),
      DescribeStackEvents: () => ({ StackEvents: [] }),
    },
  });
  await runDeploy(fake, { region: "eu-west-1" }).done;
  assert.deepEqual(fake.s3.callsOf("CreateBucket")[0]?.input, {
    Bucket: `laptops-artifacts-${ACCOUNT}-eu-west-1`,
    CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
  });
});

Deno.test("deploy() with dryRun prints the plan and calls nothing", async () => {
  const fake = fakeInfra({ sts: {} });
  const { progress, done } = runDeploy(fake, {
    stackName: "demo",
    region: "eu-west-1",
    endpoint: "http://127.0.0.1:5000",
    dryRun: true,
  });
  const result = await done;
  assert.deepEqual(result, { outcome: "planned", outputs: {} });
  assert.deepEqual(fake.operations(), []);
  const text = progress.lines.join("\n");
  assert.match(text, /^Dry run: deploy stack demo to http:\/\/127\.0\.0\.1:5000 \(eu-west-1\)/);
  assert.match(text, /laptops-artifacts-<account>-eu-west-1/);
  assert.ok(text.includes(`(${ZIP.byteLength} bytes) as ${ZIP_KEY}`));
  assert.match(text, /with 14 resources:/);
  for (const [id, resource] of Object.entries(buildTemplate().Resources)) {
    assert.match(text, new RegExp(`^ +${id} +${resource.Type}$`, "m"));
  }
});

Deno.test("deploy() with dryRun and no package says to build it", async () => {
  const { progress, done } = runDeploy(fakeInfra({}), {
    deploymentPackage: undefined,
    dryRun: true,
  });
  await done;
  assert.ok(
    progress.lines.some((line) =>
      line.includes("dist/update_item.zip (not built yet: run `deno task build`)")
    ),
  );
});
