"""The product side of the in-memory search index: documents, filters, facets, sort orders and pages.

Every filter keeps a set of product ids per value (category, brand, seller, currency, in stock), so a
query is a few set intersections; each facet is counted over the intersection of every filter but its
own (disjunctive faceting: picking one brand still shows how many products the other brands have).

The answers to the last ``ANSWERS`` distinct queries are kept until the next write, which forgets them
all (as Elasticsearch's request cache keeps an answer until the next refresh): a popular query asked
again costs a dictionary lookup, and an answer is never older than the index.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet

import attrs

from adapters.memory.search.inverted import InvertedIndex
from core.search.model import (
    FACET_SIZE,
    FIELD_BOOSTS,
    BrandCount,
    CategoryCount,
    Facets,
    PriceCount,
    PriceRange,
    ProductDocument,
    ProductHit,
    ProductQuery,
    ProductResults,
    Sort,
    Suggestion,
    SuggestQuery,
    micros,
    ordering,
    price_buckets,
)
from core.search.text import fold

SortKey = tuple[float | int | str, ...]
ANSWERS = 256
SEPARATOR = "\x1f"  # joins strings into one (no id, brand or title holds a control character)


def _add(groups: dict[str, set[str]], key: str, doc_id: str) -> None:
    groups[key].add(doc_id)


def _discard(groups: dict[str, set[str]], key: str, doc_id: str) -> None:
    ids = groups.get(key)
    if ids is not None:
        ids.discard(doc_id)
        if not ids:
            del groups[key]


class Tally:
    """One string per product (its category path, its brand...), and how many products have each: a
    facet counts the products of a set by their strings, and a large set as the total less the rest."""

    def __init__(self) -> None:
        self.of: dict[str, str] = {}
        self.total: Counter[str] = Counter()

    def __getitem__(self, doc_id: str) -> str:
        return self.of[doc_id]

    def put(self, doc_id: str, value: str) -> None:
        self.of[doc_id] = value
        self.total[value] += 1

    def remove(self, doc_id: str) -> None:
        value = self.of.pop(doc_id)
        self.total[value] -= 1
        if not self.total[value]:
            del self.total[value]

    def count(self, ids: AbstractSet[str]) -> Counter[str]:
        if len(ids) * 2 <= len(self.of):
            return Counter(map(self.of.__getitem__, ids))
        return self.total - Counter(map(self.of.__getitem__, self.of.keys() - ids))


def _folded_and_written(text: str) -> str:
    return f"{fold(text)}{SEPARATOR}{text}"


def _grouped(counted: Counter[str]) -> tuple[dict[str, int], dict[str, str]]:
    """Counts of "folded + SEPARATOR + as written" strings, by folded form: how many in all, and the
    spelling most of them use (among equals the first in alphabetical order)."""
    totals: dict[str, int] = {}
    best: dict[str, tuple[int, str]] = {}
    for joined, n in counted.items():
        key, _, written = joined.partition(SEPARATOR)
        if not key:
            continue
        totals[key] = totals.get(key, 0) + n
        candidate = (-n, written)
        if key not in best or candidate < best[key]:
            best[key] = candidate
    return totals, {key: written for key, (_, written) in best.items()}


class ProductIndex:
    def __init__(self) -> None:
        self.documents: dict[str, ProductDocument] = {}
        self.text = InvertedIndex(FIELD_BOOSTS)
        self.by_category: dict[str, set[str]] = defaultdict(set)
        self.by_brand: dict[str, set[str]] = defaultdict(set)
        self.by_seller: dict[str, set[str]] = defaultdict(set)
        self.by_currency: dict[str, set[str]] = defaultdict(set)
        self.in_stock: set[str] = set()
        # What facets and sort orders read of each product, worked out once when it is indexed: a query
        # then counts and sorts with dictionary lookups only.
        # Strings, not tuples: a string caches its hash, so counting them is cheap.
        self._path = Tally()  # the categories, joined by SEPARATOR
        self._brand = Tally()  # folded, SEPARATOR, as written
        self._title = Tally()  # folded, SEPARATOR, as written (spaces collapsed)
        self._bucket = Tally()  # currency, SEPARATOR, the index of the price bucket in that currency
        self._published: dict[str, int] = {}  # microseconds
        self._prices: dict[str, list[tuple[int, str]]] = {}  # currency -> sorted (amount, id); built lazily
        self._orders: dict[Sort, list[str]] = {}  # every product in a sort's order (no words); built lazily
        self._answers: dict[ProductQuery, ProductResults] = {}  # the latest queries', oldest first

    # --- writes ---------------------------------------------------------------------------------------

    def put(self, document: ProductDocument) -> None:
        self.remove(document.product_id)
        doc_id = document.product_id
        self.documents[doc_id] = document
        self.text.add(doc_id, document.text_fields())
        self._path.put(doc_id, SEPARATOR.join(document.categories))
        for category in document.categories:
            _add(self.by_category, category, doc_id)
        self._brand.put(doc_id, _folded_and_written(" ".join(document.brand.split())))
        _add(self.by_brand, document.brand_key, doc_id)
        self._title.put(doc_id, _folded_and_written(" ".join(document.title.split())))
        _add(self.by_seller, document.seller_id, doc_id)
        currency, amount = document.price.currency, document.price.amount
        lowers = [lower for lower, _ in price_buckets(currency)]
        self._bucket.put(doc_id, f"{currency}{SEPARATOR}{bisect.bisect_right(lowers, amount) - 1}")  # -1: below all
        _add(self.by_currency, currency, doc_id)
        self._published[doc_id] = micros(document.published_at)
        if document.in_stock:
            self.in_stock.add(doc_id)
        self._prices.pop(currency, None)
        self._orders.clear()
        self._answers.clear()

    def remove(self, doc_id: str) -> None:
        document = self.documents.pop(doc_id, None)
        if document is None:
            return
        self.text.remove(doc_id)
        for tally in (self._path, self._brand, self._title, self._bucket):
            tally.remove(doc_id)
        for category in document.categories:
            _discard(self.by_category, category, doc_id)
        _discard(self.by_brand, document.brand_key, doc_id)
        _discard(self.by_seller, document.seller_id, doc_id)
        _discard(self.by_currency, document.price.currency, doc_id)
        del self._published[doc_id]
        self.in_stock.discard(doc_id)
        self._prices.pop(document.price.currency, None)
        self._orders.clear()
        self._answers.clear()

    def set_available(self, doc_id: str, available: int) -> bool:
        document = self.documents.get(doc_id)
        if document is None:
            return False
        self.documents[doc_id] = attrs.evolve(document, available=available)
        self._answers.clear()
        if available > 0:
            self.in_stock.add(doc_id)
        else:
            self.in_stock.discard(doc_id)
        return True

    def set_rating(self, doc_id: str, rating: float, review_count: int) -> bool:
        document = self.documents.get(doc_id)
        if document is None:
            return False
        self.documents[doc_id] = attrs.evolve(document, rating=rating, review_count=review_count)
        self._orders.pop(Sort.RATING, None)  # the only order that reads the ratings
        self._answers.clear()
        return True

    # --- search ---------------------------------------------------------------------------------------

    def _priced(self, price: PriceRange) -> set[str]:
        ordered = self._prices.get(price.currency)
        if ordered is None:
            ordered = sorted((self.documents[d].price.amount, d) for d in self.by_currency.get(price.currency, ()))
            self._prices[price.currency] = ordered
        start = 0 if price.minimum is None else bisect.bisect_left(ordered, (price.minimum, ""))
        end = len(ordered)
        if price.maximum is not None:
            end = bisect.bisect_left(ordered, (price.maximum + 1, ""))
        return {doc_id for _, doc_id in ordered[start:end]}

    def search(self, query: ProductQuery) -> ProductResults:
        answer = self._answers.get(query)
        if answer is None:
            answer = self._answers[query] = self._search(query)
            if len(self._answers) > ANSWERS:
                del self._answers[next(iter(self._answers))]
        return answer

    def _search(self, query: ProductQuery) -> ProductResults:
        f = query.filters
        matched = self.text.matching(query.terms)
        # No words: every product, as the live key view (no copy of the catalogue per query).
        base: AbstractSet[str] = self.documents.keys() if matched is None else matched
        if f.seller_id is not None:
            base &= self.by_seller.get(f.seller_id, set())
        if f.in_stock:
            base &= self.in_stock
        if f.min_rating is not None:
            minimum = f.min_rating
            base = {d for d in base if self.documents[d].rating >= minimum}
        category = self.by_category.get(f.category_id, set()) if f.category_id is not None else None
        brand = set().union(*(self.by_brand.get(b, ()) for b in f.brands)) if f.brands else None
        price = self._priced(f.price) if f.price is not None else None

        def narrowed(*filters: set[str] | None) -> AbstractSet[str]:
            result = base
            for ids in sorted((s for s in filters if s is not None), key=len):
                result = result & ids
            return result

        hits = narrowed(category, brand, price)
        price_currency, prices = self._price_counts(narrowed(category, brand), query.currency)
        facets = Facets(
            categories=self._category_counts(narrowed(brand, price)),
            brands=self._brand_counts(narrowed(category, price)),
            price_currency=price_currency,
            prices=prices,
        )
        page, more = self._page(hits, query)
        return ProductResults(page, len(hits), more, facets)

    def _page(self, hits: AbstractSet[str], query: ProductQuery) -> tuple[tuple[ProductHit, ...], bool]:
        relevance = query.sort is Sort.RELEVANCE and bool(query.terms)
        scores = self.text.scores(query.terms, hits) if relevance else {}
        key = self._sort_key(query.sort, scores)
        after = ordering(query.sort, query.after) if query.after is not None else None
        if not relevance and len(hits) * 16 > len(self.documents):
            # Many products match: walking the catalogue in order finds a page sooner than sorting them.
            order = self._ordered(query.sort)
            start = 0 if after is None else bisect.bisect_right(order, after, key=key)
            top = list(
                itertools.islice((d for d in itertools.islice(order, start, None) if d in hits), query.limit + 1)
            )
        else:
            candidates: Iterable[str] = hits if after is None else (d for d in hits if key(d) > after)
            top = heapq.nsmallest(query.limit + 1, candidates, key=key)
        more = len(top) > query.limit
        top = top[: query.limit]
        if query.terms and not relevance:
            scores = self.text.scores(query.terms, top)
        return tuple(ProductHit(self.documents[d], scores.get(d, 0.0)) for d in top), more

    def _ordered(self, sort: Sort) -> list[str]:
        order = self._orders.get(sort)
        if order is None:
            order = sorted(self.documents, key=self._sort_key(sort, {}))
            self._orders[sort] = order
        return order

    def _sort_key(self, sort: Sort, scores: dict[str, float]) -> Callable[[str], SortKey]:
        """The ascending key of ``core.search.model.ordering`` for each product, from what was worked out
        when it was indexed."""
        docs, published = self.documents, self._published
        if sort is Sort.RELEVANCE:
            return lambda d: (-scores.get(d, 0.0), -published[d], d)
        if sort is Sort.PRICE_ASC:
            return lambda d: (docs[d].price.amount, d)
        if sort is Sort.PRICE_DESC:
            return lambda d: (-docs[d].price.amount, d)
        if sort is Sort.NEWEST:
            return lambda d: (-published[d], d)
        return lambda d: (-docs[d].rating, -docs[d].review_count, d)

    # --- facets ---------------------------------------------------------------------------------------

    def _category_counts(self, ids: AbstractSet[str]) -> tuple[CategoryCount, ...]:
        counts: Counter[str] = Counter()
        for path, n in self._path.count(ids).items():
            for category in path.split(SEPARATOR):
                counts[category] += n
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:FACET_SIZE]
        return tuple(CategoryCount(category, count) for category, count in ranked)

    def _brand_counts(self, ids: AbstractSet[str]) -> tuple[BrandCount, ...]:
        totals, spellings = _grouped(self._brand.count(ids))
        counted = [(spellings[key], total) for key, total in totals.items()]
        ranked = sorted(counted, key=lambda item: (-item[1], item[0]))[:FACET_SIZE]
        return tuple(BrandCount(brand, count) for brand, count in ranked)

    def _price_counts(self, ids: AbstractSet[str], currency: str | None) -> tuple[str | None, tuple[PriceCount, ...]]:
        """Buckets in ``currency``, or else in the currency most of ``ids`` are priced in."""
        counts: dict[str, Counter[int]] = defaultdict(Counter)  # currency -> bucket -> products
        for key, n in self._bucket.count(ids).items():
            in_currency, _, bucket = key.partition(SEPARATOR)
            counts[in_currency][int(bucket)] += n
        if currency is None:
            if not counts:
                return None, ()
            currency = min(counts, key=lambda c: (-counts[c].total(), c))
        buckets = price_buckets(currency)
        prices = tuple(PriceCount(lower, upper, counts[currency][i]) for i, (lower, upper) in enumerate(buckets))
        return currency, prices

    # --- suggestions ----------------------------------------------------------------------------------

    def suggest(self, query: SuggestQuery) -> list[Suggestion]:
        brand_ids = self.text.matching(query.terms, ["brand"]) or set()
        title_ids = self.text.matching(query.terms, ["title"]) or set()
        weights, texts = _grouped(self._brand.count(brand_ids))
        brands = set(weights)
        title_weights, title_texts = _grouped(self._title.count(title_ids))
        for key, weight in title_weights.items():
            if key not in brands:  # a title that is also a brand is suggested once, as the brand
                weights[key], texts[key] = weight, title_texts[key]
        for doc_id in title_ids:  # reviews make a title popular too
            reviews = self.documents[doc_id].review_count
            key = self._title[doc_id].partition(SEPARATOR)[0]
            if reviews and key not in brands:
                weights[key] += reviews
        best = heapq.nsmallest(query.limit, weights, key=lambda k: (-weights[k], len(texts[k]), k, texts[k]))
        return [Suggestion(texts[k], "brand" if k in brands else "title", weights[k]) for k in best]
