"""Steps about product images (features/media.feature): upload targets, uploads, the CDN, removal.

Products come from the catalogue's givens ('"{email}" has created the product "{title}" by ...'), whose
ids ``Catalog`` keeps by title. The upload and media URLs are absolute on the configured base URLs;
the test server listens on a port of its own, so the steps send their path and query to it. On infra the
upload URLs are the S3 bucket's (presigned), sent to as they are.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from pytest_bdd import given, then, when

from features.steps.accounts import World
from features.steps.catalog import Catalog
from features.steps.text import step
from tests.support.http import Reply

# The first bytes of each type's files, so an uploaded file looks like what it claims to be.
MAGIC = {
    "image/jpeg": b"\xff\xd8\xff\xe0",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/webp": b"RIFF\x00\x00\x00\x00WEBP",
}


class Gallery:
    """The scenario's last upload target and image, and the file sent to it."""

    def __init__(self, catalog: Catalog) -> None:
        self.world, self.catalog = catalog.world, catalog
        self.image_id = ""
        self.upload: dict[str, Any] = {}
        self.sent = b""
        self.url = ""
        self.upload_reply: Reply | None = None

    def images_path(self, title: str) -> str:
        return self.catalog.card_path(title, "/images")

    def on_this_server(self, url: str, base: str) -> str:
        """The path and query of ``url``, which must lie under ``base``."""
        assert url.startswith(base.rstrip("/") + "/"), f"{url} is not under {base}"
        parts = urlsplit(url)
        return f"{parts.path}?{parts.query}" if parts.query else parts.path

    def images(self, email: str, title: str) -> list[dict[str, Any]]:
        reply = self.world.api.get(self.images_path(title), token=self.world.token(email))
        assert reply.status == 200, reply.body
        items: list[dict[str, Any]] = reply.body["items"]
        return items


@pytest.fixture
def gallery(catalog: Catalog) -> Gallery:
    return Gallery(catalog)


def a_file(content_type: str, size: int) -> bytes:
    head = MAGIC.get(content_type, b"")
    return (head + bytes(i % 251 for i in range(size)))[:size]


@when(step('"{email}" asks to upload a {size:d} byte "{content_type}" image of "{title}"'))
def asks_to_upload(gallery: Gallery, email: str, size: int, content_type: str, title: str) -> None:
    body = {"content_type": content_type, "size": size}
    reply = gallery.world.as_user("POST", email, gallery.images_path(title), body)
    if reply.status == 201:
        gallery.image_id, gallery.upload = reply.body["image_id"], reply.body["upload"]
        gallery.sent = a_file(content_type, size)


def _send(gallery: Gallery, data: bytes, content_type: str | None = None) -> Reply:
    """PUT ``data`` to the upload target with its headers, as a browser would: with the body's own length."""
    upload = gallery.upload
    assert upload["method"] == "PUT"
    headers = {k: v for k, v in upload["headers"].items() if k.lower() != "content-length"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    base = gallery.world.server.settings.public_base_url
    if upload["url"].startswith(base.rstrip("/") + "/"):  # the memory store's upload route, on this server
        path = gallery.on_this_server(upload["url"], base)
        gallery.upload_reply = gallery.world.api.request("PUT", path, data=data, headers=headers, token="")
    else:  # a presigned URL of the S3 bucket (infra)
        response = requests.put(upload["url"], data=data, headers=headers, timeout=30)
        gallery.upload_reply = Reply(response.status_code, response.text, dict(response.headers))
    return gallery.upload_reply


@when(step('the file is sent as "{content_type}"'))
def file_sent_as(gallery: Gallery, content_type: str) -> None:
    _send(gallery, gallery.sent, content_type)


@when("the file is sent")
def file_sent(gallery: Gallery) -> None:
    _send(gallery, gallery.sent)


@when("a web page is sent in place of the image")
def web_page_sent(gallery: Gallery) -> None:
    """A file of the declared size, sent with the declared type, whose bytes are an HTML page."""
    size = len(gallery.sent)
    gallery.sent = (b"<!doctype html><html><body><script>alert(1)</script>" + b" " * size)[:size]
    assert 200 <= _send(gallery, gallery.sent).status < 300


@when(step("a file of {size:d} bytes is sent"))
def file_of_size_sent(gallery: Gallery, size: int) -> None:
    _send(gallery, a_file(gallery.upload["headers"]["Content-Type"], size))


@when(step('"{email}" confirms the image of "{title}"'))
def confirms(gallery: Gallery, email: str, title: str) -> None:
    reply = gallery.world.as_user("POST", email, f"{gallery.images_path(title)}/{gallery.image_id}/confirm")
    if reply.status == 200:
        gallery.url = reply.body["url"]


@when(step('"{email}" uploads a {size:d} byte "{content_type}" image of "{title}"'))
def uploads(gallery: Gallery, email: str, size: int, content_type: str, title: str) -> None:
    asks_to_upload(gallery, email, size, content_type, title)
    assert gallery.world.last.status == 201, gallery.world.last.body
    assert 200 <= _send(gallery, gallery.sent).status < 300
    confirms(gallery, email, title)


@given(step('"{email}" has uploaded {count:d} images of "{title}"'))
@given(step('"{email}" has uploaded {count:d} image of "{title}"'))
def has_uploaded(gallery: Gallery, email: str, count: int, title: str) -> None:
    for _ in range(count):
        uploads(gallery, email, 1024, "image/png", title)
        assert gallery.world.last.status == 200, gallery.world.last.body


@when(step('"{email}" lists the images of "{title}"'))
def lists_images(gallery: Gallery, email: str, title: str) -> None:
    gallery.world.as_user("GET", email, gallery.images_path(title))


@when(step('"{email}" removes the image of "{title}"'))
def removes_image(gallery: Gallery, email: str, title: str) -> None:
    gallery.world.as_user("DELETE", email, f"{gallery.images_path(title)}/{gallery.image_id}")


@when(step("{minutes:d} minutes pass"))
def minutes_pass(world: World, minutes: int) -> None:
    world.server.clock.advance(minutes * 60)


@then(step("the upload is refused with a {status:d} problem"))
def upload_refused(gallery: Gallery, status: int) -> None:
    reply = gallery.upload_reply
    assert reply is not None
    assert reply.status == status, reply.body
    assert reply.headers["Content-Type"].startswith("application/problem+json")


@then(step('"{email}" sees {count:d} ready image of "{title}"'))
@then(step('"{email}" sees {count:d} ready images of "{title}"'))
def sees_ready(gallery: Gallery, email: str, count: int, title: str) -> None:
    images = gallery.images(email, title)
    assert [i["status"] for i in images] == ["ready"] * count
    cdn = gallery.world.server.settings.cdn_base_url
    assert all(i["url"].startswith(cdn.rstrip("/") + "/products/") for i in images)


@then(step('"{email}" sees {count:d} pending image of "{title}"'))
def sees_pending(gallery: Gallery, email: str, count: int, title: str) -> None:
    images = gallery.images(email, title)
    assert [(i["status"], i["url"]) for i in images] == [("pending", None)] * count


@then(step('"{email}" sees no image of "{title}"'))
def sees_none(gallery: Gallery, email: str, title: str) -> None:
    assert gallery.images(email, title) == []


def _fetch(gallery: Gallery) -> Any:
    path = gallery.on_this_server(gallery.url, gallery.world.server.settings.cdn_base_url)
    return gallery.world.api.session.get(gallery.world.api.base_url + path, timeout=30)


@then(step('the image\'s URL serves the uploaded file as "{content_type}"'))
def url_serves(gallery: Gallery, content_type: str) -> None:
    response = _fetch(gallery)
    assert response.status_code == 200
    assert response.content == gallery.sent
    assert response.headers["Content-Type"] == content_type
    assert "max-age" in response.headers["Cache-Control"]


@then(step("the image's URL answers {status:d}"))
def url_answers(gallery: Gallery, status: int) -> None:
    assert _fetch(gallery).status_code == status
