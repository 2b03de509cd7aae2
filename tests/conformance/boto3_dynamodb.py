"""The DynamoDB conformance cases, run with boto3 (see boto3_conformance.py)."""

import threading
import time

from boto3_common import case, client, ddb, expect_error

# ── DynamoDB ────────────────────────────────────────────────────────────────


TABLE = "conformance-items"


def create_table(name, keys=(("id", "HASH"),)):
    """Creates a table of string keys and waits until it is active."""
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": key, "KeyType": kind} for key, kind in keys],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"} for key, _ in keys],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})


def table():
    try:
        create_table(TABLE)
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


# ── UpdateItem validation ───────────────────────────────────────────────────

UPDATE_TABLE = "conformance-update"
ORIGINAL = {"id": {"S": "a"}, "n": {"N": "1"}, "tags": {"SS": ["x", "y"]}}


def empty_set(kind):
    return (
        "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: "
        f"{kind} for key :v"
    )


REFUSED_UPDATES = [
    ({"UpdateExpression": ""}, "Invalid UpdateExpression: The expression can not be empty;"),
    ({"UpdateExpression": "   "}, "Invalid UpdateExpression: The expression can not be empty;"),
    (
        {"UpdateExpression": "SET s = :v", "ExpressionAttributeValues": {":v": {"SS": []}}},
        empty_set("An string set  may not be empty"),
    ),
    (
        {"UpdateExpression": "ADD s :v", "ExpressionAttributeValues": {":v": {"NS": []}}},
        empty_set("An number set  may not be empty"),
    ),
    (
        {"UpdateExpression": "ADD s :v", "ExpressionAttributeValues": {":v": {"BS": []}}},
        empty_set("Binary sets should not be empty"),
    ),
    (
        {"UpdateExpression": "DELETE tags :v", "ExpressionAttributeValues": {":v": {"SS": []}}},
        empty_set("An string set  may not be empty"),
    ),
    (
        {"UpdateExpression": "ADD s :v", "ExpressionAttributeValues": {":v": {"S": ""}}},
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING",
    ),
    (
        {"UpdateExpression": "SET id = :v", "ExpressionAttributeValues": {":v": {"S": ""}}},
        "One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key",
    ),
    (
        {"UpdateExpression": "REMOVE n", "ExpressionAttributeValues": {}},
        "ExpressionAttributeValues must not be empty",
    ),
    (
        {
            "UpdateExpression": "SET n = :v",
            "ExpressionAttributeNames": {},
            "ExpressionAttributeValues": {":v": {"N": "2"}},
        },
        "ExpressionAttributeNames must not be empty",
    ),
    (
        {"UpdateExpression": "SET n = :v", "ExpressionAttributeValues": {":v": {"N": "2"}, ":w": {"N": "3"}}},
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}",
    ),
    (
        {
            "UpdateExpression": "SET n = :v",
            "ExpressionAttributeNames": {"#x": "x"},
            "ExpressionAttributeValues": {":v": {"N": "2"}},
        },
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}",
    ),
    (
        {"UpdateExpression": "SET n = :v", "ExpressionAttributeValues": {":w": {"N": "2"}}},
        "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v",
    ),
    (
        {"UpdateExpression": "SET #n = :v", "ExpressionAttributeValues": {":v": {"N": "2"}}},
        "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #n",
    ),
    (
        {"ExpressionAttributeValues": {":v": {"N": "2"}}},
        "ExpressionAttributeValues can only be specified when using expressions: "
        "UpdateExpression and ConditionExpression are null",
    ),
]


@case
def dynamodb_update_item_validation():
    """UpdateItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html,
    expressions: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html,
    empty values: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html"""
    create_table(UPDATE_TABLE)
    ddb.put_item(TableName=UPDATE_TABLE, Item=ORIGINAL)
    for update, message in REFUSED_UPDATES:
        for key in ("a", "new"):
            expect_error(
                lambda: ddb.update_item(TableName=UPDATE_TABLE, Key={"id": {"S": key}}, **update),
                "ValidationException",
                400,
                message,
            )
        got = ddb.get_item(TableName=UPDATE_TABLE, Key={"id": {"S": "a"}}, ConsistentRead=True)["Item"]
        assert got == ORIGINAL, f"{update}: the item changed to {got}"
        created = ddb.get_item(TableName=UPDATE_TABLE, Key={"id": {"S": "new"}}, ConsistentRead=True)
        assert "Item" not in created, f"{update}: an item was created"
    expect_error(
        lambda: ddb.update_item(
            TableName=UPDATE_TABLE,
            Key={"id": {"S": ""}},
            UpdateExpression="SET n = :v",
            ExpressionAttributeValues={":v": {"N": "2"}},
        ),
        "ValidationException",
        400,
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
        "contain an empty string value. Key: id",
    )
    # Empty strings and binaries are stored outside keys (since 2020).
    stored = ddb.update_item(
        TableName=UPDATE_TABLE,
        Key={"id": {"S": "e"}},
        UpdateExpression="SET s = :s, b = :b",
        ExpressionAttributeValues={":s": {"S": ""}, ":b": {"B": b""}},
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert stored == {"id": {"S": "e"}, "s": {"S": ""}, "b": {"B": b""}}, stored


# ── Transactions seen whole, time to live ───────────────────────────────────

ISOLATION_TABLE = "conformance-isolation"
ISOLATION_KEYS = [{"pk": {"S": "g"}, "sk": {"S": f"s{i}"}} for i in range(10)]


def set_all(n, cancelled):
    items = [
        {
            "Update": {
                "TableName": ISOLATION_TABLE,
                "Key": key,
                "UpdateExpression": "SET n = :n",
                "ExpressionAttributeValues": {":n": {"N": str(n)}},
            }
        }
        for key in ISOLATION_KEYS
    ]
    if cancelled:
        items.append(
            {
                "ConditionCheck": {
                    "TableName": ISOLATION_TABLE,
                    "Key": {"pk": {"S": "g"}, "sk": {"S": "missing"}},
                    "ConditionExpression": "attribute_exists(pk)",
                }
            }
        )
    return items


@case
def dynamodb_reads_see_transactions_whole():
    """Isolation: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-isolation"""
    create_table(ISOLATION_TABLE, (("pk", "HASH"), ("sk", "RANGE")))
    ddb.transact_write_items(TransactItems=set_all(0, False))
    done = threading.Event()
    torn = []

    def write():
        writer = client("dynamodb")
        try:
            for n in range(1, 31):
                try:
                    writer.transact_write_items(TransactItems=set_all(-n if n % 3 == 0 else n, n % 3 == 0))
                except writer.exceptions.TransactionCanceledException:
                    pass
        finally:
            done.set()

    def read(kind):
        reader = client("dynamodb")
        while not done.is_set():
            if kind == "scan":
                items = reader.scan(TableName=ISOLATION_TABLE, ConsistentRead=True)["Items"]
            elif kind == "query":
                items = reader.query(
                    TableName=ISOLATION_TABLE,
                    KeyConditionExpression="pk = :g",
                    ExpressionAttributeValues={":g": {"S": "g"}},
                    ConsistentRead=True,
                )["Items"]
            else:
                items = reader.batch_get_item(
                    RequestItems={ISOLATION_TABLE: {"Keys": ISOLATION_KEYS, "ConsistentRead": True}}
                )["Responses"][ISOLATION_TABLE]
            seen = {item["n"]["N"] for item in items}
            if len(items) != 10 or len(seen) != 1 or any(v.startswith("-") for v in seen):
                torn.append((kind, len(items), sorted(seen)))

    threads = [threading.Thread(target=write)] + [
        threading.Thread(target=read, args=(kind,)) for kind in ("scan", "query", "batch")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not torn, f"{len(torn)} torn reads, first {torn[:3]}"


@case
def dynamodb_time_to_live_deletes_expired_items():
    """TTL: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html
    (the test's local AWS sweeps every 200 ms; AWS within days)"""
    name = "conformance-ttl"
    create_table(name)
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    now = int(time.time())
    ddb.put_item(TableName=name, Item={"id": {"S": "expired"}, "expires": {"N": str(now - 60)}})
    ddb.put_item(TableName=name, Item={"id": {"S": "future"}, "expires": {"N": str(now + 3600)}})
    ddb.put_item(TableName=name, Item={"id": {"S": "text"}, "expires": {"S": str(now - 60)}})
    deadline = time.monotonic() + 10
    while True:
        left = sorted(item["id"]["S"] for item in ddb.scan(TableName=name, ConsistentRead=True)["Items"])
        if "expired" not in left or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert left == ["future", "text"], left
