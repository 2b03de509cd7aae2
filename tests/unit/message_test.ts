import assert from "node:assert/strict";
import { formatPipelineMessage, parsePipelineMessage } from "../../lib/message.ts";
import { uuid } from "../_helpers/fakes.ts";

Deno.test("formatPipelineMessage() and parsePipelineMessage() round-trip the keys", () => {
  const message = { dynamodb_key: uuid(1), s3_key: "laptop.json" };
  const body = formatPipelineMessage(message);
  assert.equal(body, `{"dynamodb_key":"${uuid(1)}","s3_key":"laptop.json"}`);
  assert.deepEqual(parsePipelineMessage(body), message);
});

Deno.test("parsePipelineMessage() rejects every malformed body, naming the problem", () => {
  const cases: [string, RegExp][] = [
    ["not json", /it is not JSON/],
    ["", /it is not JSON/],
    ["[1,2]", /not a JSON object/],
    ["null", /not a JSON object/],
    ['"laptop.json"', /not a JSON object/],
    [JSON.stringify({ s3_key: "laptop.json" }), /"dynamodb_key" is missing/],
    [JSON.stringify({ dynamodb_key: uuid(1) }), /"s3_key" is missing/],
    [JSON.stringify({ dynamodb_key: 1, s3_key: "a.json" }), /"dynamodb_key" is not a string/],
    [JSON.stringify({ dynamodb_key: uuid(1), s3_key: ["a.json"] }), /"s3_key" is not a string/],
    [
      JSON.stringify({ dynamodb_key: uuid(1), s3_key: "a.json", extra: true }),
      /unexpected key "extra"/,
    ],
    [
      JSON.stringify({ dynamodb_key: "42", s3_key: "a.json" }),
      /"dynamodb_key" is not a lowercase UUID/,
    ],
    [
      JSON.stringify({ dynamodb_key: uuid(1), s3_key: "../etc/passwd" }),
      /"s3_key" is not a valid file name/,
    ],
    ["x".repeat(1024 * 1024), /1048576 bytes, more than 1024/],
  ];
  for (const [body, pattern] of cases) {
    assert.throws(() => parsePipelineMessage(body), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /^Cannot parse message body: /);
      assert.match(error.message, pattern, body.slice(0, 80));
      return true;
    });
  }
});
