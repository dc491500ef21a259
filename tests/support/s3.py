"""A real S3 for the infra tests: moto server from ``scripts/services up``, a scratch bucket per suite.

Its address comes from ``MARKETPLACE_S3_ENDPOINT_URL`` (as the app reads it). Each suite makes a bucket of
its own (``test-<random>``), so suites never see each other's objects and a developer's shop keeps its
bucket; ``drop_bucket`` empties and deletes it afterwards. When the server does not answer the test fails,
never skips, with a message saying how to start it.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from adapters.s3.storage import S3Bucket, S3Location
from core.shared.errors import Unavailable

DEFAULT_ENDPOINT = "http://127.0.0.1:59000"
REGION = "us-east-1"
TIMEOUT_SECONDS = 2.0


def s3_endpoint() -> str:
    """Where the real S3 listens (``MARKETPLACE_S3_ENDPOINT_URL``, as the app reads it)."""
    return os.environ.get("MARKETPLACE_S3_ENDPOINT_URL", DEFAULT_ENDPOINT)


def scratch_bucket_name() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def location(bucket: str) -> S3Location:
    return S3Location(s3_endpoint(), bucket, REGION, "test-key", "test-secret-key", timeout_seconds=TIMEOUT_SECONDS)


def s3_settings(bucket: str) -> dict[str, Any]:
    """The app's settings (as ``load_settings`` overrides) for ``bucket`` on the test server."""
    return {"s3_endpoint_url": s3_endpoint(), "s3_bucket": bucket, "s3_timeout_seconds": TIMEOUT_SECONDS}


async def scratch_bucket(name: str | None = None) -> S3Bucket:
    """The bucket ``name`` (default: a new scratch name), created now, with the client that made it; close
    it after use (and ``drop_bucket`` it)."""
    bucket = await S3Bucket.open(location(name or scratch_bucket_name()))
    try:
        await bucket.ensure()
    except Unavailable as error:
        problem = str(error)
    else:
        return bucket
    await bucket.close()
    pytest.fail(
        f"S3 does not answer at {s3_endpoint()} ({problem}). Start the test servers with `scripts/services up` "
        "(or point MARKETPLACE_S3_ENDPOINT_URL at a running S3-compatible server).",
        pytrace=False,
    )


async def drop_bucket(name: str) -> None:
    """Delete every object of bucket ``name``, then the bucket (if there is one)."""
    bucket = await S3Bucket.open(location(name))
    try:
        s3 = bucket.client
        paginator = s3.get_paginator("list_objects_v2")
        async for page in paginator.paginate(Bucket=name):
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                await s3.delete_objects(Bucket=name, Delete={"Objects": keys})
        await s3.delete_bucket(Bucket=name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchBucket":
            raise
    finally:
        await bucket.close()
