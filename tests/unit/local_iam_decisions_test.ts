/**
 * Decisions with each principal's statements for an action kept: the same
 * answers as the evaluator, on the policies given when it was made, within
 * its bound.
 */

import assert from "node:assert/strict";
import { PolicyDecisions } from "../../local/iam/_decisions.ts";
import { evaluatePolicies, type IamPolicy } from "../../local/iam/_policy.ts";

const QUEUE = "arn:aws:sqs:us-east-1:123456789012:jobs";
const OTHER = "arn:aws:sqs:us-east-1:123456789012:other";

function workerPolicies(): Record<string, IamPolicy[]> {
  return {
    worker: [{
      Version: "2012-10-17",
      Statement: [
        { Sid: "All", Effect: "Allow", Action: "sqs:*", Resource: "*" },
        { Sid: "NoPurge", Effect: "Deny", Action: "sqs:PurgeQueue", Resource: QUEUE },
      ],
    }],
    reader: [{ Statement: { Effect: "Allow", Action: "sqs:Receive*", Resource: QUEUE } }],
  };
}

Deno.test("PolicyDecisions.decide() answers as evaluatePolicies(), asked once or again", () => {
  const policies = workerPolicies();
  const decisions = new PolicyDecisions(policies);
  const cases: [string, string, string][] = [
    ["worker", "sqs:SendMessage", QUEUE],
    ["worker", "sqs:PurgeQueue", QUEUE],
    ["worker", "sqs:PurgeQueue", OTHER],
    ["reader", "sqs:ReceiveMessage", QUEUE],
    ["reader", "sqs:ReceiveMessage", OTHER],
    ["reader", "sqs:SendMessage", QUEUE],
    ["nobody", "sqs:SendMessage", QUEUE],
  ];
  for (let round = 0; round < 2; round++) {
    for (const [principal, action, resource] of cases) {
      const want = evaluatePolicies(policies[principal] ?? [], { action, resource });
      assert.deepEqual(decisions.decide(principal, { action, resource }), want, action);
    }
  }
  // One list per principal and action, whatever the resources.
  assert.equal(decisions.size, 5);
});

Deno.test("PolicyDecisions.decide() keeps one principal's decision from another's", () => {
  const decisions = new PolicyDecisions(workerPolicies());
  const request = { action: "sqs:SendMessage", resource: QUEUE };
  assert.equal(decisions.decide("worker", request).decision, "allow");
  assert.equal(decisions.decide("reader", request).decision, "implicitDeny");
  assert.equal(decisions.decide("worker", request).decision, "allow");
});

Deno.test("PolicyDecisions.decide() judges on the policies it was given, whatever they become", () => {
  const policies = workerPolicies();
  const decisions = new PolicyDecisions(policies);
  const request = { action: "sqs:DeleteQueue", resource: QUEUE };
  assert.equal(decisions.decide("worker", request).decision, "allow");
  // A change of the objects given afterwards changes neither kept nor new decisions.
  const statements = policies.worker?.[0]?.Statement as { Effect: string }[];
  statements.forEach((statement) => statement.Effect = "Deny");
  assert.equal(decisions.decide("worker", request).decision, "allow");
  assert.equal(decisions.decide("worker", { ...request, resource: OTHER }).decision, "allow");
  // Other policies are other decisions: nothing kept from the first.
  const changed = new PolicyDecisions(policies);
  assert.equal(changed.decide("worker", request).decision, "explicitDeny");
  assert.equal(decisions.decide("worker", request).decision, "allow");
});

Deno.test("PolicyDecisions.decide() keeps at most maxEntries lists, and still answers beyond", () => {
  const policies = workerPolicies();
  const decisions = new PolicyDecisions(policies, { maxEntries: 3 });
  const actions = ["sqs:PurgeQueue", "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:Other"];
  for (let i = 0; i < 12; i++) {
    for (const principal of ["worker", "reader"]) {
      const request = {
        action: actions[i % actions.length] ?? "",
        resource: i % 2 ? QUEUE : OTHER,
      };
      const want = evaluatePolicies(policies[principal] ?? [], request);
      assert.deepEqual(
        decisions.decide(principal, request),
        want,
        `${principal} ${request.action}`,
      );
      assert.ok(decisions.size <= 3, `${decisions.size} kept`);
    }
  }
});

Deno.test("PolicyDecisions.decide() matches each request's own resource, not the first one's", () => {
  const decisions = new PolicyDecisions(workerPolicies());
  for (let i = 0; i < 3; i++) {
    const key = `${QUEUE}-${i}`;
    const cases: [string, string, string, string][] = [
      ["worker", "sqs:PurgeQueue", key, "allow"],
      ["worker", "sqs:PurgeQueue", QUEUE, "explicitDeny"],
      ["reader", "sqs:ReceiveMessage", key, "implicitDeny"],
      ["reader", "sqs:ReceiveMessage", QUEUE, "allow"],
    ];
    for (const [principal, action, resource, decision] of cases) {
      assert.equal(decisions.decide(principal, { action, resource }).decision, decision, resource);
    }
  }
});

Deno.test("PolicyDecisions refuses a policy the evaluator does not model, and a bad bound", () => {
  const conditioned = {
    worker: [{
      Statement: { Effect: "Allow", Action: "*", Resource: "*", Condition: {} },
    } as unknown as IamPolicy],
  };
  assert.throws(() => new PolicyDecisions(conditioned), TypeError);
  assert.throws(() => new PolicyDecisions({}, { maxEntries: 0 }), RangeError);
});
