import assert from "node:assert/strict";
import { itemSizeBytes } from "../../bench/_stored_data.ts";

Deno.test("itemSizeBytes() adds each attribute's name and value in UTF-8", () => {
  assert.equal(itemSizeBytes({ uuid: { S: "abc" } }), 4 + 3);
  assert.equal(itemSizeBytes({ "名": { S: "é" } }), 3 + 2);
  assert.equal(
    itemSizeBytes({ b: { B: new Uint8Array(5) }, t: { BOOL: true }, n: { NULL: true } }),
    6 + 2 + 2,
  );
});

Deno.test("itemSizeBytes() counts a number as one byte per two significant digits plus one", () => {
  assert.equal(itemSizeBytes({ n: { N: "7" } }), 1 + 2);
  assert.equal(itemSizeBytes({ n: { N: "1234" } }), 1 + 3);
  assert.equal(itemSizeBytes({ n: { N: "-12.345" } }), 1 + 4);
  assert.equal(itemSizeBytes({ n: { N: "1000000" } }), 1 + 2); // trailing zeros trimmed
  assert.equal(itemSizeBytes({ n: { N: "0.0012" } }), 1 + 2); // leading zeros trimmed
});

Deno.test("itemSizeBytes() counts lists and maps with 3 bytes plus one per element", () => {
  assert.equal(
    itemSizeBytes({ l: { L: [{ S: "ab" }, { BOOL: false }] } }),
    1 + 3 + (1 + 2) + (1 + 1),
  );
  assert.equal(itemSizeBytes({ m: { M: { k: { S: "v" } } } }), 1 + 3 + (1 + 1 + 1));
  assert.equal(itemSizeBytes({ s: { SS: ["a", "bc"] } }), 1 + 3);
});
