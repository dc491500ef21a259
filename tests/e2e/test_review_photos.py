"""A review's photos end to end: asked for, uploaded straight to the media store, named in a review, shown
with it once published, and served from the media origin.

The shop is tests/e2e/reviews_shop.py's: ann received the Green Mug ("{fresh_id}") and has not reviewed it.
On the memory profile the upload target is the app's own upload route; on infra it is a presigned URL of
the S3 bucket, sent to as it is. A photo is checked when a review names it: bytes that are not the image
their upload announced, or a photo someone else uploaded, are refused naming the photo.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from core.shared.images import IMAGE_TYPES
from tests.e2e.reviews_shop import open_shop, state
from tests.support.bad_input import assert_problem
from tests.support.http import ApiClient, Reply

REVIEW = {"rating": 5, "title": "Sturdy mug", "text": "Holds a lot of tea and washes well."}
PHOTOS = "/api/v1/me/review-photos"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 2, height: int = 2) -> bytes:
    """A small, real PNG: 8-bit RGB, every row unfiltered, a green picture."""
    rows = b"".join(b"\x00" + b"\x20\xa0\x40" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")


PNG = png()


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    return open_shop(api, server)


def ask(api: ApiClient, token: str, data: bytes, content_type: str = "image/png") -> dict[str, Any]:
    reply = api.post(PHOTOS, {"content_type": content_type, "size": len(data)}, token=token)
    assert reply.status == 201, reply.body
    assert reply.body["photo_id"].endswith("." + IMAGE_TYPES[content_type])
    answer: dict[str, Any] = reply.body
    return answer


def send(api: ApiClient, server: Any, upload: dict[str, Any], data: bytes) -> Reply:
    """PUT the bytes to the upload target with its headers, as a browser would: to this server's upload
    route when the target is the app's own (memory), else to the bucket's presigned URL (infra)."""
    assert upload["method"] == "PUT"
    headers = {k: v for k, v in upload["headers"].items() if k.lower() != "content-length"}
    base = server.settings.public_base_url.rstrip("/") + "/"
    if upload["url"].startswith(base):
        parts = urlsplit(upload["url"])
        return api.request("PUT", f"{parts.path}?{parts.query}", data=data, headers=headers, token="")
    response = requests.put(upload["url"], data=data, headers=headers, timeout=30)
    return Reply(response.status_code, response.text, dict(response.headers))


def uploaded(api: ApiClient, server: Any, token: str, data: bytes, content_type: str = "image/png") -> str:
    """A photo asked for and sent: its id."""
    target = ask(api, token, data, content_type)
    sent = send(api, server, target["upload"], data)
    assert 200 <= sent.status < 300, sent.body
    photo_id: str = target["photo_id"]
    return photo_id


def served(api: ApiClient, server: Any, url: str) -> requests.Response:
    """GET a media URL from the media origin (the app's /media/... route on this server)."""
    assert url.startswith(server.settings.cdn_base_url.rstrip("/") + "/"), url
    return api.session.get(api.base_url + urlsplit(url).path, timeout=30)


def test_a_photo_is_uploaded_shown_with_the_published_review_and_served(
    api: ApiClient, server: Any, shop: dict[str, str]
) -> None:
    photo_id = uploaded(api, server, shop["ann"], PNG)

    submitted = api.post(
        f"/api/v1/products/{shop['fresh_id']}/reviews", {**REVIEW, "photo_ids": [photo_id]}, token=shop["ann"]
    )
    assert submitted.status == 201, submitted.body
    review_id = submitted.body["id"]
    [url] = submitted.body["photo_urls"]
    assert url.endswith(f"/{photo_id}")

    mine = api.get(f"/api/v1/me/reviews/{review_id}", token=shop["ann"]).body
    assert (mine["status"], mine["photo_urls"]) == ("published", [url])
    shown = api.get(f"/api/v1/reviews/{review_id}", token="")
    assert (shown.status, shown.body["photo_urls"]) == (200, [url])
    listed = api.get(f"/api/v1/products/{shop['fresh_id']}/reviews?with_photos=true", token="").body["items"]
    assert [(r["id"], r["photo_urls"]) for r in listed] == [(review_id, [url])]

    media = served(api, server, url)
    assert (media.status_code, media.headers["Content-Type"]) == (200, "image/png")
    assert media.content == PNG

    # Deleting the review deletes its photo.
    assert api.delete(f"/api/v1/me/reviews/{review_id}", token=shop["ann"]).status == 204
    assert served(api, server, url).status_code == 404


def test_an_edit_keeps_its_photos_and_can_drop_them(api: ApiClient, server: Any, shop: dict[str, str]) -> None:
    first, second = (uploaded(api, server, shop["ann"], PNG) for _ in range(2))
    reviews = f"/api/v1/products/{shop['fresh_id']}/reviews"
    review_id = api.post(reviews, {**REVIEW, "photo_ids": [first]}, token=shop["ann"]).body["id"]
    mine = f"/api/v1/me/reviews/{review_id}"

    edited = api.patch(mine, {"photo_ids": [second, first]}, token=shop["ann"])
    assert edited.status == 200, edited.body
    urls = api.get(f"/api/v1/reviews/{review_id}", token="").body["photo_urls"]
    assert [u.rsplit("/", 1)[-1] for u in urls] == [second, first]
    assert all(served(api, server, u).content == PNG for u in urls)

    assert api.patch(mine, {"photo_ids": []}, token=shop["ann"]).status == 200
    assert api.get(f"/api/v1/reviews/{review_id}", token="").body["photo_urls"] == []


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("image/png", b"<!doctype html><html><body><script>alert(1)</script></body></html>"),
        ("image/png", b"\xff\xd8\xff\xe0" + bytes(96)),  # a JPEG's first bytes, announced as a PNG
        ("image/jpeg", PNG),
    ],
    ids=["a web page", "a jpeg sent as a png", "a png sent as a jpeg"],
)
def test_bytes_that_are_not_the_announced_image_are_refused(
    api: ApiClient, server: Any, shop: dict[str, str], content_type: str, data: bytes
) -> None:
    photo_id = uploaded(api, server, shop["ann"], data, content_type)
    before = state(api, server, shop)

    reply = api.post(
        f"/api/v1/products/{shop['fresh_id']}/reviews", {**REVIEW, "photo_ids": [photo_id]}, token=shop["ann"]
    )
    assert_problem(reply, 422, "photo_ids.0")
    edit = api.patch(f"/api/v1/me/reviews/{shop['review_id']}", {"photo_ids": [photo_id]}, token=shop["ann"])
    assert_problem(edit, 422, "photo_ids.0")
    assert state(api, server, shop) == before


def test_a_photo_someone_else_uploaded_is_refused(api: ApiClient, server: Any, shop: dict[str, str]) -> None:
    bobs = uploaded(api, server, shop["bob"], PNG)
    before = state(api, server, shop)

    reply = api.post(f"/api/v1/products/{shop['fresh_id']}/reviews", {**REVIEW, "photo_ids": [bobs]}, token=shop["ann"])
    assert_problem(reply, 422, "photo_ids.0")
    assert state(api, server, shop) == before


def test_a_photo_asked_for_but_never_sent_is_refused(api: ApiClient, server: Any, shop: dict[str, str]) -> None:
    photo_id = ask(api, shop["ann"], PNG)["photo_id"]
    before = state(api, server, shop)

    reply = api.post(
        f"/api/v1/products/{shop['fresh_id']}/reviews", {**REVIEW, "photo_ids": [photo_id]}, token=shop["ann"]
    )
    assert_problem(reply, 422, "photo_ids.0")
    assert state(api, server, shop) == before
