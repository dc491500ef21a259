"""The in-memory object store's upload route (PUT /uploads/{key}) and its CDN (GET /media/{key}).

The two routes run in an aiohttp app of their own with the gateway's middlewares, over a
``MemoryObjectStorage`` whose clock the tests move; upload targets come from the store itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import CollectorRegistry

from adapters.memory.clock import ManualClock
from adapters.memory.storage import MemoryObjectStorage, UploadSigner
from entrypoints.http import uploads
from entrypoints.http.gateway import Gateway, HttpMetrics
from entrypoints.http.keys import RUNTIME_KEY
from ports.storage import ObjectStorage, UploadPermit, UploadRoute, UploadTarget

KEY = "products/p-1/i-1.png"
PNG = b"\x89PNG\r\n\x1a\n" + b"pixels" * 100
WINDOW = timedelta(minutes=15)


class Runtime:
    """The two ports the routes resolve."""

    def __init__(self, storage: MemoryObjectStorage) -> None:
        self.ports: dict[Any, Any] = {ObjectStorage: storage, UploadRoute: storage}

    def resolve(self, key: Any) -> Any:
        return self.ports[key]


@pytest.fixture
def storage(clock: ManualClock) -> MemoryObjectStorage:
    return MemoryObjectStorage("http://shop.test", UploadSigner("a test signing key, long enough"), clock)


@pytest.fixture
async def client(storage: MemoryObjectStorage) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    app = web.Application()
    gateway = Gateway(HttpMetrics(CollectorRegistry()), trust_forwarded_for=False)
    app[RUNTIME_KEY] = Runtime(storage)
    uploads.add_routes(app, gateway)
    gateway.add_unmatched(app)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def local(target: UploadTarget) -> str:
    """The target's path and query: the test server listens elsewhere than the configured base URL."""
    parts = urlsplit(target.url)
    return f"{parts.path}?{parts.query}"


async def target(storage: MemoryObjectStorage, max_bytes: int = len(PNG), key: str = KEY) -> UploadTarget:
    return await storage.upload_target(key, "image/png", max_bytes, WINDOW)


async def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status == status, await response.text()
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = await response.json()
    assert body["status"] == status
    return body


async def test_an_upload_is_stored_and_served_with_its_type_and_cache_headers(
    client: TestClient[web.Request, web.Application], storage: MemoryObjectStorage
) -> None:
    up = await target(storage)
    assert up.url.startswith("http://shop.test/uploads/products/p-1/i-1.png?")
    stored = await client.put(local(up), data=PNG, headers=dict(up.headers))
    assert stored.status == 204
    info = await storage.stat(KEY)
    assert info is not None
    assert (info.size, info.content_type) == (len(PNG), "image/png")
    served = await client.get(f"/media/{KEY}")
    assert served.status == 200
    assert await served.read() == PNG
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["Cache-Control"].startswith("public, max-age=")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["ETag"] == stored.headers["ETag"]
    again = await client.get(f"/media/{KEY}", headers={"If-None-Match": served.headers["ETag"]})
    assert again.status == 304


async def test_an_upload_may_be_larger_than_the_apis_json_body_limit(
    client: TestClient[web.Request, web.Application], storage: MemoryObjectStorage
) -> None:
    big = b"\x89PNG" + b"\x00" * (3 * 1024 * 1024)  # the app's client_max_size is 1 MiB
    up = await target(storage, max_bytes=len(big))
    assert (await client.put(local(up), data=big, headers=dict(up.headers))).status == 204
    assert (await storage.stat(KEY)) is not None


async def test_a_forged_signature_is_refused(
    client: TestClient[web.Request, web.Application], storage: MemoryObjectStorage
) -> None:
    up = await target(storage)
    forged = local(up).replace("max_bytes=", "max_bytes=9")
    body = await problem(await client.put(forged, data=PNG, headers=dict(up.headers)), 403)
    assert "signature" in body["detail"]
    other_key = local(up).replace("i-1.png", "i-2.png")
    await problem(await client.put(other_key, data=PNG, headers=dict(up.headers)), 403)
    assert not await storage.exists(KEY)
    assert not await storage.exists("products/p-1/i-2.png")


async def test_an_expired_upload_url_is_refused(
    client: TestClient[web.Request, web.Application], storage: MemoryObjectStorage, clock: ManualClock
) -> None:
    up = await target(storage)
    clock.advance(WINDOW.total_seconds() + 1)
    body = await problem(await client.put(local(up), data=PNG, headers=dict(up.headers)), 403)
    assert "expired" in body["detail"]
    assert not await storage.exists(KEY)


@pytest.mark.parametrize("content_type", ["image/jpeg", "text/html", None])
async def test_another_content_type_is_refused(
    client: TestClient[web.Request, web.Application], storage: MemoryObjectStorage, content_type: str | None
) -> None:
    up = await target(storage)
    headers = {"Content-Type": content_type} if content_type else {}
    await problem(await client.put(local(up), data=PNG, headers=headers), 415)
    assert not await storage.exists(KEY)


async def test_a_file_over_the_limit_is_refused(
    client: TestClient[web.Request, web.Application], storage: MemoryObjectStorage
) -> None:
    up = await target(storage, max_bytes=len(PNG) - 1)
    await problem(await client.put(local(up), data=PNG, headers=dict(up.headers)), 413)
    assert not await storage.exists(KEY)


async def test_a_streamed_file_over_the_limit_is_refused(
    client: TestClient[web.Request, web.Application], storage: MemoryObjectStorage
) -> None:
    up = await target(storage, max_bytes=100_000)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the size shows only while reading
        for _ in range(30):
            yield b"\x00" * 10_000

    await problem(await client.put(local(up), data=chunks(), headers=dict(up.headers)), 413)
    assert not await storage.exists(KEY)


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("", ["content_type", "max_bytes", "expires", "signature"]),
        ("content_type=image/png&max_bytes=ten&expires=1&signature=ab", ["max_bytes"]),
        ("content_type=image/png&max_bytes=10&expires=-1&signature=ab", ["expires"]),
        ("content_type=image/png&max_bytes=10&expires=1&signature=ab&acl=public", ["acl"]),
        # Text no upload URL of this app holds: non-ASCII, control characters, invalid UTF-8, too long.
        ("content_type=image/p%C3%BCng&max_bytes=10&expires=1&signature=ab", ["content_type"]),
        ("content_type=image/png&max_bytes=10&expires=1&signature=%C3%BC", ["signature"]),
        ("content_type=image/png&max_bytes=10&expires=1&signature=%E2%80%AEab", ["signature"]),
        ("content_type=image/png&max_bytes=10&expires=1&signature=a%00b", ["signature"]),
        ("content_type=image/png%1F&max_bytes=10&expires=1&signature=ab", ["content_type"]),
        ("content_type=image/png&max_bytes=10&expires=1&signature=%ED%A0%80", ["signature"]),
        ("content_type=image/png&max_bytes=%C2%B2&expires=1&signature=ab", ["max_bytes"]),
        (f"content_type=image/png&max_bytes=10&expires=1&signature={'a' * 256}", ["signature"]),
    ],
)
async def test_a_malformed_upload_url_names_its_parameters(
    client: TestClient[web.Request, web.Application], query: str, fields: list[str]
) -> None:
    body = await problem(await client.put(f"/uploads/{KEY}?{query}", data=PNG), 422)
    assert sorted(e["field"] for e in body["errors"]) == sorted(fields)


@pytest.mark.parametrize(
    "key", ["products/%C3%BC.png", "products/a%00.png", "products/%E2%80%AE.png", "products/a%0Ab.png", "k" * 1025]
)
async def test_a_key_no_upload_url_holds_is_named(client: TestClient[web.Request, web.Application], key: str) -> None:
    query = "content_type=image/png&max_bytes=10&expires=1&signature=ab"
    body = await problem(await client.put(f"/uploads/{key}?{query}", data=PNG), 422)
    assert [e["field"] for e in body["errors"]] == ["key"]


@pytest.mark.parametrize("signature", ["\u00fc" * 64, "\udc80", "\x00" * 64])
def test_a_signature_of_any_text_is_compared_without_error(signature: str) -> None:
    """The signer itself never fails on what a query could hold: it just does not match."""
    signer = UploadSigner("a test signing key, long enough")
    assert not signer.matches(UploadPermit(KEY, "image/png", 10, 1, signature))
    assert signer.matches(UploadPermit(KEY, "image/png", 10, 1, signer.sign(KEY, "image/png", 10, 1)))


async def test_a_missing_file_is_a_404_problem(client: TestClient[web.Request, web.Application]) -> None:
    await problem(await client.get("/media/products/p-1/none.png"), 404)
    await problem(await client.get("/media/../../etc/passwd"), 404)
    await problem(await client.get("/media/products/a%0Ab.png"), 404)


async def test_upload_targets_are_only_made_for_plain_keys(storage: MemoryObjectStorage) -> None:
    for key in ("", "/abs", "a/../b", "a//b", "a b", "a/./b", "x" * 600):
        with pytest.raises(ValueError, match="not an object key"):
            await target(storage, key=key)
