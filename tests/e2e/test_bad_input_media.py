"""Every product image route and the upload route, fed bad input: a 4xx problem+json, and nothing changes.

The rows are sent by a verified seller: "{product_id}" is her product with one ready image ("{image_id}")
and one pending image whose upload URL is "{upload}" (for a 100 byte JPEG); "{other_id}" is another
seller's product with its image "{other_image_id}" (both must be reported exactly as missing ones);
"{missing}" is an id nothing has. "{forged_upload}" is "{upload}" with a changed signature and
"{expired_upload}" an upload URL whose time ran out; "{upload_key}" is the pending image's object key.
The rows of PUT /uploads (the memory store's upload route) run on the memory profile only: on infra the
upload URLs are S3's and the app serves no such route (checked below).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import attrs
import pytest

from ports.storage import ObjectStorage
from tests.support.bad_input import Row, assert_problem, check_rows, request
from tests.support.http import ApiClient, Reply

IMAGES = "/api/v1/seller/products/{product_id}/images"
JPEG = {"content_type": "image/jpeg", "size": 100}


@attrs.frozen
class Upload:
    """The body of a PUT to the upload route: ``size`` bytes sent as ``content_type``."""

    content_type: str
    size: int


# (method, path template, body (or an Upload), the field the problem must name, status)
BAD: list[tuple[str, str, Any, str, int]] = [
    ("POST", IMAGES, {"content_type": "image/gif", "size": 100}, "content_type", 422),
    ("POST", IMAGES, {"content_type": "text/html", "size": 100}, "content_type", 422),
    ("POST", IMAGES, {"content_type": "image/png", "size": 0}, "size", 422),
    ("POST", IMAGES, {"content_type": "image/png", "size": 5 * 1024 * 1024 + 1}, "size", 422),
    ("POST", IMAGES, {"content_type": "image/png", "size": "100"}, "size", 422),
    ("POST", IMAGES, {"content_type": "image/png", "size": 1.5}, "size", 422),
    ("POST", IMAGES, {"content_type": ["image/png"], "size": 100}, "content_type", 422),
    ("POST", IMAGES, {"content_type": "image/" + "x" * 100, "size": 100}, "content_type", 422),
    ("POST", IMAGES, {"size": 100}, "content_type", 422),
    ("POST", IMAGES, {"content_type": "image/png"}, "size", 422),
    ("POST", IMAGES, {**JPEG, "url": "https://elsewhere.example.com/x.jpg"}, "url", 422),
    ("POST", IMAGES, "not an object", "body", 422),
    ("POST", "/api/v1/seller/products/{other_id}/images", JPEG, "", 404),
    ("POST", "/api/v1/seller/products/{missing}/images", JPEG, "", 404),
    ("GET", "/api/v1/seller/products/{other_id}/images", None, "", 404),
    ("GET", "/api/v1/seller/products/{missing}/images", None, "", 404),
    ("POST", IMAGES + "/{other_image_id}/confirm", None, "", 404),
    ("POST", "/api/v1/seller/products/{other_id}/images/{other_image_id}/confirm", None, "", 404),
    ("POST", "/api/v1/seller/products/{other_id}/images/{image_id}/confirm", None, "", 404),
    ("POST", IMAGES + "/{missing}/confirm", None, "", 404),
    ("DELETE", IMAGES + "/{other_image_id}", None, "", 404),
    ("DELETE", "/api/v1/seller/products/{other_id}/images/{other_image_id}", None, "", 404),
    ("DELETE", "/api/v1/seller/products/{other_id}/images/{image_id}", None, "", 404),
    ("DELETE", IMAGES + "/{missing}", None, "", 404),
    ("PUT", "/uploads/{forged_upload}", Upload("image/jpeg", 100), "", 403),
    ("PUT", "/uploads/{expired_upload}", Upload("image/jpeg", 100), "", 403),
    ("PUT", "/uploads/{upload}", Upload("text/html", 100), "", 415),
    ("PUT", "/uploads/{upload}", Upload("image/png", 100), "", 415),
    ("PUT", "/uploads/{upload}", Upload("image/jpeg", 101), "", 413),
    ("PUT", "/uploads/{upload_key}", Upload("image/jpeg", 100), "signature", 422),
    (
        "PUT",
        "/uploads/{upload_key}?content_type=image%2Fjpeg&max_bytes=lots&expires=1&signature=00",
        Upload("image/jpeg", 100),
        "max_bytes",
        422,
    ),
    ("GET", "/media/products/{product_id}/{missing}.jpg", None, "", 404),
]


# The rows of the memory store's upload route (memory profile only), and the others.
UPLOAD_ROWS = [row for row in BAD if row[1].startswith("/uploads/")]
API_ROWS = [row for row in BAD if row not in UPLOAD_ROWS]


def _after_uploads(url: str) -> str:
    """What follows /uploads/ in an upload URL: the object key and the signed query string."""
    parts = urlsplit(url)
    return f"{parts.path.removeprefix('/uploads/')}?{parts.query}"


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    """Two verified sellers with a product each and a ready image on it; the first has a pending one too."""
    from features.steps.accounts import World
    from features.steps.catalog import Catalog, a_category, has_created
    from features.steps.media import Gallery, asks_to_upload, uploads
    from features.steps.sellers import verified_seller

    catalog = Catalog(World(api, server))
    world, gallery = catalog.world, Gallery(catalog)
    a_category(catalog, "Kitchen")
    for email, title in (("potter@example.com", "Blue Teapot"), ("smith@example.com", "Iron Pan")):
        verified_seller(world, email)
        has_created(catalog, email, title, "Potter", "Kitchen", "25.00", "EUR")
    asks_to_upload(gallery, "potter@example.com", 100, "image/jpeg", "Blue Teapot")
    expired = gallery.upload["url"]
    server.clock.advance(16 * 60)
    uploads(gallery, "smith@example.com", 2048, "image/png", "Iron Pan")
    other_image_id = gallery.image_id
    uploads(gallery, "potter@example.com", 2048, "image/png", "Blue Teapot")
    image_id = gallery.image_id
    asks_to_upload(gallery, "potter@example.com", 100, "image/jpeg", "Blue Teapot")
    upload = _after_uploads(gallery.upload["url"])
    signature = upload.rsplit("signature=", 1)[-1]  # the memory store's URL (infra's is S3's: unused)
    return {
        "seller": world.token("potter@example.com"),
        "other_seller": world.token("smith@example.com"),
        "product_id": catalog.product_id("Blue Teapot"),
        "other_id": catalog.product_id("Iron Pan"),
        "image_id": image_id,
        "other_image_id": other_image_id,
        "upload": upload,
        "upload_key": f"products/{catalog.product_id('Blue Teapot')}/{gallery.image_id}.jpg",
        "forged_upload": upload.replace(signature, signature[::-1]),
        "expired_upload": _after_uploads(expired),
        "missing": "01900000-0000-7000-8000-000000000000",
    }


def _state(api: ApiClient, server: Any, shop: dict[str, str]) -> list[Any]:
    """Both products' images as their sellers see them, and whether the pending image's file exists."""
    views: list[Any] = []
    for product, token in (("product_id", "seller"), ("other_id", "other_seller")):
        reply = api.get(f"/api/v1/seller/products/{shop[product]}/images", token=shop[token])
        assert reply.status == 200, reply.body
        views.append(reply.body)
    storage: ObjectStorage = server.runtime.resolve(ObjectStorage)
    views.append(server.call(storage.exists(shop["upload_key"])))
    return views


def _check(api: ApiClient, server: Any, shop: dict[str, str], rows: list[Row]) -> None:
    """The rows on the one shop; an upload row's body is the bytes its Upload describes, sent by nobody."""

    def send(method: str, path: str, body: Any, token: str) -> Reply:
        if isinstance(body, Upload):
            data = b"\xff\xd8\xff\xe0" + b"\x00" * (body.size - 4)
            return api.request(method, path, data=data, headers={"Content-Type": body.content_type}, token="")
        return request(api, method, path, body, token)

    before = _state(api, server, shop)
    assert [i["status"] for i in before[0]["items"]] == ["ready", "pending"]
    assert before[2] is False
    check_rows(api, rows, shop, lambda path: shop["seller"], lambda: _state(api, server, shop), send)


def test_bad_input_is_refused_and_changes_nothing(api: ApiClient, server: Any, shop: dict[str, str]) -> None:
    _check(api, server, shop, API_ROWS)


@pytest.mark.upload_route
def test_bad_input_to_the_upload_route_is_refused_and_changes_nothing(
    api: ApiClient, server: Any, shop: dict[str, str]
) -> None:
    _check(api, server, shop, UPLOAD_ROWS)


def test_another_sellers_product_and_image_are_reported_as_missing(api: ApiClient, shop: dict[str, str]) -> None:
    seller = shop["seller"]
    other = api.get(f"/api/v1/seller/products/{shop['other_id']}/images", token=seller)
    missing = api.get(f"/api/v1/seller/products/{shop['missing']}/images", token=seller)
    assert other.status == missing.status == 404
    assert other.body["detail"] == missing.body["detail"]
    images = f"/api/v1/seller/products/{shop['product_id']}/images"
    other_image = api.delete(f"{images}/{shop['other_image_id']}", token=seller)
    missing_image = api.delete(f"{images}/{shop['missing']}", token=seller)
    assert other_image.status == missing_image.status == 404
    assert other_image.body["detail"] == missing_image.body["detail"]


def test_the_upload_route_is_served_only_where_the_upload_urls_point_at_it(
    api: ApiClient, server: Any, shop: dict[str, str]
) -> None:
    """On infra the upload URLs are the S3 bucket's: PUT /uploads is neither served nor documented."""
    path = f"/uploads/{shop['upload_key']}?content_type=image%2Fjpeg&max_bytes=100&expires=1&signature=00"
    reply = api.request("PUT", path, data=b"\xff\xd8\xff\xe0" + b"\x00" * 96, headers={"Content-Type": "image/jpeg"})
    documented = "/uploads/{key}" in api.get("/api/openapi.json").body["paths"]
    if server.settings.uses_infra:
        assert_problem(reply, 404, "")
        assert not documented
    else:
        assert_problem(reply, 403, "")  # served: the made-up signature is refused
        assert documented


@pytest.mark.upload_route
def test_a_valid_upload_to_the_same_url_is_taken(api: ApiClient, shop: dict[str, str]) -> None:
    """The rows above fail for their one flaw only: the URL itself works."""
    data = b"\xff\xd8\xff\xe0" + b"\x00" * 96
    reply = api.request("PUT", f"/uploads/{shop['upload']}", data=data, headers={"Content-Type": "image/jpeg"})
    assert reply.status == 204, reply.body
