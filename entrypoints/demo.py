"""``--demo``: fill the shop with a believable catalogue, through the API like any client.

Sellers apply and an admin verifies them; each seller lists products with typed attributes, stock and a
picture; every card goes through moderation (the demo's texts are clean, so the rules approve them).
Customers then review about half of the cards (entrypoints/demo_reviews.py), so the shop shows ratings,
and a few weeks of shoppers' views and purchases (entrypoints/demo_activity.py) give the base feed its best
sellers and the cards their "customers also bought".
Used by ``marketplace serve --demo`` (memory profile: the shop lives in that process) and by
``marketplace seed --demo`` (infra profile: it writes to the databases).
"""

from __future__ import annotations

import asyncio
import logging
import struct
import zlib
from typing import Any

import aiohttp

from config.runtime import Runtime
from core.auth.commands import GetAccount, SetRoles
from core.auth.use_cases import GetAccountInfo, SetUserRoles
from core.shared.security import Principal, Role
from entrypoints.demo_activity import seed_activity
from entrypoints.demo_catalogue import CATEGORIES, SELLERS, DemoProduct, products
from entrypoints.demo_reviews import seed_reviews

log = logging.getLogger("marketplace.demo")

ADMIN_EMAIL = "admin@demo.example"
CUSTOMER_EMAIL = "customer@demo.example"
# The back office's other staff: a moderator (the moderation queue only) and a direct carrier (/carrier).
MODERATOR_EMAIL = "moderator@demo.example"
CARRIER_EMAIL = "carrier@demo.example"
# Where the demo customer's orders go.
CUSTOMER_ADDRESS = {
    "label": "Home",
    "recipient": "Demo Customer",
    "line1": "Invalidenstrasse 117",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}
PASSWORD = "demo passphrase 2026"  # noqa: S105 - the demo accounts' published password
OPERATOR = Principal("operator", frozenset({Role.ADMIN}), "demo")
CONCURRENCY = 8


def png(color: tuple[int, int, int], size: int = 64) -> bytes:
    """A small plain-colour PNG, made here so the demo needs no image files."""
    raw = b"".join(b"\x00" + bytes(color) * size for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


class DemoFailed(RuntimeError):
    pass


class _Client:
    def __init__(self, http: aiohttp.ClientSession, base_url: str, public_base_url: str) -> None:
        self.http, self.base, self.public = http, base_url.rstrip("/"), public_base_url.rstrip("/")

    def reachable(self, url: str) -> str:
        """An upload URL of this app's own (memory) storage, on the address the demo reaches it by."""
        return self.base + url[len(self.public) :] if url.startswith(self.public + "/") else url

    async def call(
        self, method: str, path: str, body: Any = None, token: str | None = None, ok: int | tuple[int, ...] = 200
    ) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.http.request(method, self.base + path, json=body, headers=headers) as reply:
            data = await reply.json() if reply.content_type.endswith("json") else None
            if reply.status not in (ok if isinstance(ok, tuple) else (ok,)):
                raise DemoFailed(f"{method} {path} answered {reply.status}: {data}")
            return data

    async def account(self, email: str, name: str) -> str:
        body = {"email": email, "password": PASSWORD, "display_name": name}
        async with self.http.post(f"{self.base}/api/v1/auth/register", json=body) as reply:
            if reply.status not in (201, 409):  # 409: a second run finds the account
                raise DemoFailed(f"register {email} answered {reply.status}")
        session = await self.call("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})
        token: str = session["token"]
        return token


async def seed_demo(runtime: Runtime, base_url: str, count: int = 300) -> int:
    """Fill the shop reachable at ``base_url``; return how many products were submitted."""
    async with aiohttp.ClientSession() as http:
        api = _Client(http, base_url, runtime.settings.public_base_url)
        admin = await api.account(ADMIN_EMAIL, "Demo Admin")
        await _grant(runtime, ADMIN_EMAIL, Role.ADMIN)
        await api.account(MODERATOR_EMAIL, "Demo Moderator")
        await _grant(runtime, MODERATOR_EMAIL, Role.MODERATOR)
        await api.account(CARRIER_EMAIL, "Demo Carrier")
        await _grant(runtime, CARRIER_EMAIL, Role.CARRIER)
        log.info("demo staff: %s moderates, %s carries parcels (the same password)", MODERATOR_EMAIL, CARRIER_EMAIL)
        customer = await api.account(CUSTOMER_EMAIL, "Demo Customer")
        await runtime.settle()  # the profile an address book needs comes with the registration's event
        if not (await api.call("GET", "/api/v1/me/addresses", token=customer))["items"]:
            await api.call("POST", "/api/v1/me/addresses", CUSTOMER_ADDRESS, customer, ok=201)

        categories = await _categories(api, admin)
        sellers = {s.email: await _seller(api, admin, s) for s in SELLERS}
        await runtime.settle()  # the seller role comes with the verification event
        for seller in SELLERS:
            await api.call(
                "PATCH", "/api/v1/seller/storefront", {"description": seller.description}, sellers[seller.email]
            )

        slots = asyncio.Semaphore(CONCURRENCY)

        async def list_one(product: DemoProduct) -> None:
            async with slots:
                await _product(api, sellers[product.seller], categories[product.category], product)

        made = list(products(count))
        await asyncio.gather(*(list_one(p) for p in made))
        await runtime.settle()  # moderation decides, the cards are published and indexed
        cards = await _published(api)
        await seed_reviews(runtime, api.call, api.account, cards)
        await runtime.settle()  # moderation publishes the reviews, the ratings follow
        await seed_activity(runtime, cards)
        await runtime.settle()
        return len(made)


async def _grant(runtime: Runtime, email: str, role: Role) -> None:
    """Give the account ``role`` (as an operator: the first admin has no admin to ask)."""
    account = await runtime.resolve(GetAccountInfo)(GetAccount(OPERATOR, email=email))
    await runtime.resolve(SetUserRoles)(SetRoles(OPERATOR, account.user_id, frozenset({role})))


async def _published(api: _Client) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = await api.call("GET", "/api/v1/products?limit=100" + (f"&cursor={cursor}" if cursor else ""))
        cards += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return cards


async def _categories(api: _Client, admin: str) -> dict[str, str]:
    existing = await api.call("GET", "/api/v1/categories")
    ids: dict[str, str] = {}

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            ids[node["name"]] = node["id"]
            walk(node.get("children", []))

    walk(existing["items"])
    for name, parent in CATEGORIES:
        if name not in ids:
            body = {"name": name, "parent_id": ids[parent] if parent else None}
            ids[name] = (await api.call("POST", "/api/v1/admin/categories", body, admin, ok=201))["id"]
    return ids


async def _seller(api: _Client, admin: str, seller: Any) -> str:
    token = await api.account(seller.email, seller.display_name)
    mine = await api.http.get(f"{api.base}/api/v1/me/seller", headers={"Authorization": f"Bearer {token}"})
    status = (await mine.json()).get("status") if mine.status == 200 else None
    if status is None:
        body = {
            "legal_name": seller.legal_name,
            "display_name": seller.display_name,
            "country": seller.country,
            "payout_reference": "acct_demo_" + seller.country.lower(),
        }
        applied = await api.call("POST", "/api/v1/sellers/apply", body, token, ok=201)
        status = applied["status"]
    if status == "pending":
        me = await api.call("GET", "/api/v1/me", token=token)
        await api.call("POST", f"/api/v1/admin/sellers/{me['user_id']}/verify", {}, admin)
    return token


async def _product(api: _Client, token: str, category_id: str, p: DemoProduct) -> None:
    body = {
        "title": p.title,
        "description": p.description,
        "brand": p.brand,
        "category_id": category_id,
        "sku": p.sku,
        "price": {"amount": p.price, "currency": "EUR"},
        "attributes": p.attributes,
    }
    async with api.http.post(
        f"{api.base}/api/v1/seller/products", json=body, headers={"Authorization": f"Bearer {token}"}
    ) as reply:
        if reply.status == 409:  # a second run: this SKU is listed already
            return
        if reply.status != 201:
            raise DemoFailed(f"creating {p.sku} answered {reply.status}: {await reply.text()}")
        product_id = (await reply.json())["id"]
    base = f"/api/v1/seller/products/{product_id}"
    await api.call("PUT", f"{base}/stock", {"quantity": p.stock}, token)
    picture = png(p.color)
    image = await api.call("POST", f"{base}/images", {"content_type": "image/png", "size": len(picture)}, token, 201)
    upload = image["upload"]
    url = api.reachable(upload["url"])
    async with api.http.request(upload["method"], url, data=picture, headers=upload["headers"]) as put:
        if put.status >= 300:
            raise DemoFailed(f"uploading the picture of {p.sku} answered {put.status}")
    await api.call("POST", f"{base}/images/{image['image_id']}/confirm", {}, token)
    await api.call("POST", f"{base}/submit", {}, token, ok=202)
