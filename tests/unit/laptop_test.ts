import assert from "node:assert/strict";
import {
  FIRST_YEAR,
  LAPTOP_MODELS,
  makeLaptop,
  parseLaptop,
  timestampMillis,
} from "../../lib/laptop.ts";
import { itemToLaptop, laptopToItem } from "../../lib/item_codec.ts";

const NOW = new Date("2026-11-25T10:00:00.000Z");

Deno.test("makeLaptop() makes a record from its sources of time and randomness", () => {
  const laptop = makeLaptop({
    now: NOW,
    random: () => 0,
    randomUuid: () => "6f1c2a9e-3b7d-4c2e-9a51-0d8f4b6e2c11",
  });
  assert.deepEqual(laptop, {
    uuid: "6f1c2a9e-3b7d-4c2e-9a51-0d8f4b6e2c11",
    constructor: "Acer",
    model: "Swift 3",
    year: FIRST_YEAR,
    timestamp: "2026-11-25T10:00:00.000Z",
  });
  const last = makeLaptop({ now: NOW, random: () => 0.999999 });
  assert.equal(last.constructor, "Microsoft");
  assert.equal(last.model, "Surface Pro 9");
  assert.equal(last.year, 2026);
});

Deno.test("makeLaptop() keeps every record valid: a known model, a year up to now", () => {
  for (let i = 0; i < 500; i++) {
    const laptop = parseLaptop(makeLaptop({ now: NOW }));
    assert.ok(LAPTOP_MODELS[laptop.constructor]?.includes(laptop.model));
    assert.ok(laptop.year >= FIRST_YEAR && laptop.year <= 2026);
  }
});

Deno.test("parseLaptop() rejects anything but the five keys with their types", () => {
  const good = makeLaptop({ now: NOW });
  const cases: [unknown, RegExp][] = [
    [null, /not a JSON object/],
    [[good], /not a JSON object/],
    ["text", /not a JSON object/],
    [{ ...good, extra: 1 }, /unexpected key "extra"/],
    [{ ...good, uuid: "ABC" }, /"uuid" is not a lowercase UUID v4/],
    [{ ...good, year: "2020" }, /"year" is not a whole number/],
    [{ ...good, year: 2009 }, /"year" is not a whole number/],
    [{ ...good, model: "" }, /"model" is not a non-empty string/],
    [{ ...good, constructor: 7 }, /"constructor" is not a non-empty string/],
    [{ ...good, timestamp: "yesterday" }, /"timestamp" is not an ISO 8601/],
  ];
  for (const [value, pattern] of cases) {
    assert.throws(() => parseLaptop(value), pattern);
  }
  const { model: _model, ...missing } = good;
  assert.throws(() => parseLaptop(missing), /"model" is missing/);
  assert.throws(() => parseLaptop({ uuid: good.uuid }), /"constructor" is missing/);
});

Deno.test("parseLaptop() accepts the original Python project's timestamp and keeps it as is", () => {
  const good = makeLaptop({ now: NOW });
  for (const timestamp of ["2026-12-06 12:27:30.563563", "2026-12-06 12:27:30"]) {
    assert.deepEqual(parseLaptop({ ...good, timestamp }), { ...good, timestamp });
  }
  for (
    const timestamp of [
      "2026-12-06 12:27:30.563", // Python writes six digits or none
      "2026-12-06T12:27:30.563563",
      "2026-02-30 12:27:30.000000",
      "2026-12-06 12:27:30.563563+01:00",
    ]
  ) {
    assert.throws(() => parseLaptop({ ...good, timestamp }), /"timestamp" is not an ISO 8601/);
  }
});

Deno.test("timestampMillis() reads ISO 8601 UTC, and the original's form as local time", () => {
  assert.equal(timestampMillis("2026-12-06T12:27:30.563Z"), Date.UTC(2026, 11, 6, 12, 27, 30, 563));
  assert.equal(
    timestampMillis("2026-12-06 12:27:30.563999"),
    new Date(2026, 11, 6, 12, 27, 30, 563).getTime(),
  );
  assert.equal(timestampMillis("2026-12-06 00:00:00"), new Date(2026, 11, 6).getTime());
  for (const bad of ["", "yesterday", "2026-13-01T00:00:00.000Z", "2026-12-06 25:00:00"]) {
    assert.ok(Number.isNaN(timestampMillis(bad)), bad);
  }
});

Deno.test("laptopToItem() and itemToLaptop() keep the same keys and values", () => {
  const laptop = makeLaptop({ now: NOW });
  const item = laptopToItem(laptop);
  assert.deepEqual(item.year, { N: String(laptop.year) });
  assert.deepEqual(item.uuid, { S: laptop.uuid });
  assert.deepEqual(itemToLaptop(item), laptop);
  assert.throws(() => itemToLaptop({ ...item, colour: { S: "red" } }), /unexpected key "colour"/);
});
