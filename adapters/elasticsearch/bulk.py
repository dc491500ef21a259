"""Writes to the live indexes, gathered into ``_bulk`` requests: the consumers' bulk indexing.

Each write of the search index waits until a refresh makes it visible (``refresh=wait_for``). The search
consumer group handles many products at once (the partitions it holds, and the keys of each partition's
batch side by side), so its writes arrive together: instead of one request each, every write that arrives
while a bulk request is on its way goes into the next one, and the whole batch waits for one refresh. A
lone write is sent at once, as a bulk of one; a burst costs a request per refresh interval, not per write.

Each writer gets its own item's answer: a failure of one item fails only its writer (a 404 is the writer's
to read: a document that is not there), and a request that fails as a whole fails every writer in it.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from elasticsearch import AsyncElasticsearch

from adapters.elasticsearch.client import BUSY_STATUSES
from core.shared.errors import Unavailable

MAX_BATCH = 500  # writes per bulk request at most; more wait for the next one

Item = dict[str, Any]  # one item of a bulk answer: its status, and its error or its result


class ItemFailed(Exception):
    """One write of a bulk request was refused (not for being busy), with the item's error."""

    def __init__(self, item: Item) -> None:
        super().__init__(f"Elasticsearch refused a write: {item.get('status')} {item.get('error')}")
        self.item = item


class BulkWriter:
    def __init__(self, client: AsyncElasticsearch) -> None:
        self.client = client
        self._pending: list[tuple[list[dict[str, Any]], asyncio.Future[Item]]] = []
        self._sending: asyncio.Task[None] | None = None
        self.requests = 0  # bulk requests sent (tests and benchmarks read it)

    async def write(self, action: dict[str, Any], body: dict[str, Any] | None = None) -> Item:
        """Send one bulk action (``{"index": {...}}`` and its document, ``{"delete": {...}}``...) with the
        writes around it; its item once visible to searches. A 404 item is returned; a busy cluster raises
        ``Unavailable``; another refusal raises ``ItemFailed``."""
        done: asyncio.Future[Item] = asyncio.get_running_loop().create_future()
        self._pending.append(([action] if body is None else [action, body], done))
        if self._sending is None or self._sending.done():
            self._sending = asyncio.get_running_loop().create_task(self._send())
        item = await done
        status = int(item.get("status", 500))
        if status < 300 or status == 404:
            return item
        if status in BUSY_STATUSES:
            raise Unavailable(f"Elasticsearch is busy: {status} {item.get('error')}")
        raise ItemFailed(item)

    async def _send(self) -> None:
        while self._pending:
            await asyncio.sleep(0)  # the writers woken in this turn of the loop join the batch
            batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            operations = [line for lines, _ in batch for line in lines]
            try:
                self.requests += 1
                answer = await self.client.bulk(operations=operations, refresh="wait_for")
            except BaseException as error:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                if isinstance(error, asyncio.CancelledError):
                    raise
                continue
            for (_, done), item in zip(batch, answer["items"], strict=True):
                if not done.done():
                    done.set_result(next(iter(item.values())))

    async def close(self) -> None:
        if self._sending is not None and not self._sending.done():
            self._sending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sending
