"""The search consumer: the catalogue's, the sellers' and the ratings' events reach the index, each handled
once."""

from __future__ import annotations

from datetime import UTC, datetime

import punq
import pytest

from config.runtime import Runtime, Wiring
from config.settings import load_settings
from config.wiring import search as search_wiring
from core.products.events import (
    ProductAttribute,
    ProductImagesChanged,
    ProductPublished,
    ProductUnpublished,
    StockChanged,
)
from core.reviews.events import RatingUpdated
from core.search.commands import FindProducts, FindSellers
from core.search.model import Sort
from core.search.use_cases import SearchProducts, SearchSellers
from core.sellers.events import SellerReinstated, SellerSuspended, SellerVerified, StorefrontUpdated
from core.shared.events import Event, to_envelope
from core.shared.money import Money
from entrypoints.consumers import search as search_consumer
from ports.ratings import Ratings
from tests.support.events import RecordingEventBus
from tests.support.fake_ratings import FakeRatings

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def runtime() -> Runtime:
    """The search wiring and its consumer alone, on an in-process bus, with ratings set by hand."""
    bus = RecordingEventBus()
    runtime = Runtime(settings=load_settings({}), container=punq.Container(), bus=bus, publisher=bus)
    search_wiring.register(Wiring(settings=runtime.settings, container=runtime.container, bus=bus, runtime=runtime))
    runtime.container.register(Ratings, instance=FakeRatings())  # as the reviews context's wiring does, later
    search_consumer.subscribe(bus, runtime)
    return runtime


async def deliver(runtime: Runtime, *events: Event) -> None:
    await runtime.bus.publish([to_envelope(e) for e in events])


async def titles(runtime: Runtime, text: str = "", **filters: object) -> list[str]:
    view = await runtime.resolve(SearchProducts)(FindProducts(text=text, **filters))  # type: ignore[arg-type]
    return [item.title for item in view.items]


async def seller_names(runtime: Runtime, text: str = "") -> list[str]:
    view = await runtime.resolve(SearchSellers)(FindSellers(text))
    return [item.display_name for item in view.items]


def published(revision: int = 1, title: str = "Fjord Rain Jacket", available: int = 4) -> ProductPublished:
    return ProductPublished(
        occurred_at=NOW,
        product_id="p-1",
        seller_id="s-1",
        revision=revision,
        title=title,
        description="Keeps you dry on the windiest coast",
        brand="Nordkapp",
        category_id="jackets",
        category_path=["clothing", "jackets"],
        attributes=[ProductAttribute("waterproof", "boolean", "true"), ProductAttribute("colour", "text", "Navy")],
        price=Money(12900, "EUR"),
        available=available,
        image_urls=["https://cdn.example.com/p-1/a.jpg"],
        published_at=NOW,
    )


async def test_a_published_card_is_found_by_title_description_attributes_and_category(runtime: Runtime) -> None:
    await deliver(runtime, published())

    assert await titles(runtime, "jacket") == ["Fjord Rain Jacket"]
    assert await titles(runtime, "windiest coast") == ["Fjord Rain Jacket"]
    assert await titles(runtime, "waterproof navy") == ["Fjord Rain Jacket"]
    assert await titles(runtime, category_id="clothing") == ["Fjord Rain Jacket"]


async def test_pictures_follow(runtime: Runtime) -> None:
    new = ["https://cdn.example.com/p-1/b.jpg"]
    await deliver(
        runtime, published(), ProductImagesChanged(occurred_at=NOW, product_id="p-1", seller_id="s-1", image_urls=new)
    )
    view = await runtime.resolve(SearchProducts)(FindProducts())
    assert [item.image_url for item in view.items] == new


async def test_stock_and_unpublication_follow(runtime: Runtime) -> None:
    await deliver(runtime, published(), StockChanged(occurred_at=NOW, product_id="p-1", available=0))
    assert await titles(runtime, in_stock=True) == []

    await deliver(runtime, ProductUnpublished(occurred_at=NOW, product_id="p-1", seller_id="s-1", reason="archived"))
    assert await titles(runtime) == []


async def test_a_redelivered_event_is_handled_once(runtime: Runtime) -> None:
    sold_out = StockChanged(occurred_at=NOW, product_id="p-1", available=0)
    await deliver(runtime, published(), sold_out, StockChanged(occurred_at=NOW, product_id="p-1", available=3))
    # The first stock change again (a redelivery): the inbox skips it, the later level stays.
    await deliver(runtime, sold_out)
    assert await titles(runtime, in_stock=True) == ["Fjord Rain Jacket"]


async def test_storefronts_follow_the_sellers_lifecycle(runtime: Runtime) -> None:
    await deliver(
        runtime, SellerVerified(occurred_at=NOW, seller_id="s-1", user_id="s-1", display_name="Nordkapp", by="a")
    )
    assert await seller_names(runtime, "nord") == ["Nordkapp"]

    await deliver(
        runtime,
        StorefrontUpdated(
            occurred_at=NOW, seller_id="s-1", display_name="Nordkapp Outdoor", description="", logo_url=None
        ),
    )
    assert await seller_names(runtime, "outdoor") == ["Nordkapp Outdoor"]

    await deliver(runtime, SellerSuspended(occurred_at=NOW, seller_id="s-1", user_id="s-1", reason="fraud", by="a"))
    assert await seller_names(runtime, "nord") == []

    await deliver(runtime, SellerReinstated(occurred_at=NOW, seller_id="s-1", user_id="s-1", by="a"))
    assert await seller_names(runtime, "nord") == ["Nordkapp Outdoor"]


def rating_updated(subject_type: str, subject_id: str, average: float, count: int) -> RatingUpdated:
    stars = [0, 0, 0, 0, count]
    return RatingUpdated(
        occurred_at=NOW,
        subject_type=subject_type,
        subject_id=subject_id,
        count=count,
        average=average,
        stars=stars,
        version=count,
    )


async def test_a_product_rating_follows(runtime: Runtime) -> None:
    await deliver(runtime, published(), rating_updated("product", "p-1", 4.5, 2))

    view = await runtime.resolve(SearchProducts)(FindProducts(min_rating=4.5, sort=Sort.RATING))
    assert [(item.title, item.rating) for item in view.items] == [("Fjord Rain Jacket", 4.5)]

    await deliver(runtime, rating_updated("seller", "p-1", 1.0, 1))  # a seller's rating: no product changes
    assert await titles(runtime, min_rating=4.5) == ["Fjord Rain Jacket"]


async def test_a_card_published_after_it_was_rated_gets_its_rating(runtime: Runtime) -> None:
    ratings = runtime.resolve(Ratings)
    assert isinstance(ratings, FakeRatings)
    await deliver(runtime, rating_updated("product", "p-1", 5.0, 1))  # not indexed yet: nothing to update
    assert await titles(runtime) == []
    ratings.rate_product("p-1", 5)

    await deliver(runtime, published())

    assert await titles(runtime, min_rating=5) == ["Fjord Rain Jacket"]
