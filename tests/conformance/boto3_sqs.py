"""The SQS conformance cases, run with boto3 (see boto3_conformance.py)."""

import json
import time

from boto3_common import ENDPOINT, case, client, expect_error, sqs

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


# ── queues that do not exist, and the forms of a queue URL ──────────────────

HANDLE = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"

# Each action that takes a QueueUrl, with valid other parameters.
QUEUE_URL_CALLS = {
    "add_permission": {"Label": "l", "AWSAccountIds": ["111122223333"], "Actions": ["SendMessage"]},
    "change_message_visibility": {"ReceiptHandle": HANDLE, "VisibilityTimeout": 9},
    "change_message_visibility_batch": {
        "Entries": [{"Id": "a", "ReceiptHandle": HANDLE, "VisibilityTimeout": 9}]
    },
    "delete_message": {"ReceiptHandle": HANDLE},
    "delete_message_batch": {"Entries": [{"Id": "a", "ReceiptHandle": HANDLE}]},
    "delete_queue": {},
    "get_queue_attributes": {"AttributeNames": ["All"]},
    "list_dead_letter_source_queues": {},
    "list_queue_tags": {},
    "purge_queue": {},
    "receive_message": {"WaitTimeSeconds": 0},
    "remove_permission": {"Label": "l"},
    "send_message": {"MessageBody": "x"},
    "send_message_batch": {"Entries": [{"Id": "a", "MessageBody": "x"}]},
    "set_queue_attributes": {"Attributes": {"VisibilityTimeout": "9"}},
    "tag_queue": {"Tags": {"a": "b"}},
    "untag_queue": {"TagKeys": ["a"]},
}


def url_forms(name):
    return [
        f"{ENDPOINT}/000000000000/{name}",
        f"https://sqs.us-east-1.amazonaws.com/000000000000/{name}",
        f"https://queue.amazonaws.com/000000000000/{name}",
    ]


def expect_missing(call):
    expect_error(
        call, "AWS.SimpleQueueService.NonExistentQueue", 400, "The specified queue does not exist."
    )


@case
def sqs_missing_queue_every_action_and_url_form():
    """QueueDoesNotExist on every action that takes a QueueUrl: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html (Errors; same on each action's page)"""
    for url in url_forms("conformance-no-such-queue"):
        for method, params in QUEUE_URL_CALLS.items():
            call = getattr(sqs, method)
            try:
                expect_missing(lambda: call(QueueUrl=url, **params))
            except AssertionError as error:
                raise AssertionError(f"{method} {url}: {error}") from error
    assert sqs.list_queues(QueueNamePrefix="conformance-no-such").get("QueueUrls", []) == []


@case
def sqs_queue_url_forms_region_and_account():
    """The queue is the request's region's: https://repost.aws/knowledge-center/sqs-queuedoesnotexist-errors,
    InvalidAddress: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html"""
    url = queue("conformance-forms")
    for i, form in enumerate(url_forms("conformance-forms")):
        sqs.send_message(QueueUrl=form, MessageBody=f"form {i}")
    bodies = sorted(m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"])
    assert bodies == ["form 0", "form 1", "form 2"], bodies
    elsewhere = client("sqs", "eu-west-1")
    for form in url_forms("conformance-forms"):
        expect_missing(lambda: elsewhere.send_message(QueueUrl=form, MessageBody="x"))
    expect_missing(
        lambda: sqs.send_message(QueueUrl=f"{ENDPOINT}/111122223333/conformance-forms", MessageBody="x")
    )
    expect_error(
        lambda: sqs.send_message(QueueUrl="not-a-queue-url", MessageBody="x"),
        "InvalidAddress",
        404,
        "The address not-a-queue-url is not valid for this endpoint.",
    )


# ── AWS's dead-letter queue redrive (message move tasks) ────────────────────


def arn_of(url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def visible(url):
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def newest_task(source_arn, status):
    for _ in range(40):
        results = sqs.list_message_move_tasks(SourceArn=source_arn)["Results"]
        if results and results[0]["Status"] == status:
            return results[0]
        time.sleep(0.05)
    raise AssertionError(f"no {status} task of {source_arn}")


@case
def sqs_message_move_tasks():
    """StartMessageMoveTask: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html,
    ListMessageMoveTasks, CancelMessageMoveTask, and the developer guide's sqs-configure-dead-letter-queue-redrive.html"""
    dlq = queue("conformance-move-dlq")
    dlq_arn = arn_of(dlq)
    source = queue(
        "conformance-move",
        {"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})},
    )
    ids = [sqs.send_message(QueueUrl=dlq, MessageBody=body)["MessageId"] for body in "abc"]
    # A rated task runs; a second one on the same source is refused; cancel stops it.
    handle = sqs.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    running = newest_task(dlq_arn, "RUNNING")
    assert running["TaskHandle"] == handle and running["ApproximateNumberOfMessagesToMove"] == 3
    expect_error(lambda: sqs.start_message_move_task(SourceArn=dlq_arn), "InvalidParameterValue", 400)
    moved = sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
    assert newest_task(dlq_arn, "CANCELLED")["ApproximateNumberOfMessagesMoved"] == moved
    expect_error(lambda: sqs.cancel_message_move_task(TaskHandle=handle), "ResourceNotFoundException", 404)
    # Without a rate or destination, the rest goes back to the source queue, as new messages.
    sqs.start_message_move_task(SourceArn=dlq_arn)
    done = newest_task(dlq_arn, "COMPLETED")
    assert done["ApproximateNumberOfMessagesMoved"] == 3 - moved and "TaskHandle" not in done
    assert visible(dlq) == 0 and visible(source) == 3
    received = sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in received) == ["a", "b", "c"]
    assert not {m["MessageId"] for m in received} & set(ids)
    listed = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10)["Results"]
    assert [r["Status"] for r in listed] == ["COMPLETED", "CANCELLED"], listed
    # Errors.
    missing = "arn:aws:sqs:us-east-1:000000000000:conformance-no-such-queue"
    expect_error(lambda: sqs.start_message_move_task(SourceArn=missing), "ResourceNotFoundException", 404)
    source_arn = arn_of(source)
    expect_error(lambda: sqs.start_message_move_task(SourceArn=source_arn), "InvalidParameterValue", 400)
    expect_error(
        lambda: sqs.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=501),
        "InvalidParameterValue",
        400,
        "Value 501 for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.",
    )
    expect_error(
        lambda: sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=11), "InvalidParameterValue", 400
    )
