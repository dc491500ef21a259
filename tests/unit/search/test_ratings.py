"""The index shows the ratings the reviews context keeps: updated in place on RatingUpdated, read when a
card is published and, a page of cards at a time, when the index is rebuilt; filtered and sorted by."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.search_index import MemorySearchIndex
from core.search import use_cases as uc
from core.search.commands import ChangeRating, FindProducts
from core.search.model import Sort
from core.shared.errors import Unavailable
from core.shared.money import Money
from core.shared.pagination import Page, PageRequest
from ports.catalog import PublishedCard
from ports.sellers import Storefront
from tests.support.fake_ratings import FakeRatings

from .conftest import MakeCard

PUBLISHED = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


async def found(index: MemorySearchIndex, **query: object) -> list[str]:
    view = await uc.SearchProducts(index)(FindProducts(**query))  # type: ignore[arg-type]
    return [item.id for item in view.items]


async def ratings_of(index: MemorySearchIndex, product_id: str) -> tuple[float, int] | None:
    document = await index.product(product_id)
    return None if document is None else (document.rating, document.review_count)


async def test_a_rating_update_changes_the_indexed_product(index: MemorySearchIndex, card: MakeCard) -> None:
    publish = uc.IndexPublishedProduct(index, FakeRatings())
    for n in (1, 2, 3):
        await publish(card(n))
    update = uc.UpdateIndexedRating(index)
    assert await found(index, min_rating=4.5) == []

    await update(ChangeRating("product-001", 4.5, 2))
    await update(ChangeRating("product-002", 4.75, 4))
    await update(ChangeRating("product-003", 4.5, 10))

    assert await ratings_of(index, "product-001") == (4.5, 2)
    assert sorted(await found(index, min_rating=4.5)) == ["product-001", "product-002", "product-003"]
    assert await found(index, min_rating=4.6) == ["product-002"]
    # The best rated first; equal ratings: the most reviewed first.
    assert await found(index, sort=Sort.RATING) == ["product-002", "product-003", "product-001"]
    view = await uc.SearchProducts(index)(FindProducts(sort=Sort.RATING))
    assert [item.rating for item in view.items] == [4.75, 4.5, 4.5]

    await update(ChangeRating("product-002", 3.0, 5))  # a later update replaces the earlier one
    assert await found(index, sort=Sort.RATING) == ["product-003", "product-001", "product-002"]


async def test_a_rating_of_a_product_not_indexed_indexes_nothing(index: MemorySearchIndex) -> None:
    await uc.UpdateIndexedRating(index)(ChangeRating("draft-1", 4.0, 1))
    assert await index.product("draft-1") is None
    assert await found(index) == []


async def test_a_card_published_after_it_was_rated_is_indexed_with_its_rating(
    index: MemorySearchIndex, card: MakeCard
) -> None:
    ratings = FakeRatings()
    ratings.rate_product("product-001", 5, 4, 4)
    publish = uc.IndexPublishedProduct(index, ratings)

    await publish(card(1))
    await publish(card(2))

    assert await ratings_of(index, "product-001") == (4.33, 3)
    assert await ratings_of(index, "product-002") == (0.0, 0)
    assert ratings.asked == [["product-001"], ["product-002"]]


async def test_without_ratings_a_card_is_indexed_with_those_it_had(index: MemorySearchIndex, card: MakeCard) -> None:
    ratings = FakeRatings()
    ratings.rate_product("product-001", 4)
    publish = uc.IndexPublishedProduct(index, ratings)
    await publish(card(1))
    ratings.down = True

    await publish(card(1, revision=2, title="Renamed"))
    await publish(card(2))

    assert await ratings_of(index, "product-001") == (4.0, 1)
    assert await ratings_of(index, "product-002") == (0.0, 0)
    assert sorted(await found(index)) == ["product-001", "product-002"]


# --- rebuilding ----------------------------------------------------------------------------------------


def published_card(n: int) -> PublishedCard:
    return PublishedCard(
        product_id=f"product-{n:03d}",
        seller_id="seller-1",
        revision=1,
        title=f"Product {n}",
        description="",
        brand="Acme",
        category_id="headphones",
        category_path=("electronics", "headphones"),
        attributes=(),
        price=Money(1999, "EUR"),
        available=1,
        image_urls=(),
        published_at=PUBLISHED + timedelta(minutes=n),
    )


class Catalogue:
    """``ports.catalog.PublishedCards`` and ``ports.sellers.Storefronts`` over fixed lists, by offset."""

    def __init__(self, cards: int) -> None:
        self.cards = [published_card(n) for n in range(cards)]

    async def published(self, page: PageRequest) -> Page[PublishedCard]:
        start = int(page.cursor or 0)
        end = start + page.limit
        return Page(self.cards[start:end], str(end) if end < len(self.cards) else None)

    async def storefronts(self, page: PageRequest) -> Page[Storefront]:
        return Page([Storefront("seller-1", "Acme", "", None, listed=True)], None)


async def test_a_rebuild_reads_the_ratings_a_page_of_cards_at_a_time(index: MemorySearchIndex) -> None:
    catalogue, ratings = Catalogue(150), FakeRatings()
    ratings.rate_product("product-007", 5, 4)
    ratings.rate_product("product-140", 2)

    rebuilt = await uc.RebuildSearchIndex(index, catalogue, catalogue, ratings)()

    assert rebuilt.products == 150
    assert [len(ids) for ids in ratings.asked] == [100, 50]
    assert await ratings_of(index, "product-007") == (4.5, 2)
    assert await ratings_of(index, "product-140") == (2.0, 1)
    assert await ratings_of(index, "product-008") == (0.0, 0)
    assert (await found(index, sort=Sort.RATING))[:2] == ["product-007", "product-140"]


async def test_a_rebuild_without_ratings_fails_and_keeps_the_live_index(
    index: MemorySearchIndex, card: MakeCard
) -> None:
    ratings = FakeRatings()
    ratings.rate_product("product-001", 5)
    await uc.IndexPublishedProduct(index, ratings)(card(1))
    ratings.down = True

    with pytest.raises(Unavailable):
        await uc.RebuildSearchIndex(index, Catalogue(3), Catalogue(3), ratings)()

    assert await found(index) == ["product-001"]
    assert await ratings_of(index, "product-001") == (5.0, 1)
