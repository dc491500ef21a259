"""Versioned indexes behind aliases, and how a new version is built and takes over with no downtime.

Each kind of document (products, sellers) lives in ``<prefix>-<kind>-v<N>``; readers and writers use the
alias ``<prefix>-<kind>``, which points at one version. A rebuild (``marketplace reindex``) makes version
N+1 with refreshes off, fills it in bulk, then in one ``_aliases`` request points the alias at it: searches
never see an empty or half-built index. Version N, retired (no alias points at it), is kept until the next
rebuild starts: a search that resolved the alias just before the swap still finds its index, and version
N is there to point the alias back at by hand if N+1 turns out wrong.

While a version is being built, the alias ``<prefix>-<kind>-building`` points at it, and every write of the
search index (``ElasticsearchSearchIndex``, in any process) goes to it too: the changes made during the
build reach the new version. The bulk load only creates documents (``op_type=create``), so a change written
meanwhile is never overwritten by the older copy the build read; a product removed meanwhile leaves a
tombstone in the new version for the same reason, and the tombstones are deleted when it takes over.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable
from types import TracebackType
from typing import Any, Self

import attrs
from elasticsearch import AsyncElasticsearch
from elasticsearch.helpers import BulkIndexError, async_streaming_bulk

from adapters.elasticsearch.client import unavailable_when_down
from adapters.elasticsearch.documents import product_source, seller_source
from adapters.elasticsearch.mapping import Analysis, detect_analysis, index_settings, product_mappings, seller_mappings
from core.search.model import ProductDocument, SellerDocument
from core.shared.streams import each
from ports.search import Progress

log = logging.getLogger(__name__)

# How soon a write is visible (``refresh=wait_for`` waits for the next refresh, so it is also about how long a
# write takes): Elasticsearch's 1 s default would hold each event of the search consumer that long.
REFRESH_INTERVAL = "100ms"
BULK_CHUNK = 1000  # documents per bulk request of a build
BULK_RETRIES = 3  # of a chunk the cluster refused with 429 (too busy), with backoff


@attrs.frozen
class IndexFamily:
    """The names of one kind of document's indexes."""

    prefix: str
    kind: str  # "products" or "sellers"

    @property
    def alias(self) -> str:
        return f"{self.prefix}-{self.kind}"

    @property
    def building(self) -> str:
        return f"{self.alias}-building"

    def version(self, number: int) -> str:
        return f"{self.alias}-v{number}"

    def number(self, index: str) -> int | None:
        match = re.fullmatch(re.escape(self.alias) + r"-v(\d+)", index)
        return int(match.group(1)) if match else None

    def mappings(self, analysis: Analysis, synonyms: tuple[str, ...] = ()) -> dict[str, Any]:
        return product_mappings(analysis, bool(synonyms)) if self.kind == "products" else seller_mappings(analysis)


@attrs.frozen
class IndexLayout:
    """The shards and replicas of each version, and the refresh interval of the live one. Each write is
    fsynced before it is acknowledged (``translog_durability="request"``); tests, whose indexes are thrown
    away, may trade that for speed (``"async"``: fsync every 5 s)."""

    shards: int = 1
    replicas: int = 0
    refresh_interval: str = REFRESH_INTERVAL
    translog_durability: str = "request"
    synonyms: tuple[str, ...] = ()  # groups of words that mean the same ("phone, smartphone"): rich analysis

    def settings(self, analysis: Analysis, *, building: bool = False) -> dict[str, Any]:
        # A version being built has no replica and no refresh until it takes over: a bulk load goes faster.
        return index_settings(
            analysis,
            shards=self.shards,
            replicas=0 if building else self.replicas,
            refresh_interval="-1" if building else self.refresh_interval,
            translog_durability=self.translog_durability,
            synonyms=self.synonyms,
        )


async def versions(client: AsyncElasticsearch, family: IndexFamily) -> dict[str, set[str]]:
    """Every version of the family: its index name -> the aliases that point at it."""
    found = await client.indices.get_alias(index=f"{family.alias}-v*")
    return {
        name: set(entry.get("aliases", {})) for name, entry in found.body.items() if family.number(name) is not None
    }


def live_versions(found: dict[str, set[str]], family: IndexFamily) -> list[str]:
    return sorted(name for name, aliases in found.items() if family.alias in aliases)


def next_version(found: dict[str, set[str]], family: IndexFamily) -> str:
    return family.version(max((family.number(name) or 0 for name in found), default=0) + 1)


class IndexRebuild:
    """A new version of the product and seller indexes, filled in bulk, then swapped in for the live ones.

    ``async with index.rebuild() as build: await build.put_products(...); await build.put_sellers(...)``:
    leaving the block without an error swaps the aliases and retires the old versions (``finish``); an error
    deletes the new ones (``abandon``) and the live indexes stay as they were. One rebuild at a time: a
    new one drops a version left half-built by one that died.
    """

    def __init__(
        self,
        client: AsyncElasticsearch,
        families: Iterable[IndexFamily],
        layout: IndexLayout,
        swapped: Callable[[], Awaitable[None]],
    ) -> None:
        self.client, self.layout, self._swapped = client, layout, swapped
        self.families = {family.kind: family for family in families}
        self.indexes: dict[str, str] = {}  # kind -> the version being built
        self.replaced: list[str] = []  # the versions the last finish retired

    async def start(self) -> None:
        with unavailable_when_down("starting a rebuild"):
            analysis = await detect_analysis(self.client)
            for kind, family in self.families.items():
                found = await versions(self.client, family)
                stale = [name for name, aliases in found.items() if family.building in aliases]
                if stale:
                    log.warning("dropping %s, left half-built by an earlier rebuild", ", ".join(stale))
                retired = [name for name, aliases in found.items() if not aliases]
                if retired:
                    log.info("dropping %s, replaced by the last rebuild", ", ".join(retired))
                if stale or retired:
                    await self.client.indices.delete(index=",".join(stale + retired))
                name = next_version(found, family)
                await self.client.indices.create(
                    index=name,
                    settings=self.layout.settings(analysis, building=True),
                    mappings=family.mappings(analysis, self.layout.synonyms),
                    aliases={family.building: {}},
                )
                self.indexes[kind] = name
                log.info("building %s (%s analysis)", name, analysis)

    async def put_products(
        self, documents: Iterable[ProductDocument] | AsyncIterable[ProductDocument], progress: Progress | None = None
    ) -> int:
        """Add the documents to the new version; return how many were written (a product a write of the
        search index put or removed meanwhile keeps that write)."""

        async def sources() -> AsyncIterator[tuple[str, dict[str, Any]]]:
            async for document in each(documents):
                yield document.product_id, product_source(document)

        return await self._put("products", sources(), progress)

    async def put_sellers(
        self, documents: Iterable[SellerDocument] | AsyncIterable[SellerDocument], progress: Progress | None = None
    ) -> int:
        async def sources() -> AsyncIterator[tuple[str, dict[str, Any]]]:
            async for document in each(documents):
                yield document.seller_id, seller_source(document)

        return await self._put("sellers", sources(), progress)

    async def _put(
        self, kind: str, sources: AsyncIterator[tuple[str, dict[str, Any]]], progress: Progress | None
    ) -> int:
        index = self.indexes[kind]

        async def actions() -> AsyncIterator[dict[str, Any]]:
            async for doc_id, source in sources:
                yield {"_op_type": "create", "_index": index, "_id": doc_id, "_source": source}

        handled = written = 0
        with unavailable_when_down(f"filling {index}"):
            async for ok, item in async_streaming_bulk(
                self.client, actions(), chunk_size=BULK_CHUNK, max_retries=BULK_RETRIES, raise_on_error=False
            ):
                handled += 1
                if ok:
                    written += 1
                elif item.get("create", {}).get("status") != 409:  # 409: written meanwhile, and kept
                    raise BulkIndexError(f"a document could not be added to {index}", [item])
                if progress is not None and handled % BULK_CHUNK == 0:
                    progress(handled)
        if progress is not None and handled % BULK_CHUNK:
            progress(handled)
        return written

    async def finish(self) -> None:
        """Make the new versions live, in one atomic alias change; the ones they replace are retired (kept,
        with no alias, until the next rebuild starts)."""
        with unavailable_when_down("finishing a rebuild"):
            for index in self.indexes.values():
                await self.client.indices.put_settings(
                    index=index,
                    settings={
                        "refresh_interval": self.layout.refresh_interval,
                        "number_of_replicas": self.layout.replicas,
                    },
                )
                await self.client.indices.refresh(index=index)
            await self._drop_tombstones()
            actions: list[dict[str, Any]] = []
            old: list[str] = []
            for kind, index in self.indexes.items():
                family = self.families[kind]
                for name in live_versions(await versions(self.client, family), family):
                    if name != index:
                        old.append(name)
                        actions.append({"remove": {"index": name, "alias": family.alias}})
                actions.append({"add": {"index": index, "alias": family.alias}})
                actions.append({"remove": {"index": index, "alias": family.building}})
            await self.client.indices.update_aliases(actions=actions)
            # A removal between the first sweep and the swap left one more.
            await self._drop_tombstones()
        log.info("now live: %s (retired %s)", ", ".join(self.indexes.values()), ", ".join(old) or "nothing")
        self.replaced = old
        self.indexes = {}
        await self._swapped()

    async def _drop_tombstones(self) -> None:
        index = self.indexes.get("products")
        if index is None:
            return
        while True:
            found = await self.client.search(index=index, query={"term": {"removed": True}}, size=1000, source=False)
            ids = [hit["_id"] for hit in found["hits"]["hits"]]
            if not ids:
                return
            await self.client.bulk(operations=[{"delete": {"_index": index, "_id": i}} for i in ids], refresh=True)

    async def abandon(self) -> None:
        """Delete the versions being built; the live ones stay."""
        if not self.indexes:
            return
        names = ",".join(self.indexes.values())
        self.indexes = {}
        with unavailable_when_down("abandoning a rebuild"):
            await self.client.options(ignore_status=404).indices.delete(index=names)
        log.info("abandoned the rebuild of %s", names)

    async def __aenter__(self) -> Self:
        try:
            await self.start()
        except BaseException:
            await self.abandon()
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            await self.finish()
        else:
            await self.abandon()
