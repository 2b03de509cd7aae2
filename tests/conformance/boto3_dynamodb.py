"""The DynamoDB conformance cases, run with boto3 (see boto3_conformance.py)."""

from boto3_common import case, ddb, expect_error

# ── DynamoDB ────────────────────────────────────────────────────────────────


TABLE = "conformance-items"


def table():
    try:
        ddb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.get_waiter("table_exists").wait(TableName=TABLE, WaiterConfig={"Delay": 1})
    except ddb.exceptions.ResourceInUseException:
        pass
    return TABLE


@case
def dynamodb_validation_messages():
    """Validation errors: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html,
    UpdateItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html"""
    name = table()
    expect_error(
        lambda: ddb.update_item(TableName=name, Key={"id": {"S": "a"}}, UpdateExpression=""),
        "ValidationException",
        400,
        "Invalid UpdateExpression: The expression can not be empty;",
    )
    for kind, word in [("SS", "An string set  may not be empty"), ("NS", "An number set  may not be empty")]:
        expect_error(
            lambda: ddb.put_item(TableName=name, Item={"id": {"S": "a"}, "s": {kind: []}}),
            "ValidationException",
            400,
            f"One or more parameter values were invalid: {word}",
        )
    empty_key = (
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        "cannot contain an empty string value. Key: id"
    )
    expect_error(lambda: ddb.put_item(TableName=name, Item={"id": {"S": ""}}), "ValidationException", 400, empty_key)
    expect_error(lambda: ddb.get_item(TableName=name, Key={"id": {"S": ""}}), "ValidationException", 400, empty_key)
    # Empty strings and binaries are fine outside keys.
    ddb.put_item(TableName=name, Item={"id": {"S": "e"}, "s": {"S": ""}, "b": {"B": b""}})


@case
def dynamodb_table_arn_as_table_name():
    """TableName accepts an ARN: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html#DDB-GetItem-request-TableName"""
    name = table()
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    assert ddb.describe_table(TableName=arn)["Table"]["TableName"] == name
    ddb.put_item(TableName=arn, Item={"id": {"S": "arn"}, "n": {"N": "1"}})
    assert ddb.get_item(TableName=arn, Key={"id": {"S": "arn"}})["Item"]["n"] == {"N": "1"}
    got = ddb.batch_get_item(RequestItems={arn: {"Keys": [{"id": {"S": "arn"}}]}})
    assert list(got["Responses"]) == [arn]


@case
def dynamodb_binary_batch_write():
    """BatchWriteItem with binary attributes: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html"""
    name = table()
    ddb.batch_write_item(
        RequestItems={
            name: [
                {"PutRequest": {"Item": {"id": {"S": "bin"}, "b": {"B": b"\x00\xff"}, "bs": {"BS": [b"\x01", b"\x02"]}}}},
            ]
        }
    )
    item = ddb.get_item(TableName=name, Key={"id": {"S": "bin"}})["Item"]
    assert item["b"] == {"B": b"\x00\xff"} and sorted(item["bs"]["BS"]) == [b"\x01", b"\x02"]


@case
def dynamodb_transactions():
    """TransactWriteItems: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html"""
    name = table()
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": name, "Item": {"id": {"S": "t1"}, "n": {"N": "1"}}}},
            {"Put": {"TableName": name, "Item": {"id": {"S": "t2"}, "n": {"N": "1"}}}},
        ]
    )
    response = expect_error(
        lambda: ddb.transact_write_items(
            TransactItems=[
                {"Delete": {"TableName": name, "Key": {"id": {"S": "t1"}}}},
                {
                    "Update": {
                        "TableName": name,
                        "Key": {"id": {"S": "t2"}},
                        "UpdateExpression": "SET n = :v",
                        "ConditionExpression": "n = :old",
                        "ExpressionAttributeValues": {":v": {"N": "2"}, ":old": {"N": "9"}},
                    }
                },
            ]
        ),
        "TransactionCanceledException",
        400,
    )
    assert [r["Code"] for r in response["CancellationReasons"]] == ["None", "ConditionalCheckFailed"]
    assert "Item" in ddb.get_item(TableName=name, Key={"id": {"S": "t1"}}), "t1 must survive"
    got = ddb.transact_get_items(TransactItems=[{"Get": {"TableName": name, "Key": {"id": {"S": "t2"}}}}])
    assert got["Responses"][0]["Item"]["n"] == {"N": "1"}


@case
def dynamodb_time_to_live_and_deletion_protection():
    """UpdateTimeToLive: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html,
    DeletionProtectionEnabled: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html"""
    name = table()
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]["TimeToLiveStatus"] == "DISABLED"
    ddb.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    described = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert described == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}, described
    ddb.create_table(
        TableName="protected-table",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        DeletionProtectionEnabled=True,
    )
    assert ddb.describe_table(TableName="protected-table")["Table"]["DeletionProtectionEnabled"] is True
    expect_error(lambda: ddb.delete_table(TableName="protected-table"), "ValidationException", 400)
    ddb.update_table(TableName="protected-table", DeletionProtectionEnabled=False)
    ddb.delete_table(TableName="protected-table")
