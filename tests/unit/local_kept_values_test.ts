import assert from "node:assert/strict";
import { KeptValues } from "../../local/core/_kept_values.ts";

Deno.test("KeptValues.keep() keeps a value per key and returns it", () => {
  const kept = new KeptValues<string, number>(3);
  assert.equal(kept.get("a"), undefined);
  assert.equal(kept.keep("a", 1), 1);
  assert.equal(kept.get("a"), 1);
  assert.equal(kept.keep("a", 2), 2);
  assert.equal(kept.get("a"), 2);
  assert.equal(kept.size, 1);
});

Deno.test("KeptValues.keep() drops every value when full, then keeps the new one", () => {
  const kept = new KeptValues<string, number>(2);
  kept.keep("a", 1);
  kept.keep("b", 2);
  kept.keep("b", 3); // a key already kept does not make room
  assert.equal(kept.size, 2);
  kept.keep("c", 4);
  assert.equal(kept.size, 1);
  assert.equal(kept.get("a"), undefined);
  assert.equal(kept.get("b"), undefined);
  assert.equal(kept.get("c"), 4);
});

Deno.test("KeptValues refuses a max that is not a whole number above 0", () => {
  for (const max of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => new KeptValues(max), RangeError);
  }
});
