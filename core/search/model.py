"""What the search index holds and how it is asked: documents, queries, orderings and results.

The index is a read model fed by the products and sellers events: a product document is what customers
see of a published card, a seller document a verified storefront. Queries are validated and analysed here
(``core.search.text``), so every adapter receives the same terms, filters and positions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Literal

import attrs

from core.search.text import fold, words
from core.shared.errors import ValidationFailed
from core.shared.money import MINOR_UNITS, Money

# Full-text fields of a product and their weight in the relevance score.
FIELD_BOOSTS: dict[str, float] = {"title": 3.0, "brand": 2.0, "attributes": 1.5, "description": 1.0}
# Price facet buckets, in major units of the currency: 0-10, 10-25, ... 250 and more.
PRICE_STEPS: tuple[int, ...] = (0, 10, 25, 50, 100, 250)
FACET_SIZE = 50  # at most this many categories and brands per facet, the largest counts first
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 16
MAX_SUGGESTIONS = 20
PREFIX_EXPANSIONS = 64  # words a typed prefix stands for at most (the most frequent ones)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@attrs.frozen
class Attribute:
    """A typed attribute of a card: ``kind`` is text, number or boolean; ``value`` its canonical text."""

    name: str
    kind: str
    value: str


def attribute_text(attributes: Sequence[Attribute]) -> str:
    """The searchable words of the attributes: text and number values, and the name of a true flag
    ("waterproof=true" is found by "waterproof"; a false flag says nothing worth finding)."""
    parts: list[str] = []
    for attribute in attributes:
        if attribute.kind == "boolean":
            if attribute.value == "true":
                parts.append(attribute.name)
        else:
            parts.append(attribute.value)
    return " ".join(parts)


@attrs.frozen
class ProductDocument:
    product_id: str
    seller_id: str
    revision: int
    title: str
    description: str
    brand: str
    attributes: tuple[Attribute, ...]
    category_id: str
    category_path: tuple[str, ...]  # root first, down to category_id
    price: Money
    available: int
    image_url: str | None
    published_at: datetime
    rating: float = 0.0
    review_count: int = 0

    @property
    def in_stock(self) -> bool:
        return self.available > 0

    @property
    def categories(self) -> tuple[str, ...]:
        """Every category the product is found under: its own and each ancestor."""
        path = self.category_path if self.category_id in self.category_path else (*self.category_path, self.category_id)
        return tuple(dict.fromkeys(path))

    @property
    def brand_key(self) -> str:
        return fold(" ".join(self.brand.split()))

    def text_fields(self) -> dict[str, str]:
        """The text of each full-text field (the keys of ``FIELD_BOOSTS``)."""
        return {
            "title": self.title,
            "brand": self.brand,
            "attributes": attribute_text(self.attributes),
            "description": self.description,
        }


@attrs.frozen
class SellerDocument:
    """A storefront. A suspended seller's document stays (to be shown again when reinstated) but is
    ``listed=False``: no query finds it."""

    seller_id: str
    display_name: str
    description: str = ""
    logo_url: str | None = None
    listed: bool = True

    @property
    def name_key(self) -> str:
        return fold(" ".join(self.display_name.split()))


# --- queries ------------------------------------------------------------------------------------------


class Sort(StrEnum):
    RELEVANCE = "relevance"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    NEWEST = "newest"
    RATING = "rating"


@attrs.frozen
class Term:
    """A query word; a ``prefix`` term also matches the words that start with it."""

    text: str
    prefix: bool = False


def query_terms(text: str) -> tuple[Term, ...]:
    """The words of a typed query; the last one may be unfinished, so it is a prefix ("blu" -> bluetooth)."""
    found = words(text)
    return tuple(Term(word, prefix=i == len(found) - 1) for i, word in enumerate(found))


def check_query_text(text: str, field: str = "q") -> tuple[Term, ...]:
    if len(text) > MAX_QUERY_CHARS:
        raise ValidationFailed.of(field, f"must be at most {MAX_QUERY_CHARS} characters")
    terms = query_terms(text)
    if len(terms) > MAX_QUERY_WORDS:
        raise ValidationFailed.of(field, f"must have at most {MAX_QUERY_WORDS} words")
    return terms


@attrs.frozen
class PriceRange:
    """Prices in ``currency`` between the bounds, both included (minor units); a product priced in
    another currency is outside every range."""

    currency: str
    minimum: int | None = None
    maximum: int | None = None

    def contains(self, price: Money) -> bool:
        return (
            price.currency == self.currency
            and (self.minimum is None or price.amount >= self.minimum)
            and (self.maximum is None or price.amount <= self.maximum)
        )


@attrs.frozen
class ProductFilters:
    """Every filter must hold (AND); among ``brands`` (folded with ``core.search.text.fold``) any one will do."""

    category_id: str | None = None
    brands: frozenset[str] = frozenset()
    price: PriceRange | None = None
    min_rating: float | None = None
    in_stock: bool = False
    seller_id: str | None = None


@attrs.frozen
class Position:
    """Where a hit stands in a sort order: its sort values, then its id (the tie-break, ascending)."""

    values: tuple[float | int | str, ...]
    id: str


# Per sort: the direction of each sort value (1 ascending, -1 descending) and the type a cursor must carry.
_SORT_VALUES: dict[Sort, tuple[tuple[int, type], ...]] = {
    Sort.RELEVANCE: ((-1, float), (-1, int)),  # score, then the newest first
    Sort.PRICE_ASC: ((1, int),),
    Sort.PRICE_DESC: ((-1, int),),
    Sort.NEWEST: ((-1, int),),
    Sort.RATING: ((-1, float), (-1, int)),  # rating, then the number of reviews
}


def micros(moment: datetime) -> int:
    """A moment as whole microseconds since the epoch: exact, unlike a float timestamp."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def position_of(sort: Sort, document: ProductDocument, score: float) -> Position:
    values: tuple[float | int, ...]
    if sort is Sort.RELEVANCE:
        values = (float(score), micros(document.published_at))
    elif sort in (Sort.PRICE_ASC, Sort.PRICE_DESC):
        values = (document.price.amount,)
    elif sort is Sort.NEWEST:
        values = (micros(document.published_at),)
    else:
        values = (float(document.rating), document.review_count)
    return Position(values, document.product_id)


def ordering(sort: Sort, position: Position) -> tuple[float | int | str, ...]:
    """A key that sorts ascending in the order of ``sort``: hits come in increasing ``ordering``."""
    key: list[float | int | str] = []
    for value, (direction, _) in zip(position.values, _SORT_VALUES[sort], strict=True):
        if isinstance(value, str):
            raise TypeError("a product's sort values are numbers")
        key.append(-value if direction < 0 else value)
    key.append(position.id)
    return tuple(key)


def cursor_key(sort: Sort, position: Position) -> list[float | int | str]:
    """What a cursor encodes: the sort it belongs to, the sort values and the id of the last hit."""
    return [sort.value, *position.values, position.id]


def position_from_cursor(sort: Sort, raw: list[object]) -> Position:
    """The position a cursor of this API encodes, or ValidationFailed on ``cursor``."""
    spec = _SORT_VALUES[sort]
    bad = ValidationFailed.of("cursor", "is not a cursor of this search (was the sort changed?)")
    if len(raw) != len(spec) + 2 or raw[0] != sort.value or not isinstance(raw[-1], str):
        raise bad
    values: list[float | int] = []
    for value, (_, kind) in zip(raw[1:-1], spec, strict=True):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad
        if kind is int and not isinstance(value, int):
            raise bad
        values.append(float(value) if kind is float else value)
    return Position(tuple(values), raw[-1])


def price_buckets(currency: str) -> tuple[tuple[int, int | None], ...]:
    """The price facet's buckets in minor units of ``currency``: [lower, upper), the last one open."""
    unit = 10 ** MINOR_UNITS[currency]
    bounds = [step * unit for step in PRICE_STEPS]
    uppers: list[int | None] = [*bounds[1:], None]
    return tuple(zip(bounds, uppers, strict=True))


@attrs.frozen
class ProductQuery:
    """``currency``: the price facet's currency (the price filter's, when there is one); None lets the
    index pick the currency most of the counted products are priced in."""

    terms: tuple[Term, ...] = ()
    filters: ProductFilters = ProductFilters()
    sort: Sort = Sort.RELEVANCE
    limit: int = 20
    after: Position | None = None
    currency: str | None = None


@attrs.frozen
class ProductHit:
    document: ProductDocument
    score: float


@attrs.frozen
class CategoryCount:
    category_id: str
    count: int


@attrs.frozen
class BrandCount:
    brand: str  # the spelling most of the counted products use
    count: int


@attrs.frozen
class PriceCount:
    lower: int
    upper: int | None
    count: int


@attrs.frozen
class Facets:
    """Each facet counts the products matching the query and every filter but its own."""

    categories: tuple[CategoryCount, ...] = ()
    brands: tuple[BrandCount, ...] = ()
    price_currency: str | None = None
    prices: tuple[PriceCount, ...] = ()


@attrs.frozen
class ProductResults:
    hits: tuple[ProductHit, ...]
    total: int
    more: bool  # there are hits after the last one
    facets: Facets


@attrs.frozen
class SuggestQuery:
    terms: tuple[Term, ...]
    limit: int = 8


SuggestionKind = Literal["brand", "title"]


@attrs.frozen
class Suggestion:
    """A completion: a brand or a product title, weighed by how many products carry it (and their reviews)."""

    text: str
    kind: SuggestionKind
    weight: int


@attrs.frozen
class SellerQuery:
    """Sellers by name, best match first, then by name; with no terms every listed seller by name."""

    terms: tuple[Term, ...] = ()
    limit: int = 20
    after: Position | None = None  # values: (score, name_key)


@attrs.frozen
class SellerHit:
    document: SellerDocument
    score: float


@attrs.frozen
class SellerResults:
    hits: tuple[SellerHit, ...]
    more: bool


def seller_position(document: SellerDocument, score: float) -> Position:
    return Position((float(score), document.name_key), document.seller_id)


def seller_ordering(position: Position) -> tuple[float | int | str, ...]:
    score, name = position.values
    if isinstance(score, str) or not isinstance(name, str):
        raise TypeError("a seller's position is (score, folded name)")
    return (-score, name, position.id)


def seller_position_from_cursor(raw: list[object]) -> Position:
    if (
        len(raw) != 4
        or raw[0] != "sellers"
        or isinstance(raw[1], bool)
        or not isinstance(raw[1], int | float)
        or not isinstance(raw[2], str)
        or not isinstance(raw[3], str)
    ):
        raise ValidationFailed.of("cursor", "is not a cursor of this search")
    return Position((float(raw[1]), raw[2]), raw[3])
