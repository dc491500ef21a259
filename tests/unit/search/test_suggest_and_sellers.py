"""Completions and the storefront search, through their use cases."""

from __future__ import annotations

import pytest

from adapters.memory.search_index import MemorySearchIndex
from core.search import use_cases as uc
from core.search.commands import FindSellers, ListSeller, Suggest
from core.shared.errors import ValidationFailed
from core.shared.pagination import PageRequest, encode_cursor
from tests.support.fake_ratings import FakeRatings

from .conftest import MakeCard


async def test_completions_come_from_brands_and_titles(index: MemorySearchIndex, card: MakeCard) -> None:
    publish = uc.IndexPublishedProduct(index, FakeRatings())
    await publish(card(1, title="Bluetooth Speaker", brand="Acme"))
    await publish(card(2, title="Blue Mug", brand="Bluebird"))
    await publish(card(3, title="Teapot", brand="Bluebird"))

    found = await uc.SuggestCompletions(index)(Suggest("blu"))

    assert [(s.text, s.kind) for s in found] == [
        ("Bluebird", "brand"),
        ("Blue Mug", "title"),
        ("Bluetooth Speaker", "title"),
    ]


async def test_completions_are_cut_at_the_limit(index: MemorySearchIndex, card: MakeCard) -> None:
    for n in range(1, 6):
        await uc.IndexPublishedProduct(index, FakeRatings())(card(n, title=f"Blender {n}"))
    assert len(await uc.SuggestCompletions(index)(Suggest("ble", limit=3))) == 3


async def test_nothing_typed_nothing_suggested(index: MemorySearchIndex, card: MakeCard) -> None:
    await uc.IndexPublishedProduct(index, FakeRatings())(card(1))
    assert await uc.SuggestCompletions(index)(Suggest("  ")) == []


@pytest.mark.parametrize(("command", "fields"), [(Suggest("bl", limit=0), ["limit"]), (Suggest("b" * 201), ["q"])])
async def test_a_bad_suggestion_request_names_the_field(
    index: MemorySearchIndex, command: Suggest, fields: list[str]
) -> None:
    with pytest.raises(ValidationFailed) as failed:
        await uc.SuggestCompletions(index)(command)
    assert [e.field for e in failed.value.errors] == fields


async def test_storefronts_page_by_name(index: MemorySearchIndex) -> None:
    for n, name in enumerate(["Delta Shop", "alpha Audio", "Charlie Sound", "Bravo Store", "Écho Goods"]):
        await uc.IndexVerifiedSeller(index)(ListSeller(f"seller-{n}", name))
    search = uc.SearchSellers(index)

    first = await search(FindSellers("", PageRequest(2)))
    second = await search(FindSellers("", PageRequest(2, first.next_cursor)))
    third = await search(FindSellers("", PageRequest(2, second.next_cursor)))

    names = [s.display_name for view in (first, second, third) for s in view.items]
    assert names == ["alpha Audio", "Bravo Store", "Charlie Sound", "Delta Shop", "Écho Goods"]
    assert third.next_cursor is None


async def test_a_product_cursor_is_not_a_storefront_cursor(index: MemorySearchIndex) -> None:
    with pytest.raises(ValidationFailed) as failed:
        await uc.SearchSellers(index)(FindSellers("", PageRequest(5, encode_cursor(["relevance", 1.0, 5, "p"]))))
    assert [e.field for e in failed.value.errors] == ["cursor"]
