"""The query model: terms, price buckets, sort positions and cursors, documents' derived fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.search.model import (
    MAX_QUERY_WORDS,
    Attribute,
    Position,
    PriceRange,
    ProductDocument,
    SellerDocument,
    Sort,
    Term,
    attribute_text,
    check_query_text,
    cursor_key,
    ordering,
    position_from_cursor,
    position_of,
    price_buckets,
    query_terms,
    seller_ordering,
    seller_position,
    seller_position_from_cursor,
)
from core.shared.errors import ValidationFailed
from core.shared.money import Money
from core.shared.pagination import decode_cursor, encode_cursor


def document(product_id: str = "p-1", **fields: object) -> ProductDocument:
    values: dict[str, object] = {
        "product_id": product_id,
        "seller_id": "s-1",
        "revision": 1,
        "title": "Title",
        "description": "",
        "brand": "Acme",
        "attributes": (),
        "category_id": "headphones",
        "category_path": ("electronics", "audio", "headphones"),
        "price": Money(1999, "EUR"),
        "available": 1,
        "image_url": None,
        "published_at": datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=UTC),
    }
    values.update(fields)
    return ProductDocument(**values)  # type: ignore[arg-type]


# --- terms ---------------------------------------------------------------------------------------------


def test_the_last_word_typed_is_a_prefix_and_the_others_are_whole_words() -> None:
    assert query_terms("Wireless  BLU") == (Term("wireless"), Term("blu", prefix=True))


def test_a_query_of_one_word_is_a_prefix() -> None:
    assert query_terms("Café") == (Term("cafe", prefix=True),)


def test_a_blank_query_has_no_terms() -> None:
    assert query_terms("  ,  ") == ()


def test_a_query_too_long_or_with_too_many_words_is_refused() -> None:
    with pytest.raises(ValidationFailed) as long:
        check_query_text("x" * 201)
    assert [e.field for e in long.value.errors] == ["q"]
    with pytest.raises(ValidationFailed) as wordy:
        check_query_text(" ".join(["word"] * (MAX_QUERY_WORDS + 1)))
    assert [e.field for e in wordy.value.errors] == ["q"]
    assert len(check_query_text(" ".join(["word"] * MAX_QUERY_WORDS))) == MAX_QUERY_WORDS


# --- documents -----------------------------------------------------------------------------------------


def test_a_product_is_found_under_its_category_and_every_ancestor_once() -> None:
    assert document().categories == ("electronics", "audio", "headphones")
    # A path that stops short of the category still ends in it.
    assert document(category_path=("electronics",)).categories == ("electronics", "headphones")


def test_searchable_attribute_text_has_values_and_the_names_of_true_flags() -> None:
    attributes = (
        Attribute("colour", "text", "Midnight blue"),
        Attribute("weight_grams", "number", "250"),
        Attribute("waterproof", "boolean", "true"),
        Attribute("foldable", "boolean", "false"),
    )
    assert attribute_text(attributes) == "Midnight blue 250 waterproof"


def test_in_stock_means_at_least_one_unit_available() -> None:
    assert document(available=1).in_stock
    assert not document(available=0).in_stock


def test_brands_and_seller_names_compare_folded() -> None:
    assert document(brand="  BANG   &  Olufsén ").brand_key == "bang & olufsen"
    assert SellerDocument("s-1", "Café  Müller").name_key == "cafe muller"


# --- price ---------------------------------------------------------------------------------------------


def test_price_buckets_are_fixed_steps_in_minor_units_of_the_currency() -> None:
    assert price_buckets("EUR") == (
        (0, 1000),
        (1000, 2500),
        (2500, 5000),
        (5000, 10000),
        (10000, 25000),
        (25000, None),
    )
    assert price_buckets("JPY")[1] == (10, 25)
    assert price_buckets("KWD")[-1] == (250000, None)


def test_a_price_range_includes_its_bounds_and_only_its_currency() -> None:
    between = PriceRange("EUR", 1000, 2000)
    assert between.contains(Money(1000, "EUR"))
    assert between.contains(Money(2000, "EUR"))
    assert not between.contains(Money(2001, "EUR"))
    assert not between.contains(Money(1500, "USD"))
    assert PriceRange("EUR", maximum=10).contains(Money(0, "EUR"))
    assert PriceRange("EUR", minimum=10).contains(Money(10**9, "EUR"))


# --- positions and cursors -----------------------------------------------------------------------------


def test_each_sort_positions_a_hit_by_its_own_values() -> None:
    doc = document(price=Money(2500, "EUR"), rating=4.5, review_count=12)
    published = 1767268800123456  # 2026-01-01T12:00:00.123456Z in microseconds
    assert position_of(Sort.RELEVANCE, doc, 1.25) == Position((1.25, published), "p-1")
    assert position_of(Sort.PRICE_ASC, doc, 0.0) == Position((2500,), "p-1")
    assert position_of(Sort.PRICE_DESC, doc, 0.0) == Position((2500,), "p-1")
    assert position_of(Sort.NEWEST, doc, 0.0) == Position((published,), "p-1")
    assert position_of(Sort.RATING, doc, 0.0) == Position((4.5, 12), "p-1")


def test_ordering_sorts_hits_in_the_order_of_the_sort_with_the_id_breaking_ties() -> None:
    cheap, dear, dear_too = (
        document("p-3", price=Money(100, "EUR")),
        document("p-1", price=Money(900, "EUR")),
        document("p-2", price=Money(900, "EUR")),
    )

    def ranked(sort: Sort) -> list[str]:
        docs = [dear_too, cheap, dear]
        return [d.product_id for d in sorted(docs, key=lambda d: ordering(sort, position_of(sort, d, 0.0)))]

    assert ranked(Sort.PRICE_ASC) == ["p-3", "p-1", "p-2"]
    assert ranked(Sort.PRICE_DESC) == ["p-1", "p-2", "p-3"]


def test_relevance_puts_the_best_score_first_then_the_newest() -> None:
    old = document("p-1", published_at=datetime(2026, 1, 1, tzinfo=UTC))
    new = document("p-2", published_at=datetime(2026, 1, 2, tzinfo=UTC))
    keys = {
        "old, better": ordering(Sort.RELEVANCE, position_of(Sort.RELEVANCE, old, 2.0)),
        "new, worse": ordering(Sort.RELEVANCE, position_of(Sort.RELEVANCE, new, 1.0)),
        "old, worse": ordering(Sort.RELEVANCE, position_of(Sort.RELEVANCE, old, 1.0)),
    }
    assert sorted(keys, key=lambda k: keys[k]) == ["old, better", "new, worse", "old, worse"]


@pytest.mark.parametrize("sort", list(Sort))
def test_a_cursor_gives_back_the_position_it_encodes(sort: Sort) -> None:
    position = position_of(sort, document(rating=3.5, review_count=2), 0.7300000000000001)
    raw = decode_cursor(encode_cursor(cursor_key(sort, position)))
    assert position_from_cursor(sort, raw) == position


@pytest.mark.parametrize(
    ("sort", "raw"),
    [
        (Sort.RELEVANCE, ["price_asc", 100, "p-1"]),  # another sort's cursor
        (Sort.PRICE_ASC, ["price_asc", "100", "p-1"]),  # a value of the wrong type
        (Sort.PRICE_ASC, ["price_asc", 10.5, "p-1"]),  # prices are whole minor units
        (Sort.PRICE_ASC, ["price_asc", True, "p-1"]),
        (Sort.PRICE_ASC, ["price_asc", 100, 7]),  # the id is text
        (Sort.NEWEST, ["newest", 100]),  # too short
        (Sort.RATING, ["rating", 4.5, 3, 1, "p-1"]),  # too long
        (Sort.RELEVANCE, []),
    ],
)
def test_a_cursor_that_does_not_fit_the_sort_is_refused_naming_the_cursor(sort: Sort, raw: list[object]) -> None:
    with pytest.raises(ValidationFailed) as failed:
        position_from_cursor(sort, raw)
    assert [e.field for e in failed.value.errors] == ["cursor"]


def test_sellers_sort_by_score_then_by_folded_name() -> None:
    ann = seller_position(SellerDocument("s-2", "Ánn's Shop"), 1.0)
    bob = seller_position(SellerDocument("s-1", "bob"), 1.0)
    best = seller_position(SellerDocument("s-3", "Zed"), 3.0)
    assert sorted([bob, best, ann], key=seller_ordering) == [best, ann, bob]
    assert seller_position_from_cursor(["sellers", 1.0, "ann's shop", "s-2"]) == ann
    with pytest.raises(ValidationFailed):
        seller_position_from_cursor(["relevance", 1.0, 5, "s-2"])
