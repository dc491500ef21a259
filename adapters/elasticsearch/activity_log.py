"""The ``ActivityLog`` on Elasticsearch: one index, ``<prefix>-activity``, one document per action id.

The index is made on first use when missing. A recording waits for a refresh (``refresh=wait_for``), so a
read that starts after it returned sees it; the index's refresh interval bounds how long that takes. It
only creates documents (``create``): an action id already kept stays as it is, so a redelivered action
neither doubles nor undoes a reassignment.

Reassigning and erasing take every document of the actor, a batch at a time, and update or delete them in
one ``_bulk`` request each, refreshed before the next batch is looked for, until none is left. No
``update_by_query``/``delete_by_query``: those come with the reindex module (and the script with painless),
which the integ-test-zip the tests run on lacks, and ids in bulk do the same on any cluster.

``occurred_at`` is a ``date_nanos``: it keeps an action's microseconds, so the order (newest first, then by
the greatest id) is the memory log's even within one millisecond. The document keeps the query as given,
and its folded text (``query_key``, ``search_key``) is what top searches count by.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from elasticsearch import AsyncElasticsearch, BadRequestError

from adapters.elasticsearch.bulk import ItemFailed
from adapters.elasticsearch.client import BUSY_STATUSES, create_client, unavailable_when_down
from adapters.elasticsearch.lifecycle import REFRESH_INTERVAL
from adapters.elasticsearch.mapping import index_settings
from core.activity.model import Action, ActionKind, SearchCount, search_key
from core.shared.errors import Unavailable
from core.shared.pagination import Page, PageRequest, moment_after, moment_key, page_of

log = logging.getLogger(__name__)

BULK_CHUNK = 500  # actions per bulk request of a recording
BATCH = 1000  # documents a reassignment or an erasure updates or deletes per round
# Top searches without results are picked from this many of the most made texts at least (the aggregation
# cannot filter its buckets on a sub-aggregation without a script): past them, fewer than ``limit`` come back.
WITHOUT_RESULTS_SCAN = 1000
NEWEST_FIRST: list[dict[str, Any]] = [{"occurred_at": "desc"}, {"action_id": "desc"}]

_KEYWORD: dict[str, Any] = {"type": "keyword"}
_KEPT: dict[str, Any] = {"type": "keyword", "index": False, "doc_values": False}  # in the source alone

MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "action_id": _KEYWORD,  # the document's _id too; _id itself cannot be sorted on
        "actor": _KEYWORD,
        "kind": _KEYWORD,
        "occurred_at": {"type": "date_nanos"},
        "product_id": _KEYWORD,
        "category_path": _KEYWORD,
        "brand": _KEYWORD,
        "quantity": {"type": "integer"},
        "rating": {"type": "byte"},
        "query": _KEPT,  # as the shopper typed it
        "query_key": _KEYWORD,  # folded: what top searches count by
        "filters": {"type": "nested", "properties": {"name": _KEYWORD, "value": _KEYWORD}},
        "results": {"type": "integer"},
    },
}


def action_source(action: Action) -> dict[str, Any]:
    return {
        "action_id": action.action_id,
        "actor": action.actor,
        "kind": action.kind.value,
        "occurred_at": action.occurred_at.isoformat(),  # with its offset: read back as it was
        "product_id": action.product_id,
        "category_path": list(action.category_path),
        "brand": action.brand,
        "quantity": action.quantity,
        "rating": action.rating,
        "query": action.query,
        "query_key": search_key(action.query) if action.query is not None else None,
        "filters": [{"name": name, "value": value} for name, value in action.filters],
        "results": action.results,
    }


def action_from(source: dict[str, Any]) -> Action:
    return Action(
        action_id=source["action_id"],
        actor=source["actor"],
        kind=ActionKind(source["kind"]),
        occurred_at=datetime.fromisoformat(source["occurred_at"]),
        product_id=source.get("product_id"),
        category_path=tuple(source.get("category_path") or ()),
        brand=source.get("brand") or "",
        quantity=source.get("quantity"),
        rating=source.get("rating"),
        query=source.get("query"),
        filters=tuple((f["name"], f["value"]) for f in source.get("filters") or ()),
        results=source.get("results"),
    )


def _refused(answer: dict[str, Any], allowed: frozenset[int]) -> None:
    """Raise for the first item of a bulk answer that failed otherwise than with an ``allowed`` status."""
    if not answer.get("errors"):
        return
    for entry in answer["items"]:
        item = next(iter(entry.values()))
        status = int(item.get("status", 500))
        if status < 300 or status in allowed:
            continue
        if status in BUSY_STATUSES:
            raise Unavailable(f"Elasticsearch is busy: {status} {item.get('error')}")
        raise ItemFailed(item)


class ElasticsearchActivityLog:
    def __init__(
        self,
        client: AsyncElasticsearch,
        prefix: str,
        *,
        shards: int = 1,
        replicas: int = 0,
        refresh_interval: str = REFRESH_INTERVAL,
        translog_durability: str = "request",
        wait_for_refresh: bool = False,
    ) -> None:
        self.client = client
        # Whether ``record`` returns only once its actions are visible to searches (``refresh=wait_for``).
        # Off by default: the activity worker records one event at a time, and waiting for a refresh each
        # time would make each write three times slower; the log is then up to date within a refresh
        # interval, or at once after ``refresh_if_written`` (what the tests' settling does).
        self._refresh: str | bool = "wait_for" if wait_for_refresh else False
        self._written = False  # actions recorded since the last refresh this log asked for
        self.index = f"{prefix}-activity"
        self.settings = index_settings(
            "basic",
            shards=shards,
            replicas=replicas,
            refresh_interval=refresh_interval,
            translog_durability=translog_durability,
        )
        self._ready = False
        self._preparing = asyncio.Lock()

    @classmethod
    def at(cls, url: str, prefix: str, *, timeout_seconds: float = 10.0, **layout: Any) -> ElasticsearchActivityLog:
        return cls(create_client(url, timeout_seconds), prefix, **layout)

    async def close(self) -> None:
        await self.client.close()

    # --- lifecycle ------------------------------------------------------------------------------------

    async def ensure_index(self) -> None:
        """Make the index when there is none. Safe to call from several processes at once."""
        async with self._preparing:
            if self._ready:
                return
            with unavailable_when_down("preparing the activity log"):
                try:
                    await self.client.indices.create(index=self.index, settings=self.settings, mappings=MAPPINGS)
                    log.info("created the activity index %s", self.index)
                except BadRequestError as error:
                    if error.error != "resource_already_exists_exception":
                        raise
            self._ready = True

    async def _prepared(self) -> None:
        if not self._ready:
            await self.ensure_index()

    async def _visible(self) -> None:
        """Make every action recorded so far, by any process, searchable: a reassignment or an erasure
        finds them all."""
        await self._prepared()
        with unavailable_when_down("refreshing the activity log"):
            await self.client.indices.refresh(index=self.index)
        self._written = False

    async def refresh_if_written(self) -> None:
        """Make what this log recorded since its last refresh searchable now (tests read what they did)."""
        if self._written:
            await self._visible()

    async def delete_index(self) -> None:
        """Delete the index and every action in it (tests; a shop taken down)."""
        with unavailable_when_down("deleting the activity log"):
            await self.client.options(ignore_status=404).indices.delete(index=self.index)
        self._ready = False

    async def check(self, timeout_seconds: float = 2.0) -> None:
        """Return when the cluster answers and can serve the index; raise ``Unavailable`` when not."""
        with unavailable_when_down("health check"):
            health = await self.client.options(request_timeout=timeout_seconds).cluster.health()
        if health["status"] == "red":
            raise Unavailable("Elasticsearch's cluster is red: some indexes have no copy to serve")

    # --- writes ---------------------------------------------------------------------------------------

    async def record(self, actions: Sequence[Action]) -> None:
        if not actions:
            return
        await self._prepared()
        for start in range(0, len(actions), BULK_CHUNK):
            operations: list[dict[str, Any]] = []
            for action in actions[start : start + BULK_CHUNK]:
                operations.append({"create": {"_index": self.index, "_id": action.action_id}})
                operations.append(action_source(action))
            with unavailable_when_down("recording activity"):
                answer = await self.client.bulk(operations=operations, refresh=self._refresh)
            self._written = not self._refresh
            _refused(answer.body, frozenset({409}))  # 409: kept already

    async def reassign(self, from_actor: str, to_actor: str) -> None:
        if from_actor == to_actor:
            return  # nothing would change, and the documents would be found again and again
        await self._visible()
        change = {"doc": {"actor": to_actor}}
        while ids := await self._ids_of(from_actor, "reassigning activity"):
            operations: list[dict[str, Any]] = []
            for doc_id in ids:
                operations.append({"update": {"_index": self.index, "_id": doc_id, "retry_on_conflict": 3}})
                operations.append(change)
            with unavailable_when_down("reassigning activity"):
                answer = await self.client.bulk(operations=operations, refresh=True)
            _refused(answer.body, frozenset({404}))  # 404: erased meanwhile

    async def erase(self, actor: str) -> None:
        await self._visible()
        while ids := await self._ids_of(actor, "erasing activity"):
            operations = [{"delete": {"_index": self.index, "_id": doc_id}} for doc_id in ids]
            with unavailable_when_down("erasing activity"):
                answer = await self.client.bulk(operations=operations, refresh=True)
            _refused(answer.body, frozenset({404}))

    async def _ids_of(self, actor: str, doing: str) -> list[str]:
        """The ids of a batch of the actor's documents (the ones a previous batch changed are gone from
        the actor's, each batch being refreshed)."""
        with unavailable_when_down(doing):
            found = await self.client.search(
                index=self.index, query={"term": {"actor": actor}}, size=BATCH, source=False, track_total_hits=False
            )
        return [hit["_id"] for hit in found["hits"]["hits"]]

    # --- reads ----------------------------------------------------------------------------------------

    async def of_actor(self, actor: str, kinds: Sequence[ActionKind], page: PageRequest) -> Page[Action]:
        after = moment_after(page)
        await self._prepared()
        filters: list[dict[str, Any]] = [{"term": {"actor": actor}}]
        if kinds:
            filters.append({"terms": {"kind": [kind.value for kind in kinds]}})
        request: dict[str, Any] = {
            "query": {"bool": {"filter": filters}},
            "sort": NEWEST_FIRST,
            "size": page.limit + 1,
            "track_total_hits": False,
        }
        if after is not None:
            moment, action_id = after
            request["search_after"] = [moment.astimezone(UTC).isoformat(), action_id]
        with unavailable_when_down("reading activity"):
            found = await self.client.search(index=self.index, body=request)
        actions = [action_from(hit["_source"]) for hit in found["hits"]["hits"]]
        return page_of(actions, page, lambda a: moment_key(a.occurred_at, a.action_id))

    async def top_searches(self, since: datetime, without_results: bool, limit: int) -> list[SearchCount]:
        if limit <= 0:
            return []
        await self._prepared()
        request: dict[str, Any] = {
            "size": 0,
            "track_total_hits": False,
            "query": {
                "bool": {
                    "filter": [
                        {"term": {"kind": ActionKind.SEARCHED.value}},
                        {"range": {"occurred_at": {"gte": since.astimezone(UTC).isoformat()}}},
                    ]
                }
            },
            "aggs": {
                "texts": {
                    "terms": {
                        "field": "query_key",
                        "size": max(limit, WITHOUT_RESULTS_SCAN) if without_results else limit,
                        "order": [{"_count": "desc"}, {"_key": "asc"}],
                    },
                    "aggs": {"latest": {"top_hits": {"size": 1, "sort": NEWEST_FIRST, "_source": ["results"]}}},
                }
            },
        }
        with unavailable_when_down("counting searches"):
            found = await self.client.search(index=self.index, body=request)
        counts = [
            SearchCount(
                bucket["key"],
                bucket["doc_count"],
                bucket["latest"]["hits"]["hits"][0]["_source"].get("results") or 0,
            )
            for bucket in found["aggregations"]["texts"]["buckets"]
        ]
        if without_results:
            counts = [count for count in counts if count.results == 0]
        return counts[:limit]
