"""Shared set-up of the boto3 conformance cases: clients for the local AWS
under test, the case registry and error helpers. Imported by boto3_s3.py,
boto3_sqs.py and boto3_dynamodb.py; run through boto3_conformance.py.
"""

import sys

import boto3
import botocore
from botocore.config import Config

ENDPOINT = sys.argv[1]
MB = 1024 * 1024
CASES = []


def client(service, region="us-east-1"):
    return boto3.client(
        service,
        endpoint_url=ENDPOINT,
        region_name=region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


s3 = client("s3")
sqs = client("sqs")
ddb = client("dynamodb")


def create_bucket_in(s3_client, bucket, constraint):
    """CreateBucket with a LocationConstraint."""
    return s3_client.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": constraint}
    )


def case(fn):
    CASES.append(fn)
    return fn


def error_of(call):
    """Runs call and returns its ClientError response (fails if it succeeds)."""
    try:
        call()
    except botocore.exceptions.ClientError as error:
        return error.response
    raise AssertionError("expected an error, the call succeeded")


def expect_error(call, code, status=None, message=None):
    response = error_of(call)
    got = response["Error"]["Code"]
    assert got == code, f"code {got!r}, expected {code!r} ({response['Error']})"
    if status is not None:
        got_status = response["ResponseMetadata"]["HTTPStatusCode"]
        assert got_status == status, f"status {got_status}, expected {status}"
    if message is not None:
        got_message = response["Error"].get("Message")
        assert got_message == message, f"message {got_message!r}, expected {message!r}"
    return response


def delete_all_versions(bucket):
    paginator = s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=bucket):
        objects = [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        if objects:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    s3.delete_bucket(Bucket=bucket)
