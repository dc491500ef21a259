"""The ``SearchIndex`` on Elasticsearch: products and storefronts in two indexes any process can share.

Queries are built in queries.py, the layout of the documents in mapping.py, and the versioned indexes behind
the aliases in lifecycle.py. The indexes are made on first use when missing (``ensure_indexes``).

Every write waits until a refresh makes it visible (``refresh=wait_for``), as the port promises; the refresh
interval of the live indexes (``REFRESH_INTERVAL``) bounds how long that takes. Writes to the live indexes
that arrive together go in one ``_bulk`` request (bulk.py), so the consumers' writes share their refreshes.
While a new version is being built (lifecycle.py), each write also goes to it, in a second request sent
alongside: with no build going on, that request finds no ``-building`` alias and is refused at once
(``require_alias``), which is ignored.

How it differs from the memory index, within the contract: scores are Lucene's (BM25 per field, with its
collection statistics, which count a replaced document until its segment is merged); a prefix term sums the
words it starts within a field (the memory index takes the best one) and expands to at most
``PREFIX_EXPANSIONS`` words per field, the first ones of the term dictionary (the memory index: the most
frequent ones).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from elasticsearch import AsyncElasticsearch, BadRequestError, NotFoundError

from adapters.elasticsearch.bulk import BulkWriter, Item, ItemFailed
from adapters.elasticsearch.client import create_client, error_type, unavailable_when_down
from adapters.elasticsearch.documents import (
    availability_change,
    product_from,
    product_source,
    rating_change,
    seller_from,
    seller_source,
    tombstone,
)
from adapters.elasticsearch.lifecycle import (
    REFRESH_INTERVAL,
    IndexFamily,
    IndexLayout,
    IndexRebuild,
    live_versions,
    next_version,
    versions,
)
from adapters.elasticsearch.mapping import MAPPING_VERSION, detect_analysis
from adapters.elasticsearch.queries import (
    product_results,
    product_search,
    seller_results,
    seller_search,
    suggest_search,
    suggestions,
)
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
from core.shared.errors import Unavailable

log = logging.getLogger(__name__)


def _no_such_index(error: BaseException) -> bool:
    return isinstance(error, NotFoundError) and error_type(error.body) == "index_not_found_exception"


def _no_such_document(error: BaseException) -> bool:
    """A 404 about the document (the index is there): ``get`` and ``delete`` say so with no error body."""
    return isinstance(error, NotFoundError) and error_type(error.body) in (None, "document_missing_exception")


class ElasticsearchSearchIndex:
    def __init__(
        self,
        client: AsyncElasticsearch,
        prefix: str,
        *,
        shards: int = 1,
        replicas: int = 0,
        refresh_interval: str = REFRESH_INTERVAL,
        translog_durability: str = "request",
        synonyms: tuple[str, ...] = (),
    ) -> None:
        self.client = client
        self.products = IndexFamily(prefix, "products")
        self.sellers = IndexFamily(prefix, "sellers")
        self.layout = IndexLayout(shards, replicas, refresh_interval, translog_durability, synonyms)
        self._stemmed = False  # the live product index has stemmed sub-fields (rich analysis)
        self._ready = False
        self._preparing = asyncio.Lock()
        self.live = BulkWriter(client)  # the writes to the live indexes, gathered

    @classmethod
    def at(cls, url: str, prefix: str, *, timeout_seconds: float = 10.0, **layout: Any) -> ElasticsearchSearchIndex:
        return cls(create_client(url, timeout_seconds), prefix, **layout)

    async def close(self) -> None:
        await self.live.close()
        await self.client.close()

    # --- lifecycle ------------------------------------------------------------------------------------

    async def ensure_indexes(self) -> None:
        """Make the first version of each index and its alias when there is none; read how the live
        indexes were analysed (and log it). Safe to call from several processes at once."""
        async with self._preparing:
            with unavailable_when_down("preparing the search indexes"):
                analysis = await detect_analysis(self.client)
                if analysis == "basic" and self.layout.synonyms:
                    log.warning("search synonyms ignored: the cluster lacks analysis-common (no synonym filter)")
                for family in (self.products, self.sellers):
                    found = await versions(self.client, family)
                    if live_versions(found, family):
                        continue
                    name = next_version(found, family)
                    try:
                        await self.client.indices.create(
                            index=name,
                            settings=self.layout.settings(analysis),
                            mappings=family.mappings(analysis, self.layout.synonyms),
                            aliases={family.alias: {}},
                        )
                        log.info("created the search index %s (alias %s, %s analysis)", name, family.alias, analysis)
                    except BadRequestError as error:
                        if error.error != "resource_already_exists_exception":  # made by another process meanwhile
                            raise
                await self._read_live(analysis)
            self._ready = True

    async def _read_live(self, available: str | None = None) -> None:
        mappings = await self.client.indices.get_mapping(index=f"{self.products.alias},{self.sellers.alias}")
        for name, entry in mappings.body.items():
            meta = entry["mappings"].get("_meta", {})
            if self.products.number(name) is not None:
                self._stemmed = meta.get("analysis") == "rich"
            log.info("search index %s: %s analysis, mapping %s", name, meta.get("analysis"), meta.get("mapping"))
            if meta.get("mapping") != MAPPING_VERSION:
                log.warning(
                    "%s was made with mapping %s, this code has %s: reindex", name, meta.get("mapping"), MAPPING_VERSION
                )
            elif available is not None and meta.get("analysis") != available:
                log.warning(
                    "%s has %s analysis, the cluster allows %s: a reindex switches",
                    name,
                    meta.get("analysis"),
                    available,
                )

    async def _prepared(self) -> None:
        if not self._ready:
            await self.ensure_indexes()

    def rebuild(self) -> IndexRebuild:
        """A new version of both indexes, to fill and swap in (see ``IndexRebuild``)."""
        return IndexRebuild(self.client, (self.products, self.sellers), self.layout, self._read_live)

    async def live_indexes(self) -> dict[str, list[str]]:
        """The versions the aliases point at, by alias (one each, but for a moment during a swap)."""
        with unavailable_when_down("reading the aliases"):
            return {f.alias: live_versions(await versions(self.client, f), f) for f in (self.products, self.sellers)}

    async def delete_indexes(self) -> None:
        """Delete every version of both indexes, live or being built (tests; a shop taken down)."""
        with unavailable_when_down("deleting the search indexes"):
            names = [name for f in (self.products, self.sellers) for name in await versions(self.client, f)]
            if names:
                await self.client.indices.delete(index=",".join(names))
        self._ready = False

    async def check(self, timeout_seconds: float = 2.0) -> None:
        """Return when the cluster answers and can serve the indexes; raise ``Unavailable`` when not."""
        with unavailable_when_down("health check"):
            health = await self.client.options(request_timeout=timeout_seconds).cluster.health()
        if health["status"] == "red":
            raise Unavailable("Elasticsearch's cluster is red: some indexes have no copy to serve")

    # --- writes ---------------------------------------------------------------------------------------

    async def _write(self, doing: str, live: Awaitable[Item], building: Awaitable[object]) -> Item | None:
        """Run the write to the live index and the one to the version being built side by side. The live
        one's bulk item, or None when it found no document."""
        with unavailable_when_down(doing):
            live_result, building_result = await asyncio.gather(live, building, return_exceptions=True)
            if isinstance(building_result, BaseException) and not _no_such_index(building_result):
                raise building_result  # a change the new version would miss: the event is handled again
            if isinstance(live_result, BaseException):
                raise live_result
            if live_result.get("status") != 404:
                return live_result
            if error_type(live_result) == "index_not_found_exception":  # the live index itself is gone
                raise ItemFailed(live_result)
            return None

    async def put_product(self, document: ProductDocument) -> None:
        await self._prepared()
        source = product_source(document)
        doc_id = document.product_id
        await self._write(
            "indexing a product",
            self.live.write({"index": {"_index": self.products.alias, "_id": doc_id, "require_alias": True}}, source),
            self.client.index(index=self.products.building, id=doc_id, document=source, require_alias=True),
        )

    async def remove_product(self, product_id: str) -> None:
        await self._prepared()
        await self._write(
            "removing a product",
            self.live.write({"delete": {"_index": self.products.alias, "_id": product_id}}),
            # In a version being built, a tombstone: the build's older copy must not bring the product back.
            self.client.index(
                index=self.products.building, id=product_id, document=tombstone(product_id), require_alias=True
            ),
        )

    async def set_available(self, product_id: str, available: int) -> bool:
        return await self._update_product("changing availability", product_id, availability_change(available))

    async def set_rating(self, product_id: str, rating: float, review_count: int) -> bool:
        return await self._update_product("changing ratings", product_id, rating_change(rating, review_count))

    async def _update_product(self, doing: str, product_id: str, change: dict[str, Any]) -> bool:
        """Merge ``change`` into the product's stored document (a partial update); False when there is none."""
        await self._prepared()
        building = self.products.building
        copy_needed = False

        async def building_update() -> object:
            nonlocal copy_needed
            try:
                return await self.client.update(index=building, id=product_id, doc=change, require_alias=True)
            except NotFoundError as error:
                if error_type(error.body) != "document_missing_exception":
                    raise
                copy_needed = True  # the build has not copied it yet: the live document goes there once updated
                return None

        updated = await self._write(
            doing,
            self.live.write(
                {"update": {"_index": self.products.alias, "_id": product_id, "_source": True}}, {"doc": change}
            ),
            building_update(),
        )
        if updated is None:
            return False
        if copy_needed:
            with unavailable_when_down(doing):
                try:
                    await self.client.index(
                        index=building, id=product_id, document=updated["get"]["_source"], require_alias=True
                    )
                except NotFoundError as error:
                    if not _no_such_index(error):  # the build finished meanwhile: nothing to copy to
                        raise
        return True

    async def put_seller(self, document: SellerDocument) -> None:
        await self._prepared()
        source = seller_source(document)
        await self._write(
            "indexing a storefront",
            self.live.write(
                {"index": {"_index": self.sellers.alias, "_id": document.seller_id, "require_alias": True}}, source
            ),
            self.client.index(index=self.sellers.building, id=document.seller_id, document=source, require_alias=True),
        )

    # --- reads ----------------------------------------------------------------------------------------

    async def _get(self, alias: str, doc_id: str) -> dict[str, Any] | None:
        await self._prepared()
        with unavailable_when_down("reading a document"):
            try:
                found = await self.client.get(index=alias, id=doc_id)
            except NotFoundError as error:
                if _no_such_document(error):
                    return None
                raise
        source: dict[str, Any] = found["_source"]
        return source

    async def product(self, product_id: str) -> ProductDocument | None:
        source = await self._get(self.products.alias, product_id)
        return product_from(source) if source is not None else None

    async def seller(self, seller_id: str) -> SellerDocument | None:
        source = await self._get(self.sellers.alias, seller_id)
        return seller_from(source) if source is not None else None

    async def search_products(self, query: ProductQuery) -> ProductResults:
        await self._prepared()
        with unavailable_when_down("searching products"):
            found = await self.client.search(index=self.products.alias, body=product_search(query, self._stemmed))
        return product_results(query, found.body)

    async def suggest(self, query: SuggestQuery) -> list[Suggestion]:
        await self._prepared()
        with unavailable_when_down("suggesting"):
            found = await self.client.search(index=self.products.alias, body=suggest_search(query))
        return suggestions(query, found.body)

    async def search_sellers(self, query: SellerQuery) -> SellerResults:
        await self._prepared()
        with unavailable_when_down("searching storefronts"):
            found = await self.client.search(index=self.sellers.alias, body=seller_search(query))
        return seller_results(query, found.body)


class ElasticsearchHealth:
    """Readiness: the cluster answers and is not red."""

    def __init__(self, name: str, index: ElasticsearchSearchIndex) -> None:
        self.name, self.index = name, index

    async def check(self) -> None:
        await self.index.check()
