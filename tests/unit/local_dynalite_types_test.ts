import assert from "node:assert/strict";
import { fastCheckTypes } from "../../local/engines/_dynalite_types.ts";

// The shape of dynalite's PutItem types (validations/putItem.js), trimmed.
const TYPES = {
  TableName: { type: "String", notNull: true },
  Item: { type: "Map<AttributeValue>", notNull: true, children: "AttrStruct<ValueStruct>" },
  Limit: { type: "Integer" },
  ConsistentRead: { type: "Boolean" },
};

function refuse(): never {
  throw new Error("dynalite's own was called");
}

Deno.test("fastCheckTypes() builds dynalite's checked copy of a request in the common case", () => {
  const item = {
    b: { L: [{ M: { x: { BOOL: false }, y: { SS: ["1"] } } }] },
    a: { N: "1" },
  };
  const data = { Item: item, TableName: "t", Unknown: 1, ConsistentRead: null };
  const checked = fastCheckTypes(data, TYPES, refuse);
  assert.deepEqual(checked, {
    TableName: "t",
    Item: { b: { L: [{ M: { x: { BOOL: false }, y: { SS: ["1"] } } }] }, a: { N: "1" } },
  });
  assert.deepEqual(Object.keys(checked), ["TableName", "Item"], "in the order of the types");
  assert.deepEqual(data, { Item: item, TableName: "t" }, "the top level cleared as dynalite does");
  assert.notEqual(checked.Item, item, "a copy");
});

Deno.test("fastCheckTypes() hands any other request to dynalite's own, untouched below the top", () => {
  const others = [
    { TableName: "t", Item: { a: { BOOL: "true" } } },
    { TableName: "t", Item: { a: { N: 1 } } },
    { TableName: "t", Item: { a: { B: "AAEC" } } },
    { TableName: "t", Item: { a: { S: "x", Q: 1 } } },
    { TableName: "t", Item: { a: { S: null } } },
    { TableName: "t", Item: { a: null } },
    { TableName: "t", Item: [] },
    { TableName: 5, Item: {} },
    { TableName: "t", Item: {}, Limit: 2.5 },
    { TableName: "t", Item: {}, ConsistentRead: "yes" },
  ];
  for (const data of others) {
    const before = structuredClone(data);
    const calls: unknown[] = [];
    const answer = fastCheckTypes(data, TYPES, (given, types) => {
      calls.push(given, types);
      return { own: true };
    });
    assert.deepEqual(answer, { own: true }, JSON.stringify(before));
    assert.deepEqual(calls, [before, TYPES]);
  }
});

Deno.test("fastCheckTypes() lets dynalite's own errors through", () => {
  const error = Object.assign(new Error("NUMBER_VALUE cannot be converted to String"), {
    statusCode: 400,
  });
  assert.throws(
    () =>
      fastCheckTypes({ TableName: 5 }, TYPES, () => {
        throw error;
      }),
    error,
  );
});
