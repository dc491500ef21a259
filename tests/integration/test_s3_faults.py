"""S3 down: every call of the S3 store, and its readiness check, is ``Unavailable`` (HTTP 503), never a crash.

No server is needed: the store points at a loopback port nothing listens on. Presigning needs no server
at all, so upload targets are still handed out.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from adapters.s3.storage import S3Bucket, S3Health, S3Location, S3ObjectStorage
from adapters.system import SystemClock
from core.shared.errors import Unavailable


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
async def bucket() -> AsyncIterator[S3Bucket]:
    location = S3Location(f"http://127.0.0.1:{_unused_port()}", "media", "us-east-1", "k", "a secret key", "", 0.5)
    opened = await S3Bucket.open(location)
    yield opened
    await opened.close()


async def test_every_call_is_unavailable_while_s3_is_down(bucket: S3Bucket) -> None:
    store = S3ObjectStorage(bucket, SystemClock())
    calls = [
        store.put("products/p/1.jpg", b"\xff\xd8\xff", "image/jpeg"),
        store.get("products/p/1.jpg"),
        store.peek("products/p/1.jpg", 12),
        store.stat("products/p/1.jpg"),
        store.exists("products/p/1.jpg"),
        store.delete("products/p/1.jpg"),
        S3Health("s3", bucket).check(),
        bucket.ensure(),
    ]
    failures = await asyncio.gather(*calls, return_exceptions=True)  # side by side: each waits out a retry
    assert [type(f) for f in failures] == [Unavailable] * len(calls)
    assert all("S3 is unavailable" in str(f) for f in failures)


async def test_upload_targets_are_signed_without_asking_s3(bucket: S3Bucket) -> None:
    target = await S3ObjectStorage(bucket, SystemClock()).upload_target(
        "products/p/1.jpg", "image/jpeg", 10, timedelta(minutes=5)
    )
    assert "X-Amz-Signature=" in target.url
