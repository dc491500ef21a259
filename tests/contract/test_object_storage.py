"""The ``ObjectStorage`` contract, for every adapter: in memory, and S3 (moto server, a scratch bucket).

An upload target is exercised the way a client uses it: an HTTP request with its method, URL and
headers. For the in-memory store the URL is this app's own upload route, served here by a small aiohttp
app; for S3 it is the bucket's presigned URL, sent to by a plain aiohttp client. What an upload target
refuses (another type, another key) is tested where the peer checks it: the memory store's route here and
in tests/unit/products/test_media_uploads.py (the size and the expiry too, with the clock moved); moto
server checks no signature, so for S3 the test is what the URL signs (MinIO and S3 refuse the rest).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from prometheus_client import CollectorRegistry

from adapters.memory.storage import MemoryObjectStorage, UploadSigner
from adapters.s3.storage import S3Bucket, S3ObjectStorage
from adapters.system import SystemClock
from entrypoints.http import uploads
from entrypoints.http.gateway import Gateway, HttpMetrics
from entrypoints.http.keys import RUNTIME_KEY
from ports.storage import ObjectStorage, UploadRoute, UploadTarget

STORES = ["memory", pytest.param("s3", marks=pytest.mark.infra)]
JPEG = b"\xff\xd8\xff\xe0" + b"a product photo" * 40
WINDOW = timedelta(minutes=10)


class Ports:
    def __init__(self) -> None:
        self.ports: dict[Any, Any] = {}

    def resolve(self, key: Any) -> Any:
        return self.ports[key]


@pytest.fixture(scope="session")
async def bucket() -> AsyncIterator[S3Bucket]:
    """A scratch bucket on the S3 of ``scripts/services up`` for this session, deleted at its end."""
    from tests.support.s3 import drop_bucket, scratch_bucket

    made = await scratch_bucket()
    try:
        yield made
    finally:
        await made.close()
        await drop_bucket(made.name)


@pytest.fixture
async def s3_store(bucket: S3Bucket) -> S3ObjectStorage:
    """The S3 store on the session's bucket, emptied for this test."""
    listed = await bucket.client.list_objects_v2(Bucket=bucket.name)
    keys = [{"Key": item["Key"]} for item in listed.get("Contents", [])]
    if keys:
        await bucket.client.delete_objects(Bucket=bucket.name, Delete={"Objects": keys})
    return S3ObjectStorage(bucket, SystemClock())


@pytest.fixture
async def memory_store() -> AsyncIterator[MemoryObjectStorage]:
    # Its upload targets point at this app's upload route: serve it, and make the store's public base URL
    # the server's.
    runtime = Ports()
    app = web.Application()
    gateway = Gateway(HttpMetrics(CollectorRegistry()), trust_forwarded_for=False)
    app[RUNTIME_KEY] = runtime
    uploads.add_routes(app, gateway, upload_route=True)
    gateway.add_unmatched(app)
    async with TestServer(app) as server:
        memory = MemoryObjectStorage(
            str(server.make_url("")), UploadSigner("a contract test signing key"), SystemClock()
        )
        runtime.ports.update({ObjectStorage: memory, UploadRoute: memory})
        yield memory


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> ObjectStorage:
    # Looked up by name, so a memory-only run never touches S3.
    found: ObjectStorage = request.getfixturevalue(f"{request.param}_store")
    return found


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


async def test_the_first_bytes_of_an_object_are_read_without_the_rest(store: ObjectStorage) -> None:
    await store.put("products/p/1.jpg", JPEG, "image/jpeg")
    await store.put("products/p/empty.jpg", b"", "image/jpeg")
    assert await store.peek("products/p/1.jpg", 4) == JPEG[:4]
    assert await store.peek("products/p/1.jpg", len(JPEG) + 100) == JPEG  # all of a shorter one
    assert await store.peek("products/p/empty.jpg", 4) == b""
    assert await store.peek("products/p/none.jpg", 4) is None


async def test_what_cannot_be_a_key_is_never_stored_and_never_found(store: ObjectStorage) -> None:
    for key in ("../etc/passwd", "products//1.jpg", "/products/1.jpg", "products/ü.jpg", "x" * 513, ""):
        with pytest.raises(ValueError, match="not an object key"):
            await store.put(key, JPEG, "image/jpeg")
        with pytest.raises(ValueError, match="not an object key"):
            await store.upload_target(key, "image/jpeg", 10, WINDOW)
        assert await store.get(key) is None
        assert await store.stat(key) is None
        assert await store.peek(key, 4) is None
        assert not await store.exists(key)
        await store.delete(key)


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


async def test_a_target_for_another_key_leaves_the_object_alone(store: ObjectStorage) -> None:
    await store.put("products/p/1.jpg", JPEG, "image/jpeg")
    target = await store.upload_target("products/p/2.jpg", "image/jpeg", 4, WINDOW)
    assert 200 <= await send(target, JPEG[:4]) < 300
    stored = await store.get("products/p/1.jpg")
    assert stored is not None
    assert stored.data == JPEG
    assert await store.peek("products/p/2.jpg", 10) == JPEG[:4]


# Refusals: checked by the peer that takes the upload. The memory store's route checks its signature; moto
# server checks none (real S3 and MinIO do), so for S3 the contract is what the presigned URL signs.

ENFORCING = pytest.mark.parametrize("store", ["memory"], indirect=True)
S3_ONLY = pytest.mark.parametrize("store", [pytest.param("s3", marks=pytest.mark.infra)], indirect=True)


@ENFORCING
async def test_an_upload_target_takes_only_its_content_type(store: ObjectStorage) -> None:
    target = await store.upload_target("products/p/1.jpg", "image/jpeg", len(JPEG), WINDOW)
    assert 400 <= await send(target, b"<html></html>", headers={"Content-Type": "text/html"}) < 500
    assert not await store.exists("products/p/1.jpg")


@ENFORCING
async def test_an_upload_target_stores_under_its_own_key_only(store: ObjectStorage) -> None:
    target = await store.upload_target("products/p/1.jpg", "image/jpeg", len(JPEG), WINDOW)
    elsewhere = target.url.replace("products/p/1.jpg", "products/q/1.jpg")
    assert 400 <= await send(target, JPEG, url=elsewhere) < 500
    assert not await store.exists("products/q/1.jpg")
    assert not await store.exists("products/p/1.jpg")


@S3_ONLY
async def test_a_presigned_url_signs_its_key_type_and_exact_size(store: ObjectStorage) -> None:
    before = datetime.now(UTC)
    target = await store.upload_target("products/p/1.jpg", "image/jpeg", 1234, WINDOW)
    url = urlsplit(target.url)
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    assert url.path.endswith("/products/p/1.jpg")
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert set(query["X-Amz-SignedHeaders"].split(";")) == {"content-length", "content-type", "host"}
    assert int(query["X-Amz-Expires"]) == WINDOW.total_seconds()
    signed_at = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert before - timedelta(seconds=1) <= signed_at <= datetime.now(UTC)
    assert target.headers == {"Content-Type": "image/jpeg", "Content-Length": "1234"}
