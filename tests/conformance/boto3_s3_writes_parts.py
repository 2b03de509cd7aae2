"""The S3 cases of conditional writes on every write path and of reads by
part, run with boto3 (see boto3_conformance.py). The JS SDK runs the same
behaviours in tests/e2e/conformance_s3_writes_parts_test.ts."""

from boto3_common import MB, case, error_of, expect_error, s3


def _multipart(bucket, key, parts, **conditions):
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    done = []
    for number, body in parts:
        etag = s3.upload_part(
            Bucket=bucket, Key=key, UploadId=upload, PartNumber=number, Body=body
        )["ETag"]
        done.append({"PartNumber": number, "ETag": etag})
    return s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": done}, **conditions
    )["ETag"]


def _text(bucket, key):
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()


@case
def s3_conditional_writes_every_path():
    """Conditional writes: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
    If-None-Match: * and If-Match on PutObject, CopyObject and CompleteMultipartUpload, whichever
    way the existing object was written; the 412 names the header; unquoted ETags match."""
    bucket = "b3-cond-writes"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="src", Body=b"source")
    written = {
        "put": s3.put_object(Bucket=bucket, Key="put", Body=b"put")["ETag"],
        "multipart": _multipart(bucket, "multipart", [(1, b"multipart")]),
        "copy": s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/src")[
            "CopyObjectResult"
        ]["ETag"],
    }
    for key, etag in written.items():
        before = _text(bucket, key)
        for call in (
            lambda: s3.put_object(Bucket=bucket, Key=key, Body=b"x", IfNoneMatch="*"),
            lambda: s3.copy_object(
                Bucket=bucket, Key=key, CopySource=f"{bucket}/src", IfNoneMatch="*"
            ),
            lambda: _multipart(bucket, key, [(1, b"x")], IfNoneMatch="*"),
        ):
            error = expect_error(call, "PreconditionFailed", 412)["Error"]
            assert error["Condition"] == "If-None-Match", error
            assert error["Message"] == "At least one of the pre-conditions you specified did not hold"
        for call in (
            lambda: s3.put_object(Bucket=bucket, Key=key, Body=b"x", IfMatch='"0"'),
            lambda: s3.copy_object(Bucket=bucket, Key=key, CopySource=f"{bucket}/src", IfMatch='"0"'),
            lambda: _multipart(bucket, key, [(1, b"x")], IfMatch='"0"'),
        ):
            assert expect_error(call, "PreconditionFailed", 412)["Error"]["Condition"] == "If-Match"
        assert _text(bucket, key) == before, key
        nxt = s3.put_object(Bucket=bucket, Key=key, Body=b"next", IfMatch=etag.strip('"'))["ETag"]
        s3.copy_object(Bucket=bucket, Key=key, CopySource=f"{bucket}/src", IfMatch=nxt)
        _multipart(bucket, key, [(1, b"last")], IfMatch=s3.head_object(Bucket=bucket, Key=key)["ETag"])
        assert _text(bucket, key) == "last"


@case
def s3_conditional_writes_missing_key():
    """Conditional writes: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
    If-Match on a key with no current object (never written, or a delete marker) is 404 NoSuchKey."""
    bucket = "b3-cond-missing"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="src", Body=b"source")
    etag = s3.put_object(Bucket=bucket, Key="gone", Body=b"old")["ETag"]
    s3.delete_object(Bucket=bucket, Key="gone")
    for key in ("never", "gone"):
        for call in (
            lambda: s3.put_object(Bucket=bucket, Key=key, Body=b"x", IfMatch=etag),
            lambda: s3.copy_object(Bucket=bucket, Key=key, CopySource=f"{bucket}/src", IfMatch=etag),
            lambda: _multipart(bucket, key, [(1, b"x")], IfMatch=etag),
        ):
            error = expect_error(call, "NoSuchKey", 404, "The specified key does not exist.")
            assert error["Error"]["Key"] == key, error
    s3.put_object(Bucket=bucket, Key="gone", Body=b"back", IfNoneMatch="*")
    assert _text(bucket, "gone") == "back"


@case
def s3_get_object_by_part():
    """GetObject partNumber: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
    206, Content-Range, the part's Content-Length and x-amz-mp-parts-count; parts by position."""
    bucket = "b3-parts"
    s3.create_bucket(Bucket=bucket)
    etag = _multipart(bucket, "mp", [(1, b"a" * (5 * MB)), (2, b"b" * 100)])
    size = 5 * MB + 100
    part = s3.get_object(Bucket=bucket, Key="mp", PartNumber=2)
    assert part["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert part["ContentRange"] == f"bytes {5 * MB}-{size - 1}/{size}", part["ContentRange"]
    assert part["ContentLength"] == 100 and part["PartsCount"] == 2 and part["ETag"] == etag
    assert part["Body"].read() == b"b" * 100
    head = s3.head_object(Bucket=bucket, Key="mp", PartNumber=1)
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert head["ContentLength"] == 5 * MB and head["PartsCount"] == 2
    assert "PartsCount" not in s3.head_object(Bucket=bucket, Key="mp")
    _multipart(bucket, "gaps", [(1, b"a" * (5 * MB)), (3, b"third")])
    assert s3.get_object(Bucket=bucket, Key="gaps", PartNumber=2)["Body"].read() == b"third"
    s3.put_object(Bucket=bucket, Key="single", Body=b"single")
    one = s3.get_object(Bucket=bucket, Key="single", PartNumber=1)
    assert one["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert one["ContentRange"] == "bytes 0-5/6" and "PartsCount" not in one


@case
def s3_get_object_by_part_errors():
    """HeadObject partNumber: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
    416 InvalidPartNumber past the last part; 400 for 0, 10001 or a Range with partNumber."""
    bucket = "b3-parts-errors"
    s3.create_bucket(Bucket=bucket)
    _multipart(bucket, "mp", [(1, b"a" * (5 * MB)), (2, b"end")])
    s3.put_object(Bucket=bucket, Key="single", Body=b"single")
    for key, number, count in (("mp", 3, "2"), ("single", 2, "1")):
        error = expect_error(
            lambda: s3.get_object(Bucket=bucket, Key=key, PartNumber=number),
            "InvalidPartNumber",
            416,
            "The requested partnumber is not satisfiable",
        )["Error"]
        assert error["PartNumberRequested"] == str(number), error
        assert error["ActualPartCount"] == count, error
        head = error_of(lambda: s3.head_object(Bucket=bucket, Key=key, PartNumber=number))
        assert head["ResponseMetadata"]["HTTPStatusCode"] == 416
    for number in (0, 10001):
        error = expect_error(
            lambda: s3.get_object(Bucket=bucket, Key="mp", PartNumber=number),
            "InvalidArgument",
            400,
            "Part number must be an integer between 1 and 10000, inclusive",
        )["Error"]
        assert error["ArgumentName"] == "partNumber" and error["ArgumentValue"] == str(number)
    expect_error(
        lambda: s3.get_object(Bucket=bucket, Key="single", PartNumber=1, Range="bytes=0-1"),
        "InvalidRequest",
        400,
        "Cannot specify both Range header and partNumber query parameter",
    )
