"""The SQS conformance cases, run with boto3 (see boto3_conformance.py)."""

import json

from boto3_common import ENDPOINT, case, expect_error, sqs

# ── SQS (boto3 speaks the JSON protocol) ────────────────────────────────────


def queue(name, attributes=None):
    return sqs.create_queue(QueueName=name, Attributes=attributes or {})["QueueUrl"]


@case
def sqs_queue_urls_are_public():
    """CreateQueue/GetQueueUrl QueueUrl: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueUrl.html"""
    url = queue("conformance-urls")
    assert url == f"{ENDPOINT}/000000000000/conformance-urls", url
    assert sqs.get_queue_url(QueueName="conformance-urls")["QueueUrl"] == url
    assert all(u.startswith(ENDPOINT + "/") for u in sqs.list_queues()["QueueUrls"])
    sqs.send_message(QueueUrl=url, MessageBody="emoji 😀 ok")
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "emoji 😀 ok"


@case
def sqs_batch_errors():
    """SendMessageBatch/DeleteMessageBatch errors: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html"""
    url = queue("conformance-batch")
    expect_error(
        lambda: sqs.send_message_batch(QueueUrl=url, Entries=[]),
        "AWS.SimpleQueueService.EmptyBatchRequest",
        400,
        "There should be at least one SendMessageBatchRequestEntry in the request.",
    )
    expect_error(
        lambda: sqs.delete_message_batch(QueueUrl=url, Entries=[]),
        "AWS.SimpleQueueService.EmptyBatchRequest",
        400,
        "There should be at least one DeleteMessageBatchRequestEntry in the request.",
    )
    expect_error(
        lambda: sqs.change_message_visibility_batch(QueueUrl=url, Entries=[]),
        "AWS.SimpleQueueService.EmptyBatchRequest",
        400,
        "There should be at least one ChangeMessageVisibilityBatchRequestEntry in the request.",
    )
    expect_error(
        lambda: sqs.send_message_batch(
            QueueUrl=url, Entries=[{"Id": f"m{i}", "MessageBody": "x"} for i in range(11)]
        ),
        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        400,
        "Maximum number of entries per request are 10. You have sent 11.",
    )
    expect_error(
        lambda: sqs.send_message_batch(
            QueueUrl=url,
            Entries=[{"Id": "same", "MessageBody": "x"}, {"Id": "same", "MessageBody": "y"}],
        ),
        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
        400,
        "Id same repeated.",
    )
    expect_error(
        lambda: sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "a b", "MessageBody": "x"}]),
        "AWS.SimpleQueueService.InvalidBatchEntryId",
        400,
    )
    answer = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "ok", "MessageBody": "x"},
            {"Id": "late", "MessageBody": "y", "DelaySeconds": 901},
        ],
    )
    assert [s["Id"] for s in answer["Successful"]] == ["ok"]
    assert [(f["Id"], f["Code"], f["SenderFault"]) for f in answer["Failed"]] == [
        ("late", "InvalidParameterValue", True)
    ]


@case
def sqs_parameter_errors():
    """SendMessage/ReceiveMessage/DeleteMessage errors: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html"""
    url = queue("conformance-params")
    expect_error(
        lambda: sqs.send_message(QueueUrl=url, MessageBody="x", DelaySeconds=901),
        "InvalidParameterValue",
        400,
        "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.",
    )
    expect_error(
        lambda: sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=11),
        "InvalidParameterValue",
        400,
    )
    expect_error(
        lambda: sqs.delete_message(QueueUrl=url, ReceiptHandle="not-a-handle"),
        "ReceiptHandleIsInvalid",
        400,
        'The input receipt handle "not-a-handle" is not a valid receipt handle.',
    )
    expect_error(
        lambda: sqs.get_queue_url(QueueName="conformance-missing"),
        "AWS.SimpleQueueService.NonExistentQueue",
        400,
        "The specified queue does not exist.",
    )
    expect_error(
        lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Bogus"]),
        "InvalidAttributeName",
        400,
    )
    expect_error(
        lambda: sqs.create_queue(QueueName="conformance-params", Attributes={"VisibilityTimeout": "99"}),
        "QueueAlreadyExists",
        400,
    )


@case
def sqs_dead_letter_source_queues_and_permissions():
    """ListDeadLetterSourceQueues: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListDeadLetterSourceQueues.html,
    AddPermission: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html"""
    dlq = queue("conformance-dlq")
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    source = queue(
        "conformance-source",
        {"RedrivePolicy": json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 3})},
    )
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [source]
    sqs.add_permission(
        QueueUrl=source, Label="share", AWSAccountIds=["111122223333"], Actions=["SendMessage"]
    )
    policy = json.loads(
        sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["Policy"])["Attributes"]["Policy"]
    )
    assert policy["Statement"][0]["Sid"] == "share"
    expect_error(
        lambda: sqs.add_permission(
            QueueUrl=source, Label="share", AWSAccountIds=["111122223333"], Actions=["SendMessage"]
        ),
        "InvalidParameterValue",
    )
    sqs.remove_permission(QueueUrl=source, Label="share")
