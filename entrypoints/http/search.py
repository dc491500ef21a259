"""Search routes: products (full text, filters, facets, sort, pages), completions and storefronts.

Public: guests search too. Only published cards and verified storefronts are ever in the index.
"""

from __future__ import annotations

from typing import Any

import attrs

from core.search import commands as c
from core.search import use_cases as uc
from core.search.model import MAX_QUERY_CHARS, MAX_SUGGESTIONS, Sort
from core.shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageRequest
from entrypoints.http.activity import track
from entrypoints.http.routing import Call, Endpoint
from entrypoints.http.schema import limits

TAG = "search"
_ID = limits(max_length=uc.MAX_ID_CHARS)
_LIMIT = limits(minimum=1, maximum=MAX_LIMIT)
_CURSOR = limits(max_length=512)


@attrs.frozen
class ProductSearchQuery:
    """Every filter must hold; ``brand`` may repeat (any of them). Prices are minor units of ``currency``,
    which ``price_min`` and ``price_max`` need; ``currency`` also chooses the price facet's currency.
    ``in_stock=true`` keeps only products with units available. ``min_rating`` is in stars (0 to 5, halves
    and other fractions too: 4.5 keeps the products rated 4.5 or more); ``sort=rating`` puts the best rated
    first (then the most reviewed)."""

    q: str = attrs.field(default="", metadata=limits(max_length=MAX_QUERY_CHARS))
    category_id: str | None = attrs.field(default=None, metadata=_ID)
    brand: list[str] | None = attrs.field(default=None, metadata=limits(max_items=uc.MAX_BRANDS))
    price_min: int | None = attrs.field(default=None, metadata=limits(minimum=0))
    price_max: int | None = attrs.field(default=None, metadata=limits(minimum=0))
    currency: str | None = attrs.field(default=None, metadata=limits(pattern="[A-Za-z]{3}"))
    min_rating: float | None = attrs.field(default=None, metadata=limits(minimum=0, maximum=uc.MAX_RATING))
    in_stock: bool = False
    seller_id: str | None = attrs.field(default=None, metadata=_ID)
    sort: Sort = Sort.RELEVANCE
    limit: int = attrs.field(default=DEFAULT_LIMIT, metadata=_LIMIT)
    cursor: str | None = attrs.field(default=None, metadata=_CURSOR)


@attrs.frozen
class CompletionQuery:
    q: str = attrs.field(metadata=limits(max_length=MAX_QUERY_CHARS))
    limit: int = attrs.field(default=8, metadata=limits(minimum=1, maximum=MAX_SUGGESTIONS))


@attrs.frozen
class SellerSearchQuery:
    q: str = attrs.field(default="", metadata=limits(max_length=MAX_QUERY_CHARS))
    limit: int = attrs.field(default=DEFAULT_LIMIT, metadata=_LIMIT)
    cursor: str | None = attrs.field(default=None, metadata=_CURSOR)


@attrs.frozen
class SearchFacets:
    """Counts of the matches by category (a product counts for its category and every ancestor), brand
    and price; each facet leaves out its own filter. ``price`` buckets are ``{"from", "to", "count"}`` in
    minor units of ``price_currency`` (``to`` excluded; null for the last, open bucket)."""

    category: list[c.CategoryFacet]
    brand: list[c.BrandFacet]
    price: list[dict[str, int | None]]
    price_currency: str | None


@attrs.frozen
class ProductSearchResults:
    items: list[c.ProductHitView]
    total: int
    facets: SearchFacets
    next_cursor: str | None


@attrs.frozen
class Completions:
    items: list[c.SuggestionView]


async def search_products(call: Call[None, ProductSearchQuery]) -> ProductSearchResults:
    q = call.query
    command = c.FindProducts(
        text=q.q,
        category_id=q.category_id,
        brands=tuple(q.brand or ()),
        price_min=q.price_min,
        price_max=q.price_max,
        currency=q.currency,
        min_rating=q.min_rating,
        in_stock=q.in_stock,
        seller_id=q.seller_id,
        sort=q.sort,
        page=PageRequest(q.limit, q.cursor),
    )
    found = await call.resolve(uc.SearchProducts)(command)
    if q.cursor is None and (tracking := track(call)) is not None:  # a next page is the same search
        tracking.searched(q.q, _filters(q), found.total)
    f = found.facets
    prices = [{"from": p.lower, "to": p.upper, "count": p.count} for p in f.price]
    return ProductSearchResults(
        found.items, found.total, SearchFacets(f.category, f.brand, prices, f.price_currency), found.next_cursor
    )


def _filters(q: ProductSearchQuery) -> list[tuple[str, str]]:
    given = [
        ("category_id", q.category_id),
        ("price_min", q.price_min),
        ("price_max", q.price_max),
        ("currency", q.currency),
        ("min_rating", q.min_rating),
        ("in_stock", "true" if q.in_stock else None),
        ("seller_id", q.seller_id),
        ("sort", q.sort.value if q.sort is not Sort.RELEVANCE else None),
    ]
    brands = [("brand", brand) for brand in q.brand or ()]
    return [(name, str(value)) for name, value in given if value is not None] + brands


async def suggest(call: Call[None, CompletionQuery]) -> Completions:
    found = await call.resolve(uc.SuggestCompletions)(c.Suggest(call.query.q, call.query.limit))
    return Completions(found)


async def search_sellers(call: Call[None, SellerSearchQuery]) -> c.SellerSearchView:
    q = call.query
    return await call.resolve(uc.SearchSellers)(c.FindSellers(q.q, PageRequest(q.limit, q.cursor)))


def _search(path: str, handler: Any, summary: str, **kw: Any) -> Endpoint:
    return Endpoint("GET", path, handler, summary, tag=TAG, authenticated=False, **kw)


ENDPOINTS = [
    _search(
        "/search/products",
        search_products,
        "Search published products, with facets",
        query=ProductSearchQuery,
        response=ProductSearchResults,
        description="Full text over title, brand, attributes and description (BM25; accents and case do "
        "not matter; the last word also finds the words it starts). Sort by relevance, price_asc, "
        "price_desc, newest or rating; pages by cursor.",
    ),
    _search(
        "/search/suggest",
        suggest,
        "Complete what a customer is typing: brands and product titles",
        query=CompletionQuery,
        response=Completions,
    ),
    _search(
        "/search/sellers",
        search_sellers,
        "Find storefronts by name",
        query=SellerSearchQuery,
        response=c.SellerSearchView,
    ),
]
