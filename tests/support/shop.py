"""A shop built through the API, as its users would: an admin, verified sellers with products in stock,
customers with an address. For the tests that need many orders (the checkout journey, the reconciliation
under faults, the restart of a saga) rather than one scenario's worth of steps."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from core.auth.commands import GetAccount, SetRoles
from core.auth.use_cases import GetAccountInfo, SetUserRoles
from core.shared.security import Principal, Role
from tests.support.http import ApiClient, Reply
from tests.support.server import ServerThread

PASSWORD = "a shop builder's passphrase"
# Ann's home: the address a test's customer keeps in her address book, through the API.
ADDRESS = {
    "recipient": "Ann Smith",
    "line1": "Invalidenstr. 1",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}
T = TypeVar("T")
OPERATOR = Principal("operator", frozenset({Role.ADMIN}), "shop-builder")


def admin_maker(server: ServerThread) -> Callable[[str], None]:
    """A ``make_admin`` for a shop served by ``server`` in this process: the operator grants the role."""

    def make(email: str) -> None:
        assert server.runtime is not None
        account = server.call(server.runtime.resolve(GetAccountInfo)(GetAccount(OPERATOR, email=email)))
        server.call(server.runtime.resolve(SetUserRoles)(SetRoles(OPERATOR, account.user_id, frozenset({Role.ADMIN}))))

    return make


def eventually(what: str, attempt: Callable[[], T], seconds: float = 10) -> T:
    """What ``attempt`` returns once it is truthy: what comes by events (at once in-process, within a
    relay's poll on infra, or from a server in another process) is waited for, never assumed."""
    deadline = time.monotonic() + seconds
    while True:
        result = attempt()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.1)


def ok(reply: Reply, status: int = 200) -> Any:
    assert reply.status == status, (reply.status, reply.body)
    return reply.body


class ShopBuilder:
    """``make_admin(email)`` grants the admin role (the first admin cannot be made through the API)."""

    def __init__(self, api: ApiClient, make_admin: Callable[[str], None], domain: str = "shop.example") -> None:
        self.api, self.make_admin, self.domain = api, make_admin, domain
        self.admin_token = ""
        self.category_id = ""

    def account(self, name: str) -> tuple[str, str]:
        """Register and log in ``name@domain``; return (email, token)."""
        email = f"{name}@{self.domain}"
        ok(self.api.post("/api/v1/auth/register", {"email": email, "password": PASSWORD, "display_name": name}), 201)
        token = ok(self.api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}, token=""))["token"]
        return email, str(token)

    def login(self, email: str) -> str:
        return str(ok(self.api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}, token=""))["token"])

    def admin(self) -> str:
        if not self.admin_token:
            email, _ = self.account("admin")
            self.make_admin(email)
            self.admin_token = self.login(email)
            body = {"name": "Everything"}
            self.category_id = ok(self.api.post("/api/v1/admin/categories", body, token=self.admin_token), 201)["id"]
        return self.admin_token

    def seller(self, name: str) -> str:
        admin = self.admin()
        email, token = self.account(name)
        application = {"legal_name": f"{name} Ltd", "display_name": name, "country": "DE", "payout_reference": "acct_1"}
        seller_id = ok(self.api.post("/api/v1/sellers/apply", application, token=token), 201)["seller_id"]
        ok(self.api.post(f"/api/v1/admin/sellers/{seller_id}/verify", {}, token=admin))
        # The role comes with the SellerVerified event: committed to the account (which /me reads), then
        # shared with the user's sessions, which is what a seller route checks. Wait for the session.
        eventually(
            f"{email}'s session to carry the seller role",
            lambda: self.api.get("/api/v1/seller/products", token=token).status == 200,
        )
        return token

    def product(self, seller: str, title: str, price: int, stock: int, currency: str = "EUR") -> str:
        card = {
            "title": title,
            "description": f"{title}, made to last and sold with care.",
            "brand": "Builder",
            "category_id": self.category_id,
            "sku": title.upper().replace(" ", "-")[:40],
            "price": {"amount": price, "currency": currency},
        }
        product_id = str(ok(self.api.post("/api/v1/seller/products", card, token=seller), 201)["id"])
        base = f"/api/v1/seller/products/{product_id}"
        ok(self.api.put(f"{base}/stock", {"quantity": stock}, token=seller))
        ok(self.api.post(f"{base}/submit", {}, token=seller), 202)
        # Moderation decides on the ProductSubmitted event.
        eventually(f"{title} to be published", lambda: ok(self.api.get(base, token=seller))["status"] == "published")
        return product_id

    def customer(self, name: str) -> tuple[str, str]:
        """A customer with a home address; return (token, address id)."""
        _, token = self.account(name)
        address = {
            "recipient": name.title(),
            "line1": "Hauptstrasse 1",
            "city": "Berlin",
            "postal_code": "10115",
            "country": "DE",
            "label": "Home",
        }

        # The profile an address book hangs on comes with the UserRegistered event (404 until then).
        def add() -> Reply | None:
            reply = self.api.post("/api/v1/me/addresses", address, token=token)
            return None if reply.status == 404 else reply

        return token, str(ok(eventually(f"{name} to get a profile", add), 201)["address_id"])

    def stock(self, seller: str, product_id: str) -> dict[str, int]:
        body: dict[str, int] = ok(self.api.get(f"/api/v1/seller/products/{product_id}/stock", token=seller))
        return body
