"""The in-memory ``SearchIndex``: products and storefronts indexed in this process (memory profile).

The index is a read model fed by the search consumer, so a restart starts it empty and the events of the
day refill it (or ``marketplace reindex``). Every method runs to completion without awaiting, so a search
never sees half a write.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Iterable
from types import TracebackType
from typing import Self, TypeVar

from adapters.memory.search.products import ProductIndex
from adapters.memory.search.sellers import SellerIndex
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
from core.shared.streams import each
from ports.search import Progress

D = TypeVar("D", ProductDocument, SellerDocument)
PROGRESS_EVERY = 1000


class MemorySearchIndex:
    def __init__(self) -> None:
        self.products = ProductIndex()
        self.sellers = SellerIndex()
        self.building: MemoryRebuild | None = None

    def clear(self) -> None:
        """Forget every document (tests that share one process between scenarios start from empty)."""
        self.products = ProductIndex()
        self.sellers = SellerIndex()

    def rebuild(self) -> MemoryRebuild:
        return MemoryRebuild(self)

    async def put_product(self, document: ProductDocument) -> None:
        self.products.put(document)
        if self.building is not None:
            self.building.products.put(document)
            self.building.written.add(document.product_id)

    async def product(self, product_id: str) -> ProductDocument | None:
        return self.products.documents.get(product_id)

    async def remove_product(self, product_id: str) -> None:
        self.products.remove(product_id)
        if self.building is not None:
            self.building.products.remove(product_id)
            self.building.written.add(product_id)  # the bulk load must not bring it back

    async def set_available(self, product_id: str, available: int) -> bool:
        found = self.products.set_available(product_id, available)
        if found and self.building is not None:
            # Not copied yet: the live document (now changed) goes across, and the bulk load keeps it.
            self.building.products.put(self.products.documents[product_id])
            self.building.written.add(product_id)
        return found

    async def set_rating(self, product_id: str, rating: float, review_count: int) -> bool:
        found = self.products.set_rating(product_id, rating, review_count)
        if found and self.building is not None:
            # As for availability: the live document (now changed) goes across, and the bulk load keeps it.
            self.building.products.put(self.products.documents[product_id])
            self.building.written.add(product_id)
        return found

    async def search_products(self, query: ProductQuery) -> ProductResults:
        return self.products.search(query)

    async def suggest(self, query: SuggestQuery) -> list[Suggestion]:
        return self.products.suggest(query)

    async def put_seller(self, document: SellerDocument) -> None:
        self.sellers.put(document)
        if self.building is not None:
            self.building.sellers.put(document)
            self.building.written_sellers.add(document.seller_id)

    async def seller(self, seller_id: str) -> SellerDocument | None:
        return self.sellers.documents.get(seller_id)

    async def search_sellers(self, query: SellerQuery) -> SellerResults:
        return self.sellers.search(query)


class MemoryRebuild:
    """``ports.search.IndexRebuild``: new indexes filled beside the live ones, swapped in at the end."""

    def __init__(self, index: MemorySearchIndex) -> None:
        self.index = index
        self.products = ProductIndex()
        self.sellers = SellerIndex()
        self.written: set[str] = set()  # product ids a live write put or removed meanwhile: they win
        self.written_sellers: set[str] = set()

    async def put_products(
        self, documents: Iterable[ProductDocument] | AsyncIterable[ProductDocument], progress: Progress | None = None
    ) -> int:
        return await _fill(documents, lambda d: d.product_id, self.products.put, self.written, progress)

    async def put_sellers(
        self, documents: Iterable[SellerDocument] | AsyncIterable[SellerDocument], progress: Progress | None = None
    ) -> int:
        return await _fill(documents, lambda d: d.seller_id, self.sellers.put, self.written_sellers, progress)

    async def __aenter__(self) -> Self:
        self.index.building = self  # one rebuild at a time: a new one replaces one left unfinished
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.index.building is self:
            self.index.building = None
            if exc_type is None:
                self.index.products, self.index.sellers = self.products, self.sellers


async def _fill(
    documents: Iterable[D] | AsyncIterable[D],
    key: Callable[[D], str],
    put: Callable[[D], None],
    written_meanwhile: set[str],
    progress: Progress | None,
) -> int:
    """Put the documents but those a live write put or removed meanwhile; how many were put."""
    handled = written = 0
    async for document in each(documents):
        handled += 1
        if key(document) not in written_meanwhile:
            put(document)
            written += 1
        _report(progress, handled)
    _report(progress, handled, last=True)
    return written


def _report(progress: Progress | None, handled: int, *, last: bool = False) -> None:
    if progress is not None and handled and (handled % PROGRESS_EVERY == 0) != last:
        progress(handled)
