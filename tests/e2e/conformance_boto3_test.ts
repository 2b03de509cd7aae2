/**
 * The conformance cases of tests/conformance/boto3_conformance.py (S3, SQS
 * and DynamoDB through boto3, each following the AWS documentation page it
 * names), run against a local AWS on an ephemeral port: one step per case.
 */

import assert from "node:assert/strict";
import { startLocalAws } from "../../local/local_aws.ts";
import { pythonHas, run } from "../_helpers/e2e.ts";

interface CaseResult {
  readonly case: string;
  readonly ok: boolean;
  readonly doc: string;
  readonly ms: number;
  readonly detail?: string;
  readonly trace?: string;
}

const BOTO3 = await pythonHas(["boto3"], "conformance_boto3_test");

Deno.test(
  { name: "boto3 conformance cases pass against the local AWS", ignore: !BOTO3 },
  async (t) => {
    // DynamoDB's TTL sweeps every 200 ms here, for boto3_dynamodb.py's TTL case.
    await using aws = await startLocalAws({ port: 0, inMemory: true, ttlSweepMs: 200 });
    const result = await run("python3", ["tests/conformance/boto3_conformance.py", aws.endpoint], {
      // The script passes its own credentials and region; no profile is read.
      env: {
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        PYTHONIOENCODING: "utf-8",
      },
    });
    const cases = result.stdout.trim().split("\n").filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as CaseResult);
    assert.ok(cases.length > 0, `boto3 ran no case:\n${result.stderr}`);
    for (const entry of cases) {
      await t.step(`${entry.case} (${entry.doc})`, () => {
        assert.ok(entry.ok, `${entry.detail}\n${entry.trace ?? ""}`);
      });
    }
    assert.equal(result.code, 0, result.stderr);
  },
);
