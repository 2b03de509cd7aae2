/**
 * Conformance of the local AWS's `UpdateItem` validation with AWS's, through
 * the JS SDK: each refused update answers 400 `ValidationException` with
 * AWS's message, and writes nothing. boto3 runs the same cases in
 * tests/conformance/boto3_dynamodb.py.
 *
 * Pages:
 * - https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
 * - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
 * - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeValues.html
 * - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeNames.html
 * - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
 *   (empty strings allowed outside keys since 2020; sets may not be empty)
 */

import assert from "node:assert/strict";
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import { createActiveTable, dynamoDbClient, expectError, startWithClient } from "./_conformance.ts";

const TableName = "conformance-update";
const ORIGINAL: Record<string, AttributeValue> = {
  id: { S: "a" },
  n: { N: "1" },
  tags: { SS: ["x", "y"] },
};

function createTable(db: DynamoDBClient): Promise<string> {
  return createActiveTable(db, {
    TableName,
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
  });
}

type Update = Omit<UpdateItemCommandInput, "TableName" | "Key">;

/** A refused update: what is sent, and AWS's message. */
interface RefusedCase {
  readonly name: string;
  readonly update: Update;
  readonly message: string;
  readonly key?: Record<string, AttributeValue>;
}

const emptySet = (kind: string) =>
  `ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: ${kind} for key :v`;

const REFUSED: readonly RefusedCase[] = [
  {
    name: "an empty UpdateExpression",
    update: { UpdateExpression: "" },
    message: "Invalid UpdateExpression: The expression can not be empty;",
  },
  {
    name: "an UpdateExpression of blanks",
    update: { UpdateExpression: "   " },
    message: "Invalid UpdateExpression: The expression can not be empty;",
  },
  {
    name: "SET of an empty string set",
    update: { UpdateExpression: "SET s = :v", ExpressionAttributeValues: { ":v": { SS: [] } } },
    message: emptySet("An string set  may not be empty"),
  },
  {
    name: "SET of an empty set inside a map",
    update: {
      UpdateExpression: "SET m = :v",
      ExpressionAttributeValues: { ":v": { M: { inner: { NS: [] } } } },
    },
    message: emptySet("An number set  may not be empty"),
  },
  {
    name: "ADD of an empty number set",
    update: { UpdateExpression: "ADD s :v", ExpressionAttributeValues: { ":v": { NS: [] } } },
    message: emptySet("An number set  may not be empty"),
  },
  {
    name: "ADD of an empty binary set",
    update: { UpdateExpression: "ADD s :v", ExpressionAttributeValues: { ":v": { BS: [] } } },
    message: emptySet("Binary sets should not be empty"),
  },
  {
    name: "DELETE of an empty string set",
    update: { UpdateExpression: "DELETE tags :v", ExpressionAttributeValues: { ":v": { SS: [] } } },
    message: emptySet("An string set  may not be empty"),
  },
  {
    name: "ADD of an empty string",
    update: { UpdateExpression: "ADD s :v", ExpressionAttributeValues: { ":v": { S: "" } } },
    message:
      "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING",
  },
  {
    name: "SET of a key attribute to an empty string",
    update: { UpdateExpression: "SET id = :v", ExpressionAttributeValues: { ":v": { S: "" } } },
    message:
      "One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key",
  },
  {
    name: "a key with an empty string",
    key: { id: { S: "" } },
    update: { UpdateExpression: "SET n = :v", ExpressionAttributeValues: { ":v": { N: "2" } } },
    message:
      "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id",
  },
  {
    name: "empty ExpressionAttributeValues",
    update: { UpdateExpression: "REMOVE n", ExpressionAttributeValues: {} },
    message: "ExpressionAttributeValues must not be empty",
  },
  {
    name: "empty ExpressionAttributeNames",
    update: {
      UpdateExpression: "SET n = :v",
      ExpressionAttributeNames: {},
      ExpressionAttributeValues: { ":v": { N: "2" } },
    },
    message: "ExpressionAttributeNames must not be empty",
  },
  {
    name: "unused ExpressionAttributeValues",
    update: {
      UpdateExpression: "SET n = :v",
      ExpressionAttributeValues: { ":v": { N: "2" }, ":w": { N: "3" }, ":x": { N: "4" } },
    },
    message: "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w, :x}",
  },
  {
    name: "unused ExpressionAttributeNames",
    update: {
      UpdateExpression: "SET n = :v",
      ExpressionAttributeNames: { "#x": "x" },
      ExpressionAttributeValues: { ":v": { N: "2" } },
    },
    message: "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}",
  },
  {
    name: "a value placeholder that is not defined",
    update: { UpdateExpression: "SET n = :v", ExpressionAttributeValues: { ":w": { N: "2" } } },
    message:
      "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v",
  },
  {
    name: "a name placeholder that is not defined",
    update: { UpdateExpression: "SET #n = :v", ExpressionAttributeValues: { ":v": { N: "2" } } },
    message:
      "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #n",
  },
  {
    name: "ExpressionAttributeValues without an expression",
    update: { ExpressionAttributeValues: { ":v": { N: "2" } } },
    message:
      "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null",
  },
];

Deno.test("UpdateItem refuses invalid updates with AWS's messages and writes nothing", async (t) => {
  await using aws = await startWithClient(dynamoDbClient);
  const db = aws.client;
  await createTable(db);
  await db.send(new PutItemCommand({ TableName, Item: ORIGINAL }));
  for (const refused of REFUSED) {
    await t.step(`UpdateItem refuses ${refused.name}`, async () => {
      const Key = refused.key ?? { id: { S: "a" } };
      await expectError(db.send(new UpdateItemCommand({ TableName, Key, ...refused.update })), {
        name: "ValidationException",
        status: 400,
        message: refused.message,
      });
      const { Item } = await db.send(
        new GetItemCommand({ TableName, Key: { id: { S: "a" } }, ConsistentRead: true }),
      );
      assert.deepEqual(Item, ORIGINAL, "the item is unchanged");
    });
    await t.step(`UpdateItem writes no new item for ${refused.name}`, async () => {
      if (refused.key !== undefined) return; // the key itself is invalid
      await expectError(
        db.send(
          new UpdateItemCommand({ TableName, Key: { id: { S: "new" } }, ...refused.update }),
        ),
        { name: "ValidationException", message: refused.message },
      );
      const { Item } = await db.send(
        new GetItemCommand({ TableName, Key: { id: { S: "new" } }, ConsistentRead: true }),
      );
      assert.equal(Item, undefined);
    });
  }
});

Deno.test("UpdateItem stores empty strings and binaries outside keys, and sets with members", async () => {
  await using aws = await startWithClient(dynamoDbClient);
  const db = aws.client;
  await createTable(db);
  const { Attributes } = await db.send(
    new UpdateItemCommand({
      TableName,
      Key: { id: { S: "e" } },
      UpdateExpression: "SET s = :s, b = :b ADD tags :t",
      ExpressionAttributeValues: {
        ":s": { S: "" },
        ":b": { B: new Uint8Array() },
        ":t": { SS: ["x"] },
      },
      ReturnValues: "ALL_NEW",
    }),
  );
  assert.deepEqual(Attributes, {
    id: { S: "e" },
    s: { S: "" },
    b: { B: new Uint8Array() },
    tags: { SS: ["x"] },
  });
  // Deleting a set's last member removes the attribute: no empty set is stored.
  const after = await db.send(
    new UpdateItemCommand({
      TableName,
      Key: { id: { S: "e" } },
      UpdateExpression: "DELETE tags :t",
      ExpressionAttributeValues: { ":t": { SS: ["x"] } },
      ReturnValues: "ALL_NEW",
    }),
  );
  assert.equal(after.Attributes?.tags, undefined);
});
