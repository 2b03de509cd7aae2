import assert from "node:assert/strict";
import { describeError } from "../../lib/describe_error.ts";
import { comparisonLine, formatComparison } from "../../lib/format_comparison.ts";
import { awsError } from "../_helpers/fakes.ts";

const LOCAL = { endpoint: "http://127.0.0.1:4566", region: "us-east-1" };

Deno.test("describeError() tells how to start the local AWS when it is not running", () => {
  const error = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4566"), {
    code: "ECONNREFUSED",
  });
  assert.equal(
    describeError(error, LOCAL),
    "Cannot reach AWS at http://127.0.0.1:4566: connection refused; is the local AWS running? " +
      "Start it with `deno task local`",
  );
  const wrapped = new Error("request failed", { cause: error });
  assert.match(describeError(wrapped, LOCAL), /connection refused/);
});

Deno.test("describeError() names missing resources and rejected credentials", () => {
  const aws = { endpoint: undefined, region: "eu-west-1" };
  assert.match(
    describeError(awsError("QueueDoesNotExist", 400, "The specified queue does not exist."), aws),
    /^The queue does not exist at AWS \(eu-west-1\): .*check the queue name variables$/,
  );
  assert.match(describeError(awsError("ResourceNotFoundException"), aws), /AWS_DYNAMODB_TABLE/);
  assert.match(describeError(awsError("NoSuchBucket"), aws), /AWS_S3_BUCKET/);
  assert.match(
    describeError(awsError("InvalidClientTokenId", 403, "The security token is invalid."), aws),
    /^AWS rejected the credentials \(InvalidClientTokenId\)/,
  );
  assert.equal(describeError(awsError("Boom", 500, "odd"), aws), "Boom: odd");
});

/** A handled message whose file and item differ only in their timestamps. */
function handledWith(fileTimestamp: string, itemTimestamp: string) {
  const file = {
    uuid: "6f1c2a9e-3b7d-4c2e-9a51-0d8f4b6e2c11",
    constructor: "Lenovo",
    model: "ThinkPad T14",
    year: 2019,
    timestamp: fileTimestamp,
  };
  return {
    messageId: "m1",
    receiveCount: 1,
    comparison: {
      uuid: file.uuid,
      s3Key: "laptop.json",
      file,
      item: { ...file, timestamp: itemTimestamp },
      sameRecord: true,
      stateChanged: true,
    },
  };
}

Deno.test("formatComparison() shows the original file, the item now, and the verdict", () => {
  const handled = handledWith("2026-11-25T17:20:01.123Z", "2026-11-25T17:20:01.456Z");
  const file = handled.comparison.file;
  assert.equal(
    formatComparison(handled),
    [
      "laptop.json (uuid 6f1c2a9e-3b7d-4c2e-9a51-0d8f4b6e2c11, Lenovo ThinkPad T14, 2019)",
      "  file in S3 (the original):  timestamp 2026-11-25T17:20:01.123Z",
      "  item in DynamoDB (now):     timestamp 2026-11-25T17:20:01.456Z",
      "  same file, new state: the Lambda updated the item 333 ms after the file was made",
    ].join("\n"),
  );
  assert.deepEqual(comparisonLine(handled), {
    message_id: "m1",
    uuid: file.uuid,
    s3_key: "laptop.json",
    file_timestamp: "2026-11-25T17:20:01.123Z",
    item_timestamp: "2026-11-25T17:20:01.456Z",
    same_record: true,
    state_changed: true,
    receive_count: 1,
    trace_id: null,
  });
  assert.equal(
    comparisonLine({ ...handled, traceId: "5759e988bd862e3fe1be46a994272793" }).trace_id,
    "5759e988bd862e3fe1be46a994272793",
  );
  const unchanged = {
    ...handled,
    comparison: { ...handled.comparison, item: file, stateChanged: false },
  };
  assert.match(formatComparison(unchanged), /same file, same state/);
});

Deno.test("formatComparison() shows the original project's local timestamp as it is", () => {
  const itemTime = new Date(new Date(2026, 10, 25, 17, 20, 1, 123).getTime() + 2_000);
  const text = formatComparison(
    handledWith("2026-11-25 17:20:01.123456", itemTime.toISOString()),
  );
  assert.match(
    text,
    /file in S3 \(the original\): {2}timestamp 2026-11-25 17:20:01\.123456 \(the original project's local time, read in this zone\)/,
  );
  assert.match(text, /updated the item 2000 ms after the file was made/);
});

Deno.test("describeError() shows an access denial as AWS words it, wrapped or not", () => {
  const message = "User: arn:aws:iam::000000000000:user/generator is not authorized to perform: " +
    "dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/laptops " +
    "because no identity-based policy allows the dynamodb:PutItem action";
  const denied = awsError("AccessDeniedException", 400, message);
  assert.equal(
    describeError(denied, { endpoint: undefined, region: "us-east-1" }),
    `Access denied (AccessDeniedException): ${message}`,
  );
  assert.equal(
    describeError(denied, LOCAL),
    `Access denied (AccessDeniedException): ${message}; ` +
      "the local AWS enforces the policies of lib/policies.ts, as deployed",
  );
  const wrapped = new Error(`Cannot put the item: ${message}`, { cause: denied });
  assert.match(
    describeError(wrapped, LOCAL),
    /^Cannot put the item: Access denied \(AccessDeniedException\): User: arn:aws:iam::000000000000:user\/generator is not authorized to perform: dynamodb:PutItem on resource: /,
  );
  assert.match(
    describeError(awsError("InvalidSignatureException", 400, "Signature expired: x"), LOCAL),
    /^AWS rejected the credentials \(InvalidSignatureException\): Signature expired: x; the local AWS knows only its local identities/,
  );
});
