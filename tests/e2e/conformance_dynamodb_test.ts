/**
 * Conformance of the local AWS's DynamoDB with AWS's documented behaviour,
 * through the JS SDK. Each test names the AWS documentation page it follows.
 * boto3 runs the same behaviours in conformance_boto3_test.ts.
 */

import assert from "node:assert/strict";
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { createActiveTable, dynamoDbClient, expectError, startWithClient } from "./_conformance.ts";

const TableName = "conformance";

function createTable(db: DynamoDBClient): Promise<string> {
  return createActiveTable(db, {
    TableName,
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
  });
}

// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html (ValidationException)
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html (empty values)
Deno.test("DynamoDB validation messages are AWS's current ones", async () => {
  await using aws = await startWithClient(dynamoDbClient);
  const db = aws.client;
  await createTable(db);
  await expectError(
    db.send(new UpdateItemCommand({ TableName, Key: { id: { S: "a" } }, UpdateExpression: "" })),
    {
      name: "ValidationException",
      status: 400,
      message: "Invalid UpdateExpression: The expression can not be empty;",
    },
  );
  await expectError(
    db.send(new PutItemCommand({ TableName, Item: { id: { S: "a" }, s: { SS: [] } } })),
    {
      name: "ValidationException",
      message: "One or more parameter values were invalid: An string set  may not be empty",
    },
  );
  await expectError(
    db.send(new PutItemCommand({ TableName, Item: { id: { S: "a" }, s: { NS: [] } } })),
    {
      name: "ValidationException",
      message: "One or more parameter values were invalid: An number set  may not be empty",
    },
  );
  const emptyKey =
    "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id";
  await expectError(db.send(new PutItemCommand({ TableName, Item: { id: { S: "" } } })), {
    name: "ValidationException",
    message: emptyKey,
  });
  await expectError(db.send(new GetItemCommand({ TableName, Key: { id: { S: "" } } })), {
    name: "ValidationException",
    message: emptyKey,
  });
  // Empty strings and binaries are valid outside keys (since 2020).
  await db.send(
    new PutItemCommand({
      TableName,
      Item: { id: { S: "e" }, s: { S: "" }, b: { B: new Uint8Array() } },
    }),
  );
});

// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html#DDB-GetItem-request-TableName
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
Deno.test("DynamoDB accepts a table ARN as TableName and binary attributes in BatchWriteItem", async () => {
  await using aws = await startWithClient(dynamoDbClient);
  const db = aws.client;
  const arn = await createTable(db);
  assert.match(arn, /^arn:aws:dynamodb:us-east-1:\d{12}:table\/conformance$/);
  const { Table } = await db.send(new DescribeTableCommand({ TableName: arn }));
  assert.equal(Table?.TableName, TableName);
  await db.send(
    new BatchWriteItemCommand({
      RequestItems: {
        [arn]: [{
          PutRequest: {
            Item: {
              id: { S: "bin" },
              b: { B: new Uint8Array([0, 255]) },
              bs: { BS: [new Uint8Array([1]), new Uint8Array([2])] },
            },
          },
        }],
      },
    }),
  );
  const { Item } = await db.send(
    new GetItemCommand({ TableName: arn, Key: { id: { S: "bin" } } }),
  );
  assert.deepEqual(Item?.b?.B, new Uint8Array([0, 255]));
  assert.equal(Item?.bs?.BS?.length, 2);
  const batch = await db.send(
    new BatchGetItemCommand({ RequestItems: { [arn]: { Keys: [{ id: { S: "bin" } }] } } }),
  );
  assert.deepEqual(Object.keys(batch.Responses ?? {}), [arn]);
});

// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactGetItems.html
Deno.test("DynamoDB transactions apply all or nothing and report cancellation reasons", async () => {
  await using aws = await startWithClient(dynamoDbClient);
  const db = aws.client;
  await createTable(db);
  await db.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName, Item: { id: { S: "t1" }, n: { N: "1" } } } },
        { Put: { TableName, Item: { id: { S: "t2" }, n: { N: "1" } } } },
      ],
    }),
  );
  const error = await expectError(
    db.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Delete: { TableName, Key: { id: { S: "t1" } } } },
          {
            Update: {
              TableName,
              Key: { id: { S: "t2" } },
              UpdateExpression: "SET n = :v",
              ConditionExpression: "n = :old",
              ExpressionAttributeValues: { ":v": { N: "2" }, ":old": { N: "9" } },
              ReturnValuesOnConditionCheckFailure: "ALL_OLD",
            },
          },
        ],
      }),
    ),
    {
      name: "TransactionCanceledException",
      status: 400,
      message:
        "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]",
    },
  );
  const reasons = error.CancellationReasons as { Code: string; Item?: unknown }[];
  assert.deepEqual(reasons.map((r) => r.Code), ["None", "ConditionalCheckFailed"]);
  assert.deepEqual(reasons[1]?.Item, { id: { S: "t2" }, n: { N: "1" } });
  const { Responses } = await db.send(
    new TransactGetItemsCommand({
      TransactItems: [
        { Get: { TableName, Key: { id: { S: "t1" } } } },
        { Get: { TableName, Key: { id: { S: "missing" } } } },
      ],
    }),
  );
  assert.deepEqual(Responses?.[0]?.Item, { id: { S: "t1" }, n: { N: "1" } }); // not deleted
  assert.equal(Responses?.[1]?.Item, undefined);
});

// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html
Deno.test("DynamoDB UpdateTimeToLive and DescribeTimeToLive keep the table's setting", async () => {
  await using aws = await startWithClient(dynamoDbClient);
  const db = aws.client;
  await createTable(db);
  const before = await db.send(new DescribeTimeToLiveCommand({ TableName }));
  assert.equal(before.TimeToLiveDescription?.TimeToLiveStatus, "DISABLED");
  await db.send(
    new UpdateTimeToLiveCommand({
      TableName,
      TimeToLiveSpecification: { Enabled: true, AttributeName: "expires" },
    }),
  );
  const after = await db.send(new DescribeTimeToLiveCommand({ TableName }));
  assert.deepEqual(after.TimeToLiveDescription, {
    TimeToLiveStatus: "ENABLED",
    AttributeName: "expires",
  });
});
