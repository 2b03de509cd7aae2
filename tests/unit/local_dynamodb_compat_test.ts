import assert from "node:assert/strict";
import {
  awsMessage,
  cancellationMessage,
  itemIdentity,
  operationKey,
  tableName,
  transactOperations,
  withTableArns,
  withTableNames,
} from "../../local/dynamodb/_compat.ts";

const ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/laptops";

// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html (TableName: name or ARN)

Deno.test("tableName() reads a table ARN and leaves a name alone", () => {
  assert.equal(tableName(ARN), "laptops");
  assert.equal(tableName("laptops"), "laptops");
  assert.equal(
    tableName("arn:aws:dynamodb:us-east-1:000000000000:table/x/stream/1"),
    "arn:aws:dynamodb:us-east-1:000000000000:table/x/stream/1",
  );
});

Deno.test("withTableNames() renames TableName, RequestItems keys and TransactItems", () => {
  const named = withTableNames({
    TableName: ARN,
    RequestItems: { [ARN]: { Keys: [] }, other: { Keys: [] } },
    TransactItems: [{ Put: { TableName: ARN, Item: {} } }],
  });
  assert.deepEqual(named.body, {
    TableName: "laptops",
    RequestItems: { laptops: { Keys: [] }, other: { Keys: [] } },
    TransactItems: [{ Put: { TableName: "laptops", Item: {} } }],
  });
  assert.deepEqual(
    withTableArns({ Responses: { laptops: [], other: [] }, UnprocessedKeys: {} }, named.arnKeys),
    { Responses: { [ARN]: [], other: [] }, UnprocessedKeys: {} },
  );
});

Deno.test("awsMessage() uses AWS's current words for empty key values", () => {
  assert.equal(
    awsMessage(
      "One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain an empty string value. Key: uuid",
    ),
    "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: uuid",
  );
  assert.equal(
    awsMessage("Invalid UpdateExpression: The expression can not be empty;"),
    "Invalid UpdateExpression: The expression can not be empty;",
  );
});

// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html

Deno.test("transactOperations() reads one operation per item and refuses empty or mixed ones", () => {
  const kinds = ["Put", "Delete"];
  assert.deepEqual(transactOperations([{ Put: { TableName: "t" } }], kinds), [
    { kind: "Put", params: { TableName: "t" } },
  ]);
  assert.equal(typeof transactOperations([], kinds), "string");
  assert.equal(typeof transactOperations([{ Put: {}, Delete: {} }], kinds), "string");
  assert.equal(
    typeof transactOperations(Array.from({ length: 101 }, () => ({ Put: {} })), kinds),
    "string",
  );
});

Deno.test("operationKey() and itemIdentity() find two operations on one item", () => {
  const put = { kind: "Put", params: { Item: { id: { S: "1" }, n: { N: "2" } } } };
  const del = { kind: "Delete", params: { Key: { id: { S: "1" } } } };
  assert.deepEqual(operationKey(put, ["id"]), { id: { S: "1" } });
  assert.equal(
    itemIdentity("t", operationKey(put, ["id"])),
    itemIdentity("t", operationKey(del, ["id"])),
  );
  assert.notEqual(itemIdentity("t", { id: { S: "1" } }), itemIdentity("u", { id: { S: "1" } }));
});

Deno.test("cancellationMessage() lists the reasons' codes in order", () => {
  assert.equal(
    cancellationMessage([{ Code: "None" }, { Code: "ConditionalCheckFailed" }]),
    "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]",
  );
});
