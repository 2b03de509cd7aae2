"""The S3 conformance cases, run with boto3 (see boto3_conformance.py)."""

import hashlib
import json
from datetime import datetime, timedelta, timezone

from boto3.s3.transfer import TransferConfig

from boto3_common import (
    MB,
    case,
    client,
    create_bucket_in,
    delete_all_versions,
    expect_error,
    s3,
)

# ── S3 ──────────────────────────────────────────────────────────────────────


@case
def s3_get_bucket_location_us_east_1():
    """GetBucketLocation: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html
    Buckets in us-east-1 have a null LocationConstraint."""
    s3.create_bucket(Bucket="loc-us-east-1")
    assert s3.get_bucket_location(Bucket="loc-us-east-1")["LocationConstraint"] is None
    expect_error(lambda: s3.get_bucket_location(Bucket="no-such-bucket-x"), "NoSuchBucket", 404)


@case
def s3_create_bucket_location_constraints():
    """CreateBucket: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html"""
    expect_error(
        lambda: create_bucket_in(s3, "loc-explicit", "us-east-1"),
        "InvalidLocationConstraint",
        400,
    )
    eu = client("s3", "eu-west-1")
    expect_error(
        lambda: eu.create_bucket(Bucket="loc-unspecified"),
        "IllegalLocationConstraintException",
        400,
        "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.",
    )
    expect_error(
        lambda: create_bucket_in(eu, "loc-other", "eu-central-1"),
        "IllegalLocationConstraintException",
        400,
    )
    create_bucket_in(eu, "loc-eu-west-1", "eu-west-1")
    assert s3.get_bucket_location(Bucket="loc-eu-west-1")["LocationConstraint"] == "eu-west-1"
    head = s3.head_bucket(Bucket="loc-eu-west-1")
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "eu-west-1"
    expect_error(
        lambda: create_bucket_in(eu, "loc-eu-west-1", "eu-west-1"),
        "BucketAlreadyOwnedByYou",
        409,
    )
    # The us-east-1 endpoint may create a bucket in another region.
    create_bucket_in(s3, "loc-from-global", "eu-west-2")
    assert s3.get_bucket_location(Bucket="loc-from-global")["LocationConstraint"] == "eu-west-2"
    # Re-creating your own us-east-1 bucket there is a no-op.
    s3.create_bucket(Bucket="loc-us-east-1")
    regions = {b["Name"]: b.get("BucketRegion") for b in s3.list_buckets()["Buckets"]}
    assert regions["loc-eu-west-1"] == "eu-west-1", regions
    assert "0-local-aws-internal" not in regions


@case
def s3_versioning_lifecycle():
    """Versioning: https://docs.aws.amazon.com/AmazonS3/latest/userguide/versioning-workflows.html,
    PutBucketVersioning, ListObjectVersions, GetObject/HeadObject/DeleteObject with VersionId."""
    bucket = "versioned-bucket"
    s3.create_bucket(Bucket=bucket)
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="before", Body=b"unversioned")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"two")["VersionId"]
    assert v1 and v2 and v1 != v2
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"
    got = s3.get_object(Bucket=bucket, Key="k", VersionId=v1)
    assert got["Body"].read() == b"one" and got["VersionId"] == v1
    assert s3.head_object(Bucket=bucket, Key="k", VersionId=v1)["ContentLength"] == 3
    marker = s3.delete_object(Bucket=bucket, Key="k")
    assert marker["DeleteMarker"] is True and marker["VersionId"]
    missing = expect_error(lambda: s3.get_object(Bucket=bucket, Key="k"), "NoSuchKey", 404)
    assert missing["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    expect_error(
        lambda: s3.get_object(Bucket=bucket, Key="k", VersionId=marker["VersionId"]),
        "MethodNotAllowed",
        405,
    )
    versions = s3.list_object_versions(Bucket=bucket)
    assert [(v["Key"], v["VersionId"]) for v in versions["Versions"]] == [
        ("before", "null"),
        ("k", v2),
        ("k", v1),
    ], versions["Versions"]
    assert [(m["VersionId"], m["IsLatest"]) for m in versions["DeleteMarkers"]] == [
        (marker["VersionId"], True)
    ]
    expect_error(lambda: s3.delete_bucket(Bucket=bucket), "BucketNotEmpty", 409)
    # Deleting the delete marker brings the object back.
    s3.delete_object(Bucket=bucket, Key="k", VersionId=marker["VersionId"])
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"
    # Deleting the current version makes the previous one current.
    s3.delete_object(Bucket=bucket, Key="k", VersionId=v2)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"one"
    expect_error(
        lambda: s3.get_object(Bucket=bucket, Key="k", VersionId="A" * 32), "NoSuchVersion", 404
    )
    delete_all_versions(bucket)
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


@case
def s3_versioning_suspended_null_version():
    """Suspended versioning: https://docs.aws.amazon.com/AmazonS3/latest/userguide/AddingObjectstoVersionSuspendedBuckets.html"""
    bucket = "suspended-bucket"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    kept = s3.put_object(Bucket=bucket, Key="k", Body=b"kept")["VersionId"]
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"null one")
    s3.put_object(Bucket=bucket, Key="k", Body=b"null two")
    ids = [v["VersionId"] for v in s3.list_object_versions(Bucket=bucket)["Versions"]]
    assert ids == ["null", kept], ids
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"null two"
    delete_all_versions(bucket)


@case
def s3_unversioned_cleanup_bucket_not_empty():
    """DeleteBucket: https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html"""
    s3.create_bucket(Bucket="plain-bucket")
    s3.put_object(Bucket="plain-bucket", Key="a", Body=b"a")
    expect_error(lambda: s3.delete_bucket(Bucket="plain-bucket"), "BucketNotEmpty", 409)
    versions = s3.list_object_versions(Bucket="plain-bucket")["Versions"]
    assert [(v["Key"], v["VersionId"]) for v in versions] == [("a", "null")]
    s3.delete_objects(Bucket="plain-bucket", Delete={"Objects": [{"Key": "a"}]})
    s3.delete_bucket(Bucket="plain-bucket")


@case
def s3_conditional_writes():
    """Conditional writes: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html"""
    for bucket, versioned in [("cond-plain", False), ("cond-versioned", True)]:
        s3.create_bucket(Bucket=bucket)
        if versioned:
            s3.put_bucket_versioning(
                Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
            )
        first = s3.put_object(Bucket=bucket, Key="once", Body=b"1", IfNoneMatch="*")
        expect_error(
            lambda: s3.put_object(Bucket=bucket, Key="once", Body=b"2", IfNoneMatch="*"),
            "PreconditionFailed",
            412,
        )
        expect_error(
            lambda: s3.put_object(Bucket=bucket, Key="once", Body=b"2", IfMatch='"0000"'),
            "PreconditionFailed",
            412,
        )
        s3.put_object(Bucket=bucket, Key="once", Body=b"3", IfMatch=first["ETag"])
        expect_error(
            lambda: s3.put_object(Bucket=bucket, Key="absent", Body=b"x", IfMatch='"0000"'),
            "NoSuchKey",
            404,
        )
        etag = s3.head_object(Bucket=bucket, Key="once")["ETag"]
        expect_error(
            lambda: s3.delete_object(Bucket=bucket, Key="once", IfMatch='"0000"'),
            "PreconditionFailed",
            412,
        )
        s3.delete_object(Bucket=bucket, Key="once", IfMatch=etag)
        # After a delete marker, the key counts as absent again.
        s3.put_object(Bucket=bucket, Key="once", Body=b"4", IfNoneMatch="*")


@case
def s3_complete_multipart_upload_if_none_match():
    """CompleteMultipartUpload If-None-Match: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html"""
    bucket = "cond-plain"
    s3.put_object(Bucket=bucket, Key="mpu", Body=b"exists")

    def complete(key):
        upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
        part = s3.upload_part(
            Bucket=bucket, Key=key, UploadId=upload, PartNumber=1, Body=b"part"
        )
        return lambda: s3.complete_multipart_upload(
            Bucket=bucket,
            Key=key,
            UploadId=upload,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
            IfNoneMatch="*",
        )

    expect_error(complete("mpu"), "PreconditionFailed", 412)
    complete("mpu-new")()
    assert s3.get_object(Bucket=bucket, Key="mpu-new")["Body"].read() == b"part"


@case
def s3_conditional_reads():
    """GetObject/HeadObject conditional headers: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html"""
    bucket = "cond-plain"
    put = s3.put_object(Bucket=bucket, Key="read", Body=b"read me")
    etag = put["ETag"]
    future = datetime.now(timezone.utc) + timedelta(days=1)
    past = datetime.now(timezone.utc) - timedelta(days=1)
    assert s3.get_object(Bucket=bucket, Key="read", IfMatch=etag)["Body"].read() == b"read me"
    expect_error(
        lambda: s3.get_object(Bucket=bucket, Key="read", IfMatch='"0000"'), "PreconditionFailed", 412
    )
    expect_error(lambda: s3.get_object(Bucket=bucket, Key="read", IfNoneMatch=etag), "304", 304)
    expect_error(
        lambda: s3.get_object(Bucket=bucket, Key="read", IfModifiedSince=future), "304", 304
    )
    expect_error(
        lambda: s3.get_object(Bucket=bucket, Key="read", IfUnmodifiedSince=past),
        "PreconditionFailed",
        412,
    )
    expect_error(lambda: s3.head_object(Bucket=bucket, Key="read", IfNoneMatch=etag), "304", 304)
    expect_error(lambda: s3.head_object(Bucket=bucket, Key="read", IfMatch='"0000"'), "412", 412)
    assert s3.get_object(Bucket=bucket, Key="read", IfModifiedSince=past)["ContentLength"] == 7


@case
def s3_large_objects():
    """Large objects and multipart: https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html,
    UploadPartCopy: https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html"""
    bucket = "large-bucket"
    s3.create_bucket(Bucket=bucket)
    data = bytes(range(256)) * (10 * MB // 256)
    digest = hashlib.md5(data).hexdigest()
    s3.put_object(Bucket=bucket, Key="single", Body=data)
    got = s3.get_object(Bucket=bucket, Key="single")
    assert got["ContentLength"] == 10 * MB
    assert hashlib.md5(got["Body"].read()).hexdigest() == digest
    transfer = TransferConfig(multipart_threshold=5 * MB, multipart_chunksize=5 * MB)
    s3.upload_fileobj(__import__("io").BytesIO(data), bucket, "multi", Config=transfer)
    assert s3.head_object(Bucket=bucket, Key="multi")["ETag"].endswith('-2"')
    s3.copy({"Bucket": bucket, "Key": "multi"}, bucket, "copied", Config=transfer)
    copied = s3.get_object(Bucket=bucket, Key="copied")["Body"].read()
    assert hashlib.md5(copied).hexdigest() == digest


@case
def s3_range_reads():
    """Range: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax"""
    bucket = "large-bucket"
    s3.put_object(Bucket=bucket, Key="digits", Body=b"0123456789")
    first = s3.get_object(Bucket=bucket, Key="digits", Range="bytes=0-3")
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert first["ContentRange"] == "bytes 0-3/10" and first["Body"].read() == b"0123"
    assert s3.get_object(Bucket=bucket, Key="digits", Range="bytes=-3")["Body"].read() == b"789"
    assert s3.get_object(Bucket=bucket, Key="digits", Range="bytes=8-")["Body"].read() == b"89"
    tail = s3.get_object(Bucket=bucket, Key="single", Range="bytes=10485750-")
    assert tail["ContentRange"] == "bytes 10485750-10485759/10485760"
    expect_error(
        lambda: s3.get_object(Bucket=bucket, Key="digits", Range="bytes=10-"), "InvalidRange", 416
    )


@case
def s3_response_header_overrides():
    """Response header overrides: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax"""
    bucket = "large-bucket"
    got = s3.get_object(
        Bucket=bucket,
        Key="digits",
        ResponseContentType="text/x-digits",
        ResponseContentDisposition='attachment; filename="d.txt"',
        ResponseCacheControl="no-cache",
        ResponseContentLanguage="en",
        ResponseExpires=datetime(2030, 1, 1, tzinfo=timezone.utc),
        ResponseContentEncoding="identity",
    )
    assert got["ContentType"] == "text/x-digits"
    assert got["ContentDisposition"] == 'attachment; filename="d.txt"'
    assert got["CacheControl"] == "no-cache"
    assert got["ContentLanguage"] == "en"
    assert got["ContentEncoding"] == "identity"
    assert got["ResponseMetadata"]["HTTPHeaders"]["expires"].startswith("Tue, 01 Jan 2030")


@case
def s3_list_objects_order_and_encoding():
    """ListObjectsV2: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
    (keys in UTF-8 binary order; boto3 asks for encoding-type=url)"""
    bucket = "listing-bucket"
    s3.create_bucket(Bucket=bucket)
    keys = ["b", "B", "a/1", "a/2", "a b", "a+b", "100%", "é"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert listed == sorted(keys, key=lambda k: k.encode()), listed
    assert [o["Key"] for o in s3.list_objects(Bucket=bucket)["Contents"]] == listed
    page = s3.list_objects_v2(Bucket=bucket, Delimiter="/", MaxKeys=3)
    assert [p["Prefix"] for p in page.get("CommonPrefixes", [])] == [], page
    assert page["KeyCount"] == 3 and page["IsTruncated"] is True
    paginator = s3.get_paginator("list_objects_v2")
    pages = list(paginator.paginate(Bucket=bucket, Delimiter="/", PaginationConfig={"PageSize": 2}))
    flat = [o["Key"] for p in pages for o in p.get("Contents", [])]
    prefixes = [c["Prefix"] for p in pages for c in p.get("CommonPrefixes", [])]
    assert prefixes == ["a/"] and "a/1" not in flat and len(flat) == 6, (flat, prefixes)
    owner = s3.list_objects_v2(Bucket=bucket, FetchOwner=True, MaxKeys=1)["Contents"][0]
    assert owner["Owner"]["ID"]


@case
def s3_object_tagging():
    """Object tagging: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html,
    GetObjectTagging, DeleteObjectTagging and x-amz-tagging on PutObject"""
    bucket = "listing-bucket"
    s3.put_object(Bucket=bucket, Key="tagged", Body=b"x", Tagging="team=data&tier=1")
    tags = s3.get_object_tagging(Bucket=bucket, Key="tagged")["TagSet"]
    assert tags == [{"Key": "team", "Value": "data"}, {"Key": "tier", "Value": "1"}], tags
    assert s3.get_object(Bucket=bucket, Key="tagged")["TagCount"] == 2
    s3.put_object_tagging(Bucket=bucket, Key="tagged", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="tagged")["TagSet"] == [{"Key": "k", "Value": "v"}]
    assert s3.get_object(Bucket=bucket, Key="tagged")["Body"].read() == b"x"
    s3.delete_object_tagging(Bucket=bucket, Key="tagged")
    assert s3.get_object_tagging(Bucket=bucket, Key="tagged")["TagSet"] == []
    expect_error(
        lambda: s3.put_object_tagging(
            Bucket=bucket,
            Key="tagged",
            Tagging={"TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(11)]},
        ),
        "BadRequest",
        400,
    )
    expect_error(lambda: s3.get_object_tagging(Bucket=bucket, Key="missing"), "NoSuchKey", 404)


@case
def s3_bucket_configurations():
    """Bucket tagging, policy, CORS, encryption, ownership, public access block:
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketTagging.html,
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html"""
    bucket = "config-bucket"
    s3.create_bucket(Bucket=bucket)
    expect_error(lambda: s3.get_bucket_tagging(Bucket=bucket), "NoSuchTagSet", 404)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "k", "Value": "v"}]
    s3.delete_bucket_tagging(Bucket=bucket)
    expect_error(lambda: s3.get_bucket_tagging(Bucket=bucket), "NoSuchTagSet", 404)
    expect_error(lambda: s3.get_bucket_policy(Bucket=bucket), "NoSuchBucketPolicy", 404)
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"] == policy
    s3.delete_bucket_policy(Bucket=bucket)
    expect_error(lambda: s3.put_bucket_policy(Bucket=bucket, Policy="nope"), "MalformedPolicy", 400)
    expect_error(lambda: s3.get_bucket_cors(Bucket=bucket), "NoSuchCORSConfiguration", 404)
    rules = [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == rules
    encryption = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert encryption["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
    assert ownership["Rules"][0]["ObjectOwnership"] == "BucketOwnerEnforced"
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]["BlockPublicAcls"]
    s3.delete_public_access_block(Bucket=bucket)
    expect_error(
        lambda: s3.get_public_access_block(Bucket=bucket),
        "NoSuchPublicAccessBlockConfiguration",
        404,
    )
    assert s3.get_bucket_acl(Bucket=bucket)["Grants"][0]["Permission"] == "FULL_CONTROL"
    # The bucket is still there and empty: deleting a configuration never deletes the bucket.
    s3.delete_bucket(Bucket=bucket)


@case
def s3_multipart_listing():
    """ListMultipartUploads / ListParts: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html"""
    bucket = "listing-bucket"
    upload = s3.create_multipart_upload(Bucket=bucket, Key="pending")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="pending", UploadId=upload, PartNumber=2, Body=b"two")
    s3.upload_part(Bucket=bucket, Key="pending", UploadId=upload, PartNumber=1, Body=b"one")
    uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [("pending", upload)]
    parts = s3.list_parts(Bucket=bucket, Key="pending", UploadId=upload)["Parts"]
    assert [(p["PartNumber"], p["Size"]) for p in parts] == [(1, 3), (2, 3)]
    s3.abort_multipart_upload(Bucket=bucket, Key="pending", UploadId=upload)
    expect_error(
        lambda: s3.list_parts(Bucket=bucket, Key="pending", UploadId=upload), "NoSuchUpload", 404
    )
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
