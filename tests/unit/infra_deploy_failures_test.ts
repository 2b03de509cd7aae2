/**
 * deploy() when it cannot finish: a stack that rolls back, is busy or stuck,
 * a bucket these credentials may not use, a timeout, an abort, no package.
 * Its runs that succeed are in infra_deploy_test.ts.
 */

import assert from "node:assert/strict";
import { deploy } from "../../infra/deploy.ts";
import { StackOperationError } from "../../infra/stack_operation_error.ts";
import {
  ARTIFACT_BUCKET,
  awsError,
  event,
  eventSnapshots,
  fakeInfra,
  missingStack,
  sequence,
  stack,
  STACK_ID,
  stacks,
} from "../_helpers/infra_fakes.ts";
import { readyS3, runDeploy, stackUpdate, stackUpToDate, ZIP } from "../_helpers/deploy_runs.ts";

Deno.test("deploy() passes on any other UpdateStack error", async () => {
  const fake = stackUpToDate(() => {
    throw awsError("InsufficientCapabilitiesException", 400, "Requires capabilities");
  });
  await assert.rejects(
    runDeploy(fake).done,
    { name: "InsufficientCapabilitiesException" },
  );
});

Deno.test("deploy() throws the rollback reasons when the create fails", async () => {
  const events = [
    event("1", "laptops", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated"),
    event(
      "2",
      "UpdateFunction",
      "AWS::Lambda::Function",
      "CREATE_FAILED",
      'Resource handler returned message: "Error occurred while GetObject. S3 Error Code: NoSuchKey"',
    ),
    event("3", "UploadQueue", "AWS::SQS::Queue", "CREATE_FAILED", "Resource creation cancelled"),
    event(
      "4",
      "laptops",
      "AWS::CloudFormation::Stack",
      "ROLLBACK_IN_PROGRESS",
      "The following resource(s) failed to create: [UpdateFunction, UploadQueue]. Rollback requested by user.",
    ),
    event("5", "laptops", "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE"),
  ];
  const fake = fakeInfra({
    s3: readyS3(),
    cloudformation: {
      DescribeStacks: stacks("missing", stack("ROLLBACK_IN_PROGRESS"), stack("ROLLBACK_COMPLETE")),
      CreateStack: () => ({ StackId: STACK_ID }),
      DescribeStackEvents: eventSnapshots(
        events.slice(0, 4).reverse(),
        events.slice().reverse(),
      ),
    },
  });
  const { progress, done } = runDeploy(fake);
  const error = await done.then(() => assert.fail("deploy() resolved"), (error: unknown) => error);

  assert.ok(error instanceof StackOperationError);
  assert.equal(error.status, "ROLLBACK_COMPLETE");
  assert.equal(
    error.message,
    [
      "Cannot deploy stack laptops: it ended in ROLLBACK_COMPLETE",
      '  UpdateFunction (AWS::Lambda::Function) CREATE_FAILED: Resource handler returned message: "Error occurred while GetObject. S3 Error Code: NoSuchKey"',
      "  UploadQueue (AWS::SQS::Queue) CREATE_FAILED: Resource creation cancelled",
    ].join("\n"),
  );
  assert.deepEqual(error.failures.map((failure) => failure.logicalId), [
    "UpdateFunction",
    "UploadQueue",
  ]);
  assert.equal(fake.operations().at(-1), "DescribeStacks", "nothing after the rollback");
  assert.ok(
    progress.lines.some((line) =>
      line.includes("ROLLBACK_IN_PROGRESS") && line.includes("failed to create: [UpdateFunction")
    ),
    "the stack's rollback reason is printed with its event",
  );
});

Deno.test("deploy() throws the reasons when an update rolls back", async () => {
  const fake = stackUpdate(
    "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_COMPLETE",
    eventSnapshots([], [
      event("3", "laptops", "AWS::CloudFormation::Stack", "UPDATE_ROLLBACK_COMPLETE"),
      event("2", "Table", "AWS::DynamoDB::Table", "UPDATE_FAILED", "Access denied"),
    ]),
  );
  await assert.rejects(
    runDeploy(fake).done,
    (error: unknown) =>
      error instanceof StackOperationError && error.status === "UPDATE_ROLLBACK_COMPLETE" &&
      error.message ===
        "Cannot deploy stack laptops: it ended in UPDATE_ROLLBACK_COMPLETE\n  Table (AWS::DynamoDB::Table) UPDATE_FAILED: Access denied",
  );
});

/** Deploys onto a stack in `status`; checks that only the first two calls ran; returns the error. */
async function refusal(status: string): Promise<Error> {
  const fake = fakeInfra({ cloudformation: { DescribeStacks: stacks(stack(status)) } });
  const error = await runDeploy(fake).done.then(
    () => assert.fail("deploy() resolved"),
    (error: Error) => error,
  );
  assert.deepEqual(fake.operations(), ["GetCallerIdentity", "DescribeStacks"], status);
  return error;
}

Deno.test("deploy() refuses a busy stack before uploading anything", async () => {
  for (const status of ["UPDATE_IN_PROGRESS", "DELETE_IN_PROGRESS", "CREATE_IN_PROGRESS"]) {
    const error = await refusal(status);
    assert.equal(error.name, "Error");
    assert.equal(
      error.message,
      `Cannot deploy stack laptops: it is ${status}; wait until CloudFormation finishes, then run the command again`,
    );
  }
});

Deno.test("deploy() sends a stuck stack to destroy before uploading anything", async () => {
  for (const status of ["ROLLBACK_FAILED", "DELETE_FAILED", "UPDATE_ROLLBACK_FAILED"]) {
    const error = await refusal(status);
    assert.ok(error.message.includes(`it is ${status}; run \`deno task destroy`), error.message);
  }
});

Deno.test("deploy() explains an artifact bucket these credentials may not use", async () => {
  const fake = fakeInfra({
    s3: {
      HeadBucket: () => {
        throw awsError("Forbidden", 403);
      },
    },
    cloudformation: { DescribeStacks: stacks("missing") },
  });
  await assert.rejects(
    runDeploy(fake).done,
    new Error(
      `Cannot use artifact bucket ${ARTIFACT_BUCKET}: it exists but these credentials may not use it`,
    ),
  );
  assert.equal(fake.cloudformation.callsOf("CreateStack").length, 0);
});

Deno.test("deploy() gives up waiting after the timeout", async () => {
  const fake = fakeInfra({
    s3: readyS3(),
    cloudformation: {
      DescribeStacks: stacks("missing", stack("CREATE_IN_PROGRESS")),
      CreateStack: () => ({ StackId: STACK_ID }),
      DescribeStackEvents: () => ({ StackEvents: [] }),
    },
  });
  const { progress, done } = runDeploy(fake, { timeoutMs: 12_000 });
  await assert.rejects(
    done,
    new Error(
      "Cannot wait for stack laptops: still CREATE_IN_PROGRESS after 12 s (CloudFormation goes on; see its console or run the command again)",
    ),
  );
  assert.equal(progress.sleeps(), 3);
});

Deno.test("deploy() stops waiting when its signal aborts", async () => {
  const controller = new AbortController();
  const fake = fakeInfra({
    s3: readyS3(),
    cloudformation: {
      DescribeStacks: sequence(
        () => missingStack(),
        () => {
          controller.abort(new Error("Interrupted"));
          return { Stacks: [stack("CREATE_IN_PROGRESS")] };
        },
      ),
      CreateStack: () => ({ StackId: STACK_ID }),
      DescribeStackEvents: () => ({ StackEvents: [] }),
    },
  });
  await assert.rejects(
    deploy(fake.clients, {
      stackName: "laptops",
      region: "us-east-1",
      deploymentPackage: ZIP,
      log: () => {},
      signal: controller.signal,
    }),
    new Error("Interrupted"),
  );
});

Deno.test("deploy() without a package calls nothing", async () => {
  const fake = fakeInfra({});
  await assert.rejects(
    runDeploy(fake, { deploymentPackage: undefined }).done,
    new TypeError("Cannot deploy stack laptops: no deployment package (run `deno task build`)"),
  );
  assert.deepEqual(fake.operations(), []);
});
