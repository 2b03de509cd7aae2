/**
 * The local IAM evaluator against AWS's documented evaluation logic, case by
 * case. Each test names the IAM User Guide page it follows.
 */

import assert from "node:assert/strict";
import {
  actionMatches,
  checkPolicy,
  evaluatePolicies,
  type IamPolicy,
  resourceMatches,
} from "../../local/iam/_policy.ts";

function decide(policies: IamPolicy[], action: string, resource: string) {
  return evaluatePolicies(policies, { action, resource }).decision;
}

const QUEUE = "arn:aws:sqs:us-east-1:123456789012:jobs";

// ── "Policy evaluation logic" / "Determining whether a request is allowed or
//    denied within an account" ─────────────────────────────────────────────

Deno.test("evaluatePolicies() denies by default when no policy applies (implicit deny)", () => {
  assert.equal(decide([], "sqs:SendMessage", QUEUE), "implicitDeny");
  const other: IamPolicy = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
  };
  assert.equal(decide([other], "sqs:SendMessage", QUEUE), "implicitDeny");
});

Deno.test("evaluatePolicies() allows what an applicable Allow statement allows", () => {
  const policy: IamPolicy = {
    Version: "2012-10-17",
    Statement: { Effect: "Allow", Action: "sqs:SendMessage", Resource: QUEUE },
  };
  const result = evaluatePolicies([policy], { action: "sqs:SendMessage", resource: QUEUE });
  assert.equal(result.decision, "allow");
});

Deno.test("evaluatePolicies() lets an explicit Deny win over an Allow in the same policy", () => {
  const policy: IamPolicy = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "All", Effect: "Allow", Action: "sqs:*", Resource: "*" },
      { Sid: "NoSend", Effect: "Deny", Action: "sqs:SendMessage", Resource: QUEUE },
    ],
  };
  const result = evaluatePolicies([policy], { action: "sqs:SendMessage", resource: QUEUE });
  assert.equal(result.decision, "explicitDeny");
  assert.equal(result.decision === "explicitDeny" && result.statement.Sid, "NoSend");
  assert.equal(decide([policy], "sqs:ReceiveMessage", QUEUE), "allow");
});

Deno.test("evaluatePolicies() lets an explicit Deny in one policy win over an Allow in another", () => {
  const allow: IamPolicy = { Statement: { Effect: "Allow", Action: "*", Resource: "*" } };
  const deny: IamPolicy = {
    Statement: { Effect: "Deny", Action: "s3:DeleteObject", Resource: "*" },
  };
  assert.equal(decide([allow, deny], "s3:DeleteObject", "arn:aws:s3:::b/k"), "explicitDeny");
  assert.equal(decide([deny, allow], "s3:DeleteObject", "arn:aws:s3:::b/k"), "explicitDeny");
  assert.equal(decide([allow, deny], "s3:GetObject", "arn:aws:s3:::b/k"), "allow");
});

Deno.test("evaluatePolicies() ignores a Deny that does not match the request", () => {
  const policy: IamPolicy = {
    Statement: [
      { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" },
      { Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::b/secret/*" },
    ],
  };
  assert.equal(decide([policy], "s3:GetObject", "arn:aws:s3:::b/public/a"), "allow");
  assert.equal(decide([policy], "s3:GetObject", "arn:aws:s3:::b/secret/a"), "explicitDeny");
});

// ── "The difference between explicit and implicit denies": the page's
//    AllowGetList / DenyReports example ─────────────────────────────────────

Deno.test("evaluatePolicies() follows the explicit and implicit denies page's example", () => {
  const policy: IamPolicy = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "AllowGetList", Effect: "Allow", Action: ["iam:Get*", "iam:List*"], Resource: "*" },
      { Sid: "DenyReports", Effect: "Deny", Action: "iam:*Report", Resource: "*" },
    ],
  };
  const user = "arn:aws:iam::123456789012:user/MaryMajor";
  assert.equal(decide([policy], "iam:GetUser", user), "allow");
  assert.equal(decide([policy], "iam:ListUsers", "*"), "allow");
  assert.equal(decide([policy], "iam:CreatePolicy", "*"), "implicitDeny");
  assert.equal(decide([policy], "iam:GetOrganizationsAccessReport", "*"), "explicitDeny");
  assert.equal(decide([policy], "iam:GenerateCredentialReport", "*"), "explicitDeny");
});

// ── "IAM JSON policy elements: Action" ───────────────────────────────────

Deno.test("actionMatches() is case-insensitive, as the Action element page says", () => {
  assert.ok(actionMatches("sqs:SendMessage", "sqs:sendmessage"));
  assert.ok(actionMatches("SQS:SENDMESSAGE", "sqs:SendMessage"));
  assert.ok(!actionMatches("sqs:SendMessage", "sqs:SendMessageBatch"));
});

Deno.test("actionMatches() takes * and ? wildcards, as the Action element page shows", () => {
  // The page's example: "iam:*AccessKey*".
  for (const action of ["iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys"]) {
    assert.ok(actionMatches("iam:*AccessKey*", action), action);
  }
  assert.ok(!actionMatches("iam:*AccessKey*", "iam:CreateUser"));
  assert.ok(actionMatches("*", "dynamodb:UpdateItem"));
  assert.ok(actionMatches("s3:*", "s3:PutObject"));
  assert.ok(!actionMatches("s3:*", "sqs:SendMessage"));
  assert.ok(actionMatches("s3:?etObject", "s3:GetObject"));
  assert.ok(!actionMatches("s3:?etObject", "s3:PutObject2"));
  assert.ok(actionMatches("dynamodb:Batch*Item", "dynamodb:BatchWriteItem"));
  assert.ok(actionMatches("dynamodb:Batch*Item", "dynamodb:BatchGetItem"));
  // Regular-expression characters are literal.
  assert.ok(!actionMatches("s3:Get.bject", "s3:GetObject"));
});

// ── "IAM JSON policy elements: NotAction" ────────────────────────────────

Deno.test("evaluatePolicies() with Allow + NotAction allows every other action", () => {
  // The page's example: everything but IAM.
  const policy: IamPolicy = { Statement: { Effect: "Allow", NotAction: "iam:*", Resource: "*" } };
  assert.equal(decide([policy], "s3:GetObject", "arn:aws:s3:::b/k"), "allow");
  assert.equal(decide([policy], "iam:CreateUser", "*"), "implicitDeny");
});

Deno.test("evaluatePolicies() with Deny + NotAction denies every other action", () => {
  const policy: IamPolicy = {
    Statement: [
      { Effect: "Allow", Action: "*", Resource: "*" },
      { Effect: "Deny", NotAction: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: QUEUE },
    ],
  };
  assert.equal(decide([policy], "sqs:ReceiveMessage", QUEUE), "allow");
  assert.equal(decide([policy], "sqs:SendMessage", QUEUE), "explicitDeny");
  // The Deny is scoped to the queue: elsewhere the Allow stands.
  assert.equal(decide([policy], "sqs:SendMessage", `${QUEUE}-other`), "allow");
});

// ── "IAM JSON policy elements: Resource" ─────────────────────────────────

Deno.test("resourceMatches() matches object ARNs under bucket/* but not the bucket", () => {
  assert.ok(resourceMatches("arn:aws:s3:::laptops/*", "arn:aws:s3:::laptops/a.json"));
  assert.ok(resourceMatches("arn:aws:s3:::laptops/*", "arn:aws:s3:::laptops/dir/a b.json"));
  assert.ok(!resourceMatches("arn:aws:s3:::laptops/*", "arn:aws:s3:::laptops"));
  assert.ok(!resourceMatches("arn:aws:s3:::laptops/*", "arn:aws:s3:::laptops-other/a.json"));
});

Deno.test("resourceMatches() is case-sensitive and takes * for every resource", () => {
  assert.ok(!resourceMatches(QUEUE, QUEUE.toUpperCase()));
  assert.ok(resourceMatches("*", QUEUE));
  assert.ok(resourceMatches("*", "*"));
});

Deno.test("resourceMatches() keeps a wildcard within its ARN segment unless it ends the segment", () => {
  assert.ok(resourceMatches("arn:aws:sqs:*:123456789012:jobs", QUEUE));
  assert.ok(resourceMatches("arn:aws:sqs:us-*-1:123456789012:jobs", QUEUE));
  assert.ok(resourceMatches("arn:aws:sqs:us-east-1:123456789012:job?", QUEUE));
  assert.ok(!resourceMatches("arn:aws:sqs:us-east-1:123456789012:job?", `${QUEUE}s`));
  // A * in the middle of the region segment does not run into the account.
  assert.ok(!resourceMatches("arn:aws:sqs:us*012:jobs", QUEUE));
  // A * that ends a segment may run past colons (the page's note).
  assert.ok(resourceMatches("arn:aws:sqs:*", QUEUE));
  assert.ok(
    resourceMatches(
      "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/update-item:*",
      "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/update-item:log-stream:x",
    ),
  );
  assert.ok(!resourceMatches("arn:aws:dynamodb:*:*:table/laptops", `${QUEUE}`));
});

// ── "IAM JSON policy elements: NotResource" ──────────────────────────────

Deno.test("evaluatePolicies() with NotResource covers every other resource", () => {
  const policy: IamPolicy = {
    Statement: { Effect: "Allow", Action: "s3:*", NotResource: "arn:aws:s3:::payroll/*" },
  };
  assert.equal(decide([policy], "s3:GetObject", "arn:aws:s3:::laptops/a"), "allow");
  assert.equal(decide([policy], "s3:GetObject", "arn:aws:s3:::payroll/a"), "implicitDeny");
  const deny: IamPolicy = {
    Statement: [
      { Effect: "Allow", Action: "s3:*", Resource: "*" },
      {
        Effect: "Deny",
        Action: "s3:*",
        NotResource: ["arn:aws:s3:::laptops", "arn:aws:s3:::laptops/*"],
      },
    ],
  };
  assert.equal(decide([deny], "s3:GetObject", "arn:aws:s3:::laptops/a"), "allow");
  assert.equal(decide([deny], "s3:GetObject", "arn:aws:s3:::other/a"), "explicitDeny");
});

// ── what the evaluator refuses to guess ──────────────────────────────────

Deno.test("checkPolicy() refuses Condition, Principal, policy variables and malformed statements", () => {
  const bad: unknown[] = [
    { Effect: "Allow", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:X": "true" } } },
    { Effect: "Allow", Action: "s3:*", Resource: "*", Principal: "*" },
    { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/${aws:username}/*" },
    { Effect: "Allow", Action: "s3:*", NotAction: "s3:Get*", Resource: "*" },
    { Effect: "Allow", Action: "s3:*" },
    { Effect: "Maybe", Action: "s3:*", Resource: "*" },
  ];
  for (const statement of bad) {
    assert.throws(
      () => checkPolicy({ Version: "2012-10-17", Statement: [statement] } as IamPolicy),
      TypeError,
      JSON.stringify(statement),
    );
  }
  assert.throws(() => checkPolicy({ Version: "2008-10-17", Statement: [] }), TypeError);
  assert.throws(
    () => evaluatePolicies([{ Statement: bad[0] } as IamPolicy], { action: "s3:A", resource: "*" }),
    TypeError,
  );
});
