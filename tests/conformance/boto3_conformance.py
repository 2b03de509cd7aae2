"""Conformance cases of the local AWS, run with boto3 (the Python SDK).

Usage: python3 tests/conformance/boto3_conformance.py ENDPOINT

Each case follows the AWS documentation page named in its docstring and
prints one JSON line: {"case": ..., "ok": true|false, "detail": ...}. The
exit code is 0 when every case passed. Run by tests/e2e/conformance_boto3_test.ts
against a local AWS on an ephemeral port.
"""

import json
import sys
import time
import traceback

from boto3_common import CASES
import boto3_s3  # noqa: F401  (registers the S3 cases)
import boto3_s3_buckets  # noqa: F401  (S3 bucket sub-resources and regions)
import boto3_s3_writes_parts  # noqa: F401  (S3 conditional writes and reads by part)
import boto3_sqs  # noqa: F401  (registers the SQS cases)
import boto3_dynamodb  # noqa: F401  (registers the DynamoDB cases)


def main():
    failed = 0
    for fn in CASES:
        started = time.monotonic()
        try:
            fn()
            result = {"case": fn.__name__, "ok": True}
        except Exception as error:  # report every case, whatever it raised
            failed += 1
            result = {
                "case": fn.__name__,
                "ok": False,
                "detail": f"{type(error).__name__}: {error}",
                "trace": traceback.format_exc(limit=3),
            }
        result["ms"] = round((time.monotonic() - started) * 1000)
        result["doc"] = (fn.__doc__ or "").strip().splitlines()[0].rstrip(",")
        print(json.dumps(result), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
