import assert from "node:assert/strict";
import conditionParser from "dynalite/db/conditionParser.js";
import updateParser from "dynalite/db/updateParser.js";
import projectionParser from "dynalite/db/projectionParser.js";
import { ExpressionMemo } from "../../local/engines/_expression_memo.ts";
import type {
  ExpressionMemoOptions,
  ExpressionParse,
} from "../../local/engines/_expression_memo.ts";

// dynalite's own generated parsers, each called as dynalite's
// validateExpressions() calls them: the memo must answer exactly as they do.

type Values = Record<string, Record<string, unknown>>;
type Kind = "condition" | "update" | "projection";

const PARSERS: Record<Kind, ExpressionParse> = {
  condition: (conditionParser as { parse: ExpressionParse }).parse,
  update: (updateParser as { parse: ExpressionParse }).parse,
  projection: (projectionParser as { parse: ExpressionParse }).parse,
};

const RESERVED = new Set(["NAME", "SIZE", "DATA", "TIMESTAMP", "STATUS"]);

function isReserved(name: string): boolean {
  return RESERVED.has(name.toUpperCase());
}

/** Enough of dynalite's `db.compare` for BETWEEN bounds of type S and N. */
function compare(operator: string, x: Values[string], y: Values[string]): boolean {
  assert.equal(operator, "GT");
  if (x.N !== undefined) return Number(x.N) > Number(y.N);
  return String(x.S) > String(y.S);
}

interface Case {
  readonly kind: Kind;
  readonly expression: string;
  readonly names?: Record<string, string>;
  readonly values?: Values;
  readonly isKeyCondition?: true;
}

function contextOf(test: Case): Record<string, unknown> {
  const unusedAttrNames: Record<string, true> = {};
  const unusedAttrVals: Record<string, true> = {};
  for (const name in test.names) unusedAttrNames[name] = true;
  for (const name in test.values) unusedAttrVals[name] = true;
  return {
    attrNames: test.names === undefined ? undefined : { ...test.names },
    attrVals: test.values === undefined ? undefined : structuredClone(test.values),
    unusedAttrNames,
    unusedAttrVals,
    isReserved,
    compare,
    ...(test.isKeyCondition ? { isKeyCondition: true } : {}),
  };
}

/** What a parse gives: its answer or error, and the names and values left unused. */
function outcome(parse: ExpressionParse, test: Case, context = contextOf(test)) {
  let answer: unknown;
  try {
    answer = { returned: parse(test.expression, { context }) };
  } catch (error) {
    const { name, message } = error as Error;
    answer = { threw: { name, message } };
  }
  return {
    answer,
    unusedNames: Object.keys(context.unusedAttrNames as object),
    unusedValues: Object.keys(context.unusedAttrVals as object),
  };
}

const N1: Values = { ":n": { N: "1" } };
const UP: Values = { ":lo": { N: "1" }, ":hi": { N: "5" } };
const DOWN: Values = { ":lo": { N: "5" }, ":hi": { N: "1" } };
const T_N: Values = { ":t": { S: "N" } };
const T_X: Values = { ":t": { S: "X" } };
const TS = { "#timestamp": "timestamp" };
const NOW: Values = { ":now": { S: "2026-01-01T00:00:00Z" } };
const SS = { SS: ["a", "b"] };
const XY_S: Values = { ":x": { S: "1" }, ":y": { N: "2" } };
const X_S: Values = { ":x": { S: "x" } };

/** A memo of `kind`'s parser that counts the parses it asks of it. */
function countingMemo(kind: Kind, options: ExpressionMemoOptions = {}) {
  const parses = { count: 0 };
  const memo = new ExpressionMemo((input, context) => {
    parses.count++;
    return PARSERS[kind](input, context);
  }, options);
  return { memo, parses };
}

const CASES: readonly Case[] = [
  { kind: "condition", expression: "attribute_not_exists(#uuid)", names: { "#uuid": "uuid" } },
  { kind: "condition", expression: "attribute_exists(name)" },
  { kind: "condition", expression: "#a = :v", names: {}, values: { ":v": { S: "x" } } },
  { kind: "condition", expression: "#a = :w", names: { "#a": "a" }, values: { ":v": { S: "x" } } },
  {
    kind: "condition",
    expression: "#a = :v",
    names: { "#a": "a", "#b": "b" },
    values: { ":v": { S: "x" }, ":u": { N: "1" } },
  },
  { kind: "condition", expression: "begins_with(#a, :n)", names: { "#a": "a" }, values: N1 },
  { kind: "condition", expression: "size(#a)", names: { "#a": "a" } },
  { kind: "condition", expression: "#a = #a", names: { "#a": "a" } },
  { kind: "condition", expression: "unknown_fn(#a)", names: { "#a": "a" } },
  { kind: "condition", expression: "attribute_exists(#a, #a)", names: { "#a": "a" } },
  { kind: "condition", expression: "((#a = :n))", names: { "#a": "a" }, values: N1 },
  { kind: "condition", expression: "#a = ", names: { "#a": "a" } },
  { kind: "condition", expression: "#a BETWEEN :lo AND :hi", names: { "#a": "a" }, values: UP },
  { kind: "condition", expression: "#a BETWEEN :lo AND :hi", names: { "#a": "a" }, values: DOWN },
  {
    kind: "condition",
    expression: "#a between :lo and :hi",
    names: { "#a": "a" },
    values: { ":lo": { N: "1" }, ":hi": { S: "1" } },
  },
  { kind: "condition", expression: "attribute_type(#a, :t)", names: { "#a": "a" }, values: T_N },
  { kind: "condition", expression: "attribute_type(#a, :t)", names: { "#a": "a" }, values: T_X },
  {
    kind: "condition",
    expression: "#a IN (:x, :x, :y) AND NOT contains(#b.c[2], :x)",
    names: { "#a": "a", "#b": "b" },
    values: { ":x": { S: "x" }, ":y": { N: "2" } },
  },
  {
    kind: "condition",
    expression: "#pk = :v AND begins_with(#sk, :p)",
    names: { "#pk": "pk", "#sk": "sk" },
    values: { ":v": { S: "k" }, ":p": { S: "2026-" } },
    isKeyCondition: true,
  },
  {
    kind: "condition",
    expression: ":v < #pk",
    names: { "#pk": "pk" },
    values: { ":v": { N: "3" } },
    isKeyCondition: true,
  },
  { kind: "update", expression: "SET #timestamp = :now", names: TS, values: NOW },
  { kind: "update", expression: "SET timestamp = :now", values: NOW },
  {
    kind: "update",
    expression: "SET #a = :x + :y, #b = list_append(:l, #b) REMOVE c[1] ADD d :n DELETE e :ss",
    names: { "#a": "a", "#b": "b" },
    values: { ":x": { N: "1" }, ":y": { N: "2" }, ":l": { L: [] }, ":n": N1[":n"]!, ":ss": SS },
  },
  { kind: "update", expression: "SET #a = :x + :y", names: { "#a": "a" }, values: XY_S },
  { kind: "update", expression: "ADD #a :x", names: { "#a": "a" }, values: { ":x": { S: "s" } } },
  { kind: "update", expression: "SET #a = :x, #a.b = :x", names: { "#a": "a" }, values: X_S },
  { kind: "update", expression: "SET #a = :x SET #b = :x", names: { "#a": "a", "#b": "b" } },
  { kind: "update", expression: "SET #a = if_not_exists(#a, :x)", names: { "#a": "a" } },
  {
    kind: "update",
    expression: "SET #a = if_not_exists(#a, :x)",
    names: { "#a": "a" },
    values: X_S,
  },
  { kind: "projection", expression: "#a, b.c[1], #d", names: { "#a": "a", "#d": "d" } },
  { kind: "projection", expression: "#a, data", names: { "#a": "a" } },
  { kind: "projection", expression: "#a,", names: { "#a": "a" } },
];

Deno.test("ExpressionMemo.parse() answers as dynalite's parser for each expression, first and again", () => {
  for (const test of CASES) {
    const memo = new ExpressionMemo(PARSERS[test.kind]);
    const expected = outcome(PARSERS[test.kind], test);
    const label = `${test.kind} ${test.expression} ${JSON.stringify(test.values)}`;
    assert.deepEqual(outcome((i, o) => memo.parse(i, o), test), expected, `${label} (first)`);
    assert.deepEqual(outcome((i, o) => memo.parse(i, o), test), expected, `${label} (again)`);
    assert.equal(memo.size, 1, label);
  }
});

Deno.test("ExpressionMemo.parse() tells apart expressions that differ only in names, value types or BETWEEN and attribute_type contents", () => {
  const memos = {
    condition: new ExpressionMemo(PARSERS.condition),
    update: new ExpressionMemo(PARSERS.update),
    projection: new ExpressionMemo(PARSERS.projection),
  };
  for (const round of ["first", "again"]) {
    for (const test of CASES) {
      const memo = memos[test.kind];
      const label = `${round}: ${test.kind} ${test.expression} ${JSON.stringify(test.values)}`;
      const expected = outcome(PARSERS[test.kind], test);
      assert.deepEqual(outcome((i, o) => memo.parse(i, o), test), expected, label);
    }
  }
  const sizes = Object.values(memos).map((memo) => memo.size);
  assert.equal(sizes.reduce((sum, size) => sum + size), CASES.length);
});

Deno.test("ExpressionMemo.parse() answers from its memo for the same expression with new values", () => {
  const { memo, parses } = countingMemo("update");
  const test: Case = { kind: "update", expression: "SET #timestamp = :now", names: TS };
  for (const now of ["2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z"]) {
    const context = contextOf({ ...test, values: { ":now": { S: now } } });
    const values = context.attrVals as Values;
    const answer = memo.parse(test.expression, { context }) as {
      sections: { val: unknown }[];
      paths: unknown[][];
    };
    assert.equal(answer.sections[0]?.val, values[":now"], "the request's own value object");
    assert.deepEqual(answer.paths, [["timestamp"]]);
    assert.deepEqual(context.unusedAttrNames, {});
    assert.deepEqual(context.unusedAttrVals, {});
    // UpdateItem resolves each SET value in place: the next answer must not see it.
    answer.sections[0]!.val = { S: "changed" };
    answer.paths[0]!.push("changed");
  }
  assert.equal(parses.count, 1);
  assert.equal(memo.size, 1);
});

Deno.test("ExpressionMemo.parse() parses again when a value's type changes", () => {
  const memo = new ExpressionMemo(PARSERS.update);
  const test: Case = { kind: "update", expression: "ADD #a :x", names: { "#a": "a" } };
  const number = outcome((i, o) => memo.parse(i, o), { ...test, values: { ":x": { N: "1" } } });
  const string = outcome((i, o) => memo.parse(i, o), { ...test, values: { ":x": { S: "1" } } });
  assert.deepEqual(string, outcome(PARSERS.update, { ...test, values: { ":x": { S: "1" } } }));
  assert.notDeepEqual(number.answer, string.answer);
  assert.equal(memo.size, 2);
});

Deno.test("ExpressionMemo.parse() keeps a copy of shared parts of an answer shared", () => {
  const memo = new ExpressionMemo(PARSERS.update);
  const test: Case = {
    kind: "update",
    expression: "SET #a.b = :x",
    names: { "#a": "a" },
    values: X_S,
  };
  memo.parse(test.expression, { context: contextOf(test) });
  const again = memo.parse(test.expression, { context: contextOf(test) }) as {
    sections: { path: unknown }[];
    paths: unknown[];
    nestedPaths: object;
  };
  assert.equal(again.sections[0]?.path, again.paths[0]);
  assert.equal(Object.getPrototypeOf(again.nestedPaths), null);
});

Deno.test("ExpressionMemo.parse() keeps at most maxEntries parses, the least recently used dropped", () => {
  const { memo, parses } = countingMemo("projection", { maxEntries: 3 });
  const parse = (expression: string) =>
    memo.parse(expression, { context: contextOf({ kind: "projection", expression }) });
  for (let i = 0; i < 10; i++) parse(`a${i}`);
  assert.equal(memo.size, 3);
  assert.equal(parses.count, 10);
  parse("a7");
  parse("a10");
  parse("a7");
  parse("a8");
  assert.equal(parses.count, 12, "a7 was used last, a8 was dropped");
  assert.equal(memo.size, 3);
});

Deno.test("ExpressionMemo.parse() leaves other calls and over-long keys to the parser", () => {
  const { memo, parses } = countingMemo("projection", { maxKeyLength: 100 });
  const long = Array.from({ length: 30 }, (_, i) => `a${i}`).join(", ");
  memo.parse(long, { context: contextOf({ kind: "projection", expression: long }) });
  memo.parse("a", { context: { attrNames: {}, isReserved } });
  const context = contextOf({ kind: "projection", expression: "a" });
  const options = { context, startRule: "Start" };
  assert.deepEqual((memo.parse("a", options) as { paths: unknown }).paths, [["a"]]);
  assert.equal(parses.count, 3);
  assert.equal(memo.size, 0);
});

Deno.test("ExpressionMemo() rejects a memo of no entries", () => {
  assert.throws(
    () => new ExpressionMemo(PARSERS.update, { maxEntries: 0 }),
    new RangeError("Cannot create the memo: maxEntries must be at least 1, got 0"),
  );
});
