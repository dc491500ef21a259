"""The SearchIndex contract: what every index adapter answers for a small fixed catalogue.

It runs against the in-memory index and Elasticsearch (``infra``: the server of ``scripts/services up``;
its tests fail, never skip, when the server is down). Rankings are asserted where BM25 leaves no doubt (a
field's boost, a shorter field, a title over a description), never as scores.

The two may rank differently where BM25's collection statistics differ: Elasticsearch counts a deleted or
replaced document in them until its segment is merged. Its indexes are made once per session and emptied
before each test, so a test that compares the scores of different fields (whose statistics then differ)
asks for ``fresh_index``, which starts from new indexes (by the adapter's own rebuild).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from adapters.elasticsearch.search_index import ElasticsearchSearchIndex
from adapters.memory.search_index import MemorySearchIndex
from core.search.model import (
    Attribute,
    PriceRange,
    ProductDocument,
    ProductFilters,
    ProductQuery,
    ProductResults,
    SellerDocument,
    SellerQuery,
    Sort,
    SuggestQuery,
    position_of,
    query_terms,
    seller_position,
)
from core.shared.money import Money
from ports.search import SearchIndex
from tests.support.elasticsearch import empty_indexes, fresh_indexes, scratch_search_index

INDEXES = ["memory", pytest.param("elasticsearch", marks=pytest.mark.infra)]

DAY_ONE = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
HEADPHONES = ("electronics", "audio", "headphones")
SPEAKERS = ("electronics", "audio", "speakers")
KITCHEN = ("home", "kitchen")
TRAVEL = ("home", "travel")


def product(
    n: int,
    title: str,
    brand: str,
    description: str,
    path: tuple[str, ...],
    price: int,
    *,
    currency: str = "EUR",
    attributes: Sequence[tuple[str, str, str]] = (),
    rating: float = 0.0,
    reviews: int = 0,
    available: int = 1,
    seller: str = "s-1",
) -> ProductDocument:
    return ProductDocument(
        product_id=f"p{n:02d}",
        seller_id=seller,
        revision=1,
        title=title,
        description=description,
        brand=brand,
        attributes=tuple(Attribute(*a) for a in attributes),
        category_id=path[-1],
        category_path=path,
        price=Money(price, currency),
        available=available,
        image_url=f"https://cdn.example.com/p{n:02d}.jpg",
        published_at=DAY_ONE + timedelta(days=n),
        rating=rating,
        review_count=reviews,
    )


CATALOGUE = [
    product(
        1,
        "Wireless Noise Cancelling Headphones",
        "Sony",
        "Over-ear headphones with thirty hours of battery",
        HEADPHONES,
        29900,
        attributes=[("colour", "text", "black"), ("bluetooth", "boolean", "true")],
        rating=4.6,
        reviews=120,
        available=5,
    ),
    product(
        2,
        "Wired Studio Headphones",
        "SONY",
        "Closed-back monitors for the studio",
        HEADPHONES,
        9900,
        attributes=[("colour", "text", "silver"), ("bluetooth", "boolean", "false")],
        rating=4.2,
        reviews=40,
        available=0,
    ),
    product(
        3,
        "Bluetooth Speaker",
        "JBL",
        "Portable speaker, splash proof",
        SPEAKERS,
        4999,
        attributes=[("colour", "text", "blue")],
        rating=4.4,
        reviews=300,
        available=12,
        seller="s-2",
    ),
    product(
        4,
        "Smart Speaker with Voice Assistant",
        "Bose",
        "Room-filling sound for music and podcasts",
        SPEAKERS,
        19900,
        rating=3.9,
        reviews=15,
        available=2,
        seller="s-2",
    ),
    product(
        5,
        "Travel Pillow",
        "Dreamy",
        "Rest well on long flights, even with headphones on",
        TRAVEL,
        1999,
        rating=4.0,
        reviews=3,
        available=30,
        seller="s-3",
    ),
    product(
        6,
        "Espresso Cup Set",
        "Café Crème",
        "Four porcelain cups for a strong café",
        KITCHEN,
        2500,
        rating=4.8,
        reviews=9,
        available=8,
        seller="s-3",
    ),
    product(
        7,
        "Chef Knife",
        "Zwilling",
        "Forged steel, stays sharp",
        KITCHEN,
        8999,
        currency="USD",
        rating=4.7,
        reviews=2,
        available=3,
        seller="s-3",
    ),
    product(8, "Straßenkarte Berlin", "Falk", "Folded city map", TRAVEL, 999, available=1, seller="s-3"),
]


@pytest.fixture(scope="session")
async def elasticsearch_index() -> AsyncIterator[ElasticsearchSearchIndex]:
    """One scratch pair of indexes for the session (making an index costs a tenth of a second or more)."""
    index = await scratch_search_index()
    yield index
    await index.delete_indexes()
    await index.close()


@pytest.fixture(params=INDEXES)
def any_index(request: pytest.FixtureRequest) -> SearchIndex:
    if request.param == "memory":
        return MemorySearchIndex()
    # Looked up here, so a memory-only run never touches Elasticsearch.
    elasticsearch: ElasticsearchSearchIndex = request.getfixturevalue("elasticsearch_index")
    return elasticsearch


@pytest.fixture
async def index(any_index: SearchIndex) -> SearchIndex:
    """An empty index."""
    if isinstance(any_index, ElasticsearchSearchIndex):
        await empty_indexes(any_index)
    return any_index


@pytest.fixture
async def fresh_index(index: SearchIndex) -> SearchIndex:
    """An index whose statistics know only what the test puts in it."""
    if isinstance(index, ElasticsearchSearchIndex):
        await fresh_indexes(index)
    return index


@pytest.fixture
async def shop(index: SearchIndex) -> SearchIndex:
    # Side by side: on Elasticsearch the writes then wait for one refresh together.
    await asyncio.gather(*(index.put_product(document) for document in CATALOGUE))
    return index


async def search(
    index: SearchIndex,
    text: str = "",
    *,
    sort: Sort = Sort.RELEVANCE,
    limit: int = 50,
    currency: str | None = None,
    **filters: object,
) -> ProductResults:
    query = ProductQuery(query_terms(text), ProductFilters(**filters), sort, limit, None, currency)  # type: ignore[arg-type]
    return await index.search_products(query)


async def ids(index: SearchIndex, text: str = "", **kw: object) -> list[str]:
    return [hit.document.product_id for hit in (await search(index, text, **kw)).hits]  # type: ignore[arg-type]


# --- full text and ranking -----------------------------------------------------------------------------


async def test_each_field_weighs_by_its_boost(fresh_index: SearchIndex) -> None:
    index = fresh_index

    # "aurora" once in one field of each card; every other field one plain word, so only the boost differs.
    def lamp(n: int, title: str, brand: str, colour: str, description: str) -> ProductDocument:
        return product(n, title, brand, description, KITCHEN, 1000, attributes=[("colour", "text", colour)])

    await index.put_product(lamp(1, "Lamp", "Nordic", "green", "aurora"))  # description: 1
    await index.put_product(lamp(2, "Lamp", "Nordic", "aurora", "lamp"))  # attributes: 1.5
    await index.put_product(lamp(3, "Aurora", "Nordic", "green", "lamp"))  # title: 3
    await index.put_product(lamp(4, "Lamp", "Aurora", "green", "lamp"))  # brand: 2

    assert await ids(index, "aurora") == ["p03", "p04", "p02", "p01"]


async def test_a_word_in_the_title_outranks_the_same_word_in_a_description(shop: SearchIndex) -> None:
    found = await ids(shop, "headphones")
    assert sorted(found[:2]) == ["p01", "p02"]
    assert found[2:] == ["p05"]


async def test_a_shorter_title_ranks_a_shared_word_higher(shop: SearchIndex) -> None:
    assert await ids(shop, "speaker") == ["p03", "p04"]


async def test_every_word_must_match_in_some_field(shop: SearchIndex) -> None:
    assert await ids(shop, "sony studio") == ["p02"]
    assert await ids(shop, "portable blue") == ["p03"]  # description and attribute
    assert await ids(shop, "sony speaker") == []


async def test_the_last_word_also_finds_the_words_it_starts(shop: SearchIndex) -> None:
    assert await ids(shop, "speaker blu") == ["p03"]
    assert sorted(await ids(shop, "blu")) == ["p01", "p03"]  # a title, an attribute flag, a colour
    assert sorted(await ids(shop, "head")) == ["p01", "p02", "p05"]
    # Only the last word: an earlier one must be a whole word.
    assert await ids(shop, "blu speaker") == []


async def test_case_and_accents_do_not_matter(shop: SearchIndex) -> None:
    assert await ids(shop, "CAFE") == ["p06"]
    assert await ids(shop, "creme") == ["p06"]
    assert await ids(shop, "strassenkarte") == ["p08"]
    assert await ids(shop, "STRAẞENKARTE berlin") == ["p08"]


async def test_scores_are_positive_for_matches_and_zero_without_words(shop: SearchIndex) -> None:
    assert all(hit.score > 0 for hit in (await search(shop, "speaker")).hits)
    assert {hit.score for hit in (await search(shop)).hits} == {0.0}


# --- filters -------------------------------------------------------------------------------------------


async def test_a_category_finds_its_sub_categories(shop: SearchIndex) -> None:
    assert sorted(await ids(shop, category_id="audio")) == ["p01", "p02", "p03", "p04"]
    assert sorted(await ids(shop, category_id="headphones")) == ["p01", "p02"]
    assert sorted(await ids(shop, category_id="home")) == ["p05", "p06", "p07", "p08"]
    assert await ids(shop, category_id="garden") == []


async def test_brands_match_any_of_them_whatever_the_case(shop: SearchIndex) -> None:
    assert sorted(await ids(shop, brands=frozenset({"sony"}))) == ["p01", "p02"]
    assert sorted(await ids(shop, brands=frozenset({"jbl", "bose"}))) == ["p03", "p04"]
    assert await ids(shop, brands=frozenset({"cafe creme"})) == ["p06"]


async def test_a_price_range_includes_its_bounds_in_its_currency_only(shop: SearchIndex) -> None:
    assert sorted(await ids(shop, price=PriceRange("EUR", 4999, 19900))) == ["p02", "p03", "p04"]
    assert sorted(await ids(shop, price=PriceRange("EUR", maximum=2500))) == ["p05", "p06", "p08"]
    assert await ids(shop, price=PriceRange("USD", minimum=1)) == ["p07"]


async def test_rating_stock_and_seller_filters(shop: SearchIndex) -> None:
    assert sorted(await ids(shop, min_rating=4.6)) == ["p01", "p06", "p07"]
    assert "p02" not in await ids(shop, in_stock=True)
    assert len(await ids(shop, in_stock=True)) == 7
    assert sorted(await ids(shop, seller_id="s-2")) == ["p03", "p04"]


async def test_filters_and_words_combine(shop: SearchIndex) -> None:
    found = await ids(shop, "head", category_id="audio", in_stock=True, brands=frozenset({"sony", "jbl"}))
    assert found == ["p01"]


async def test_total_counts_every_match_beyond_the_page(shop: SearchIndex) -> None:
    results = await search(shop, "headphones", limit=1)
    assert (len(results.hits), results.total, results.more) == (1, 3, True)
    results = await search(shop, "headphones", limit=3)
    assert (len(results.hits), results.total, results.more) == (3, 3, False)


# --- facets --------------------------------------------------------------------------------------------


async def test_categories_count_every_ancestor(shop: SearchIndex) -> None:
    facets = (await search(shop)).facets
    assert [(c.category_id, c.count) for c in facets.categories] == [
        ("audio", 4),
        ("electronics", 4),
        ("home", 4),
        ("headphones", 2),
        ("kitchen", 2),
        ("speakers", 2),
        ("travel", 2),
    ]


async def test_brands_count_spellings_together(shop: SearchIndex) -> None:
    brands = {b.brand.casefold(): b.count for b in (await search(shop)).facets.brands}
    assert brands == {"sony": 2, "jbl": 1, "bose": 1, "dreamy": 1, "café crème": 1, "zwilling": 1, "falk": 1}
    assert (await search(shop)).facets.brands[0].count == 2


async def test_a_facet_leaves_out_its_own_filter(shop: SearchIndex) -> None:
    results = await search(shop, brands=frozenset({"jbl"}))
    assert [hit.document.product_id for hit in results.hits] == ["p03"]
    # The brand facet still offers every brand, as if no brand were chosen...
    assert len(results.facets.brands) == 7
    # ...while the other facets count only JBL's products.
    assert [(c.category_id, c.count) for c in results.facets.categories] == [
        ("audio", 1),
        ("electronics", 1),
        ("speakers", 1),
    ]

    by_category = await search(shop, category_id="audio")
    assert {b.brand.casefold(): b.count for b in by_category.facets.brands} == {"sony": 2, "jbl": 1, "bose": 1}
    assert len(by_category.facets.categories) == 7


async def test_price_buckets_count_in_the_currency_most_products_use(shop: SearchIndex) -> None:
    facets = (await search(shop)).facets
    assert facets.price_currency == "EUR"
    assert [(p.lower, p.upper, p.count) for p in facets.prices] == [
        (0, 1000, 1),
        (1000, 2500, 1),
        (2500, 5000, 2),
        (5000, 10000, 1),
        (10000, 25000, 1),
        (25000, None, 1),
    ]


async def test_price_buckets_in_the_asked_currency_ignore_the_price_filter(shop: SearchIndex) -> None:
    results = await search(shop, price=PriceRange("EUR", maximum=2000), currency="EUR")
    assert sorted(hit.document.product_id for hit in results.hits) == ["p05", "p08"]
    assert [p.count for p in results.facets.prices] == [1, 1, 2, 1, 1, 1]

    in_dollars = (await search(shop, currency="USD")).facets
    assert in_dollars.price_currency == "USD"
    assert [p.count for p in in_dollars.prices] == [0, 0, 0, 1, 0, 0]


# --- sort and pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (Sort.PRICE_ASC, ["p08", "p05", "p06", "p03", "p07", "p02", "p04", "p01"]),
        (Sort.PRICE_DESC, ["p01", "p04", "p02", "p07", "p03", "p06", "p05", "p08"]),
        (Sort.NEWEST, ["p08", "p07", "p06", "p05", "p04", "p03", "p02", "p01"]),
        (Sort.RATING, ["p06", "p07", "p01", "p03", "p02", "p05", "p04", "p08"]),
        (Sort.RELEVANCE, ["p08", "p07", "p06", "p05", "p04", "p03", "p02", "p01"]),  # no words: the newest first
    ],
)
async def test_sort_orders(shop: SearchIndex, sort: Sort, expected: list[str]) -> None:
    assert await ids(shop, sort=sort) == expected


async def test_equal_sort_values_are_ordered_by_id(shop: SearchIndex) -> None:
    await shop.put_product(attrs.evolve(CATALOGUE[0], product_id="p00"))  # the same price as p01
    assert (await ids(shop, sort=Sort.PRICE_DESC))[:2] == ["p00", "p01"]


@pytest.mark.parametrize("sort", list(Sort))
@pytest.mark.parametrize("text", ["", "s"])
async def test_pages_never_repeat_or_skip_a_product(shop: SearchIndex, sort: Sort, text: str) -> None:
    for n, twin in enumerate(CATALOGUE[:4]):  # twins share every sort value with their original
        await shop.put_product(attrs.evolve(twin, product_id=f"q{n}"))
    whole = [hit.document.product_id for hit in (await search(shop, text, sort=sort)).hits]
    paged: list[str] = []
    after = None
    for _ in range(20):
        query = ProductQuery(query_terms(text), ProductFilters(), sort, 3, after)
        results = await shop.search_products(query)
        paged += [hit.document.product_id for hit in results.hits]
        if not results.more:
            break
        last = results.hits[-1]
        after = position_of(sort, last.document, last.score)
    assert paged == whole
    assert len(set(paged)) == len(paged) > 3


# --- suggestions ---------------------------------------------------------------------------------------


async def suggested(index: SearchIndex, text: str, limit: int = 8) -> list[tuple[str, str]]:
    return [(s.text, s.kind) for s in await index.suggest(SuggestQuery(query_terms(text), limit))]


async def test_suggestions_complete_brands_once_whatever_their_spelling(shop: SearchIndex) -> None:
    found = await suggested(shop, "so")
    assert len(found) == 1
    assert found[0][0].casefold() == "sony"
    assert found[0][1] == "brand"


async def test_the_most_popular_title_is_suggested_first(shop: SearchIndex) -> None:
    # Three hundred reviews for the JBL speaker, fifteen for the Bose one.
    assert await suggested(shop, "sp") == [
        ("Bluetooth Speaker", "title"),
        ("Smart Speaker with Voice Assistant", "title"),
    ]


async def test_suggestions_ignore_accents_and_respect_the_limit(shop: SearchIndex) -> None:
    assert await suggested(shop, "cafe") == [("Café Crème", "brand")]
    assert len(await suggested(shop, "s", limit=2)) == 2
    assert await suggested(shop, "zebra") == []


async def test_a_brand_with_more_products_comes_before_a_title(index: SearchIndex) -> None:
    for n in (1, 2, 3):
        await index.put_product(product(n, f"Kettle {n}", "Kenwood", "", KITCHEN, 5000))
    await index.put_product(product(4, "Kenwood Chef Mixer", "Other", "", KITCHEN, 5000, reviews=1))
    assert (await suggested(index, "kenw"))[0] == ("Kenwood", "brand")


# --- writes --------------------------------------------------------------------------------------------


async def test_a_removed_product_is_found_nowhere(shop: SearchIndex) -> None:
    await shop.remove_product("p03")
    await shop.remove_product("p03")  # twice is harmless
    assert await ids(shop, "speaker") == ["p04"]
    assert "jbl" not in {b.brand.casefold() for b in (await search(shop)).facets.brands}
    assert await suggested(shop, "jb") == []
    assert await shop.product("p03") is None


async def test_a_replaced_product_is_found_by_its_new_words_only(shop: SearchIndex) -> None:
    await shop.put_product(attrs.evolve(CATALOGUE[2], title="Party Speaker", brand="Marshall"))
    assert await ids(shop, "party") == ["p03"]
    assert await ids(shop, "bluetooth speaker") == []
    assert await ids(shop, brands=frozenset({"jbl"})) == []
    assert len(await ids(shop)) == len(CATALOGUE)


async def test_availability_changes_in_place(shop: SearchIndex) -> None:
    assert await shop.set_available("p02", 4) is True
    assert "p02" in await ids(shop, in_stock=True)
    assert await shop.set_available("p01", 0) is True
    assert "p01" not in await ids(shop, in_stock=True)
    stored = await shop.product("p01")
    assert stored is not None
    assert stored.available == 0
    assert stored.title == CATALOGUE[0].title


async def test_an_answer_asked_again_after_a_write_shows_the_write(shop: SearchIndex) -> None:
    """However an index keeps answers, a search never answers from before a write."""
    for _ in range(2):  # the same query twice: a kept answer, if the index keeps any
        assert "p01" in await ids(shop, "headphones", in_stock=True)
    await shop.set_available("p01", 0)
    assert "p01" not in await ids(shop, "headphones", in_stock=True)
    for _ in range(2):
        assert await ids(shop, sort=Sort.RATING, limit=1) == ["p06"]
    await shop.set_rating("p05", 5.0, 1)
    assert await ids(shop, sort=Sort.RATING, limit=1) == ["p05"]
    await shop.put_product(attrs.evolve(CATALOGUE[0], available=3, title="Studio Headphones Mk II"))
    assert "p01" in await ids(shop, "headphones", in_stock=True)
    await shop.remove_product("p01")
    assert "p01" not in await ids(shop, "headphones", in_stock=True)


async def test_availability_of_an_unknown_product_indexes_nothing(shop: SearchIndex) -> None:
    assert await shop.set_available("p99", 4) is False
    assert await shop.product("p99") is None
    assert (await search(shop)).total == len(CATALOGUE)


async def test_ratings_change_in_place(shop: SearchIndex) -> None:
    assert await ids(shop, sort=Sort.RATING, limit=1) == ["p06"]
    assert await shop.set_rating("p08", 4.9, 7) is True
    assert await shop.set_rating("p06", 4.5, 10) is True

    assert await ids(shop, sort=Sort.RATING, limit=3) == ["p08", "p07", "p01"]
    assert sorted(await ids(shop, min_rating=4.5)) == ["p01", "p06", "p07", "p08"]
    assert await ids(shop, min_rating=4.85) == ["p08"]
    assert await shop.product("p08") == attrs.evolve(CATALOGUE[7], rating=4.9, review_count=7)
    hits = (await search(shop, "berlin")).hits
    assert [(h.document.rating, h.document.review_count) for h in hits] == [(4.9, 7)]


async def test_the_number_of_reviews_weighs_a_title_suggestion(shop: SearchIndex) -> None:
    assert await shop.set_rating("p04", 4.1, 500)  # now more reviewed than the JBL speaker's 300
    assert await suggested(shop, "sp") == [
        ("Smart Speaker with Voice Assistant", "title"),
        ("Bluetooth Speaker", "title"),
    ]


async def test_ratings_of_an_unknown_product_index_nothing(shop: SearchIndex) -> None:
    assert await shop.set_rating("p99", 5.0, 1) is False
    assert await shop.product("p99") is None
    assert (await search(shop)).total == len(CATALOGUE)


async def test_documents_are_read_back_as_they_were_put(shop: SearchIndex) -> None:
    for document in CATALOGUE:
        assert await shop.product(document.product_id) == document
        hits = (await search(shop, document.title)).hits
        assert document in [hit.document for hit in hits]


# --- sellers -------------------------------------------------------------------------------------------


@pytest.fixture
async def storefronts(index: SearchIndex) -> SearchIndex:
    await index.put_seller(SellerDocument("s-1", "Nordic Sound", "Speakers from Oslo"))
    await index.put_seller(SellerDocument("s-2", "Sound Garden"))
    await index.put_seller(SellerDocument("s-3", "Café Müller"))
    await index.put_seller(SellerDocument("s-4", "Sound Hidden", listed=False))
    return index


async def seller_ids(index: SearchIndex, text: str = "", limit: int = 20) -> list[str]:
    results = await index.search_sellers(SellerQuery(query_terms(text), limit))
    return [hit.document.seller_id for hit in results.hits]


async def test_sellers_are_found_by_name_and_prefix(storefronts: SearchIndex) -> None:
    assert await seller_ids(storefronts, "sound") == ["s-1", "s-2"]  # equal scores: by name
    assert await seller_ids(storefronts, "MULL") == ["s-3"]
    assert await seller_ids(storefronts, "oslo") == []  # by name, not by description


async def test_without_words_every_listed_seller_by_name(storefronts: SearchIndex) -> None:
    assert await seller_ids(storefronts) == ["s-3", "s-1", "s-2"]


async def test_storefronts_are_read_back_as_they_were_put(storefronts: SearchIndex) -> None:
    assert await storefronts.seller("s-1") == SellerDocument("s-1", "Nordic Sound", "Speakers from Oslo")
    assert await storefronts.seller("s-9") is None


async def test_an_unlisted_seller_is_kept_but_never_found(storefronts: SearchIndex) -> None:
    assert await seller_ids(storefronts, "hidden") == []
    kept = await storefronts.seller("s-4")
    assert kept is not None
    assert kept.listed is False
    await storefronts.put_seller(attrs.evolve(kept, listed=True))
    assert await seller_ids(storefronts, "hidden") == ["s-4"]
    await storefronts.put_seller(SellerDocument("s-1", "Nordic Sound", listed=False))
    assert await seller_ids(storefronts, "sound") == ["s-2", "s-4"]


async def test_seller_pages_never_repeat(storefronts: SearchIndex) -> None:
    seen: list[str] = []
    after = None
    for _ in range(10):
        results = await storefronts.search_sellers(SellerQuery((), 1, after))
        seen += [hit.document.seller_id for hit in results.hits]
        if not results.more:
            break
        after = seller_position(results.hits[-1].document, results.hits[-1].score)
    assert seen == ["s-3", "s-1", "s-2"]


# --- rebuilding ----------------------------------------------------------------------------------------


async def test_a_rebuild_replaces_the_whole_index_at_once(index: SearchIndex) -> None:
    old, kept = CATALOGUE[0], CATALOGUE[1]
    await index.put_product(old)
    await index.put_seller(SellerDocument("s-1", "Sound House"))
    progress: list[int] = []

    async with index.rebuild() as build:
        assert await build.put_products([kept], progress.append) == 1
        assert await build.put_sellers([SellerDocument("s-2", "Lamp Loft")]) == 1
        assert await ids(index) == [old.product_id]  # until the swap, searches read the live copy

    assert progress == [1]
    assert await ids(index) == [kept.product_id]
    assert await index.product(old.product_id) is None
    assert await index.seller("s-1") is None
    assert [h.document.seller_id for h in (await index.search_sellers(SellerQuery(query_terms("lamp")))).hits] == [
        "s-2"
    ]


async def test_what_is_written_during_a_rebuild_wins_over_the_bulk_copy(index: SearchIndex) -> None:
    first, second, third = CATALOGUE[0], CATALOGUE[1], CATALOGUE[2]
    for document in (first, second, third):
        await index.put_product(document)
    snapshot = [first, second, third]  # what the rebuild read before the changes below

    async with index.rebuild() as build:
        await index.remove_product(first.product_id)  # the snapshot's copy must not bring it back
        assert await index.set_available(second.product_id, 42)  # not copied yet: the change goes along
        await index.put_product(attrs.evolve(third, title="Renamed", revision=2))
        assert await build.put_products(snapshot) == 0

    assert await index.product(first.product_id) is None
    assert (await index.product(second.product_id)).available == 42  # type: ignore[union-attr]
    assert (await index.product(third.product_id)).title == "Renamed"  # type: ignore[union-attr]
    assert sorted(await ids(index)) == sorted([second.product_id, third.product_id])


async def test_a_rating_changed_during_a_rebuild_wins_over_the_bulk_copy(index: SearchIndex) -> None:
    copied, not_copied = CATALOGUE[0], CATALOGUE[1]
    for document in (copied, not_copied):
        await index.put_product(document)

    async with index.rebuild() as build:
        assert await build.put_products([copied]) == 1
        assert await index.set_rating(copied.product_id, 2.5, 130)  # in the new copy already: updated there
        assert await index.set_rating(not_copied.product_id, 4.9, 41)  # not copied yet: the change goes along
        assert await build.put_products([not_copied]) == 0

    assert await index.product(copied.product_id) == attrs.evolve(copied, rating=2.5, review_count=130)
    assert await index.product(not_copied.product_id) == attrs.evolve(not_copied, rating=4.9, review_count=41)
    assert await ids(index, sort=Sort.RATING) == [not_copied.product_id, copied.product_id]


async def test_a_failed_rebuild_changes_nothing(index: SearchIndex) -> None:
    live = CATALOGUE[0]
    await index.put_product(live)

    async def rebuild() -> None:
        async with index.rebuild() as build:
            await build.put_products([CATALOGUE[1]])
            raise RuntimeError("the catalogue went away")

    with pytest.raises(RuntimeError, match="went away"):
        await rebuild()
    await index.put_product(CATALOGUE[2])  # writes go on, to the live copy only
    assert sorted(await ids(index)) == sorted([live.product_id, CATALOGUE[2].product_id])
