/**
 * Conformance of the local AWS's DynamoDB with AWS's documented isolation of
 * transactions and its time to live, through the JS SDK. boto3 runs the same
 * behaviours in tests/conformance/boto3_dynamodb.py.
 */

import assert from "node:assert/strict";
import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { startLocalAws } from "../../local/local_aws.ts";
import { run } from "../_helpers/e2e.ts";
import { createActiveTable, dynamoDbClient, startWithClient } from "./_conformance.ts";

const TableName = "conformance-isolation";
const KEYS = Array.from({ length: 10 }, (_, i) => ({ pk: { S: "g" }, sk: { S: `s${i}` } }));

/** Creates the table, with its time to live on `ttlAttribute` when given. */
async function createTable(db: DynamoDBClient, ttlAttribute?: string): Promise<void> {
  await createActiveTable(db, {
    TableName,
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, {
      AttributeName: "sk",
      KeyType: "RANGE",
    }],
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
    ],
  });
  if (ttlAttribute === undefined) return;
  await db.send(
    new UpdateTimeToLiveCommand({
      TableName,
      TimeToLiveSpecification: { Enabled: true, AttributeName: ttlAttribute },
    }),
  );
}

/** Sets `n` of every item in one transaction; a cancelled one fails on its last check. */
function setAll(n: number, cancelled: boolean): TransactWriteItemsCommand {
  return new TransactWriteItemsCommand({
    TransactItems: [
      ...KEYS.map((Key) => ({
        Update: {
          TableName,
          Key,
          UpdateExpression: "SET n = :n",
          ExpressionAttributeValues: { ":n": { N: String(n) } },
        },
      })),
      ...(cancelled
        ? [{
          ConditionCheck: {
            TableName,
            Key: { pk: { S: "g" }, sk: { S: "missing" } },
            ConditionExpression: "attribute_exists(pk)",
          },
        }]
        : []),
    ],
  });
}

/** The distinct values of `n` a read saw, as text. */
function values(items: Record<string, AttributeValue>[] | undefined): string {
  return [...new Set((items ?? []).map((item) => item.n?.N))].sort().join(",");
}

// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-isolation
// ("Isolation levels for DynamoDB transactions": GetItem serializable; BatchGetItem,
// Query and Scan read-committed, never a transaction's uncommitted or cancelled writes)
Deno.test("DynamoDB reads see a transaction whole or not at all, and never a cancelled one", async () => {
  await using aws = await startWithClient(dynamoDbClient);
  const db = aws.client;
  await createTable(db);
  await db.send(setAll(0, false));
  let writing = true;
  const torn: string[] = [];
  const writer = (async () => {
    try {
      for (let n = 1; n <= 40; n++) {
        await db.send(setAll(n % 4 === 0 ? -n : n, n % 4 === 0)).catch((error) => {
          if (error.name !== "TransactionCanceledException") throw error;
        });
      }
    } finally {
      writing = false;
    }
  })();
  const reader = async (read: () => Promise<Record<string, AttributeValue>[] | undefined>) => {
    let reads = 0;
    while (writing || reads === 0) {
      const items = await read();
      reads++;
      const seen = values(items);
      if (items?.length !== KEYS.length || seen.includes(",") || seen.startsWith("-")) {
        torn.push(`${items?.length} items, n = ${seen}`);
      }
    }
    return reads;
  };
  const reads = await Promise.all([
    reader(async () => (await db.send(new ScanCommand({ TableName, ConsistentRead: true }))).Items),
    reader(async () =>
      (await db.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: "pk = :g",
          ExpressionAttributeValues: { ":g": { S: "g" } },
          ConsistentRead: true,
        }),
      )).Items
    ),
    reader(async () =>
      (await db.send(
        new BatchGetItemCommand({
          RequestItems: { [TableName]: { Keys: KEYS, ConsistentRead: true } },
        }),
      )).Responses?.[TableName]
    ),
    reader(async () => {
      // One item cannot be torn, but it must never show a cancelled write.
      const { Item } = await db.send(
        new GetItemCommand({ TableName, Key: KEYS[3] as never, ConsistentRead: true }),
      );
      return KEYS.map(() => Item ?? {});
    }),
  ]);
  await writer;
  assert.ok(reads.every((count) => count > 0));
  assert.deepEqual(torn, [], `${torn.length} torn reads of ${reads.join("+")}`);
  const { Items } = await db.send(new ScanCommand({ TableName }));
  assert.equal(values(Items), "39");
});

// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html
// ("Items that have expired and not been deleted will still show up in reads")
Deno.test("DynamoDB TTL deletes expired items in the background, as the service, not as a request", async () => {
  await using aws = await startWithClient(dynamoDbClient, { ttlSweepMs: 100 });
  const db = aws.client;
  await createTable(db, "expires");
  const now = Math.floor(Date.now() / 1000);
  const items = {
    expired: { N: String(now - 60) },
    future: { N: String(now + 3600) },
    text: { S: String(now - 60) },
  };
  for (const [sk, expires] of Object.entries(items)) {
    await db.send(
      new PutItemCommand({ TableName, Item: { pk: { S: "t" }, sk: { S: sk }, expires } }),
    );
  }
  aws.local.resetStats();
  const left = async () =>
    ((await db.send(new ScanCommand({ TableName, ConsistentRead: true }))).Items ?? [])
      .map((item) => item.sk?.S).sort();
  let remaining = await left();
  for (let i = 0; i < 100 && remaining.includes("expired"); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    remaining = await left();
  }
  assert.deepEqual(remaining, ["future", "text"]);
  const byOperation = aws.local.stats().byOperation;
  assert.equal(byOperation["dynamodb:DeleteItem"], undefined, JSON.stringify(byOperation));
});

// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html
Deno.test("DynamoDB TTL leaves expired items readable until the sweep deletes them", async () => {
  await using aws = await startWithClient(dynamoDbClient); // a sweep a minute
  const db = aws.client;
  await createTable(db, "expires");
  const Key = { pk: { S: "t" }, sk: { S: "expired" } };
  const expires = { N: String(Math.floor(Date.now() / 1000) - 60) };
  await db.send(new PutItemCommand({ TableName, Item: { ...Key, expires } }));
  const { Item } = await db.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }));
  assert.deepEqual(Item, { ...Key, expires });
  const { Count } = await db.send(new ScanCommand({ TableName }));
  assert.equal(Count, 1);
});

Deno.test("deno task local refuses a --ttl-sweep that is not a positive number of seconds", async () => {
  for (const value of ["0", "-1", "soon"]) {
    const args = ["task", "--quiet", "local", "--in-memory", `--ttl-sweep=${value}`];
    const bad = await run("deno", args);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(
      bad.stderr,
      new RegExp(`Invalid --ttl-sweep: expected a positive number of seconds, got "${value}"`),
    );
  }
  await assert.rejects(
    startLocalAws({ port: 0, inMemory: true, ttlSweepMs: 0 }),
    RangeError,
    "Cannot start local AWS: ttlSweepMs must be a positive number, got 0",
  );
});
