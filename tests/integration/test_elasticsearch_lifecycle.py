"""The Elasticsearch search index's versions: made when missing, rebuilt beside the live one, swapped in.

Each test has indexes of its own (a scratch prefix), deleted at its end. The contract of the port itself is
tests/contract/test_search_index.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from adapters.elasticsearch.search_index import ElasticsearchHealth, ElasticsearchSearchIndex
from core.search.model import (
    ProductDocument,
    ProductFilters,
    ProductQuery,
    SellerDocument,
    SellerQuery,
    query_terms,
)
from core.shared.errors import Unavailable
from core.shared.money import Money
from tests.support.elasticsearch import scratch_search_index

pytestmark = pytest.mark.infra


def lamp(n: int, title: str = "Desk Lamp", available: int = 3, revision: int = 1) -> ProductDocument:
    return ProductDocument(
        product_id=f"p{n}",
        seller_id="s-1",
        revision=revision,
        title=title,
        description="A lamp for reading",
        brand="Nordic",
        attributes=(),
        category_id="lighting",
        category_path=("home", "lighting"),
        price=Money(1000 + n, "EUR"),
        available=available,
        image_url=None,
        published_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=n),
    )


@pytest.fixture
async def search_index() -> AsyncIterator[ElasticsearchSearchIndex]:
    index = await scratch_search_index()
    yield index
    await index.delete_indexes()
    await index.close()


async def found(index: ElasticsearchSearchIndex, text: str = "") -> dict[str, ProductDocument]:
    results = await index.search_products(ProductQuery(query_terms(text), ProductFilters(), limit=100))
    return {hit.document.product_id: hit.document for hit in results.hits}


async def exists(index: ElasticsearchSearchIndex, name: str) -> bool:
    return bool(await index.client.indices.exists(index=name))


async def test_the_first_versions_are_made_once_behind_their_aliases(search_index: ElasticsearchSearchIndex) -> None:
    prefix = search_index.products.prefix
    expected = {f"{prefix}-products": [f"{prefix}-products-v1"], f"{prefix}-sellers": [f"{prefix}-sellers-v1"]}
    assert await search_index.live_indexes() == expected
    await search_index.put_product(lamp(1))

    # Another process starting on the same prefix finds them and keeps what they hold.
    other = ElasticsearchSearchIndex(search_index.client, prefix)
    await other.ensure_indexes()
    assert await other.live_indexes() == expected
    assert set(await found(other)) == {"p1"}


async def test_a_rebuild_fills_a_new_version_and_swaps_it_in(search_index: ElasticsearchSearchIndex) -> None:
    await search_index.put_product(lamp(1))
    await search_index.put_product(lamp(2))
    await search_index.put_seller(SellerDocument("s-1", "Nordic Light"))
    prefix = search_index.products.prefix
    progress: list[int] = []

    async with search_index.rebuild() as build:
        assert build.indexes == {"products": f"{prefix}-products-v2", "sellers": f"{prefix}-sellers-v2"}
        assert await build.put_products([lamp(2, "Floor Lamp"), lamp(3)], progress.append) == 2

        async def storefronts() -> AsyncIterator[SellerDocument]:
            yield SellerDocument("s-2", "Bright Ideas")

        assert await build.put_sellers(storefronts()) == 1
        # Until the swap, every read is answered by the live version, as it was.
        assert set(await found(search_index)) == {"p1", "p2"}
        assert set(await found(search_index, "floor")) == set()
        assert await search_index.live_indexes() == {
            f"{prefix}-products": [f"{prefix}-products-v1"],
            f"{prefix}-sellers": [f"{prefix}-sellers-v1"],
        }

    assert progress == [2]
    assert build.replaced == [f"{prefix}-products-v1", f"{prefix}-sellers-v1"]
    assert await search_index.live_indexes() == {
        f"{prefix}-products": [f"{prefix}-products-v2"],
        f"{prefix}-sellers": [f"{prefix}-sellers-v2"],
    }
    # The replaced versions are retired, not deleted: a search that resolved the alias a moment before the
    # swap still finds its index. The next rebuild deletes them.
    assert await exists(search_index, f"{prefix}-products-v1")
    assert await exists(search_index, f"{prefix}-sellers-v1")
    assert not await exists(search_index, f"{prefix}-products-building")
    assert set(await found(search_index)) == {"p2", "p3"}
    assert set(await found(search_index, "floor")) == {"p2"}
    sellers = await search_index.search_sellers(SellerQuery(query_terms("bright")))
    assert [hit.document.seller_id for hit in sellers.hits] == ["s-2"]
    assert await search_index.seller("s-1") is None

    async with search_index.rebuild() as again:
        assert again.indexes == {"products": f"{prefix}-products-v3", "sellers": f"{prefix}-sellers-v3"}
        assert not await exists(search_index, f"{prefix}-products-v1")
        assert not await exists(search_index, f"{prefix}-sellers-v1")
        assert await exists(search_index, f"{prefix}-products-v2")  # live until the swap
    assert again.replaced == [f"{prefix}-products-v2", f"{prefix}-sellers-v2"]


async def test_writes_made_during_a_rebuild_reach_the_new_version(search_index: ElasticsearchSearchIndex) -> None:
    for n in (1, 2, 3):
        await search_index.put_product(lamp(n))
    # What the rebuild read from the catalogue before the changes below.
    snapshot = [lamp(1), lamp(2), lamp(3)]

    async with search_index.rebuild() as build:
        await search_index.put_product(lamp(4, "Reading Lamp"))  # new meanwhile
        await search_index.remove_product("p1")  # removed meanwhile: the snapshot's copy must not return
        await search_index.set_available("p2", 9)  # not copied yet: the live document goes along
        await search_index.put_product(lamp(3, "Wall Lamp", revision=2))  # changed meanwhile
        assert await build.put_products(snapshot) == 0  # every one of them was written meanwhile
        # The live version shows each change at once.
        assert set(await found(search_index)) == {"p2", "p3", "p4"}

    after = await found(search_index)
    assert set(after) == {"p2", "p3", "p4"}
    assert after["p2"].available == 9
    assert after["p3"].title == "Wall Lamp"
    assert await search_index.product("p1") is None
    # No tombstone is left behind.
    products = search_index.products.alias
    assert (await search_index.client.count(index=products))["count"] == 3


async def test_availability_changed_after_the_copy_is_kept(search_index: ElasticsearchSearchIndex) -> None:
    await search_index.put_product(lamp(1))
    async with search_index.rebuild() as build:
        await build.put_products([lamp(1)])
        assert await search_index.set_available("p1", 0) is True
        assert await search_index.set_available("p9", 5) is False
    stored = await search_index.product("p1")
    assert stored is not None
    assert stored.available == 0
    assert await search_index.product("p9") is None


async def test_a_failed_rebuild_leaves_the_live_indexes_as_they_were(search_index: ElasticsearchSearchIndex) -> None:
    await search_index.put_product(lamp(1))
    prefix = search_index.products.prefix
    live = await search_index.live_indexes()

    async def reindex() -> None:
        async with search_index.rebuild() as build:
            await build.put_products([lamp(2)])
            raise RuntimeError("the catalogue went away")

    with pytest.raises(RuntimeError, match="catalogue went away"):
        await reindex()

    assert await search_index.live_indexes() == live
    assert not await exists(search_index, f"{prefix}-products-v2")
    assert not await exists(search_index, f"{prefix}-products-building")
    await search_index.put_product(lamp(3))  # writes go on, to the live version only
    assert set(await found(search_index)) == {"p1", "p3"}


async def test_a_rebuild_drops_a_version_an_earlier_one_left_half_built(
    search_index: ElasticsearchSearchIndex,
) -> None:
    prefix = search_index.products.prefix
    crashed = search_index.rebuild()
    await crashed.start()  # ... and the process died here
    assert await exists(search_index, f"{prefix}-products-v2")

    async with search_index.rebuild() as build:
        assert build.indexes["products"] == f"{prefix}-products-v3"
        await build.put_products([lamp(1)])
    assert not await exists(search_index, f"{prefix}-products-v2")
    assert await search_index.live_indexes() == {
        f"{prefix}-products": [f"{prefix}-products-v3"],
        f"{prefix}-sellers": [f"{prefix}-sellers-v3"],
    }
    assert set(await found(search_index)) == {"p1"}


async def test_reads_keep_working_while_a_new_version_is_filled(search_index: ElasticsearchSearchIndex) -> None:
    await asyncio.gather(*(search_index.put_product(lamp(n)) for n in range(1, 6)))
    answers: list[int] = []
    filled = asyncio.Event()

    async def customer() -> None:
        while not filled.is_set():
            answers.append(len(await found(search_index, "lamp")))

    async def reindex() -> None:
        async with search_index.rebuild() as build:
            for n in range(10, 30):
                await build.put_products([lamp(n)])
            filled.set()

    await asyncio.gather(customer(), reindex())
    assert answers
    assert set(answers) == {5}  # the old version, whole, until the swap
    assert len(await found(search_index, "lamp")) == 20


async def test_health_reports_an_unreachable_cluster() -> None:
    healthy = await scratch_search_index()
    try:
        await ElasticsearchHealth("search", healthy).check()
    finally:
        await healthy.delete_indexes()
        await healthy.close()

    down = ElasticsearchSearchIndex.at("http://127.0.0.1:9", "nowhere", timeout_seconds=1.0)
    try:
        with pytest.raises(Unavailable, match="Elasticsearch is unavailable"):
            await ElasticsearchHealth("search", down).check()
        with pytest.raises(Unavailable):
            await down.search_products(ProductQuery())
    finally:
        await down.close()


async def test_a_replaced_document_is_read_back_whole(search_index: ElasticsearchSearchIndex) -> None:
    document = attrs.evolve(lamp(1), rating=4.5, review_count=7, image_url="https://cdn.example.com/1.jpg")
    await search_index.put_product(document)
    assert await search_index.product("p1") == document


async def test_the_stemmed_clauses_of_rich_analysis_are_a_valid_query(search_index: ElasticsearchSearchIndex) -> None:
    """The test server has no analysis-common, so its indexes are basic; a query for rich indexes (with
    clauses on ``.stemmed`` sub-fields) must still be accepted, and find what the basic one finds."""
    await search_index.put_product(lamp(1, "Reading Lamps"))
    basic = await found(search_index, "reading lamps")
    search_index._stemmed = True
    assert await found(search_index, "reading lamps") == basic
    assert set(basic) == {"p1"}


async def test_writes_that_arrive_together_share_bulk_requests(search_index: ElasticsearchSearchIndex) -> None:
    await search_index.put_product(lamp(0))
    await search_index.put_product(lamp(99, "Reading Lamp"))
    sent = search_index.live.requests

    # As the search consumers write: many products at once, one of them missing (its 404 is its own).
    results = await asyncio.gather(
        *(search_index.put_product(lamp(n, "Reading Lamp")) for n in range(1, 41)),
        search_index.set_available("p0", 7),
        search_index.set_available("nowhere", 7),
        search_index.remove_product("p99"),
    )

    assert results[-3:] == [True, False, None]
    assert search_index.live.requests - sent <= 3  # one bulk request, and the ones arriving while it was on its way
    found_now = await found(search_index, "reading")
    assert sorted(found_now) == sorted(f"p{n}" for n in range(41))  # every write visible on return, the removal too
    stored = await search_index.product("p0")
    assert stored is not None
    assert stored.available == 7


async def test_a_write_to_a_live_index_that_is_gone_fails_rather_than_vanishing(
    search_index: ElasticsearchSearchIndex,
) -> None:
    await search_index.put_product(lamp(1))
    live = [name for names in (await search_index.live_indexes()).values() for name in names]
    await search_index.client.indices.delete(index=",".join(live))
    with pytest.raises(Exception, match="index_not_found"):  # the consumer retries it, then dead-letters it
        await search_index.put_product(lamp(2))
    with pytest.raises(Exception, match="index_not_found"):
        await search_index.remove_product("p1")
