"""What the search context needs: an index of product and seller documents that answers queries.

The in-memory adapter and the Elasticsearch adapter (two indexes, products and sellers) serve the same
contract (tests/contract/test_search_index.py). The queries arrive analysed (``core.search.text``: folded
words, the last one a prefix) and validated; positions are the sort values of the last hit seen
(Elasticsearch's ``search_after``).

A write is visible to every search that starts after it returned (Elasticsearch: ``refresh=wait_for``),
so a change shows as soon as its event was handled.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

if TYPE_CHECKING:
    from core.search.model import (
        ProductDocument,
        ProductQuery,
        ProductResults,
        SellerDocument,
        SellerQuery,
        SellerResults,
        Suggestion,
        SuggestQuery,
    )


Progress = Callable[[int], None]  # called with the number of documents handled so far


class IndexRebuild(Protocol):
    """A new copy of the index, filled in bulk and then swapped in for the live one, with no downtime:
    searches read the live copy until the swap. Every write made to the index meanwhile (by the
    consumers) goes to the new copy too and wins over the bulk load: a document put or removed meanwhile
    stays as that write left it, so a rebuild loses no change made while it ran.

    ``async with index.rebuild() as build: await build.put_products(...); await build.put_sellers(...)``:
    leaving the block without an error swaps the copies; an error drops the new one and changes nothing.
    """

    async def put_products(
        self, documents: Iterable[ProductDocument] | AsyncIterable[ProductDocument], progress: Progress | None = None
    ) -> int:
        """Add the documents to the new copy; how many were written (not those a write meanwhile kept)."""
        ...

    async def put_sellers(
        self, documents: Iterable[SellerDocument] | AsyncIterable[SellerDocument], progress: Progress | None = None
    ) -> int: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


class SearchIndex(Protocol):
    def rebuild(self) -> IndexRebuild:
        """A new copy of the whole index, to fill and swap in (``marketplace reindex``)."""
        ...

    async def put_product(self, document: ProductDocument) -> None:
        """Index the document, replacing the one of the same product id."""
        ...

    async def product(self, product_id: str) -> ProductDocument | None: ...

    async def remove_product(self, product_id: str) -> None:
        """Forget the product; nothing happens when it is not indexed."""
        ...

    async def set_available(self, product_id: str, available: int) -> bool:
        """Change the units available of an indexed product; False (and nothing indexed) when it is not."""
        ...

    async def set_rating(self, product_id: str, rating: float, review_count: int) -> bool:
        """Change the rating (mean stars) and the number of reviews of an indexed product, which its
        rating filter, its rating sort and its title's suggestion weight follow; False (and nothing
        indexed) when it is not indexed."""
        ...

    async def search_products(self, query: ProductQuery) -> ProductResults:
        """Products matching every term (in any full-text field) and every filter, in the query's sort
        order, from just after ``query.after``; at most ``query.limit`` hits. ``total`` counts every
        match; the facets count the matches of the terms and of every filter but the facet's own.

        Relevance is BM25 per field, weighted by ``FIELD_BOOSTS`` and summed over fields and terms; a
        prefix term scores by the words it starts (at most ``PREFIX_EXPANSIONS`` of them: the memory index
        takes the best-scoring one, Elasticsearch sums them within a field). Ties break by the sort's next
        value, then by id ascending.
        """
        ...

    async def suggest(self, query: SuggestQuery) -> list[Suggestion]:
        """Brands and titles whose words match the terms (the last one as a prefix), most weight first,
        then the shorter, then alphabetically; one suggestion per text (case and accents aside)."""
        ...

    async def put_seller(self, document: SellerDocument) -> None:
        """Index the storefront, replacing the one of the same seller id."""
        ...

    async def seller(self, seller_id: str) -> SellerDocument | None: ...

    async def search_sellers(self, query: SellerQuery) -> SellerResults:
        """Listed sellers whose display name matches every term (BM25), best first, then by folded
        name, then by id; from just after ``query.after``; at most ``query.limit`` hits."""
        ...
