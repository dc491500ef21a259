"""Steps about activity and recommendations (features/recommendations.feature).

Shoppers look at cards through the public product route, as a page would; what that reports reaches the
activity worker without the request waiting, so a step that looked settles the shop before the next one
reads. Purchases go through checkout with the sandbox gateway (a paid order is a purchase). The workers
run when a step says so, on the shop's clock: the build worker after the debounce, the error worker after
its backoff. A failing build is made by a stand-in for the signals that fails once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from pytest_bdd import given, then, when

from core.recommendations.use_cases import BuildPersonalList
from core.shared.errors import Unavailable
from features.steps.accounts import DEFAULT_DEVICE, World
from features.steps.checkout import checks_out
from features.steps.profile import customer_at_home
from features.steps.text import step
from ports.recommendations import Ranked, ShopperProfile, ShopperSignals
from tests.support.sandboxes import Sandboxes

if TYPE_CHECKING:
    from features.steps.cart import Shopping
    from features.steps.catalog import Catalog
    from features.steps.checkout import Checkout

PASSWORD = "correct horse battery"
RECOMMENDATIONS = "/api/v1/recommendations"
# Past the build's debounce (MARKETPLACE_RECOMMENDATION_DEBOUNCE_SECONDS, 2 s).
AFTER_DEBOUNCE = 3
# Past the error worker's first backoff (MARKETPLACE_RECOMMENDATION_RETRY_BASE_SECONDS, 30 s).
A_MINUTE = 61


class Recommendations:
    """The last recommendations read, by product title."""

    def __init__(self, catalog: Catalog, sandboxes: Sandboxes) -> None:
        self.catalog, self.world, self.sandboxes = catalog, catalog.world, sandboxes
        self.answer: dict[str, Any] = {}

    def title(self, product_id: str) -> str:
        return next(t for t, i in self.catalog.product_ids.items() if i == product_id)

    def titles(self, items: Sequence[dict[str, Any]] | None = None) -> list[str]:
        return [self.title(item["product_id"]) for item in (self.answer["items"] if items is None else items)]

    def read(self, token: str) -> None:
        reply = self.world.keep(self.world.api.get(f"{RECOMMENDATIONS}?limit=20", token=token))
        assert reply.status == 200, reply.body
        self.answer = reply.body

    def look_at(self, title: str, token: str = "", headers: dict[str, str] | None = None) -> None:
        path = f"/api/v1/products/{self.catalog.product_id(title)}"
        assert self.world.api.get(path, token=token, headers=headers or {}).status == 200
        self.world.server.settle()  # a read: the client settles after writes only

    def run(self, worker: str, after_seconds: float) -> None:
        self.sandboxes.run_worker(worker, after_seconds=after_seconds)


@pytest.fixture
def recommendations(catalog: Catalog, sandboxes: Sandboxes) -> Recommendations:
    return Recommendations(catalog, sandboxes)


class FailingOnce:
    """The signals, but the next ``profile`` read fails as a database that does not answer would."""

    def __init__(self, signals: ShopperSignals) -> None:
        self.signals, self.failures = signals, 1

    async def profile(self, user_id: str) -> ShopperProfile:
        if self.failures:
            self.failures -= 1
            raise Unavailable("the recommendations database does not answer (test)")
        return await self.signals.profile(user_id)

    async def bought_with(self, product_ids: Sequence[str], limit: int) -> list[Ranked]:
        return await self.signals.bought_with(product_ids, limit)

    async def viewed_with(self, product_ids: Sequence[str], limit: int) -> list[Ranked]:
        return await self.signals.viewed_with(product_ids, limit)

    async def best_sellers(self, since: date, category_id: str | None, brand: str | None, limit: int) -> list[Ranked]:
        return await self.signals.best_sellers(since, category_id, brand, limit)

    async def most_viewed(self, since: date, category_id: str | None, limit: int) -> list[Ranked]:
        return await self.signals.most_viewed(since, category_id, limit)

    async def active_categories(self, since: date, limit: int) -> list[str]:
        return await self.signals.active_categories(since, limit)


def _buy(checkout: Checkout, email: str, title: str) -> None:
    """A paid order of one unit: what counts as a purchase."""
    world = checkout.world
    customer_at_home(world, email, PASSWORD)
    body = {"product_id": checkout.shopping.product_id(title), "quantity": 1}
    assert world.as_user("POST", email, "/api/v1/cart/items", body).status == 200
    checks_out(checkout, email, "Home", "tok_visa")
    assert checkout.order()["status"] == "paid", checkout.order()


# Givens


@given(step('"{email}" has bought "{first}" and "{second}"'))
def has_bought_two(checkout: Checkout, email: str, first: str, second: str) -> None:
    _buy(checkout, email, first)
    _buy(checkout, email, second)


@given(step('"{email}" has bought "{title}"'))
def has_bought(checkout: Checkout, email: str, title: str) -> None:
    _buy(checkout, email, title)


@given("the base feed is rebuilt")
def base_feed_rebuilt(recommendations: Recommendations) -> None:
    recommendations.run("base-feed", after_seconds=0)


@given(step('"{email}" has looked at "{title}" and her list was built'))
def has_looked_and_built(recommendations: Recommendations, email: str, title: str) -> None:
    looks_at(recommendations, email, title)
    lists_built(recommendations)
    asks(recommendations, email)
    assert recommendations.answer["source"] == "personal", recommendations.answer


# Whens


@when(step('"{email}" asks for her recommendations'))
def asks(recommendations: Recommendations, email: str) -> None:
    recommendations.read(recommendations.world.token(email))


@when("a guest asks for recommendations")
def guest_asks(recommendations: Recommendations) -> None:
    recommendations.read("")


@when(step('"{email}" looks at "{title}"'))
def looks_at(recommendations: Recommendations, email: str, title: str) -> None:
    recommendations.look_at(title, token=recommendations.world.token(email))


@when(step('"{email}" buys "{title}"'))
def buys(checkout: Checkout, email: str, title: str) -> None:
    _buy(checkout, email, title)


@when("the personal lists are built")
def lists_built(recommendations: Recommendations) -> None:
    recommendations.run("recommendation-builds", after_seconds=AFTER_DEBOUNCE)


@when("the signals cannot be read for the next build")
def signals_fail(recommendations: Recommendations) -> None:
    build = recommendations.world.server.runtime.resolve(BuildPersonalList)
    build.signals = FailingOnce(build.signals)


@when("the recommendation error worker runs a minute later")
def error_worker_runs(recommendations: Recommendations) -> None:
    recommendations.run("recommendation-errors", after_seconds=A_MINUTE)


@when(step('"{email}" erases her activity'))
def erases_activity(world: World, email: str) -> None:
    world.as_user("DELETE", email, "/api/v1/me/activity")


@when(step('the guest looks at "{title}"'))
def guest_looks_at(recommendations: Recommendations, shopping: Shopping, title: str) -> None:
    recommendations.look_at(title, headers={"X-Cart-Token": shopping.cart_token})


@when(step('the guest logs in as "{email}" with her cart'))
def guest_logs_in(world: World, shopping: Shopping, email: str) -> None:
    body = {"email": email, "password": world.passwords[email]}
    reply = world.keep(
        world.api.post("/api/v1/auth/login", body, token="", headers={"X-Cart-Token": shopping.cart_token})
    )
    assert reply.status == 200, reply.body
    world.tokens[(email, DEFAULT_DEVICE)] = reply.body["token"]


# Thens


@then(step('the recommendations come from the "{source}" list'))
def come_from(recommendations: Recommendations, source: str) -> None:
    assert recommendations.answer["source"] == source, recommendations.answer


@then(step('they are "{titles}" in any order'))
def they_are(recommendations: Recommendations, titles: str) -> None:
    assert sorted(recommendations.titles()) == sorted(t.strip() for t in titles.split(","))


@then(step('they show "{title}" first'))
def shown_first(recommendations: Recommendations, title: str) -> None:
    assert recommendations.titles()[0] == title, recommendations.answer


@then(step('they do not show "{title}"'))
def not_shown(recommendations: Recommendations, title: str) -> None:
    assert title not in recommendations.titles()


@then(step('customers who bought "{title}" also bought "{other}"'))
def also_bought(recommendations: Recommendations, title: str, other: str) -> None:
    path = f"/api/v1/products/{recommendations.catalog.product_id(title)}/also-bought"
    reply = recommendations.world.api.get(path, token="")
    assert reply.status == 200, reply.body
    assert recommendations.titles(reply.body["items"]) == [other]


@then(step('"{email}" has no activity'))
def no_activity(world: World, email: str) -> None:
    reply = world.api.get("/api/v1/me/activity", token=world.token(email))
    assert reply.status == 200, reply.body
    assert reply.body["items"] == [], reply.body


@then(step('"{email}" sees that she viewed "{title}"'))
def sees_viewed(recommendations: Recommendations, email: str, title: str) -> None:
    world = recommendations.world
    reply = world.api.get("/api/v1/me/activity?kind=viewed", token=world.token(email))
    assert reply.status == 200, reply.body
    assert [recommendations.title(a["product_id"]) for a in reply.body["items"]] == [title], reply.body
