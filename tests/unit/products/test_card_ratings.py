"""A card shows its rating, as the reviews context keeps it: read with the card, cached with it, dropped
from the cache when the rating changes, and never a reason not to show the card."""

from __future__ import annotations

from datetime import UTC, datetime

import punq
import pytest

from adapters.memory.clock import ManualClock
from config.runtime import Runtime, Wiring
from config.settings import load_settings
from config.wiring import products as products_wiring
from core.products import commands as c
from core.products.use_cases import BrowseShop, ShowPublicCard
from core.reviews.events import RatingUpdated
from core.shared.events import to_envelope
from core.shared.money import Money
from entrypoints.consumers import products as products_consumer
from ports.products import ProductCache
from ports.ratings import Ratings
from ports.shared import Clock
from tests.support.events import RecordingEventBus
from tests.support.fake_ratings import FakeRatings

from .catalog_harness import CatalogApp

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


async def test_a_card_shows_its_rating(catalog: CatalogApp, phones: str) -> None:
    card = await catalog.published(phones)
    catalog.ratings.rate_product(card.id, 5, 4, 4, 1)

    shown = await catalog.show(c.GetProduct(card.id))
    cached = await catalog.show(c.GetProduct(card.id))

    assert shown.rating == c.CardRating(4, 3.5, [1, 0, 0, 2, 1])
    assert cached == shown
    assert catalog.cache.hits == 1
    assert catalog.ratings.asked == [[card.id]]  # the cached card came with its rating


async def test_a_card_without_reviews_shows_zeros(catalog: CatalogApp, phones: str) -> None:
    card = await catalog.published(phones)

    shown = await catalog.show(c.GetProduct(card.id))

    assert shown.rating == c.CardRating(0, 0.0, [0, 0, 0, 0, 0])


async def test_the_shop_lists_cards_with_their_ratings_in_one_read(catalog: CatalogApp, phones: str) -> None:
    rated = await catalog.published(phones, sku="R", title="Rated")
    unrated = await catalog.published(phones, sku="U", title="Unrated")
    catalog.ratings.rate_product(rated.id, 5, 4)
    catalog.ratings.rate_product("another-product", 1)

    page = await catalog.browse(c.BrowseProducts())

    assert {card.title: (card.rating.count, card.rating.average) for card in page.items} == {
        "Rated": (2, 4.5),
        "Unrated": (0, 0.0),
    }
    assert [sorted(ids) for ids in catalog.ratings.asked] == [sorted([rated.id, unrated.id])]


async def test_a_rating_change_drops_the_cached_card(catalog: CatalogApp, phones: str) -> None:
    card = await catalog.published(phones)
    catalog.ratings.rate_product(card.id, 3)
    await catalog.show(c.GetProduct(card.id))
    catalog.ratings.rate_product(card.id, 3, 5)

    await catalog.forget(c.ForgetCards((card.id,)))

    assert (await catalog.show(c.GetProduct(card.id))).rating == c.CardRating(2, 4.0, [0, 0, 1, 0, 1])


async def test_without_ratings_the_card_is_shown_but_not_cached(catalog: CatalogApp, phones: str) -> None:
    card = await catalog.published(phones)
    catalog.ratings.rate_product(card.id, 4)
    catalog.ratings.down = True

    shown = await catalog.show(c.GetProduct(card.id))
    document = await catalog.show.document(c.GetProduct(card.id))
    listed = await catalog.browse(c.BrowseProducts())

    assert (shown.id, shown.rating) == (card.id, c.CardRating())
    assert b'"rating":{"count":0,"average":0.0,"stars":[0,0,0,0,0]}' in document.content
    assert [item.rating for item in listed.items] == [c.CardRating()]
    assert await catalog.cache.get(card.id) is None  # a card without its rating is not kept for others
    catalog.ratings.down = False
    assert (await catalog.show(c.GetProduct(card.id))).rating.count == 1
    assert await catalog.cache.get(card.id) is not None


# --- the products consumer group -------------------------------------------------------------------------


@pytest.fixture
def runtime() -> Runtime:
    """The products wiring and its consumer alone, on an in-process bus, with ratings set by hand."""
    bus = RecordingEventBus()
    runtime = Runtime(settings=load_settings({}), container=punq.Container(), bus=bus, publisher=bus)
    runtime.container.register(Clock, instance=ManualClock(NOW))
    products_wiring.register(Wiring(settings=runtime.settings, container=runtime.container, bus=bus, runtime=runtime))
    runtime.container.register(Ratings, instance=FakeRatings())  # as the reviews context's wiring does, later
    products_consumer.subscribe(bus, runtime)
    return runtime


def public_card(product_id: str) -> c.PublicCard:
    return c.PublicCard(
        id=product_id,
        seller_id="seller-ann",
        title="Espresso machine",
        description="",
        brand="Gaggia",
        category=c.CategoryRef("cat-1", "Coffee", ["Coffee"]),
        attributes=[],
        price=Money(24900, "EUR"),
        available=1,
        in_stock=True,
        image_urls=[],
        published_at=NOW,
        rating=c.CardRating(1, 5.0, [0, 0, 0, 0, 1]),
    )


def rating_updated(subject_type: str, subject_id: str) -> RatingUpdated:
    return RatingUpdated(
        occurred_at=NOW,
        subject_type=subject_type,
        subject_id=subject_id,
        count=2,
        average=4.5,
        stars=[0, 0, 0, 1, 1],
        version=2,
    )


async def test_a_product_rating_update_drops_its_cached_card(runtime: Runtime) -> None:
    cache = runtime.resolve(ProductCache)
    for product_id in ("p-1", "p-2"):
        await cache.put(public_card(product_id))

    await runtime.bus.publish([to_envelope(rating_updated("product", "p-1"))])
    await runtime.bus.publish([to_envelope(rating_updated("seller", "p-2"))])  # a seller's: no card to drop

    assert await cache.get("p-1") is None
    assert await cache.get("p-2") == public_card("p-2")


def test_the_shop_gets_the_ratings_the_container_holds(runtime: Runtime) -> None:
    ratings = runtime.resolve(Ratings)
    assert runtime.resolve(ShowPublicCard).ratings.ratings is ratings
    assert runtime.resolve(BrowseShop).ratings.ratings is ratings
