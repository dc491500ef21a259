"""The ``ObjectStorage`` contract, for every adapter: only the in-memory one now; the S3 adapter (a later
issue) joins ``STORES`` as ``pytest.param("s3", marks=pytest.mark.infra)`` with a branch in ``store``.

An upload target is exercised the way a client uses it: an HTTP request with its method, URL and
headers. For the in-memory store the URL is this app's own upload route, served here by a small aiohttp
app; for S3 it will be the bucket's presigned URL. Limits a presigned S3 PUT cannot enforce (the size)
and expiry (which would need the clock moved) are tested on the memory adapter in
tests/unit/products/test_media_uploads.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from prometheus_client import CollectorRegistry

from adapters.memory.storage import MemoryObjectStorage, UploadSigner
from adapters.system import SystemClock
from entrypoints.http import uploads
from entrypoints.http.gateway import Gateway, HttpMetrics
from entrypoints.http.keys import RUNTIME_KEY
from ports.storage import ObjectStorage, UploadRoute, UploadTarget

STORES = ["memory"]
JPEG = b"\xff\xd8\xff\xe0" + b"a product photo" * 40
WINDOW = timedelta(minutes=10)


class Ports:
    def __init__(self) -> None:
        self.ports: dict[Any, Any] = {}

    def resolve(self, key: Any) -> Any:
        return self.ports[key]


@pytest.fixture(params=STORES)
async def store(request: pytest.FixtureRequest) -> AsyncIterator[ObjectStorage]:
    # The memory store's upload targets point at this app's upload route: serve it, and make the store's
    # public base URL the server's.
    runtime = Ports()
    app = web.Application()
    gateway = Gateway(HttpMetrics(CollectorRegistry()), trust_forwarded_for=False)
    app[RUNTIME_KEY] = runtime
    uploads.add_routes(app, gateway)
    gateway.add_unmatched(app)
    async with TestServer(app) as server:
        memory = MemoryObjectStorage(
            str(server.make_url("")), UploadSigner("a contract test signing key"), SystemClock()
        )
        runtime.ports.update({ObjectStorage: memory, UploadRoute: memory})
        yield memory


async def send(target: UploadTarget, data: bytes, headers: dict[str, str] | None = None, url: str = "") -> int:
    """Upload as a client would: the target's method, URL and headers; returns the HTTP status."""
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            target.method, url or target.url, data=data, headers=headers if headers is not None else target.headers
        ) as response,
    ):
        await response.read()
        return response.status


async def test_an_object_is_stored_read_back_and_described(store: ObjectStorage) -> None:
    info = await store.put("products/p/1.jpg", JPEG, "image/jpeg")
    assert (info.key, info.size, info.content_type) == ("products/p/1.jpg", len(JPEG), "image/jpeg")
    stored = await store.get("products/p/1.jpg")
    assert stored is not None
    assert stored.data == JPEG
    assert stored.info == info
    assert await store.stat("products/p/1.jpg") == info
    assert await store.exists("products/p/1.jpg")


async def test_putting_again_replaces_the_object(store: ObjectStorage) -> None:
    first = await store.put("products/p/1.png", b"\x89PNG first", "image/png")
    second = await store.put("products/p/1.png", b"\x89PNG second version", "image/png")
    assert second.etag != first.etag
    assert second.size == len(b"\x89PNG second version")
    stored = await store.get("products/p/1.png")
    assert stored is not None
    assert stored.data == b"\x89PNG second version"


async def test_a_missing_object_is_none_and_deleting_it_is_no_error(store: ObjectStorage) -> None:
    assert await store.get("products/p/none.jpg") is None
    assert await store.stat("products/p/none.jpg") is None
    assert not await store.exists("products/p/none.jpg")
    await store.delete("products/p/none.jpg")


async def test_a_deleted_object_is_gone(store: ObjectStorage) -> None:
    await store.put("products/p/1.jpg", JPEG, "image/jpeg")
    await store.put("products/p/2.jpg", JPEG, "image/jpeg")
    await store.delete("products/p/1.jpg")
    assert await store.get("products/p/1.jpg") is None
    assert not await store.exists("products/p/1.jpg")
    assert await store.exists("products/p/2.jpg")


async def test_an_upload_target_says_where_how_and_until_when(store: ObjectStorage) -> None:
    before = datetime.now(UTC)
    target = await store.upload_target("products/p/1.jpg", "image/jpeg", 1000, WINDOW)
    after = datetime.now(UTC)
    assert target.url.startswith(("http://", "https://"))
    assert target.method == "PUT"
    assert target.headers["Content-Type"] == "image/jpeg"
    assert before + WINDOW - timedelta(seconds=1) <= target.expires_at <= after + WINDOW
    assert not await store.exists("products/p/1.jpg")  # a target alone stores nothing


async def test_bytes_sent_to_an_upload_target_are_stored(store: ObjectStorage) -> None:
    target = await store.upload_target("products/p/1.jpg", "image/jpeg", len(JPEG), WINDOW)
    assert 200 <= await send(target, JPEG) < 300
    info = await store.stat("products/p/1.jpg")
    assert info is not None
    assert (info.size, info.content_type) == (len(JPEG), "image/jpeg")
    stored = await store.get("products/p/1.jpg")
    assert stored is not None
    assert stored.data == JPEG


async def test_an_upload_target_takes_only_its_content_type(store: ObjectStorage) -> None:
    target = await store.upload_target("products/p/1.jpg", "image/jpeg", len(JPEG), WINDOW)
    assert 400 <= await send(target, b"<html></html>", headers={"Content-Type": "text/html"}) < 500
    assert not await store.exists("products/p/1.jpg")


async def test_an_upload_target_stores_under_its_own_key_only(store: ObjectStorage) -> None:
    target = await store.upload_target("products/p/1.jpg", "image/jpeg", len(JPEG), WINDOW)
    elsewhere = target.url.replace("products/p/1.jpg", "products/q/1.jpg")
    assert 400 <= await send(target, JPEG, url=elsewhere) < 500
    assert not await store.exists("products/q/1.jpg")
    assert not await store.exists("products/p/1.jpg")
