"""The catalogue's whole journey, as a new user tries it: a seller applies and is verified, lists a product
with an image, it passes moderation; a customer finds it by words and by a facet, fills a guest cart,
logs in and sees the merged cart with the right total."""

from __future__ import annotations

from typing import Any

from core.auth.commands import GetAccount, SetRoles
from core.auth.use_cases import GetAccountInfo, SetUserRoles
from core.shared.security import Principal, Role
from entrypoints.demo import png
from tests.support.http import ApiClient

PASSWORD = "a journey passphrase"
OPERATOR = Principal("operator", frozenset({Role.ADMIN}), "journey")


def _account(api: ApiClient, email: str) -> str:
    assert api.post("/api/v1/auth/register", {"email": email, "password": PASSWORD, "display_name": "J"}).status == 201
    token: str = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).body["token"]
    return token


def _ok(reply: Any, status: int = 200) -> Any:
    assert reply.status == status, reply.body
    return reply.body


def test_a_seller_lists_and_a_customer_buys_into_a_merged_cart(api: ApiClient, server: Any) -> None:
    admin = _account(api, "admin@journey.example")
    runtime = server.runtime
    root = server.call(runtime.resolve(GetAccountInfo)(GetAccount(OPERATOR, email="admin@journey.example")))
    server.call(runtime.resolve(SetUserRoles)(SetRoles(OPERATOR, root.user_id, frozenset({Role.ADMIN}))))

    # A seller applies and an admin verifies them: the same token now opens the seller routes.
    seller = _account(api, "maker@journey.example")
    application = {"legal_name": "Maker Oy", "display_name": "Maker", "country": "FI", "payout_reference": "acct_9"}
    seller_id = _ok(api.post("/api/v1/sellers/apply", application, token=seller), 201)["seller_id"]
    _ok(api.post(f"/api/v1/admin/sellers/{seller_id}/verify", {}, token=admin))

    audio = _ok(api.post("/api/v1/admin/categories", {"name": "Audio"}, token=admin), 201)["id"]
    speakers = _ok(api.post("/api/v1/admin/categories", {"name": "Speakers", "parent_id": audio}, token=admin), 201)
    card = {
        "title": "Lumen portable speaker",
        "description": "A waterproof bluetooth speaker with twelve hours of sound.",
        "brand": "Lumen",
        "category_id": speakers["id"],
        "sku": "LUM-1",
        "price": {"amount": 4999, "currency": "EUR"},
        "attributes": [{"name": "waterproof", "kind": "boolean", "value": True}],
    }
    product = _ok(api.post("/api/v1/seller/products", card, token=seller), 201)["id"]
    base = f"/api/v1/seller/products/{product}"
    _ok(api.put(f"{base}/stock", {"quantity": 10}, token=seller))
    picture = png((20, 120, 200))
    image = _ok(api.post(f"{base}/images", {"content_type": "image/png", "size": len(picture)}, token=seller), 201)
    upload = image["upload"]
    url = upload["url"].replace(server.settings.public_base_url, server.base_url)
    assert api.session.request(upload["method"], url, data=picture, headers=upload["headers"]).status_code < 300
    _ok(api.post(f"{base}/images/{image['image_id']}/confirm", {}, token=seller))
    assert api.get(f"/api/v1/products/{product}").status == 404  # a draft is nobody's business
    _ok(api.post(f"{base}/submit", {}, token=seller), 202)

    # Moderation approves the clean card; customers see it, with its picture.
    shown = _ok(api.get(f"/api/v1/products/{product}"))
    assert shown["image_urls"]
    found = _ok(api.get("/api/v1/search/products?q=waterproof+speaker"))
    assert [hit["id"] for hit in found["items"]] == [product]
    faceted = _ok(api.get(f"/api/v1/search/products?category_id={audio}&brand=Lumen"))
    assert faceted["total"] == 1
    assert {"id": audio, "count": 1} in faceted["facets"]["category"]

    # A guest fills a cart, then logs in with it: the carts merge and the total is right.
    customer = _account(api, "buyer@journey.example")
    _ok(api.post("/api/v1/cart/items", {"product_id": product, "quantity": 1}, token=customer), 200)
    cart_token = _ok(api.post("/api/v1/cart/guest", token=""), 201)["cart_token"]
    guest = {"X-Cart-Token": cart_token}
    _ok(api.request("POST", "/api/v1/cart/items", {"product_id": product, "quantity": 2}, token="", headers=guest))
    login = api.post(
        "/api/v1/auth/login", {"email": "buyer@journey.example", "password": PASSWORD}, token="", headers=guest
    )
    cart = _ok(api.get("/api/v1/cart", token=_ok(login)["token"]))
    assert [(line["product_id"], line["quantity"]) for line in cart["lines"]] == [(product, 3)]
    assert cart["totals"] == [{"amount": 3 * 4999, "currency": "EUR"}]
