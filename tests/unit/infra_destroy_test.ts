import assert from "node:assert/strict";
import { destroy, type DestroyOptions } from "../../infra/destroy.ts";
import { StackOperationError } from "../../infra/stack_operation_error.ts";
import {
  ARTIFACT_BUCKET,
  awsError,
  DATA_BUCKET,
  event,
  eventSnapshots,
  type FakeInfra,
  fakeInfra,
  missingStack,
  recordingProgress,
  sequence,
  stack,
  STACK_ID,
  stacks,
} from "../_helpers/infra_fakes.ts";

/**
 * Destroys stack `laptops` in us-east-1 on `fake`, with progress that records
 * lines and never sleeps; `options` override.
 */
function runDestroy(fake: FakeInfra, options: Partial<DestroyOptions> = {}) {
  const progress = recordingProgress();
  const done = destroy(fake.clients, {
    stackName: "laptops",
    region: "us-east-1",
    ...progress.options,
    ...options,
  });
  return { progress, done };
}

/** A bucket's versions in two list pages: versions and delete markers. */
function versionedBucket() {
  return (input: Record<string, unknown>) =>
    input.KeyMarker === undefined
      ? {
        Versions: [{ Key: "a.json", VersionId: "v1" }, { Key: "a.json", VersionId: "v2" }],
        DeleteMarkers: [{ Key: "b.json", VersionId: "m1" }],
        IsTruncated: true,
        NextKeyMarker: "a.json",
        NextVersionIdMarker: "v2",
      }
      : { Versions: [{ Key: "c.json", VersionId: "null" }], IsTruncated: false };
}

Deno.test("destroy() empties every version of the data bucket, deletes the stack, then the artifacts", async () => {
  const fake = fakeInfra({
    cloudformation: {
      DescribeStacks: stacks(
        stack("UPDATE_COMPLETE", { outputs: true }),
        stack("DELETE_IN_PROGRESS"),
        stack("DELETE_COMPLETE"),
      ),
      DescribeStackEvents: eventSnapshots(
        [event("1", "laptops", "AWS::CloudFormation::Stack", "UPDATE_COMPLETE")],
        [
          event("2", "laptops", "AWS::CloudFormation::Stack", "DELETE_IN_PROGRESS"),
          event("1", "laptops", "AWS::CloudFormation::Stack", "UPDATE_COMPLETE"),
        ],
        [
          event("4", "laptops", "AWS::CloudFormation::Stack", "DELETE_COMPLETE"),
          event("3", "Table", "AWS::DynamoDB::Table", "DELETE_COMPLETE"),
          event("2", "laptops", "AWS::CloudFormation::Stack", "DELETE_IN_PROGRESS"),
        ],
      ),
      DeleteStack: () => ({}),
    },
    s3: {
      ListObjectVersions: (input) =>
        input.Bucket === DATA_BUCKET
          ? versionedBucket()(input)
          : { Versions: [{ Key: "update-item/abc.zip", VersionId: "null" }], IsTruncated: false },
      DeleteObjects: () => ({ Deleted: [] }),
      DeleteBucket: () => ({}),
    },
  });
  const { progress, done } = runDestroy(fake);
  const result = await done;
  assert.deepEqual(result, { outcome: "deleted", dataObjectsDeleted: 4 });
  assert.deepEqual(fake.operations(), [
    "DescribeStacks",
    "ListObjectVersions",
    "DeleteObjects",
    "ListObjectVersions",
    "DeleteObjects",
    "DescribeStackEvents",
    "DeleteStack",
    "DescribeStackEvents",
    "DescribeStacks",
    "DescribeStackEvents",
    "DescribeStacks",
    "GetCallerIdentity",
    "ListObjectVersions",
    "DeleteObjects",
    "DeleteBucket",
  ]);
  const s3 = fake.s3.calls.map((call) => call.input);
  assert.deepEqual(s3[0], { Bucket: DATA_BUCKET });
  assert.deepEqual(s3[1], {
    Bucket: DATA_BUCKET,
    Delete: {
      Objects: [
        { Key: "a.json", VersionId: "v1" },
        { Key: "a.json", VersionId: "v2" },
        { Key: "b.json", VersionId: "m1" },
      ],
      Quiet: true,
    },
  });
  assert.deepEqual(s3[2], { Bucket: DATA_BUCKET, KeyMarker: "a.json", VersionIdMarker: "v2" });
  assert.deepEqual(s3[3], {
    Bucket: DATA_BUCKET,
    Delete: { Objects: [{ Key: "c.json", VersionId: "null" }], Quiet: true },
  });
  assert.deepEqual(s3.at(-1), { Bucket: ARTIFACT_BUCKET });
  assert.deepEqual(fake.cloudformation.callsOf("DeleteStack")[0]?.input, { StackName: STACK_ID });
  const events = progress.lines.filter((line) => line.startsWith("  00:"));
  assert.deepEqual(events.map((line) => line.slice(2, 10)), ["00:00:02", "00:00:03", "00:00:04"]);
  assert.ok(progress.lines.includes(
    `Emptied data bucket ${DATA_BUCKET}: 4 object versions deleted`,
  ));
  assert.ok(progress.lines.includes(
    `Deleted artifact bucket ${ARTIFACT_BUCKET} and its 1 packages`,
  ));
});

Deno.test("destroy() deletes at most 1,000 objects a call", async () => {
  const versions = Array.from({ length: 1500 }, (_, i) => ({ Key: `k${i}`, VersionId: "null" }));
  const fake = fakeInfra({
    cloudformation: {
      DescribeStacks: stacks(stack("CREATE_COMPLETE", { outputs: true }), stack("DELETE_COMPLETE")),
      DescribeStackEvents: () => ({ StackEvents: [] }),
      DeleteStack: () => ({}),
    },
    s3: {
      ListObjectVersions: () => ({ Versions: versions, IsTruncated: false }),
      DeleteObjects: () => ({}),
    },
  });
  await runDestroy(fake, { keepArtifacts: true }).done;
  const sizes = fake.s3.callsOf("DeleteObjects").map((call) =>
    (call.input.Delete as { Objects: unknown[] }).Objects.length
  );
  assert.deepEqual(sizes, [1000, 500]);
  assert.equal(fake.sts.calls.length, 0, "keepArtifacts leaves the artifact bucket alone");
});

Deno.test("destroy() fails when an object cannot be deleted, before deleting the stack", async () => {
  const fake = fakeInfra({
    cloudformation: {
      DescribeStacks: stacks(stack("CREATE_COMPLETE", { outputs: true })),
    },
    s3: {
      ListObjectVersions: () => ({ Versions: [{ Key: "a.json", VersionId: "v1" }] }),
      DeleteObjects: () => ({
        Errors: [{ Key: "a.json", Code: "AccessDenied", Message: "Access Denied" }],
      }),
    },
  });
  await assert.rejects(
    runDestroy(fake).done,
    new Error(
      `Cannot empty bucket ${DATA_BUCKET}: 1 objects were not deleted, e.g. a.json: AccessDenied Access Denied`,
    ),
  );
  assert.equal(fake.cloudformation.callsOf("DeleteStack").length, 0);
});

Deno.test("destroy() throws the reasons when the deletion fails", async () => {
  const fake = fakeInfra({
    cloudformation: {
      DescribeStacks: stacks(stack("CREATE_COMPLETE", { outputs: true }), stack("DELETE_FAILED")),
      DescribeStackEvents: eventSnapshots([], [
        event("2", "laptops", "AWS::CloudFormation::Stack", "DELETE_FAILED", "Resources failed"),
        event(
          "1",
          "DataBucket",
          "AWS::S3::Bucket",
          "DELETE_FAILED",
          "The bucket you tried to delete is not empty",
        ),
      ]),
      DeleteStack: () => ({}),
    },
    s3: { ListObjectVersions: () => ({ Versions: [] }) },
  });
  const error = await runDestroy(fake).done.then(
    () => assert.fail("destroy() resolved"),
    (error: unknown) => error,
  );
  assert.ok(error instanceof StackOperationError);
  assert.equal(
    error.message,
    [
      "Cannot destroy stack laptops: it ended in DELETE_FAILED",
      "  DataBucket (AWS::S3::Bucket) DELETE_FAILED: The bucket you tried to delete is not empty",
      "  laptops (AWS::CloudFormation::Stack) DELETE_FAILED: Resources failed",
    ].join("\n"),
  );
  assert.equal(fake.sts.calls.length, 0, "the artifacts stay while the stack may need them");
});

Deno.test("destroy() takes a stack that vanished while waiting as deleted", async () => {
  const fake = fakeInfra({
    cloudformation: {
      DescribeStacks: sequence(
        () => ({ Stacks: [stack("ROLLBACK_COMPLETE")] }),
        () => missingStack(STACK_ID),
      ),
      DescribeStackEvents: () => ({ StackEvents: [] }),
      DeleteStack: () => ({}),
    },
  });
  const result = await runDestroy(fake, { keepArtifacts: true }).done;
  assert.equal(result.outcome, "deleted");
  assert.equal(fake.s3.calls.length, 0, "a stack with no outputs has no data bucket to empty");
});

Deno.test("destroy() with no stack still removes the artifact bucket", async () => {
  const fake = fakeInfra({
    cloudformation: { DescribeStacks: stacks("missing") },
    s3: {
      ListObjectVersions: () => {
        throw awsError("NoSuchBucket", 404);
      },
    },
  });
  const { progress, done } = runDestroy(fake);
  const result = await done;
  assert.deepEqual(result, { outcome: "absent", dataObjectsDeleted: 0 });
  assert.deepEqual(fake.operations(), [
    "DescribeStacks",
    "GetCallerIdentity",
    "ListObjectVersions",
  ]);
  assert.deepEqual(progress.lines, [
    "Stack laptops does not exist in AWS us-east-1: nothing to delete",
    `Artifact bucket ${ARTIFACT_BUCKET} does not exist`,
  ]);
});

Deno.test("destroy() refuses a busy stack and changes nothing", async () => {
  const fake = fakeInfra({
    cloudformation: { DescribeStacks: stacks(stack("UPDATE_IN_PROGRESS")) },
  });
  await assert.rejects(
    runDestroy(fake).done,
    new Error(
      "Cannot destroy stack laptops: it is UPDATE_IN_PROGRESS; wait until CloudFormation finishes, then run the command again",
    ),
  );
  assert.deepEqual(fake.operations(), ["DescribeStacks"]);
});

Deno.test("destroy() with dryRun prints the plan and calls nothing", async () => {
  const fake = fakeInfra({ sts: {} });
  const { progress, done } = runDestroy(fake, { stackName: "demo", dryRun: true });
  const result = await done;
  assert.equal(result.outcome, "planned");
  assert.deepEqual(fake.operations(), []);
  assert.deepEqual(progress.lines, [
    "Dry run: destroy stack demo in AWS us-east-1; nothing is called",
    "  1. Empty the data bucket (output AwsS3Bucket): every object version and delete marker",
    "  2. Delete stack demo and wait, printing each resource event",
    "  3. Empty and delete the artifact bucket laptops-artifacts-<account>-us-east-1",
  ]);
});
