import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { startDynalite } from "../../local/engines/mod.ts";

// startDynalite() replaces the key functions of dynalite's db module (whose
// native LevelDB binding needs --allow-ffi, hence an end-to-end test); a
// second, untouched copy of the module has dynalite's own. Both must give
// exactly the same strings and errors.

type Item = Record<string, Record<string, unknown>>;

interface KeyFunctions {
  createKey(item: Item, table: unknown, keySchema?: unknown): unknown;
  hashPrefix(...args: unknown[]): unknown;
}

await (await startDynalite()).close();
const require = createRequire(import.meta.resolve("dynalite"));
const path = require.resolve("./db/index.js");
const db = require(path) as KeyFunctions;
const shared = require.cache[path];
delete require.cache[path];
const originals = require(path) as KeyFunctions;
require.cache[path] = shared;

function table(hash: string, range?: string) {
  const pieces = [["id", "HASH", hash], ...(range === undefined ? [] : [["at", "RANGE", range]])];
  return {
    TableName: "t",
    KeySchema: pieces.map(([name, kind]) => ({ AttributeName: name, KeyType: kind })),
    AttributeDefinitions: pieces.map(([name, , type]) => ({
      AttributeName: name,
      AttributeType: type,
    })),
  };
}

function outcome(make: () => unknown): unknown {
  try {
    return { returned: make() };
  } catch (error) {
    return { threw: String(error) };
  }
}

const STRINGS = [
  "",
  "a",
  "9b2f6a0e-4c1d-4f7e-8a55-1c0de0c0ffee",
  "héllo wörld 😀",
  "\ud800 lone surrogate",
  "x".repeat(2048),
];

Deno.test("startDynalite() keeps dynalite's keys for every kind of key", () => {
  assert.equal(require(path), db, "the shared copy is back");
  assert.notEqual(db.createKey, originals.createKey, "replaced");
  const cases: [ReturnType<typeof table>, Item][] = [];
  for (const text of STRINGS) {
    cases.push([table("S"), { id: { S: text }, other: { N: "1" } }]);
    cases.push([table("S", "S"), { id: { S: text }, at: { S: text + "!" } }]);
    cases.push([table("S", "N"), { id: { S: text }, at: { N: "-12.5" } }]);
  }
  cases.push([table("N"), { id: { N: "42" } }]);
  cases.push([table("N", "S"), { id: { N: "-0.001" }, at: { S: "z" } }]);
  cases.push([table("B"), { id: { B: "AAEC" } }]);
  cases.push([table("S"), { other: { S: "no key" } }]);
  cases.push([table("S"), { id: { N: "1" } }]);
  for (const [schema, item] of cases) {
    const label = JSON.stringify(item).slice(0, 80);
    const expected = outcome(() => originals.createKey(item, schema));
    assert.deepEqual(outcome(() => db.createKey(item, schema)), expected, label);
    const indexSchema = [schema.KeySchema[0]];
    assert.deepEqual(
      outcome(() => db.createKey(item, schema, indexSchema)),
      outcome(() => originals.createKey(item, schema, indexSchema)),
      `${label} (index schema)`,
    );
  }
});

Deno.test("startDynalite() keeps dynalite's hash prefixes", () => {
  const calls: unknown[][] = [
    ...STRINGS.map((text) => [text, "S"]),
    ["12", "N"],
    ["AAEC", "B"],
    ["a", "S", "b", "S"],
    ["a", "S", "", "S"],
    [7, "S"],
  ];
  for (const call of calls) {
    assert.deepEqual(
      outcome(() => db.hashPrefix(...call)),
      outcome(() => originals.hashPrefix(...call)),
      JSON.stringify(call).slice(0, 80),
    );
  }
});
