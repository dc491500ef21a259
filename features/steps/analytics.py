"""Steps about business figures (features/analytics.feature).

The figures are read from the event history the analytics consumer group writes; the client settles the
shop after every write, so the history holds every event a step caused before the next one reads. "Agree
with the orders and the payments" is checked against what those contexts' own admin routes read from their
databases: every order that was ever paid (its history says so) and its total, every payment authorized,
declined or failed, and the money refunded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from pytest_bdd import given, then, when

from features.steps.checkout import checks_out
from features.steps.profile import customer_at_home
from features.steps.text import step

if TYPE_CHECKING:
    from features.steps.accounts import World
    from features.steps.catalog import Catalog
    from features.steps.checkout import Checkout
    from features.steps.recommendations import Recommendations

PASSWORD = "correct horse battery"
ADMIN = "/api/v1/admin/analytics"
SELLER = "/api/v1/seller/analytics"
REFUSED_AUTHORIZATIONS = {"declined", "failed"}


class Figures:
    """The figures last read, by route."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.read: dict[str, Any] = {}
        self.reader = ""

    def get(self, email: str, path: str) -> Any:
        reply = self.world.as_user("GET", email, path)
        assert reply.status == 200, reply.body
        return reply.body

    def all_of(self, path: str) -> list[dict[str, Any]]:
        """Every item of an admin list route, page after page."""
        assert self.world.admin is not None
        items: list[dict[str, Any]] = []
        cursor = ""
        while True:
            page = self.get(self.world.admin, f"{path}?limit=100" + (f"&cursor={cursor}" if cursor else ""))
            items += page["items"]
            cursor = page.get("next_cursor") or ""
            if not cursor:
                return items


@pytest.fixture
def figures(world: World) -> Figures:
    return Figures(world)


# Givens and whens


@when(step('"{email}" looks at "{title}" and is declined at checkout'))
def declined_at_checkout(checkout: Checkout, recommendations: Recommendations, email: str, title: str) -> None:
    world = checkout.world
    customer_at_home(world, email, PASSWORD)
    recommendations.look_at(title, token=world.token(email))
    body = {"product_id": checkout.shopping.product_id(title), "quantity": 1}
    assert world.as_user("POST", email, "/api/v1/cart/items", body).status == 200
    checks_out(checkout, email, "Home", "tok_decline")
    assert checkout.order()["status"] == "cancelled", checkout.order()


@given(step('"{email}" has looked at "{title}"'))
@when(step('"{email}" only looks at "{title}"'))
def only_looks_at(recommendations: Recommendations, email: str, title: str) -> None:
    customer_at_home(recommendations.world, email, PASSWORD)
    recommendations.look_at(title, token=recommendations.world.token(email))


@when(step('"{email}" searches for "{text}"'))
def searches_for(world: World, email: str, text: str) -> None:
    customer_at_home(world, email, PASSWORD)
    reply = world.as_user("GET", email, f"/api/v1/search/products?q={text}")
    assert reply.status == 200, reply.body
    world.server.settle()  # a read: the client settles after writes only


@when("the admin reads the figures of the last 30 days")
def admin_reads(figures: Figures) -> None:
    admin = figures.world.admin
    assert admin is not None
    figures.reader = admin
    for name in ("sales", "funnel", "top-products", "searches-without-results", "sellers"):
        figures.read[name] = figures.get(admin, f"{ADMIN}/{name}")


@when(step('"{email}" reads her figures of the last 30 days'))
def seller_reads(figures: Figures, email: str) -> None:
    figures.reader = email
    for name in ("sales", "funnel", "top-products"):
        figures.read[name] = figures.get(email, f"{SELLER}/{name}")


# Thens


@then("the sales agree with the orders and the payments")
def sales_agree(figures: Figures) -> None:
    sales = figures.read["sales"]
    orders = figures.all_of("/api/v1/admin/orders")
    paid = [o for o in orders if any(change["status"] == "paid" for change in o["history"])]
    assert paid, "no order was paid: nothing to reconcile"
    gmv = sum(o["total"]["amount"] for o in paid)
    assert (sales["orders"], sales["gmv"]) == (len(paid), {"amount": gmv, "currency": "EUR"}), sales
    by_day: dict[str, list[int]] = {}
    for order in paid:
        day = next(c["at"] for c in order["history"] if c["status"] == "paid")[:10]
        by_day.setdefault(day, []).append(order["total"]["amount"])
    days = {d["day"]: (d["orders"], d["gmv"]["amount"]) for d in sales["days"] if d["orders"]}
    assert days == {day: (len(totals), sum(totals)) for day, totals in by_day.items()}
    assert sales["average_order_value"]["amount"] == round(gmv / len(paid))

    payments = figures.all_of("/api/v1/admin/payments")
    refused = [p for p in payments if p["status"] in REFUSED_AUTHORIZATIONS]
    authorized = [p for p in payments if p["authorization_id"] is not None and p not in refused]
    assert refused, "no payment was refused: the failure rate would not be checked"
    assert sales["payments"]["attempts"] == len(authorized) + len(refused)
    assert sales["payments"]["failed"] == len(refused)
    assert sum(p["amount"]["amount"] for p in authorized) == gmv  # each paid order: one authorization of its total
    refunded = [p["refunded"]["amount"] for p in payments if p["refunded"]]
    assert sales["refunds"] == {"refunds": len(refunded), "amount": {"amount": sum(refunded), "currency": "EUR"}}


@then(
    step("the funnel counts {viewed:d} viewed, {carted:d} added to the cart, {checked:d} checked out and {paid:d} paid")
)
def funnel_counts(figures: Figures, viewed: int, carted: int, checked: int, paid: int) -> None:
    steps = figures.read["funnel"]["steps"]
    assert [(s["step"], s["shoppers"]) for s in steps] == [
        ("viewed", viewed),
        ("added_to_cart", carted),
        ("checked_out", checked),
        ("paid", paid),
    ]


@then(step('the top products are "{titles}"'))
@then(step('her top products are "{titles}"'))
def top_products(figures: Figures, catalog: Catalog, titles: str) -> None:
    listed = [p["title"] for p in figures.read["top-products"]["products"]]
    assert listed == [t.strip() for t in titles.split(",")]
    for product in figures.read["top-products"]["products"]:
        assert product["product_id"] == catalog.product_id(product["title"])


@then(step('"{text}" is among the searches without results'))
def search_without_results(figures: Figures, text: str) -> None:
    searches = figures.read["searches-without-results"]["searches"]
    assert {"query": text, "searches": 1} in searches, searches


@then(step("she sees {count:d} order worth {price} {currency}"))
def seller_sees(figures: Figures, count: int, price: str, currency: str) -> None:
    sales = figures.read["sales"]
    amount = round(float(price) * 100)
    assert (sales["orders"], sales["gmv"]) == (count, {"amount": amount, "currency": currency}), sales
    assert sales["seller_id"] == figures.world.user_id(figures.reader)


@then(step('"{email}" may not read the shop\'s figures'))
def may_not_read(figures: Figures, email: str) -> None:
    for name in ("sales", "funnel", "top-products", "searches-without-results", "sellers"):
        reply = figures.world.as_user("GET", email, f"{ADMIN}/{name}")
        assert reply.status == 403, (name, reply.status, reply.body)
