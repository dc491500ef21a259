"""Personal lists built, rebuilt after a failure, refreshed and dropped; the base feed; and what shoppers
read, falling back to the base feed whenever their own list cannot serve."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from core.recommendations import commands as c
from core.recommendations import use_cases as uc
from core.recommendations.events import RecommendationsRefreshed
from core.recommendations.model import FeedKind, Pick, Reason, Source
from core.shared.errors import NotFound
from core.shared.events import from_envelope
from ports.catalog import Shelf
from ports.recommendations import Interest, ShopperProfile

from .fakes import POLICY, FeedDown, RecommendationsApp

EARLIER = datetime(2026, 1, 1, 11, 0, tzinfo=UTC)


@pytest.fixture
def app() -> RecommendationsApp:
    """Alice bought a tent and looked at a lamp: customers who bought tents bought stoves, a lamp is viewed
    with a lantern. The shop's best sellers are "best-1" and "best-2". Everything can be bought."""
    app = RecommendationsApp()
    app.signals.profiles["alice"] = ShopperProfile(
        "alice", (Interest("tent", 1, 0, 1, EARLIER), Interest("lamp", 2, 0, 0, EARLIER))
    )
    app.signals.bought["tent"] = {"stove": 3.0}
    app.signals.viewed["lamp"] = {"lantern": 3.0}
    app.signals.sales[(None, None)] = ["best-1", "best-2"]
    app.catalog.offer("tent", "lamp", "stove", "lantern", "best-1", "best-2")
    return app


def ids(view: c.RecommendationsView | c.ProductListView) -> list[str]:
    return [item.product_id for item in view.items]


async def failed_once(app: RecommendationsApp) -> None:
    """Alice's list was built, then its next build failed."""
    await app.built("alice")
    app.signals.failure = RuntimeError("signals down")
    await app.queue(c.QueueBuild("alice"))
    app.clock.advance(2)
    assert await app.run() == 0


# QueueListBuild and RunBuilds


async def test_a_queued_build_waits_for_the_debounce_then_builds_the_list(app: RecommendationsApp) -> None:
    await app.queue(c.QueueBuild("alice"))
    assert await app.run() == 0
    app.clock.advance(1.9)
    assert await app.run() == 0
    assert await app.personal("alice") is None
    app.clock.advance(0.1)
    assert await app.run() == 1
    personal = await app.personal("alice")
    assert personal is not None
    assert [p.product_id for p in personal.picks] == ["stove", "lantern"]
    assert (personal.built_at, personal.failed) == (app.clock.now(), False)
    assert await app.queued("alice") is None
    [refreshed] = [from_envelope(e) for e in app.bus.delivered]
    assert refreshed == RecommendationsRefreshed(
        user_id="alice", size=2, occurred_at=app.clock.now(), event_id=refreshed.event_id
    )


async def test_changes_during_the_debounce_never_postpone_the_build(app: RecommendationsApp) -> None:
    await app.queue(c.QueueBuild("alice"))
    app.clock.advance(1.5)
    await app.queue(c.QueueBuild("alice"))
    app.clock.advance(0.5)
    assert await app.run() == 1


async def test_a_build_that_raises_is_kept_failed_with_a_backoff_and_the_list_marked_failed(
    app: RecommendationsApp,
) -> None:
    await app.rebuild_feed()
    await failed_once(app)
    build = await app.queued("alice")
    assert build is not None
    assert (build.attempts, build.last_error) == (1, "RuntimeError: signals down")
    assert build.due_at == app.clock.now() + timedelta(seconds=30)
    personal = await app.personal("alice")
    assert personal is not None
    assert personal.failed
    shown = await app.shown("alice")
    assert (shown.source, ids(shown), shown.built_at) == (Source.BASE, ["best-1", "best-2"], None)


async def test_the_error_worker_rebuilds_a_failed_list_after_the_backoff_not_before(app: RecommendationsApp) -> None:
    await failed_once(app)
    app.signals.failure = None
    assert await app.run(failed=True) == 0
    assert await app.run() == 0  # the build worker leaves failed builds to the error worker
    app.clock.advance(29)
    assert await app.run(failed=True) == 0
    app.clock.advance(1)
    assert await app.run(failed=True) == 1
    assert await app.queued("alice") is None
    shown = await app.shown("alice")
    assert (shown.source, ids(shown)) == (Source.PERSONAL, ["stove", "lantern"])


async def test_a_build_failing_again_waits_twice_as_long(app: RecommendationsApp) -> None:
    await failed_once(app)
    app.clock.advance(30)
    assert await app.run(failed=True) == 0
    build = await app.queued("alice")
    assert build is not None
    assert (build.attempts, build.due_at) == (2, app.clock.now() + timedelta(seconds=60))


async def test_a_build_that_times_out_counts_as_a_failure() -> None:
    app = RecommendationsApp(attrs.evolve(POLICY, build_timeout=timedelta(milliseconds=10)))
    app.signals.delay = 5.0
    await app.queue(c.QueueBuild("alice"))
    app.clock.advance(2)
    assert await app.run() == 0
    build = await app.queued("alice")
    assert build is not None
    assert (build.attempts, build.last_error) == (1, "TimeoutError")


async def test_a_user_marked_again_during_a_build_is_built_again(app: RecommendationsApp) -> None:
    async def marked_again() -> None:
        app.signals.while_building = None
        await app.queue(c.QueueBuild("alice"))

    app.signals.while_building = marked_again
    await app.queue(c.QueueBuild("alice"))
    app.clock.advance(2)
    assert await app.run() == 1
    again = await app.queued("alice")
    assert again is not None
    assert again.attempts == 0
    app.clock.advance(2)
    assert await app.run() == 1
    assert await app.queued("alice") is None


async def test_a_build_failed_meanwhile_and_marked_again_keeps_its_backoff(app: RecommendationsApp) -> None:
    await failed_once(app)
    due = app.clock.now() + timedelta(seconds=30)
    await app.queue(c.QueueBuild("alice"))
    build = await app.queued("alice")
    assert build is not None
    assert (build.attempts, build.due_at) == (1, due)


async def test_a_build_failing_for_days_keeps_being_retried_at_the_ceiling(app: RecommendationsApp) -> None:
    app.signals.failure = RuntimeError("bad data")
    await app.queue(c.QueueBuild("alice"))
    app.clock.advance(2)
    await app.run()
    for _ in range(45):
        app.clock.advance(POLICY.backoff.ceiling.total_seconds())
        assert await app.run(failed=True) == 0
    build = await app.queued("alice")
    assert build is not None
    assert build.attempts == 46


# RefreshOldLists and DropPersonalList


async def test_lists_older_than_max_age_are_queued_again_and_rebuilt(app: RecommendationsApp) -> None:
    await app.built("alice")
    app.clock.advance(POLICY.max_age.total_seconds() + 1)
    await app.built("bob")
    assert await app.refresh(10) == 1
    assert await app.queued("bob") is None
    assert await app.run() == 1  # due at once: no debounce
    personal = await app.personal("alice")
    assert personal is not None
    assert personal.built_at == app.clock.now()


async def test_the_refresh_takes_the_oldest_lists_first_up_to_its_limit(app: RecommendationsApp) -> None:
    for user_id in ("carol", "alice", "bob"):
        await app.built(user_id)
    app.clock.advance(POLICY.max_age.total_seconds() + 1)
    assert await app.refresh(2) == 2
    assert [await app.queued(u) is not None for u in ("carol", "alice", "bob")] == [True, True, False]


async def test_dropping_a_list_forgets_it_and_its_queued_build(app: RecommendationsApp) -> None:
    await app.built("alice")
    await app.queue(c.QueueBuild("alice"))
    await app.drop(c.DropList("alice"))
    assert (await app.personal("alice"), await app.queued("alice")) == (None, None)
    assert (await app.shown("alice")).source is Source.BASE


async def test_a_list_dropped_while_it_was_being_built_stays_dropped(app: RecommendationsApp) -> None:
    async def erased_meanwhile() -> None:
        app.signals.while_building = None
        await app.drop(c.DropList("alice"))

    app.signals.while_building = erased_meanwhile
    await app.queue(c.QueueBuild("alice"))
    app.clock.advance(2)
    await app.run()
    assert await app.personal("alice") is None


# BuildPersonalList


async def test_a_personal_list_blends_what_the_signals_point_at_and_says_why(app: RecommendationsApp) -> None:
    app.signals.profiles["alice"] = dataclasses.replace(
        app.signals.profiles["alice"], categories={"cat-cooking": 4.0}, brands={"Blaze": 2.0}
    )
    app.signals.sales[("cat-cooking", None)] = ["pot"]
    app.signals.sales[(None, "Blaze")] = ["fuel"]
    app.catalog.offer("pot", "fuel")
    personal = await app.build(c.BuildList("alice"))
    assert personal.picks == (
        Pick("stove", 3.0, Reason.BOUGHT_WITH),
        Pick("lantern", 2.0, Reason.VIEWED_WITH),
        Pick("pot", 1.5, Reason.CATEGORY),
        Pick("fuel", 1.0, Reason.BRAND),
    )


async def test_a_personal_list_leaves_out_what_was_bought_and_what_cannot_be_bought_now(
    app: RecommendationsApp,
) -> None:
    app.signals.profiles["alice"] = ShopperProfile(
        "alice", (Interest("tent", 0, 0, 1, EARLIER),), categories={"cat-tents": 1.0}
    )
    app.signals.bought["tent"] = {}
    app.signals.sales[("cat-tents", None)] = ["tent", "sold-out", "unpublished", "tarp"]
    app.catalog.offer("tarp")
    app.catalog.offer("sold-out", purchasable=False)
    personal = await app.build(c.BuildList("alice"))
    assert [p.product_id for p in personal.picks] == ["tarp"]


async def test_a_personal_list_holds_at_most_list_size_products(app: RecommendationsApp) -> None:
    many = [f"p{n}" for n in range(10)]
    app.signals.profiles["alice"] = ShopperProfile("alice", categories={"cat-tents": 1.0})
    app.signals.sales[("cat-tents", None)] = many
    app.catalog.offer(*many)
    personal = await app.build(c.BuildList("alice"))
    assert [p.product_id for p in personal.picks] == many[: POLICY.list_size]


async def test_a_liked_category_nothing_sold_in_yet_offers_its_most_viewed(app: RecommendationsApp) -> None:
    app.signals.profiles["alice"] = ShopperProfile("alice", categories={"cat-tents": 1.0}, brands={"Hilltop": 1.0})
    app.signals.views["cat-tents"] = ["tarp"]
    app.catalog.offer("tarp")
    personal = await app.build(c.BuildList("alice"))
    assert personal.picks == (Pick("tarp", 1.5, Reason.CATEGORY),)


async def test_a_shopper_without_signals_gets_an_empty_list(app: RecommendationsApp) -> None:
    personal = await app.build(c.BuildList("newcomer"))
    assert personal.picks == ()


# RebuildBaseFeed and ShowBaseFeed


async def feed(app: RecommendationsApp, kind: FeedKind, category_id: str | None = None, limit: int = 10) -> list[str]:
    return ids(await app.feed(c.FeedQuery(kind, category_id, limit)))


async def test_the_base_feed_holds_best_sellers_and_top_rated_for_the_shop_and_each_active_category(
    app: RecommendationsApp,
) -> None:
    app.signals.categories = ["cat-cooking"]
    app.signals.sales[(None, None)] = ["stove", "tent"]
    app.signals.sales[("cat-cooking", None)] = ["stove"]
    app.signals.views[None] = ["lamp"]
    app.signals.views["cat-cooking"] = ["pot"]
    app.ratings.rate_product("stove", 4, 4)
    app.ratings.rate_product("tent", 5)
    app.ratings.rate_product("lamp", 5, 5, 5, 5, 5, 5)
    app.ratings.rate_product("pot", 3)
    app.ratings.rate_product("never-seen", 5, 5, 5)  # rated, but nobody viewed or bought it lately
    app.catalog.offer("pot", "never-seen")
    assert await app.rebuild_feed() == 4
    assert await feed(app, FeedKind.BEST_SELLERS) == ["stove", "tent"]
    assert await feed(app, FeedKind.BEST_SELLERS, "cat-cooking") == ["stove"]
    assert await feed(app, FeedKind.TOP_RATED) == ["lamp", "tent", "stove"]
    assert await feed(app, FeedKind.TOP_RATED, "cat-cooking") == ["stove", "pot"]
    assert await feed(app, FeedKind.BEST_SELLERS, "cat-unknown") == []
    assert {item.reason for item in (await app.feed(c.FeedQuery(FeedKind.BEST_SELLERS, None, 10))).items} == {
        Reason.POPULAR
    }


async def test_a_category_viewed_but_not_sold_in_has_top_rated_and_no_best_sellers(app: RecommendationsApp) -> None:
    app.signals.sales.clear()
    app.signals.categories = ["cat-tents"]
    app.signals.views["cat-tents"] = ["tent"]
    app.ratings.rate_product("tent", 5)
    assert await app.rebuild_feed() == 1
    assert await feed(app, FeedKind.BEST_SELLERS, "cat-tents") == []
    assert await feed(app, FeedKind.TOP_RATED, "cat-tents") == ["tent"]


async def test_a_rebuilt_feed_replaces_the_previous_one_whole(app: RecommendationsApp) -> None:
    app.signals.categories = ["cat-cooking"]
    app.signals.sales[("cat-cooking", None)] = ["stove"]
    await app.rebuild_feed()
    app.signals.categories = []
    app.signals.sales[(None, None)] = ["tent"]
    await app.rebuild_feed()
    assert await feed(app, FeedKind.BEST_SELLERS, "cat-cooking") == []
    assert await feed(app, FeedKind.BEST_SELLERS) == ["tent"]


async def test_the_base_feed_keeps_twice_its_size_and_shows_what_can_be_bought_up_to_the_limit(
    app: RecommendationsApp,
) -> None:
    app.signals.sales[(None, None)] = ["a", "b", "c", "d", "e"]
    app.catalog.offer("a", "c", "d", "e")
    app.catalog.offer("b", purchasable=False)
    await app.rebuild_feed()
    assert await feed(app, FeedKind.BEST_SELLERS, limit=2) == ["a", "c"]
    assert await feed(app, FeedKind.BEST_SELLERS) == ["a", "c", "d"]  # 2 * feed_size kept: "e" is not


async def test_a_base_feed_that_cannot_be_read_shows_nothing(app: RecommendationsApp) -> None:
    down = uc.ShowBaseFeed(FeedDown(), app.catalog)
    assert (await down(c.FeedQuery(FeedKind.BEST_SELLERS, None, 10))).items == []


# ShowRecommendations


async def test_a_users_own_list_is_shown_with_what_the_shop_shows_of_each_product(app: RecommendationsApp) -> None:
    personal = await app.built("alice")
    shown = await app.shown("alice", limit=1)
    assert (shown.source, shown.built_at) == (Source.PERSONAL, personal.built_at)
    [stove] = shown.items
    offer = app.catalog.offered["stove"]
    assert stove == c.RecommendedProduct("stove", offer.title, offer.price, None, "seller-1", Reason.BOUGHT_WITH)


async def test_a_guest_and_a_user_without_a_list_get_the_base_feed(app: RecommendationsApp) -> None:
    await app.rebuild_feed()
    for user_id in (None, "alice"):
        shown = await app.shown(user_id)
        assert (shown.source, ids(shown), shown.built_at) == (Source.BASE, ["best-1", "best-2"], None)
        assert {item.reason for item in shown.items} == {Reason.POPULAR}


async def test_a_list_nothing_of_which_can_be_bought_now_gives_way_to_the_base_feed(app: RecommendationsApp) -> None:
    await app.built("alice")
    await app.rebuild_feed()
    app.catalog.offer("stove", "lantern", purchasable=False)
    shown = await app.shown("alice")
    assert (shown.source, ids(shown)) == (Source.BASE, ["best-1", "best-2"])


async def test_lists_that_cannot_be_read_give_way_to_the_base_feed(app: RecommendationsApp) -> None:
    await app.built("alice")
    await app.rebuild_feed()
    shown = await uc.ShowRecommendations(app.lists_down, app.feed, app.catalog)(c.ForShopper("alice", 10))
    assert (shown.source, ids(shown)) == (Source.BASE, ["best-1", "best-2"])


async def test_a_shop_that_sold_nothing_yet_recommends_its_top_rated(app: RecommendationsApp) -> None:
    app.signals.sales.clear()
    app.signals.views[None] = ["lamp", "tent"]
    app.ratings.rate_product("tent", 5, 5)
    app.ratings.rate_product("lamp", 3)
    await app.rebuild_feed()
    shown = await app.shown(None)
    assert (shown.source, ids(shown)) == (Source.BASE, ["tent", "lamp"])


async def test_no_feed_at_all_recommends_nothing(app: RecommendationsApp) -> None:
    shown = await app.shown("alice")
    assert (shown.source, shown.items) == (Source.BASE, [])


# ShowAlsoBought and ShowSimilarProducts


async def test_also_bought_lists_what_the_same_customers_bought_that_can_be_bought(app: RecommendationsApp) -> None:
    app.shelves.by_product["tent"] = Shelf(("cat-outdoors", "cat-tents"), "Hilltop")
    app.signals.bought["tent"] = {"stove": 3.0, "sold-out": 5.0, "lantern": 1.0}
    app.catalog.offer("sold-out", purchasable=False)
    shown = await app.also_bought(c.ForProduct("tent", 10))
    assert ids(shown) == ["stove", "lantern"]
    assert {item.reason for item in shown.items} == {Reason.BOUGHT_WITH}


async def test_similar_products_are_viewed_with_it_and_best_sellers_of_its_category_and_brand(
    app: RecommendationsApp,
) -> None:
    app.shelves.by_product["tent"] = Shelf(("cat-outdoors", "cat-tents"), "Hilltop")
    app.shelves.by_product["tarp"] = Shelf(("cat-outdoors", "cat-tarps"), "")
    app.signals.viewed["tent"] = {"tarp": 3.0}
    app.signals.sales[("cat-tents", None)] = ["tent", "pole"]
    app.signals.sales[("cat-tents", "Hilltop")] = ["pegs"]
    app.catalog.offer("tarp", "pole", "pegs")
    shown = await app.similar(c.ForProduct("tent", 10))
    assert [(i.product_id, i.reason) for i in shown.items] == [
        ("tarp", Reason.VIEWED_WITH),
        ("pole", Reason.CATEGORY),
        ("pegs", Reason.BRAND),
    ]


async def test_what_is_viewed_with_it_in_another_department_is_not_similar(app: RecommendationsApp) -> None:
    app.shelves.by_product["espresso"] = Shelf(("cat-kitchen", "cat-coffee"), "Barista")
    app.shelves.by_product["grinder"] = Shelf(("cat-kitchen", "cat-coffee"), "Moka")
    app.shelves.by_product["kettle"] = Shelf(("cat-kitchen", "cat-kettles"), "")
    app.shelves.by_product["laptop"] = Shelf(("cat-electronics", "cat-laptops"), "Altbook")
    app.signals.viewed["espresso"] = {"laptop": 9.0, "grinder": 2.0, "kettle": 1.0, "never-shown": 5.0}
    app.catalog.offer("laptop", "grinder", "kettle", "never-shown")
    assert ids(await app.similar(c.ForProduct("espresso", 10))) == ["grinder", "kettle"]


async def test_similar_products_of_a_category_nothing_sold_in_are_its_most_viewed(app: RecommendationsApp) -> None:
    app.shelves.by_product["tent"] = Shelf(("cat-outdoors", "cat-tents"), "")
    app.signals.views["cat-tents"] = ["tarp", "tent"]
    app.catalog.offer("tarp")
    assert ids(await app.similar(c.ForProduct("tent", 10))) == ["tarp"]


@pytest.mark.parametrize("show", ["also_bought", "similar"])
async def test_a_product_the_shop_never_showed_is_not_found(app: RecommendationsApp, show: str) -> None:
    with pytest.raises(NotFound):
        await getattr(app, show)(c.ForProduct("ghost", 10))
