"""Search use cases: keep the index in step with the catalogue's events, and answer customers' searches."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import TypeVar

import attrs

from core.search.commands import (
    BrandFacet,
    CategoryFacet,
    ChangeAvailability,
    ChangeImages,
    ChangeRating,
    DelistSeller,
    FacetsView,
    FindProducts,
    FindSellers,
    IndexProduct,
    ListSeller,
    PriceFacet,
    ProductHitView,
    ProductSearchView,
    RelistSeller,
    RemoveProduct,
    SellerHitView,
    SellerSearchView,
    Suggest,
    SuggestionView,
    UpdateStorefront,
)
from core.search.model import (
    MAX_SUGGESTIONS,
    Attribute,
    Position,
    PriceRange,
    ProductDocument,
    ProductFilters,
    ProductHit,
    ProductQuery,
    ProductResults,
    SellerDocument,
    SellerQuery,
    SuggestQuery,
    Term,
    check_query_text,
    cursor_key,
    position_from_cursor,
    position_of,
    seller_position,
    seller_position_from_cursor,
)
from core.search.text import fold
from core.shared.errors import Unavailable, Validation, ValidationFailed
from core.shared.money import CURRENCIES
from core.shared.pagination import MAX_LIMIT, PageRequest, encode_cursor, every_item
from ports.catalog import PublishedCard, PublishedCards
from ports.ratings import Ratings
from ports.search import Progress, SearchIndex
from ports.sellers import Storefront, Storefronts

log = logging.getLogger(__name__)

MAX_BRANDS = 20
MAX_ID_CHARS = 100
MAX_BRAND_CHARS = 100
MAX_RATING = 5


# --- indexing ------------------------------------------------------------------------------------------


def indexed(command: IndexProduct, rating: float = 0.0, review_count: int = 0) -> ProductDocument:
    """The document of a published card, with its ratings as the reviews context keeps them."""
    return ProductDocument(
        product_id=command.product_id,
        seller_id=command.seller_id,
        revision=command.revision,
        title=command.title,
        description=command.description,
        brand=command.brand,
        attributes=command.attributes,
        category_id=command.category_id,
        category_path=command.category_path,
        price=command.price,
        available=max(0, command.available),
        image_url=command.image_urls[0] if command.image_urls else None,
        published_at=command.published_at,
        rating=rating,
        review_count=review_count,
    )


class IndexPublishedProduct:
    """Runs on products.ProductPublished: the card as customers now see it replaces the indexed one.

    Its ratings are read from the reviews context: a card published again (after an unpublication, or
    an approved edit) may have been rated meanwhile, when no document was there to take the rating.
    When the reviews context does not answer, the card is indexed all the same, keeping the ratings
    the index had (none for a card not indexed): its next ``RatingUpdated`` or a rebuild sets them.
    """

    def __init__(self, index: SearchIndex, ratings: Ratings) -> None:
        self.index, self.ratings = index, ratings

    async def __call__(self, command: IndexProduct) -> None:
        current = await self.index.product(command.product_id)
        if current is not None and current.revision > command.revision:
            return  # a late copy of an older revision must not bring old text back
        rating, review_count = await self._ratings(command.product_id, current)
        await self.index.put_product(indexed(command, rating, review_count))

    async def _ratings(self, product_id: str, current: ProductDocument | None) -> tuple[float, int]:
        try:
            found = await self.ratings.of_products([product_id])
        except Unavailable as error:
            log.warning("ratings unavailable, %s indexed with the ratings it had: %s", product_id, error)
            return (current.rating, current.review_count) if current is not None else (0.0, 0)
        summary = found.get(product_id)
        return (summary.average, summary.count) if summary is not None else (0.0, 0)


class RemoveUnpublishedProduct:
    """Runs on products.ProductUnpublished (archived, or the seller suspended): no search finds it."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    async def __call__(self, command: RemoveProduct) -> None:
        await self.index.remove_product(command.product_id)


class UpdateIndexedAvailability:
    """Runs on products.StockChanged; a product that is not published (not indexed) stays out."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    async def __call__(self, command: ChangeAvailability) -> None:
        await self.index.set_available(command.product_id, max(0, command.available))


class UpdateIndexedRating:
    """Runs on reviews.RatingUpdated for a product: its results show, filter and sort by the new ratings.
    A product that is not indexed stays out (it is rated when it is published). The updates of one
    product arrive in order (keyed by the product) and each sets the whole aggregate: a redelivery sets
    the same values again."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    async def __call__(self, command: ChangeRating) -> None:
        await self.index.set_rating(command.product_id, max(0.0, command.average), max(0, command.count))


class UpdateIndexedImage:
    """Runs on products.ProductImagesChanged: a result shows the card's first ready image."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    async def __call__(self, command: ChangeImages) -> None:
        current = await self.index.product(command.product_id)
        image_url = command.image_urls[0] if command.image_urls else None
        if current is not None and current.image_url != image_url:
            await self.index.put_product(attrs.evolve(current, image_url=image_url))


class IndexVerifiedSeller:
    """Runs on sellers.SellerVerified: the storefront can be found by its name."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    async def __call__(self, command: ListSeller) -> None:
        current = await self.index.seller(command.seller_id)
        if current is None:
            document = SellerDocument(command.seller_id, command.display_name)
        else:
            document = attrs.evolve(current, display_name=command.display_name, listed=True)
        await self.index.put_seller(document)


class IndexStorefront:
    """Runs on sellers.StorefrontUpdated. Only a verified seller edits a storefront, so an unknown one is
    indexed as listed; a suspended seller's edit is kept for the day they are reinstated."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    async def __call__(self, command: UpdateStorefront) -> None:
        current = await self.index.seller(command.seller_id)
        document = SellerDocument(
            command.seller_id,
            command.display_name,
            command.description,
            command.logo_url,
            listed=current.listed if current is not None else True,
        )
        await self.index.put_seller(document)


class DelistSuspendedSeller:
    """Runs on sellers.SellerSuspended: no search finds the storefront (its products leave through their
    own ProductUnpublished events)."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    async def __call__(self, command: DelistSeller) -> None:
        current = await self.index.seller(command.seller_id)
        if current is not None and current.listed:
            await self.index.put_seller(attrs.evolve(current, listed=False))


class RelistReinstatedSeller:
    """Runs on sellers.SellerReinstated: the storefront as it was is found again."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    async def __call__(self, command: RelistSeller) -> None:
        current = await self.index.seller(command.seller_id)
        if current is not None and not current.listed:
            await self.index.put_seller(attrs.evolve(current, listed=True))


@attrs.frozen
class Rebuilt:
    products: int  # documents the bulk load wrote (those written meanwhile by the consumers kept theirs)
    sellers: int


class RebuildSearchIndex:
    """``marketplace reindex``: a new copy of the index from the products, sellers and reviews contexts,
    swapped in for the live one with no downtime (``ports.search.IndexRebuild``). The consumers keep the
    live copy current meanwhile, and their writes reach the new copy too, so nothing that happens during
    the rebuild is lost. The ratings are read a page of cards at a time; a rebuild that cannot read them
    fails (``Unavailable``) and leaves the live copy as it was, rather than swap in an index without them."""

    def __init__(self, index: SearchIndex, cards: PublishedCards, storefronts: Storefronts, ratings: Ratings) -> None:
        self.index, self.cards, self.storefronts, self.ratings = index, cards, storefronts, ratings

    async def live_products(self) -> int:
        """How many products the live index holds: what a progress bar can expect the rebuild to copy."""
        return (await self.index.search_products(ProductQuery(limit=1))).total

    async def __call__(self, products: Progress | None = None, sellers: Progress | None = None) -> Rebuilt:
        async with self.index.rebuild() as build:
            written_products = await build.put_products(self._products(), products)
            written_sellers = await build.put_sellers(self._sellers(), sellers)
        return Rebuilt(written_products, written_sellers)

    async def _products(self) -> AsyncIterator[ProductDocument]:
        page = PageRequest(MAX_LIMIT)
        while True:
            found = await self.cards.published(page)
            rated = await self.ratings.of_products([card.product_id for card in found.items]) if found.items else {}
            for card in found.items:
                summary = rated.get(card.product_id)
                if summary is None:
                    yield indexed(index_command(card))
                else:
                    yield indexed(index_command(card), summary.average, summary.count)
            if found.next_cursor is None:
                return
            page = PageRequest(MAX_LIMIT, found.next_cursor)

    async def _sellers(self) -> AsyncIterator[SellerDocument]:
        async for storefront in every_item(self.storefronts.storefronts):
            yield seller_document(storefront)


def index_command(card: PublishedCard) -> IndexProduct:
    return IndexProduct(
        product_id=card.product_id,
        seller_id=card.seller_id,
        revision=card.revision,
        title=card.title,
        description=card.description,
        brand=card.brand,
        attributes=tuple(Attribute(name, kind, value) for name, kind, value in card.attributes),
        category_id=card.category_id,
        category_path=card.category_path,
        price=card.price,
        available=card.available,
        image_urls=card.image_urls,
        published_at=card.published_at,
    )


def seller_document(storefront: Storefront) -> SellerDocument:
    return SellerDocument(
        storefront.seller_id, storefront.display_name, storefront.description, storefront.logo_url, storefront.listed
    )


# --- queries -------------------------------------------------------------------------------------------

T = TypeVar("T")
NO_TERMS: tuple[Term, ...] = ()


def _collect(v: Validation, check: Callable[[], T], otherwise: T) -> T:
    """``check()``, or ``otherwise`` with its field errors added to ``v`` (so every bad field is named)."""
    try:
        return check()
    except ValidationFailed as exc:
        v.errors.extend(exc.errors)
        return otherwise


def _product_position(command: FindProducts) -> Position | None:
    raw = command.page.after()
    return position_from_cursor(command.sort, raw) if raw is not None else None


def _seller_position(command: FindSellers) -> Position | None:
    raw = command.page.after()
    return seller_position_from_cursor(raw) if raw is not None else None


def product_query(command: FindProducts) -> ProductQuery:
    """The validated, analysed query; ValidationFailed names every bad field at once."""
    v = Validation()
    terms = _collect(v, lambda: check_query_text(command.text), NO_TERMS)
    v.check(len(command.brands) <= MAX_BRANDS, "brand", f"must name at most {MAX_BRANDS} brands")
    brands = frozenset(fold(" ".join(b.split())) for b in command.brands)
    v.check(all(0 < len(b) <= MAX_BRAND_CHARS for b in brands), "brand", f"must be 1 to {MAX_BRAND_CHARS} characters")
    for field, value in (("category_id", command.category_id), ("seller_id", command.seller_id)):
        v.check(value is None or 0 < len(value) <= MAX_ID_CHARS, field, f"must be 1 to {MAX_ID_CHARS} characters")
    currency = command.currency.upper() if command.currency is not None else None
    v.check(currency is None or currency in CURRENCIES, "currency", "must be an ISO 4217 code the shop trades in")
    bounded = command.price_min is not None or command.price_max is not None
    v.check(currency is not None or not bounded, "currency", "is needed to filter by price_min or price_max")
    for field, bound in (("price_min", command.price_min), ("price_max", command.price_max)):
        v.check(bound is None or bound >= 0, field, "must not be negative")
    if command.price_min is not None and command.price_max is not None:
        v.check(command.price_min <= command.price_max, "price_max", "must not be less than price_min")
    if command.min_rating is not None:
        v.check(0 <= command.min_rating <= MAX_RATING, "min_rating", f"must be between 0 and {MAX_RATING}")
    after = _collect(v, lambda: _product_position(command), None)
    v.raise_if_any()
    price = PriceRange(currency, command.price_min, command.price_max) if bounded and currency else None
    filters = ProductFilters(
        category_id=command.category_id or None,
        brands=brands,
        price=price,
        min_rating=command.min_rating or None,
        in_stock=command.in_stock,
        seller_id=command.seller_id or None,
    )
    return ProductQuery(terms, filters, command.sort, command.page.limit, after, currency)


def hit_view(hit: ProductHit) -> ProductHitView:
    d = hit.document
    return ProductHitView(
        id=d.product_id,
        title=d.title,
        brand=d.brand,
        price=d.price,
        available=d.available,
        in_stock=d.in_stock,
        image_url=d.image_url,
        rating=d.rating,
        review_count=d.review_count,
        seller_id=d.seller_id,
        category_id=d.category_id,
        score=round(hit.score, 6),
    )


class SearchProducts:
    """Full text, filters, facets, sort and pages over the published products.

    An index may answer a query it answered before, with nothing written since, with the very same
    results (the memory index does); the view made of them is kept beside them, so a popular query asked
    again builds nothing. A view is kept only with the results it was made of: any other results, and it
    is made anew.
    """

    VIEWS = 256

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self._views: dict[ProductQuery, tuple[ProductResults, ProductSearchView]] = {}

    async def __call__(self, command: FindProducts) -> ProductSearchView:
        query = product_query(command)
        results = await self.index.search_products(query)
        kept = self._views.get(query)
        if kept is not None and kept[0] is results:
            return kept[1]
        view = self._view(query, results)
        self._views[query] = (results, view)
        if len(self._views) > self.VIEWS:
            del self._views[next(iter(self._views))]
        return view

    @staticmethod
    def _view(query: ProductQuery, results: ProductResults) -> ProductSearchView:
        next_cursor = None
        if results.more and results.hits:
            last = results.hits[-1]
            next_cursor = encode_cursor(cursor_key(query.sort, position_of(query.sort, last.document, last.score)))
        f = results.facets
        facets = FacetsView(
            category=[CategoryFacet(c.category_id, c.count) for c in f.categories],
            brand=[BrandFacet(b.brand, b.count) for b in f.brands],
            price=[PriceFacet(p.lower, p.upper, p.count) for p in f.prices],
            price_currency=f.price_currency,
        )
        return ProductSearchView([hit_view(h) for h in results.hits], results.total, facets, next_cursor)


class SuggestCompletions:
    """Completions of what a customer is typing: brands and product titles, the most popular first."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    async def __call__(self, command: Suggest) -> list[SuggestionView]:
        v = Validation()
        terms = _collect(v, lambda: check_query_text(command.text), NO_TERMS)
        v.check(1 <= command.limit <= MAX_SUGGESTIONS, "limit", f"must be between 1 and {MAX_SUGGESTIONS}")
        v.raise_if_any()
        if not terms:
            return []
        found = await self.index.suggest(SuggestQuery(terms, command.limit))
        return [SuggestionView(s.text, s.kind) for s in found[: command.limit]]


class SearchSellers:
    """Storefronts by name; with no text, every listed storefront by name."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    async def __call__(self, command: FindSellers) -> SellerSearchView:
        v = Validation()
        terms = _collect(v, lambda: check_query_text(command.text), NO_TERMS)
        after = _collect(v, lambda: _seller_position(command), None)
        v.raise_if_any()
        results = await self.index.search_sellers(SellerQuery(terms, command.page.limit, after))
        next_cursor = None
        if results.more and results.hits:
            last = results.hits[-1]
            position = seller_position(last.document, last.score)
            next_cursor = encode_cursor(["sellers", *position.values, position.id])
        items = [
            SellerHitView(
                h.document.seller_id,
                h.document.display_name,
                h.document.description,
                h.document.logo_url,
                round(h.score, 6),
            )
            for h in results.hits
        ]
        return SellerSearchView(items, next_cursor)
