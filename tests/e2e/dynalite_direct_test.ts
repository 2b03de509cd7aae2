import assert from "node:assert/strict";
import { startDynalite } from "../../local/engines/mod.ts";
import type { DynaliteService } from "../../local/engines/mod.ts";
import { parseJsonObject } from "../../local/core/mod.ts";

// Each request goes to two dynalite stores: one through dynalite's HTTP
// listener, one through callJson(); the answers must be the same.

const SIGNED = {
  "host": "127.0.0.1",
  "content-type": "application/x-amz-json-1.0",
  "x-amz-date": "20260101T000000Z",
  "authorization": "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, " +
    "SignedHeaders=host;x-amz-date, Signature=abc",
};

type Json = Record<string, unknown>;

async function twins(test: (ask: Ask) => Promise<void>): Promise<void> {
  const viaListener = await startDynalite();
  const direct = await startDynalite();
  try {
    await test(ask(viaListener, direct));
  } finally {
    await Promise.all([viaListener.close(), direct.close()]);
  }
}

interface Ask {
  /** Asks both stores and asserts that they answer the same. */
  (
    operation: string,
    body: Json,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: Json }>;
  /** Asks both stores: their answers, not compared. */
  each(operation: string, body: Json): Promise<Json[]>;
}

function ask(viaListener: DynaliteService, direct: DynaliteService): Ask {
  const each = (operation: string, body: Json) =>
    Promise.all([viaListener, direct].map(async (store) => {
      const headers = { ...SIGNED, "x-amz-target": `DynamoDB_20120810.${operation}` };
      return (await store.callJson(headers, body)).json;
    }));
  return Object.assign(async (
    operation: string,
    body: Json,
    headers: Record<string, string> = SIGNED,
  ) => {
    const all = { ...headers, "x-amz-target": `DynamoDB_20120810.${operation}` };
    const heard = await viaListener.handle({
      method: "POST",
      url: "/",
      headers: all,
      body: new TextEncoder().encode(JSON.stringify(body)),
    });
    const answered = await direct.callJson(all, structuredClone(body));
    const expected = { status: heard.status, json: comparable(parseJsonObject(heard)) };
    const actual = { status: answered.status, json: comparable(answered.json) };
    assert.deepEqual(actual, expected, `${operation} ${JSON.stringify(body)}`);
    return actual;
  }, { each });
}

/** Fields that differ between two stores: a table's id and times. */
const VARYING = new Set(["TableId", "CreationDateTime", "LastUpdateToPayPerRequestDateTime"]);

/** `json` as JSON would carry it, without the fields that differ between two stores. */
function comparable(json: Json): Json {
  return JSON.parse(JSON.stringify(json, (key, value) => VARYING.has(key) ? undefined : value));
}

const TABLE = {
  TableName: "laptops",
  AttributeDefinitions: [{ AttributeName: "uuid", AttributeType: "S" }],
  KeySchema: [{ AttributeName: "uuid", KeyType: "HASH" }],
  BillingMode: "PAY_PER_REQUEST",
};

/** Creates the table on both stores and waits until both say it is active. */
async function createTable(ask: Ask): Promise<void> {
  assert.equal((await ask("CreateTable", TABLE)).status, 200);
  // The two stores turn it active at their own moment: wait, then compare.
  for (let tries = 0; tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const states = await ask.each("DescribeTable", { TableName: TABLE.TableName });
    if (states.every((json) => (json.Table as Json | undefined)?.TableStatus === "ACTIVE")) {
      await ask("DescribeTable", { TableName: TABLE.TableName });
      return;
    }
  }
  throw new Error("Cannot create the table: it never became active");
}

Deno.test("DynaliteService.callJson() answers item operations as dynalite's listener does", async () => {
  await twins(async (ask) => {
    assert.deepEqual((await ask("ListTables", {})).json, { TableNames: [] });
    await createTable(ask);
    const item = { uuid: { S: "a" }, year: { N: "2021" }, tags: { SS: ["x", "y"] } };
    assert.equal((await ask("PutItem", { TableName: "laptops", Item: item })).status, 200);
    const got = await ask("GetItem", { TableName: "laptops", Key: { uuid: { S: "a" } } });
    assert.deepEqual(got.json, { Item: item });
    await ask("UpdateItem", {
      TableName: "laptops",
      Key: { uuid: { S: "a" } },
      UpdateExpression: "SET #y = :y",
      ExpressionAttributeNames: { "#y": "year" },
      ExpressionAttributeValues: { ":y": { N: "2022" } },
      ReturnValues: "ALL_NEW",
    });
    await ask("BatchWriteItem", {
      RequestItems: {
        laptops: [{ PutRequest: { Item: { uuid: { S: "b" } } } }, {
          DeleteRequest: { Key: { uuid: { S: "a" } } },
        }],
      },
    });
    const batch = await ask("BatchGetItem", {
      RequestItems: { laptops: { Keys: [{ uuid: { S: "a" } }, { uuid: { S: "b" } }] } },
    });
    assert.deepEqual(batch.json.Responses, { laptops: [{ uuid: { S: "b" } }] });
    await ask("Scan", { TableName: "laptops" });
  });
});

Deno.test("DynaliteService.callJson() refuses bad requests with dynalite's own errors", async () => {
  await twins(async (ask) => {
    await createTable(ask);
    const failures = [
      await ask("PutItem", { TableName: "laptops", Item: { year: { N: "1" } } }),
      await ask("PutItem", { TableName: "nowhere", Item: { uuid: { S: "a" } } }),
      await ask("PutItem", { TableName: "laptops", Item: "not a map" }),
      await ask("GetItem", { TableName: "laptops" }),
      await ask("PutItem", {
        TableName: "laptops",
        Item: { uuid: { S: "a" } },
        ConditionExpression: "attribute_exists(uuid",
      }),
      await ask("PutItem", {
        TableName: "laptops",
        Item: { uuid: { S: "a" } },
        ConditionExpression: "attribute_exists(#u)",
        ExpressionAttributeNames: { "#u": "uuid" },
      }),
    ];
    assert.deepEqual(failures.map((answer) => answer.status), [400, 400, 400, 400, 400, 400]);
    // An operation dynalite does not know, and requests its listener refuses
    // before its checks, take the listener's way: the same answers.
    assert.equal((await ask("TransactWriteItems", { TransactItems: [] })).status, 400);
    const { authorization: _, ...unsigned } = SIGNED;
    assert.equal((await ask("ListTables", {}, unsigned)).status, 400);
    const { "x-amz-date": _date, ...undated } = SIGNED;
    assert.equal((await ask("ListTables", {}, undated)).status, 400);
    assert.equal(
      (await ask("ListTables", {}, { ...SIGNED, "content-type": "text/plain" })).status,
      404,
    );
  });
});

Deno.test("DynaliteService.callJson() checks and converts value types as dynalite's listener does", async () => {
  await twins(async (ask) => {
    await createTable(ask);
    const put = (Item: unknown, more: Json = {}) =>
      ask("PutItem", { TableName: "laptops", Item, ...more });
    const every = {
      uuid: { S: "every" },
      n: { N: "-1.5e3" },
      b: { B: "AAEC" },
      yes: { BOOL: true },
      none: { NULL: true },
      ss: { SS: ["x", "y"] },
      ns: { NS: ["1", "2.5"] },
      bs: { BS: ["AAEC", "AQID"] },
      l: { L: [{ S: "x" }, { N: "1" }, { M: { deep: { L: [{ BOOL: false }] } } }] },
      m: { M: { a: { S: "x" }, b: { SS: ["z"] } } },
    };
    const statuses = [
      await put(every, { ReturnConsumedCapacity: "TOTAL", ReturnValues: "ALL_OLD" }),
      await put({ uuid: { S: "strings" }, yes: { BOOL: "true" }, none: { NULL: "1" } }),
      await put({ uuid: { S: "unknown" }, x: { S: "a", Q: 1 } }, {
        Unknown: 1,
        ReturnValues: null,
      }),
      await put({ uuid: { S: "nulls" }, x: { S: null, N: "1" } }),
      await put({ uuid: { S: 5 } }),
      await put({ uuid: { S: "a" }, n: { N: true } }),
      await put({ uuid: { S: "a" }, m: { M: [] } }),
      await put({ uuid: { S: "a" }, l: { L: {} } }),
      await put({ uuid: { S: "a" }, ss: { SS: "x" } }),
      await put({ uuid: { S: "a" }, b: { B: "abc" } }),
      await put({ uuid: { S: "a" }, yes: { BOOL: 1 } }),
      await put({ uuid: "a" }),
      await put({ uuid: { S: "a" } }, { ConditionExpression: 5 }),
      await ask("GetItem", { TableName: "laptops", Key: { uuid: { S: "every" } } }),
      await ask("GetItem", {
        TableName: "laptops",
        Key: { uuid: { S: "every" } },
        ConsistentRead: "yes",
        ProjectionExpression: "l[2].M, #n",
        ExpressionAttributeNames: { "#n": "n" },
      }),
      await ask("Query", {
        TableName: "laptops",
        KeyConditionExpression: "#u = :u",
        ExpressionAttributeNames: { "#u": "uuid" },
        ExpressionAttributeValues: { ":u": { S: "every" } },
        Limit: 2.5,
      }),
      await ask("Query", { TableName: "laptops", KeyConditions: {}, Limit: "2" }),
      await ask("UpdateItem", {
        TableName: "laptops",
        Key: { uuid: { S: "every" } },
        UpdateExpression: "SET m.c = :m, yes = :f ADD ns :ns",
        ExpressionAttributeValues: {
          ":m": { M: { x: { NULL: true } } },
          ":f": { BOOL: false },
          ":ns": { NS: ["3"] },
        },
        ReturnValues: "UPDATED_NEW",
      }),
      await ask("BatchWriteItem", {
        RequestItems: {
          laptops: [
            { PutRequest: { Item: { uuid: { S: "b1" }, l: { L: [] } } } },
            { PutRequest: { Item: { uuid: { S: "b2" } }, Extra: true } },
          ],
        },
        ReturnConsumedCapacity: "INDEXES",
      }),
      await ask("BatchWriteItem", { RequestItems: { laptops: [{ PutRequest: { Item: [] } }] } }),
      await ask("BatchGetItem", {
        RequestItems: {
          laptops: {
            Keys: [{ uuid: { S: "every" } }],
            ConsistentRead: true,
          },
        },
      }),
      await ask("BatchGetItem", { RequestItems: { laptops: { Keys: { uuid: { S: "b1" } } } } }),
      await ask("Scan", { TableName: "laptops", Limit: 2.5, Segment: 0, TotalSegments: 1 }),
      await ask("Scan", { TableName: "laptops" }),
    ].map((answer) => answer.status);
    assert.deepEqual(statuses, [
      ...[200, 200, 200, 200, 400, 400, 400, 400, 400, 400, 400, 400, 400],
      ...[200, 200, 200, 400, 200, 200, 400, 200, 400, 200, 200],
    ]);
  });
});

Deno.test("DynaliteService.callJson() answers batches over several tables as dynalite's listener does", async () => {
  await twins(async (ask) => {
    await createTable(ask);
    const keys = ["a", "b", "c", "d"].map((uuid) => ({ uuid: { S: uuid } }));
    const written = await ask("BatchWriteItem", {
      RequestItems: {
        laptops: keys.map((key, index) => ({
          PutRequest: { Item: { ...key, year: { N: String(2020 + index) } } },
        })),
      },
      ReturnConsumedCapacity: "TOTAL",
    });
    assert.equal(written.status, 200);
    const read = await ask.each("BatchGetItem", {
      RequestItems: {
        laptops: {
          Keys: keys,
          ProjectionExpression: "#u",
          ExpressionAttributeNames: { "#u": "uuid" },
        },
      },
    });
    for (const answer of read) {
      const items = (answer.Responses as Record<string, Json[]>).laptops ?? [];
      const uuids = items.map((item) => (item.uuid as { S: string }).S).sort();
      assert.deepEqual(items.map((item) => Object.keys(item)), keys.map(() => ["uuid"]));
      assert.deepEqual(uuids, ["a", "b", "c", "d"]);
    }
    const missing = [
      await ask("BatchGetItem", {
        RequestItems: { laptops: { Keys: keys }, nowhere: { Keys: keys } },
      }),
      await ask("BatchWriteItem", {
        RequestItems: {
          laptops: [{ DeleteRequest: { Key: keys[0] } }],
          nowhere: [{ DeleteRequest: { Key: keys[1] } }],
        },
      }),
    ];
    assert.deepEqual(missing.map((answer) => answer.status), [400, 400]);
    await ask("DeleteTable", { TableName: "laptops" });
    const gone = await ask("BatchGetItem", { RequestItems: { laptops: { Keys: keys } } });
    assert.equal(gone.status, 400);
  });
});
