"""The activity worker's use cases: what each action adds to the log and the signals, orders counted once
paid, a guest's activity claimed at login, a shopper's activity erased, and what the pages send on."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from core.activity import commands as c
from core.activity.events import (
    ActivityErased,
    CartItemAdded,
    CartItemRemoved,
    GuestActivityClaimed,
    ProductViewed,
    SearchMade,
    ShopperSignalsChanged,
)
from core.activity.model import QUERY_MAX, ActionKind, PairKind, guest_actor, is_guest
from core.activity.use_cases import TrackActivity
from core.shared.events import Event
from ports.recommendations import Ranked, ShopperProfile

from .conftest import CAMPING, COOKING, OUTDOORS, TENTS, ActivityApp

GUEST = guest_actor("cart-token-1")


def changed(app: ActivityApp) -> list[str]:
    """The users whose ``ShopperSignalsChanged`` was committed, in order."""
    return [e.user_id for e in app.events() if isinstance(e, ShopperSignalsChanged)]


async def interests(app: ActivityApp, actor: str) -> dict[str, tuple[int, int, int]]:
    """(viewed, carted, purchased) per product."""
    return {i.product_id: (i.viewed, i.carted, i.purchased) for i in (await app.profile(actor)).interests}


# RecordActivity


async def test_a_view_counts_co_views_with_the_actors_previous_views_not_with_itself(app: ActivityApp) -> None:
    await app.view("alice", "tent", "stove", "tent")
    await app.view("bob", "mug")
    assert await app.signals.viewed_with(["tent"], 10) == [Ranked("stove", 2.0)]
    assert await app.signals.viewed_with(["mug"], 10) == []  # bob's view pairs with nobody else's
    assert "tent" not in app.tables.pairs[PairKind.VIEWED]["tent"]
    assert await interests(app, "alice") == {"tent": (2, 0, 0), "stove": (1, 0, 0)}


async def test_a_second_delivery_of_the_same_action_changes_nothing(app: ActivityApp) -> None:
    tent, stove = app.action("alice", ActionKind.VIEWED, "tent"), app.action("alice", ActionKind.VIEWED, "stove")
    await app.do(tent)
    await app.do(stove)
    before = (await app.profile("alice"), await app.signals.viewed_with(["tent"], 10), len(app.bus.delivered))
    await app.record(c.RecordActions((tent, stove)))
    after = (await app.profile("alice"), await app.signals.viewed_with(["tent"], 10), len(app.bus.delivered))
    assert after == before
    assert len(await app.logged("alice")) == 2


async def test_searches_go_to_the_log_only(app: ActivityApp) -> None:
    search = app.action("alice", ActionKind.SEARCHED, query="Red  Tent", filters=(("colour", "red"),), results=0)
    await app.do(search)
    assert await app.logged("alice") == [search]
    assert await app.profile("alice") == ShopperProfile("alice")
    assert (app.tables.claims, app.bus.delivered, app.shelves.asked) == (set(), [], [])


async def test_an_orders_lines_pair_with_each_other_once_and_with_earlier_purchases(app: ActivityApp) -> None:
    bought = [app.action("alice", ActionKind.PURCHASED, p, quantity=1) for p in ("tent", "stove", "mug")]
    await app.do(*bought)
    pairs = app.tables.pairs[PairKind.BOUGHT]
    assert pairs == {"tent": {"stove": 1, "mug": 1}, "stove": {"tent": 1, "mug": 1}, "mug": {"tent": 1, "stove": 1}}
    await app.do(app.action("alice", ActionKind.PURCHASED, "tarp", quantity=1))
    assert await app.signals.bought_with(["tarp"], 10) == [
        Ranked("mug", 1.0),
        Ranked("stove", 1.0),
        Ranked("tent", 1.0),
    ]
    assert pairs["tent"] == {"stove": 1, "mug": 1, "tarp": 1}


async def test_a_taste_gives_the_leaf_category_the_weight_its_ancestors_half_and_the_brand_the_weight(
    app: ActivityApp,
) -> None:
    await app.view("alice", "tent")  # 1
    await app.do(app.action("alice", ActionKind.ADDED_TO_CART, "stove", quantity=1))  # 3
    profile = await app.profile("alice")
    assert profile.categories == {OUTDOORS: 2.0, CAMPING: 2.0, TENTS: 1.0, COOKING: 3.0}
    assert profile.brands == {"Hilltop": 1.0, "Blaze": 3.0}


async def test_a_product_without_a_brand_adds_to_no_brand(app: ActivityApp) -> None:
    await app.view("alice", "mug")
    assert (await app.profile("alice")).brands == {}


async def test_a_removal_from_the_cart_lowers_the_taste_and_the_interest(app: ActivityApp) -> None:
    await app.do(app.action("alice", ActionKind.ADDED_TO_CART, "stove", quantity=1))
    await app.do(app.action("alice", ActionKind.REMOVED_FROM_CART, "stove"))
    profile = await app.profile("alice")
    assert (profile.categories[COOKING], profile.categories[CAMPING], profile.brands["Blaze"]) == (2.0, 1.0, 2.0)
    assert await interests(app, "alice") == {"stove": (0, 0, 0)}


@pytest.mark.parametrize(
    ("stars", "leaf", "ancestor"), [(5, 4.0, 2.0), (4, 2.0, 1.0), (2, -2.0, -1.0), (1, -4.0, -2.0)]
)
async def test_a_review_adds_to_the_taste_what_its_stars_say(
    app: ActivityApp, stars: int, leaf: float, ancestor: float
) -> None:
    await app.do(app.action("alice", ActionKind.REVIEWED, "tent", rating=stars))
    profile = await app.profile("alice")
    assert profile.categories == {OUTDOORS: ancestor, CAMPING: ancestor, TENTS: leaf}
    assert profile.brands == {"Hilltop": leaf}
    assert profile.interests == ()  # a review is no interest in a product, nor a view or a sale
    assert app.tables.days == {}


async def test_a_three_star_review_says_nothing_of_a_taste(app: ActivityApp) -> None:
    await app.do(app.action("alice", ActionKind.REVIEWED, "tent", rating=3))
    assert await app.profile("alice") == ShopperProfile("alice")


async def test_the_log_keeps_where_a_published_product_sat(app: ActivityApp) -> None:
    await app.view("alice", "stove")
    [logged] = await app.logged("alice")
    assert (logged.category_path, logged.brand) == ((OUTDOORS, CAMPING, COOKING), "Blaze")


async def test_a_product_never_published_is_logged_and_an_interest_but_no_taste_and_no_daily_figure(
    app: ActivityApp,
) -> None:
    await app.view("alice", "ghost")
    await app.do(app.action("alice", ActionKind.PURCHASED, "ghost", quantity=2))
    assert [(a.kind, a.product_id, a.category_path) for a in await app.logged("alice")] == [
        (ActionKind.PURCHASED, "ghost", ()),
        (ActionKind.VIEWED, "ghost", ()),
    ]
    profile = await app.profile("alice")
    assert (profile.categories, profile.brands) == ({}, {})
    assert await interests(app, "alice") == {"ghost": (1, 0, 1)}
    assert app.tables.days == {}
    assert await app.signals.most_viewed(app.since(), None, 10) == []
    assert await app.signals.best_sellers(app.since(), None, None, 10) == []


async def test_views_and_units_sold_are_counted_per_day_by_category_and_brand(app: ActivityApp) -> None:
    await app.view("alice", "tent")
    await app.view("bob", "tent", "stove")
    await app.do(app.action("alice", ActionKind.PURCHASED, "stove", quantity=3))
    since = app.since()
    assert await app.signals.most_viewed(since, None, 10) == [Ranked("tent", 2.0), Ranked("stove", 1.0)]
    assert await app.signals.best_sellers(since, None, None, 10) == [Ranked("stove", 3.0)]
    assert await app.signals.best_sellers(since, CAMPING, "Blaze", 10) == [Ranked("stove", 3.0)]
    assert await app.signals.best_sellers(since, TENTS, None, 10) == []
    assert await app.signals.active_categories(since, 10) == [CAMPING, OUTDOORS, COOKING, TENTS]


async def test_a_users_changed_signals_are_raised_once_per_unit_of_work(app: ActivityApp) -> None:
    await app.do(
        app.action("alice", ActionKind.VIEWED, "tent"),
        app.action("alice", ActionKind.ADDED_TO_CART, "tent", quantity=1),
        app.action("alice", ActionKind.VIEWED, "stove"),
    )
    assert changed(app) == ["alice"]
    await app.view("alice", "mug")
    assert changed(app) == ["alice", "alice"]


async def test_a_guests_signals_are_counted_but_raise_nothing(app: ActivityApp) -> None:
    await app.view(GUEST, "tent", "stove")
    assert app.bus.delivered == []
    assert await interests(app, GUEST) == {"tent": (1, 0, 0), "stove": (1, 0, 0)}


# FollowOrders

ORDER = c.RememberOrder("order-1", "alice", (("tent", 1), ("stove", 2)))
PAID_AT = datetime(2026, 1, 1, 13, 0, tzinfo=UTC)


async def purchases(app: ActivityApp, actor: str) -> tuple[dict[str, tuple[int, int, int]], list[Ranked]]:
    return await interests(app, actor), await app.signals.best_sellers(app.since(), None, None, 10)


BOUGHT = ({"tent": (0, 0, 1), "stove": (0, 0, 1)}, [Ranked("stove", 2.0), Ranked("tent", 1.0)])


async def test_an_order_placed_then_paid_counts_its_lines_as_purchases_once(app: ActivityApp) -> None:
    await app.orders.placed(ORDER)
    assert await purchases(app, "alice") == ({}, [])  # not paid yet
    await app.orders.paid(c.RememberPayment("confirmed-1", "order-1", PAID_AT))
    assert await purchases(app, "alice") == BOUGHT
    assert await app.signals.bought_with(["tent"], 10) == [Ranked("stove", 1.0)]
    assert changed(app) == ["alice"]


async def test_an_order_paid_before_it_is_placed_is_counted_once_placed(app: ActivityApp) -> None:
    await app.orders.paid(c.RememberPayment("confirmed-1", "order-1", PAID_AT))
    assert await purchases(app, "alice") == ({}, [])
    await app.orders.placed(ORDER)
    assert await purchases(app, "alice") == BOUGHT
    [logged] = {a.occurred_at for a in await app.logged("alice")}
    assert logged == PAID_AT


async def test_an_order_placed_and_paid_again_is_still_counted_once(app: ActivityApp) -> None:
    await app.orders.placed(ORDER)
    await app.orders.paid(c.RememberPayment("confirmed-1", "order-1", PAID_AT))
    await app.orders.placed(ORDER)
    await app.orders.paid(c.RememberPayment("confirmed-1", "order-1", PAID_AT))
    await app.orders.paid(c.RememberPayment("confirmed-2", "order-1", PAID_AT))  # the first payment stays
    assert await purchases(app, "alice") == BOUGHT
    assert len(await app.logged("alice")) == 2
    assert changed(app) == ["alice"]


async def test_an_erased_customers_later_payment_counts_nothing(app: ActivityApp) -> None:
    await app.orders.placed(ORDER)
    await app.erase(c.EraseActivity("alice"))
    await app.orders.paid(c.RememberPayment("confirmed-1", "order-1", PAID_AT))
    assert await purchases(app, "alice") == ({}, [])
    assert await app.logged("alice") == []


# ClaimGuest


async def claimed(app: ActivityApp, claim_id: str = "claim-1") -> None:
    await app.claim(c.ClaimGuestActivity(claim_id, GUEST, "alice"))


async def test_a_claimed_guests_log_and_signals_become_the_users(app: ActivityApp) -> None:
    await app.view("alice", "tent")
    await app.view(GUEST, "tent")
    await app.do(app.action(GUEST, ActionKind.ADDED_TO_CART, "stove", quantity=1))
    await claimed(app)
    assert await app.logged(GUEST) == []
    assert {a.actor for a in await app.logged("alice")} == {"alice"}
    assert len(await app.logged("alice")) == 3
    assert await interests(app, "alice") == {"tent": (2, 0, 0), "stove": (0, 1, 0)}
    assert (await app.profile("alice")).brands == {"Hilltop": 2.0, "Blaze": 3.0}
    assert await app.profile(GUEST) == ShopperProfile(GUEST)
    assert changed(app) == ["alice", "alice"]  # alice's own view, then the claim


async def test_a_redelivered_claim_changes_nothing(app: ActivityApp) -> None:
    await app.view(GUEST, "tent")
    await claimed(app)
    before = (await app.profile("alice"), await app.logged("alice"), len(app.bus.delivered))
    await claimed(app)
    assert (await app.profile("alice"), await app.logged("alice"), len(app.bus.delivered)) == before


async def test_a_guests_order_claimed_at_login_is_the_users_purchase(app: ActivityApp) -> None:
    await app.orders.placed(c.RememberOrder("order-1", GUEST, (("tent", 1),)))
    await claimed(app)
    await app.orders.paid(c.RememberPayment("confirmed-1", "order-1", PAID_AT))
    assert await interests(app, "alice") == {"tent": (0, 0, 1)}


# EraseShopperActivity


async def test_erasing_forgets_the_shoppers_log_and_own_signals_and_keeps_counts_over_many(app: ActivityApp) -> None:
    await app.view("alice", "tent", "stove")
    await app.view("bob", "tent", "stove")
    await app.erase(c.EraseActivity("alice"))
    assert await app.logged("alice") == []
    assert await app.profile("alice") == ShopperProfile("alice")
    assert [e.user_id for e in app.events() if isinstance(e, ActivityErased)] == ["alice"]
    assert await app.signals.viewed_with(["tent"], 10) == [Ranked("stove", 2.0)]
    assert await app.signals.most_viewed(app.since(), None, 10) == [Ranked("stove", 2.0), Ranked("tent", 2.0)]
    assert await interests(app, "bob") == {"tent": (1, 0, 0), "stove": (1, 0, 0)}
    assert len(await app.logged("bob")) == 2


# TrackActivity and the guest's actor


class FakeStream:
    """``ports.activity.ActivityStream`` that keeps what it was sent."""

    def __init__(self) -> None:
        self.sent: list[Event] = []

    def send(self, event: Event) -> None:
        self.sent.append(event)


def test_tracking_sends_each_reported_action_as_its_event(app: ActivityApp) -> None:
    stream = FakeStream()
    track = TrackActivity(stream, app.clock)
    track.viewed("alice", "tent")
    track.searched("alice", "red tent", [("colour", "red"), ("size", "2")], 7)
    track.added_to_cart(GUEST, "stove", 2)
    track.removed_from_cart(GUEST, "stove")
    track.guest_logged_in(GUEST, "alice")
    now = app.clock.now()
    assert [(type(e), e.key, e.occurred_at) for e in stream.sent] == [
        (ProductViewed, "alice", now),
        (SearchMade, "alice", now),
        (CartItemAdded, GUEST, now),
        (CartItemRemoved, GUEST, now),
        (GuestActivityClaimed, GUEST, now),
    ]
    viewed, searched, added, removed, claimed = stream.sent
    assert isinstance(viewed, ProductViewed)
    assert viewed.product_id == "tent"
    assert isinstance(searched, SearchMade)
    assert (searched.query, searched.filters, searched.results) == ("red tent", [["colour", "red"], ["size", "2"]], 7)
    assert isinstance(added, CartItemAdded)
    assert (added.product_id, added.quantity) == ("stove", 2)
    assert isinstance(removed, CartItemRemoved)
    assert removed.product_id == "stove"
    assert isinstance(claimed, GuestActivityClaimed)
    assert claimed.user_id == "alice"
    assert [e.type_name for e in stream.sent] == [
        "activity.ProductViewed.v1",
        "activity.SearchMade.v1",
        "activity.CartItemAdded.v1",
        "activity.CartItemRemoved.v1",
        "activity.GuestActivityClaimed.v1",
    ]


def test_a_tracked_search_keeps_at_most_query_max_characters(app: ActivityApp) -> None:
    stream = FakeStream()
    TrackActivity(stream, app.clock).searched("alice", "t" * QUERY_MAX + "ent", [], 0)
    [searched] = stream.sent
    assert isinstance(searched, SearchMade)
    assert searched.query == "t" * QUERY_MAX


def test_a_guests_actor_is_a_digest_of_the_cart_token_not_the_token() -> None:
    token = "cart-token-secret-123"
    actor = guest_actor(token)
    assert actor == "guest-" + hashlib.sha256(token.encode()).hexdigest()
    assert token not in actor
    assert is_guest(actor)
    assert not is_guest("alice")
    assert guest_actor(token) == actor != guest_actor("another-token")
