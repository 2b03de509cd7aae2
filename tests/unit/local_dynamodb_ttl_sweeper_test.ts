import assert from "node:assert/strict";
import {
  type EngineAnswer,
  isExpired,
  sweepExpiredItems,
} from "../../local/dynamodb/_ttl_sweeper.ts";

type Json = Record<string, unknown>;

const NOW_MS = Date.UTC(2026, 0, 1);
const NOW = NOW_MS / 1000;
const YEAR = 365 * 24 * 3600;

/**
 * An engine holding items keyed by `id`: the few operations the sweeper
 * makes, with DynamoDB's paging (`Limit`, `ExclusiveStartKey`) and the
 * deletion's condition. Logs every call.
 */
function fakeEngine(tables: Record<string, Json[]>) {
  const calls: { operation: string; body: Json }[] = [];
  async function call(operation: string, body: Json): Promise<EngineAnswer> {
    await Promise.resolve();
    calls.push({ operation, body });
    const items = tables[String(body.TableName)] ?? [];
    switch (operation) {
      case "ListTables":
        return { status: 200, json: { TableNames: Object.keys(tables) } };
      case "DescribeTable":
        return {
          status: 200,
          json: { Table: { KeySchema: [{ AttributeName: "id", KeyType: "HASH" }] } },
        };
      case "Scan": {
        const after = (body.ExclusiveStartKey as { id?: unknown } | undefined)?.id;
        const from = after === undefined
          ? 0
          : items.findIndex((item) => JSON.stringify(item.id) === JSON.stringify(after)) + 1;
        const page = items.slice(from, from + Number(body.Limit));
        const more = from + page.length < items.length;
        return {
          status: 200,
          json: {
            Items: page.map((item) => structuredClone(item)),
            ...(more ? { LastEvaluatedKey: { id: page.at(-1)?.id } } : {}),
          },
        };
      }
      case "DeleteItem": {
        const id = JSON.stringify((body.Key as Json).id);
        const index = items.findIndex((item) => JSON.stringify(item.id) === id);
        const attribute = (body.ExpressionAttributeNames as Json)["#ttl"] as string;
        const seen = (body.ExpressionAttributeValues as Json)[":seen"];
        if (index < 0 || JSON.stringify(items[index]?.[attribute]) !== JSON.stringify(seen)) {
          return { status: 400, json: { __type: "x#ConditionalCheckFailedException" } };
        }
        items.splice(index, 1);
        return { status: 200, json: {} };
      }
    }
    return { status: 400, json: {} };
  }
  return { call, calls };
}

function item(id: string, expires?: Json): Json {
  return { id: { S: id }, ...(expires === undefined ? {} : { expires }) };
}

Deno.test("isExpired() holds for a Number of epoch seconds before now, within five years", () => {
  assert.equal(isExpired({ N: String(NOW - 1) }, NOW), true);
  assert.equal(isExpired({ N: String(NOW - 4.9 * YEAR) }, NOW), true);
  assert.equal(isExpired({ N: String(NOW) }, NOW), false);
  assert.equal(isExpired({ N: String(NOW + 60) }, NOW), false);
  assert.equal(isExpired({ N: String(NOW - 6 * YEAR) }, NOW), false);
  assert.equal(isExpired({ S: String(NOW - 1) }, NOW), false);
  assert.equal(isExpired({ NS: [String(NOW - 1)] }, NOW), false);
  assert.equal(isExpired(undefined, NOW), false);
});

Deno.test("sweepExpiredItems() deletes the expired items of tables with TTL enabled only", async () => {
  const tables = {
    sessions: [
      item("old", { N: String(NOW - 10) }),
      item("live", { N: String(NOW + 3600) }),
      item("text", { S: String(NOW - 10) }),
      item("none"),
      item("ancient", { N: String(NOW - 6 * YEAR) }),
    ],
    plain: [item("old", { N: String(NOW - 10) })],
  };
  const engine = fakeEngine(tables);
  const deleted = await sweepExpiredItems({
    call: engine.call,
    ttlAttribute: (table) => table === "sessions" ? "expires" : undefined,
    now: () => NOW_MS,
  });
  assert.equal(deleted, 1);
  assert.deepEqual(tables.sessions.map((i) => (i.id as { S: string }).S), [
    "live",
    "text",
    "none",
    "ancient",
  ]);
  assert.equal(tables.plain.length, 1);
  assert.ok(!engine.calls.some((c) => c.operation === "Scan" && c.body.TableName === "plain"));
});

Deno.test("sweepExpiredItems() reads every page and runs each deletion through write", async () => {
  const many = Array.from({ length: 250 }, (_, i) => item(`i${i}`, { N: String(NOW - i - 1) }));
  const tables = { big: many };
  const engine = fakeEngine(tables);
  let writes = 0;
  const deleted = await sweepExpiredItems({
    call: engine.call,
    ttlAttribute: () => "expires",
    now: () => NOW_MS,
    write: (task) => {
      writes++;
      return task();
    },
  });
  assert.equal(deleted, 250);
  assert.equal(writes, 250);
  assert.equal(tables.big.length, 0);
  const scans = engine.calls.filter((c) => c.operation === "Scan");
  assert.equal(scans.length, 3);
  assert.deepEqual(scans[0]?.body.ExpressionAttributeNames, { "#a0": "id", "#a1": "expires" });
});

Deno.test("sweepExpiredItems() keeps an item whose expiry changed after the scan", async () => {
  const tables = { sessions: [item("renewed", { N: String(NOW - 10) })] };
  const engine = fakeEngine(tables);
  const deleted = await sweepExpiredItems({
    call: engine.call,
    ttlAttribute: () => "expires",
    now: () => NOW_MS,
    write: (task) => {
      // Another client renews the item between the scan and the deletion.
      (tables.sessions[0] as Json).expires = { N: String(NOW + 3600) };
      return task();
    },
  });
  assert.equal(deleted, 0);
  assert.equal(tables.sessions.length, 1);
});

Deno.test("sweepExpiredItems() stops when its signal aborts", async () => {
  const tables = { sessions: [item("a", { N: String(NOW - 1) }), item("b", { N: "1" })] };
  const engine = fakeEngine(tables);
  const stop = new AbortController();
  stop.abort();
  assert.equal(
    await sweepExpiredItems({
      call: engine.call,
      ttlAttribute: () => "expires",
      now: () => NOW_MS,
      signal: stop.signal,
    }),
    0,
  );
  assert.equal(tables.sessions.length, 2);
});
