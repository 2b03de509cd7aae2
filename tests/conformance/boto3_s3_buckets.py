"""The S3 cases of bucket sub-resources over their whole life cycle and of
CreateBucket from a client in any region, run with boto3 (see
boto3_conformance.py). The JS SDK runs the same behaviours in
tests/e2e/conformance_s3_buckets_test.ts."""

import json

from boto3_common import case, client, create_bucket_in, error_of, expect_error, s3

_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}],
    }
)


def _life_cycles(bucket):
    """(name, put, get, delete, code and message after the delete) per configuration."""
    return [
        (
            "cors",
            lambda: s3.put_bucket_cors(
                Bucket=bucket,
                CORSConfiguration={"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]},
            ),
            lambda: s3.get_bucket_cors(Bucket=bucket)["CORSRules"][0]["AllowedMethods"],
            lambda: s3.delete_bucket_cors(Bucket=bucket),
            ("NoSuchCORSConfiguration", "The CORS configuration does not exist"),
        ),
        (
            "lifecycle",
            lambda: s3.put_bucket_lifecycle_configuration(
                Bucket=bucket,
                LifecycleConfiguration={
                    "Rules": [
                        {"ID": "r", "Status": "Enabled", "Filter": {"Prefix": "x/"}, "Expiration": {"Days": 1}}
                    ]
                },
            ),
            lambda: s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]["ID"],
            lambda: s3.delete_bucket_lifecycle(Bucket=bucket),
            ("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"),
        ),
        (
            "policy",
            lambda: s3.put_bucket_policy(Bucket=bucket, Policy=_POLICY),
            lambda: s3.get_bucket_policy(Bucket=bucket)["Policy"],
            lambda: s3.delete_bucket_policy(Bucket=bucket),
            ("NoSuchBucketPolicy", "The bucket policy does not exist"),
        ),
        (
            "tagging",
            lambda: s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "a", "Value": "1"}]}),
            lambda: s3.get_bucket_tagging(Bucket=bucket)["TagSet"][0]["Key"],
            lambda: s3.delete_bucket_tagging(Bucket=bucket),
            ("NoSuchTagSet", "The TagSet does not exist"),
        ),
        (
            "website",
            lambda: s3.put_bucket_website(
                Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}}
            ),
            lambda: s3.get_bucket_website(Bucket=bucket)["IndexDocument"]["Suffix"],
            lambda: s3.delete_bucket_website(Bucket=bucket),
            ("NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"),
        ),
        (
            "public access block",
            lambda: s3.put_public_access_block(
                Bucket=bucket,
                PublicAccessBlockConfiguration={"BlockPublicAcls": False, "BlockPublicPolicy": False},
            ),
            lambda: s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"][
                "BlockPublicAcls"
            ],
            lambda: s3.delete_public_access_block(Bucket=bucket),
            ("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found"),
        ),
        (
            "ownership controls",
            lambda: s3.put_bucket_ownership_controls(
                Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
            ),
            lambda: s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"][0][
                "ObjectOwnership"
            ],
            lambda: s3.delete_bucket_ownership_controls(Bucket=bucket),
            ("OwnershipControlsNotFoundError", "The bucket ownership controls were not found"),
        ),
    ]


_STORED = {
    "cors": ["GET"],
    "lifecycle": "r",
    "policy": _POLICY,
    "tagging": "a",
    "website": "index.html",
    "public access block": False,
    "ownership controls": "BucketOwnerPreferred",
}


@case
def s3_bucket_configuration_life_cycles():
    """Error responses: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    Put, get, delete and get-after-delete of CORS, lifecycle, policy, tagging, website, public
    access block and ownership controls (each its Get* page): the NoSuch… code, message and
    BucketName; encryption goes back to SSE-S3 (DeleteBucketEncryption)."""
    bucket = "b3-configs"
    s3.create_bucket(Bucket=bucket)
    for name, put, get, delete, (code, message) in _life_cycles(bucket):
        put()
        assert get() == _STORED[name], name
        delete()
        error = expect_error(get, code, 404, message)["Error"]
        assert error["BucketName"] == bucket, (name, error)
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    s3.delete_bucket_encryption(Bucket=bucket)
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    s3.head_bucket(Bucket=bucket)


@case
def s3_unserved_sub_resources():
    """Error responses: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    What the local AWS does not serve is 501 NotImplemented, and never touches the bucket."""
    bucket = "b3-unserved"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"kept")
    calls = [
        lambda: s3.get_bucket_analytics_configuration(Bucket=bucket, Id="a"),
        lambda: s3.delete_bucket_analytics_configuration(Bucket=bucket, Id="a"),
        lambda: s3.list_bucket_metrics_configurations(Bucket=bucket),
        lambda: s3.delete_bucket_metrics_configuration(Bucket=bucket, Id="m"),
        lambda: s3.delete_bucket_inventory_configuration(Bucket=bucket, Id="i"),
        lambda: s3.delete_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="t"),
        lambda: s3.get_bucket_policy_status(Bucket=bucket),
        lambda: s3.put_object_legal_hold(Bucket=bucket, Key="k", LegalHold={"Status": "ON"}),
        lambda: s3.get_object_retention(Bucket=bucket, Key="k"),
    ]
    for call in calls:
        expect_error(call, "NotImplemented", 501)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"kept"


@case
def s3_create_bucket_any_region():
    """CreateBucket: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
    From a client in any region: its own region only; an unknown constraint or us-east-1 is
    InvalidLocationConstraint; EU is eu-west-1 and is reported as EU."""
    for region in ("us-west-2", "ap-southeast-2", "eu-central-1", "sa-east-1"):
        regional = client("s3", region)
        bucket = f"b3-in-{region}"
        create_bucket_in(regional, bucket, region)
        assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] == region
        assert s3.head_bucket(Bucket=bucket)["BucketRegion"] == region
        expect_error(
            lambda: regional.create_bucket(Bucket=f"{bucket}-none"),
            "IllegalLocationConstraintException",
            400,
            "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.",
        )
        for constraint in ("us-east-1", "moon-1"):
            error = expect_error(
                lambda: create_bucket_in(regional, f"{bucket}-bad", constraint),
                "InvalidLocationConstraint",
                400,
                "The specified location-constraint is not valid",
            )["Error"]
            assert error["LocationConstraint"] == constraint, error
        expect_error(
            lambda: create_bucket_in(regional, bucket, region),
            "BucketAlreadyOwnedByYou",
            409,
        )
    create_bucket_in(s3, "b3-old-eu", "EU")
    assert s3.get_bucket_location(Bucket="b3-old-eu")["LocationConstraint"] == "EU"
    assert s3.head_bucket(Bucket="b3-old-eu")["BucketRegion"] == "eu-west-1"
    refused = error_of(
        lambda: create_bucket_in(s3, "b3-moon", "moon-1")
    )
    assert refused["Error"]["Code"] == "InvalidLocationConstraint", refused
