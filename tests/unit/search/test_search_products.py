"""SearchProducts: the query is checked (every bad field named at once), then answered with pages."""

from __future__ import annotations

import pytest

from adapters.memory.search_index import MemorySearchIndex
from core.search import use_cases as uc
from core.search.commands import FindProducts
from core.search.model import Sort
from core.shared.errors import ValidationFailed
from core.shared.money import Money
from core.shared.pagination import PageRequest, encode_cursor
from tests.support.fake_ratings import FakeRatings

from .conftest import MakeCard


def fields_of(failed: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return sorted(e.field for e in failed.value.errors)


@pytest.mark.parametrize(
    ("command", "fields"),
    [
        (FindProducts(price_min=100), ["currency"]),
        (FindProducts(price_max=100), ["currency"]),
        (FindProducts(currency="XXX"), ["currency"]),
        (FindProducts(price_min=-1, currency="EUR"), ["price_min"]),
        (FindProducts(price_min=500, price_max=100, currency="EUR"), ["price_max"]),
        (FindProducts(min_rating=6), ["min_rating"]),
        (FindProducts(min_rating=-0.5), ["min_rating"]),
        (FindProducts(brands=("",)), ["brand"]),
        (FindProducts(brands=tuple(f"brand {n}" for n in range(21))), ["brand"]),
        (FindProducts(text="x" * 201), ["q"]),
        (FindProducts(category_id=""), ["category_id"]),
        (FindProducts(seller_id="s" * 101), ["seller_id"]),
        (FindProducts(page=PageRequest(cursor="%%%")), ["cursor"]),
        (FindProducts(sort=Sort.NEWEST, page=PageRequest(cursor=encode_cursor(["price_asc", 5, "p"]))), ["cursor"]),
        (FindProducts(text="x" * 201, price_max=5, min_rating=9), ["currency", "min_rating", "q"]),
    ],
)
async def test_a_bad_query_is_refused_naming_every_bad_field(
    index: MemorySearchIndex, command: FindProducts, fields: list[str]
) -> None:
    with pytest.raises(ValidationFailed) as failed:
        await uc.SearchProducts(index)(command)
    assert fields_of(failed) == fields


async def test_a_price_filter_in_a_lower_case_currency_is_understood(index: MemorySearchIndex, card: MakeCard) -> None:
    await uc.IndexPublishedProduct(index, FakeRatings())(card(1, price=Money(1500, "EUR")))
    view = await uc.SearchProducts(index)(FindProducts(price_min=1000, price_max=2000, currency="eur"))
    assert [i.id for i in view.items] == ["product-001"]
    assert view.facets.price_currency == "EUR"


async def test_a_hit_shows_what_a_result_list_needs(index: MemorySearchIndex, card: MakeCard) -> None:
    await uc.IndexPublishedProduct(index, FakeRatings())(
        card(1, title="Studio Headphones", brand="Sony", price=Money(8900, "EUR"), available=3, seller_id="s-7")
    )
    view = await uc.SearchProducts(index)(FindProducts(text="studio"))

    (item,) = view.items
    assert (item.id, item.title, item.brand, item.price, item.available, item.in_stock) == (
        "product-001",
        "Studio Headphones",
        "Sony",
        Money(8900, "EUR"),
        3,
        True,
    )
    assert (item.image_url, item.rating, item.seller_id, item.category_id) == (
        "https://cdn.example.com/1/1.jpg",
        0.0,
        "s-7",
        "headphones",
    )
    assert item.score > 0
    assert view.total == 1
    assert view.next_cursor is None


async def test_pages_follow_each_other_by_cursor_without_repeats(index: MemorySearchIndex, card: MakeCard) -> None:
    for n in range(1, 8):
        await uc.IndexPublishedProduct(index, FakeRatings())(card(n, price=Money(100 * (n % 3), "EUR")))
    search = uc.SearchProducts(index)
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        view = await search(FindProducts(sort=Sort.PRICE_DESC, page=PageRequest(3, cursor)))
        assert view.total == 7
        seen += [item.id for item in view.items]
        cursor = view.next_cursor
        if cursor is None:
            break
    whole = await search(FindProducts(sort=Sort.PRICE_DESC, page=PageRequest(50)))
    assert seen == [item.id for item in whole.items]
    assert len(set(seen)) == 7


async def test_facets_are_shown_with_the_currency_of_their_buckets(index: MemorySearchIndex, card: MakeCard) -> None:
    await uc.IndexPublishedProduct(index, FakeRatings())(card(1, brand="Sony", price=Money(1500, "EUR")))
    await uc.IndexPublishedProduct(index, FakeRatings())(card(2, brand="Bose", price=Money(30000, "EUR")))
    view = await uc.SearchProducts(index)(FindProducts())

    facets = view.facets
    assert [(b.value, b.count) for b in facets.brand] == [("Bose", 1), ("Sony", 1)]
    assert [(c.id, c.count) for c in facets.category] == [("audio", 2), ("electronics", 2), ("headphones", 2)]
    assert facets.price_currency == "EUR"
    assert [(p.lower, p.upper, p.count) for p in facets.price] == [
        (0, 1000, 0),
        (1000, 2500, 1),
        (2500, 5000, 0),
        (5000, 10000, 0),
        (10000, 25000, 0),
        (25000, None, 1),
    ]


async def test_an_empty_shop_has_no_hits_and_no_price_buckets(index: MemorySearchIndex) -> None:
    view = await uc.SearchProducts(index)(FindProducts(text="anything"))
    assert (view.items, view.total, view.next_cursor) == ([], 0, None)
    assert (view.facets.category, view.facets.brand, view.facets.price, view.facets.price_currency) == (
        [],
        [],
        [],
        None,
    )


async def test_a_query_asked_again_after_a_change_shows_the_change(index: MemorySearchIndex, card: MakeCard) -> None:
    """A view kept for a popular query is the view of the index's answer, never of an older one."""
    search = uc.SearchProducts(index)
    await uc.IndexPublishedProduct(index, FakeRatings())(card(1, title="Studio Headphones", available=3))
    query = FindProducts(text="headphones", in_stock=True)
    first, again = await search(query), await search(query)
    await index.set_available("product-001", 0)
    after = await search(query)

    assert [i.id for i in first.items] == [i.id for i in again.items] == ["product-001"]
    assert after.items == []
    assert after.total == 0
