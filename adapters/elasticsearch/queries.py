"""The search requests the index sends, and how their answers become results.

Words: every term must match in some full-text field. A term is a ``bool`` of one ``term`` query per field,
boosted by ``FIELD_BOOSTS``, so its score is the sum over fields of boost x BM25, as the memory index
scores it (Lucene's BM25 without the constant k1 + 1 factor: the same order). The last term, a prefix, is a
``prefix`` query per field rewritten as ``top_terms_<PREFIX_EXPANSIONS>``: the words it starts are scored
by BM25 each (a constant score is the default), at most that many per field. The terms sum (``must``).

Filters that no facet counts (seller, stock, rating) narrow the query; the faceted ones (category, brand,
price) are the ``post_filter``, and each facet is an aggregation under a ``filter`` of the faceted filters
but its own: picking a brand still counts the other brands. Positions are the sort values
(``search_after``); every sort ends with the id, so a position is unique.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from adapters.elasticsearch.documents import product_from, seller_from
from adapters.elasticsearch.mapping import STEMMED
from core.search.model import (
    FACET_SIZE,
    FIELD_BOOSTS,
    PREFIX_EXPANSIONS,
    PRICE_STEPS,
    BrandCount,
    CategoryCount,
    Facets,
    PriceCount,
    PriceRange,
    ProductFilters,
    ProductHit,
    ProductQuery,
    ProductResults,
    SellerHit,
    SellerQuery,
    SellerResults,
    Sort,
    Suggestion,
    SuggestQuery,
    Term,
    price_buckets,
)
from core.shared.money import CURRENCIES

Body = dict[str, Any]

# A stemmed match (rich analysis) adds this share of the field's boost: the word as typed still counts more.
STEMMED_WEIGHT = 0.5
# Brands and titles fetched per suggestion request before they are ranked here: the index orders them by
# weight, then folded text; the contract's order puts the shorter text first among equal weights.
SUGGESTION_CANDIDATES = 100
NOT_REMOVED: Body = {"term": {"removed": True}}  # a must_not: tombstones are never found
BY_COUNT = [{"_count": "desc"}, {"_key": "asc"}]

SORTS: dict[Sort, list[Body]] = {
    Sort.RELEVANCE: [{"_score": "desc"}, {"published": "desc"}, {"product_id": "asc"}],
    Sort.PRICE_ASC: [{"price": "asc"}, {"product_id": "asc"}],
    Sort.PRICE_DESC: [{"price": "desc"}, {"product_id": "asc"}],
    Sort.NEWEST: [{"published": "desc"}, {"product_id": "asc"}],
    Sort.RATING: [{"rating": "desc"}, {"review_count": "desc"}, {"product_id": "asc"}],
}

# The price facet's buckets in major units, for any currency: [lower, upper), the last one open.
PRICE_RANGES: list[Body] = [
    {"from": lower, "to": upper} if upper is not None else {"from": lower}
    for lower, upper in zip(PRICE_STEPS, [*PRICE_STEPS[1:], None], strict=True)
]


def term_clause(term: Term, boosts: Mapping[str, float], stemmed: bool = False) -> Body:
    """Documents holding ``term`` in one of the fields (the sum of their boosted BM25 scores)."""
    should: list[Body] = []
    for field, boost in boosts.items():
        if term.prefix:
            rewrite = f"top_terms_{PREFIX_EXPANSIONS}"
            should.append({"prefix": {field: {"value": term.text, "rewrite": rewrite, "boost": boost}}})
        else:
            should.append({"term": {field: {"value": term.text, "boost": boost}}})
            if stemmed:
                should.append({"match": {f"{field}.{STEMMED}": {"query": term.text, "boost": boost * STEMMED_WEIGHT}}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def words_clauses(terms: Sequence[Term], boosts: Mapping[str, float], stemmed: bool = False) -> list[Body]:
    return [term_clause(term, boosts, stemmed) for term in terms]


def _all_of(clauses: Sequence[Body]) -> Body:
    return {"bool": {"filter": list(clauses)}} if clauses else {"match_all": {}}


def _price_filter(price: PriceRange) -> Body:
    bounds = {key: value for key, value in (("gte", price.minimum), ("lte", price.maximum)) if value is not None}
    clauses: list[Body] = [{"term": {"currency": price.currency}}]
    if bounds:
        clauses.append({"range": {"price": bounds}})
    return _all_of(clauses)


def _plain_filters(f: ProductFilters) -> list[Body]:
    """The filters no facet leaves out."""
    clauses: list[Body] = []
    if f.seller_id is not None:
        clauses.append({"term": {"seller_id": f.seller_id}})
    if f.in_stock:
        clauses.append({"range": {"available": {"gt": 0}}})
    if f.min_rating is not None:
        clauses.append({"range": {"rating": {"gte": f.min_rating}}})
    return clauses


def _faceted_filters(f: ProductFilters) -> dict[str, Body]:
    """The filters of the facets, by facet."""
    clauses: dict[str, Body] = {}
    if f.category_id is not None:
        clauses["categories"] = {"term": {"categories": f.category_id}}
    if f.brands:
        clauses["brands"] = {"terms": {"brand_key": sorted(f.brands)}}
    if f.price is not None:
        clauses["prices"] = _price_filter(f.price)
    return clauses


def _spelling(field: str) -> Body:
    """The spelling most of a bucket's products use (among equals the first in byte order)."""
    return {"spelling": {"terms": {"field": field, "size": 1, "order": BY_COUNT}}}


def product_search(query: ProductQuery, stemmed: bool) -> Body:
    """The search request of ``query``: hits, total and facets in one round trip."""
    faceted = _faceted_filters(query.filters)

    def but(facet: str, *extra: Body) -> list[Body]:
        return [clause for name, clause in faceted.items() if name != facet] + list(extra)

    prices: Body
    if query.currency is not None:
        prices = {
            "filter": _all_of(but("prices", {"term": {"currency": query.currency}})),
            "aggs": {"ranges": {"range": {"field": "price_major", "ranges": PRICE_RANGES}}},
        }
    else:  # the currency most of the counted products are priced in
        top_currency = {"field": "currency", "size": 1, "shard_size": len(CURRENCIES), "order": BY_COUNT}
        prices = {
            "filter": _all_of(but("prices")),
            "aggs": {
                "currencies": {
                    "terms": top_currency,
                    "aggs": {"ranges": {"range": {"field": "price_major", "ranges": PRICE_RANGES}}},
                }
            },
        }
    body: Body = {
        "query": {
            "bool": {
                "must": words_clauses(query.terms, FIELD_BOOSTS, stemmed),
                "filter": _plain_filters(query.filters),
                "must_not": [NOT_REMOVED],
            }
        },
        "aggs": {
            "categories": {
                "filter": _all_of(but("categories")),
                "aggs": {"counts": {"terms": {"field": "categories", "size": FACET_SIZE, "order": BY_COUNT}}},
            },
            "brands": {
                "filter": _all_of(but("brands")),
                "aggs": {
                    "counts": {
                        "terms": {"field": "brand_key", "size": FACET_SIZE, "order": BY_COUNT},
                        "aggs": _spelling("brand_written"),
                    }
                },
            },
            "prices": prices,
        },
        "sort": SORTS[query.sort],
        "size": query.limit + 1,
        "track_total_hits": True,
        "_source": ["document"],
    }
    if faceted:
        body["post_filter"] = _all_of(list(faceted.values()))
    if query.terms and query.sort is not Sort.RELEVANCE:
        body["track_scores"] = True  # a hit shows how well it matched in every order
    if query.after is not None:
        body["search_after"] = [*query.after.values, query.after.id]
    return body


def _facets(query: ProductQuery, aggs: Body) -> Facets:
    categories = tuple(
        CategoryCount(bucket["key"], bucket["doc_count"]) for bucket in aggs["categories"]["counts"]["buckets"]
    )
    brands = sorted(
        (
            BrandCount(bucket["spelling"]["buckets"][0]["key"], bucket["doc_count"])
            for bucket in aggs["brands"]["counts"]["buckets"]
            if bucket["key"]
        ),
        key=lambda b: (-b.count, b.brand),
    )
    prices = aggs["prices"]
    currency = query.currency
    if currency is None:
        top = prices["currencies"]["buckets"]
        if not top:
            return Facets(categories, tuple(brands), None, ())
        currency = top[0]["key"]
        ranges = top[0]["ranges"]["buckets"]
    else:
        ranges = prices["ranges"]["buckets"]
    counts = tuple(
        PriceCount(lower, upper, bucket["doc_count"])
        for (lower, upper), bucket in zip(price_buckets(currency), ranges, strict=True)
    )
    return Facets(categories, tuple(brands), currency, counts)


def product_results(query: ProductQuery, response: Body) -> ProductResults:
    found = response["hits"]["hits"]
    hits = []
    for hit in found[: query.limit]:
        document = product_from(hit["_source"])
        if document is not None:
            hits.append(ProductHit(document, float(hit["_score"] or 0.0)))
    return ProductResults(
        tuple(hits),
        response["hits"]["total"]["value"],
        len(found) > query.limit,
        _facets(query, response["aggregations"]),
    )


def suggest_search(query: SuggestQuery) -> Body:
    """Brands whose words match the terms, and titles likewise, each counted in one aggregation."""
    brand_words: Body = {"bool": {"must": words_clauses(query.terms, {"brand": 1.0})}}
    title_words: Body = {"bool": {"must": words_clauses(query.terms, {"title": 1.0})}}
    return {
        "query": {"bool": {"should": [brand_words, title_words], "minimum_should_match": 1, "must_not": [NOT_REMOVED]}},
        "size": 0,
        "track_total_hits": False,
        "aggs": {
            "brands": {
                "filter": brand_words,
                "aggs": {
                    "texts": {
                        "terms": {"field": "brand_key", "size": SUGGESTION_CANDIDATES, "order": BY_COUNT},
                        "aggs": _spelling("brand_written"),
                    }
                },
            },
            "titles": {
                "filter": title_words,
                "aggs": {
                    "texts": {
                        "terms": {
                            "field": "title_key",
                            "size": SUGGESTION_CANDIDATES,
                            "order": [{"weight": "desc"}, {"_key": "asc"}],
                        },
                        "aggs": {"weight": {"sum": {"field": "suggest_weight"}}, **_spelling("title_written")},
                    }
                },
            },
        },
    }


def suggestions(query: SuggestQuery, response: Body) -> list[Suggestion]:
    """Brands weigh their products; titles their products and reviews. A title that is also a brand is
    suggested once, as the brand."""
    aggs = response["aggregations"]
    found: dict[str, Suggestion] = {}
    for bucket in aggs["brands"]["texts"]["buckets"]:
        if bucket["key"]:
            found[bucket["key"]] = Suggestion(bucket["spelling"]["buckets"][0]["key"], "brand", bucket["doc_count"])
    for bucket in aggs["titles"]["texts"]["buckets"]:
        if bucket["key"] and bucket["key"] not in found:
            text = bucket["spelling"]["buckets"][0]["key"]
            found[bucket["key"]] = Suggestion(text, "title", int(bucket["weight"]["value"]))
    ranked = sorted(found.items(), key=lambda item: (-item[1].weight, len(item[1].text), item[0], item[1].text))
    return [suggestion for _, suggestion in ranked[: query.limit]]


def seller_search(query: SellerQuery) -> Body:
    body: Body = {
        "query": {
            "bool": {
                "must": words_clauses(query.terms, {"display_name": 1.0}),
                "filter": [{"term": {"listed": True}}],
            }
        },
        "sort": [{"_score": "desc"}, {"name_key": "asc"}, {"seller_id": "asc"}],
        "size": query.limit + 1,
        "track_total_hits": False,
        "_source": ["document"],
    }
    if query.after is not None:
        body["search_after"] = [*query.after.values, query.after.id]
    return body


def seller_results(query: SellerQuery, response: Body) -> SellerResults:
    found = response["hits"]["hits"]
    hits = tuple(SellerHit(seller_from(hit["_source"]), float(hit["_score"] or 0.0)) for hit in found[: query.limit])
    return SellerResults(hits, len(found) > query.limit)
