import assert from "node:assert/strict";
import { readBatchResponse } from "../../local/lambda/_batch_response.ts";

const IDS = new Set(["a", "b", "c"]);

Deno.test("readBatchResponse() treats null, empty and null-list responses as complete success", () => {
  for (
    const response of [null, undefined, {}, { batchItemFailures: [] }, { batchItemFailures: null }]
  ) {
    assert.deepEqual(
      readBatchResponse(response, IDS),
      { valid: true, failedIds: [] },
      `${JSON.stringify(response)}`,
    );
  }
});

Deno.test("readBatchResponse() returns the reported ids once each", () => {
  assert.deepEqual(
    readBatchResponse(
      {
        batchItemFailures: [{ itemIdentifier: "b" }, { itemIdentifier: "c" }, {
          itemIdentifier: "b",
        }],
      },
      IDS,
    ),
    { valid: true, failedIds: ["b", "c"] },
  );
});

Deno.test("readBatchResponse() ignores extra keys next to itemIdentifier", () => {
  assert.deepEqual(
    readBatchResponse({ batchItemFailures: [{ itemIdentifier: "a", reason: "x" }], other: 1 }, IDS),
    { valid: true, failedIds: ["a"] },
  );
});

Deno.test("readBatchResponse() fails the whole batch on each malformed response AWS lists", () => {
  const cases: [unknown, string][] = [
    [
      { batchItemFailures: [{ itemIdentifier: "zzz" }] },
      'batchItemFailures[0].itemIdentifier "zzz" is not a message of the batch',
    ],
    [
      { batchItemFailures: [{ itemIdentifier: "" }] },
      "batchItemFailures[0].itemIdentifier is an empty string",
    ],
    [
      { batchItemFailures: [{ itemIdentifier: null }] },
      "batchItemFailures[0].itemIdentifier is null",
    ],
    [
      { batchItemFailures: [{ itemIdentifier: 7 }] },
      "batchItemFailures[0].itemIdentifier is of type number",
    ],
    [{ batchItemFailures: [{ itemIdentifer: "a" }] }, "batchItemFailures[0] has no itemIdentifier"],
    [{ batchItemFailures: ["a"] }, 'batchItemFailures[0] is the string "a", not an object'],
    [{ batchItemFailures: [null] }, "batchItemFailures[0] is null, not an object"],
    [
      { batchItemFailures: { itemIdentifier: "a" } },
      "batchItemFailures is of type object, not an array",
    ],
    [{ batchItemFailures: "a" }, 'batchItemFailures is the string "a", not an array'],
    ["ok", 'the response is the string "ok", not an object'],
    [42, "the response is of type number, not an object"],
    [[{ itemIdentifier: "a" }], "the response is an array, not an object"],
  ];
  for (const [response, reason] of cases) {
    assert.deepEqual(
      readBatchResponse(response, IDS),
      { valid: false, reason },
      JSON.stringify(response),
    );
  }
});

Deno.test("readBatchResponse() fails the whole batch when one of several items is malformed", () => {
  const verdict = readBatchResponse(
    { batchItemFailures: [{ itemIdentifier: "a" }, { itemIdentifier: "" }] },
    IDS,
  );
  assert.equal(verdict.valid, false);
});
