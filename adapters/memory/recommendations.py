"""In-memory adapters of the recommendations ports: personal lists and their build queue (behaving as
``adapters.postgres.recommendations``), and the base feed (as ``adapters.redis.base_feed``).

PostgreSQL makes a second writer of a build wait for the first (and a second ``take`` skip the builds
another one is leasing); the memory store cannot wait: a unit of work that changed a build checks at commit
that nobody committed a change of it meanwhile, and refuses (``ChangedMeanwhile``) rather than lose that
change. In one process a take and its commit run without an await between them, so it never happens
there.

Every ``mark`` moves ``marked_at`` forward, to ``now`` or a microsecond past the previous mark when the
clock says otherwise: ``done`` then always tells a mark made after the take, whatever the clocks did.
"""

from __future__ import annotations

import builtins
from datetime import datetime, timedelta

import attrs

from adapters.memory.store import MemoryTable, MemoryTransaction
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.tracking import SeenAggregates
from core.recommendations.model import BaseFeed, Build, FeedKind, FeedList, PersonalList
from core.shared.errors import ChangedMeanwhile
from ports.recommendations import BuildQueue, PersonalListRepository
from ports.shared import EventPublisher

# As the ``builds.last_error`` column keeps it: the start of the message is enough to tell the failure.
ERROR_LENGTH = 500
_TICK = timedelta(microseconds=1)


class RecommendationsTables:
    def __init__(self) -> None:
        self.lists = MemoryTable("personal_lists")
        self.builds = MemoryTable("builds")


@attrs.frozen
class _Queued:
    """A row of the build queue: the build, and until when a builder holds it (None: nobody)."""

    build: Build
    leased_until: datetime | None = None


class MemoryPersonalListRepository:
    def __init__(self, tables: RecommendationsTables, tx: MemoryTransaction, seen: SeenAggregates) -> None:
        self.table, self.tx, self.seen = tables.lists, tx, seen

    async def get(self, user_id: str) -> PersonalList | None:
        personal: PersonalList | None = self.tx.get(self.table, user_id)
        if personal is not None:
            self.seen.add(personal)
        return personal

    async def put(self, personal: PersonalList) -> None:
        self.tx.put(self.table, personal.user_id, personal)
        self.seen.add(personal)  # its RecommendationsRefreshed goes out with the commit

    async def drop(self, user_id: str) -> None:
        self.tx.delete(self.table, user_id)

    async def built_before(self, moment: datetime, limit: int) -> list[str]:
        stale: list[PersonalList] = list(self.tx.scan(self.table, where=lambda p: p.built_at < moment))
        stale.sort(key=lambda p: (p.built_at, p.user_id))
        return [p.user_id for p in stale[:limit]]


class MemoryBuildQueue:
    def __init__(self, tables: RecommendationsTables, tx: MemoryTransaction) -> None:
        self.table, self.tx = tables.builds, tx

    def _write(self, user_id: str, row: _Queued | None) -> None:
        """Stage ``row`` (None: delete it), refusing the commit if the build changed meanwhile."""
        read = self.table.rows.get(user_id)

        def unchanged() -> None:
            if self.table.rows.get(user_id) != read:
                raise ChangedMeanwhile("build")

        self.tx.check_at_commit(unchanged)
        if row is None:
            self.tx.delete(self.table, user_id)
        else:
            self.tx.put(self.table, user_id, row)

    async def mark(self, user_id: str, due_at: datetime, now: datetime) -> None:
        row: _Queued | None = self.tx.get(self.table, user_id)
        if row is None:
            self._write(user_id, _Queued(Build(user_id, due_at, now)))
            return
        build = row.build
        # A failed build keeps its backoff; any other keeps the earlier of the two due times.
        due_at = min(build.due_at, due_at) if build.attempts == 0 else build.due_at
        marked_at = max(now, build.marked_at + _TICK)
        self._write(user_id, attrs.evolve(row, build=attrs.evolve(build, due_at=due_at, marked_at=marked_at)))

    async def take(self, now: datetime, failed: bool, lease_until: datetime, limit: int) -> builtins.list[Build]:
        def takeable(row: _Queued) -> bool:
            return (
                row.build.due_at <= now
                and (row.leased_until is None or row.leased_until <= now)
                and (row.build.attempts > 0) == failed
            )

        due: list[_Queued] = list(self.tx.scan(self.table, where=takeable))
        due.sort(key=lambda r: (r.build.due_at, r.build.user_id))
        taken = [r.build for r in due[:limit]]
        for build in taken:
            self._write(build.user_id, _Queued(build, lease_until))
        return taken

    async def done(self, build: Build) -> bool:
        row: _Queued | None = self.tx.get(self.table, build.user_id)
        if row is None:
            return True
        if row.build.marked_at <= build.marked_at:
            self._write(build.user_id, None)
            return True
        # Marked again while it was built: it is built again, by the regular builder (this build worked).
        self._write(build.user_id, _Queued(attrs.evolve(row.build, attempts=0, last_error="")))
        return False

    async def failed(self, build: Build, error: str, retry_at: datetime) -> None:
        row: _Queued | None = self.tx.get(self.table, build.user_id)
        if row is None:  # forgotten meanwhile: nothing to retry
            return
        retried = attrs.evolve(
            row.build, attempts=row.build.attempts + 1, last_error=error[:ERROR_LENGTH], due_at=retry_at
        )
        self._write(build.user_id, _Queued(retried))

    async def get(self, user_id: str) -> Build | None:
        row: _Queued | None = self.tx.get(self.table, user_id)
        return None if row is None else row.build

    async def forget(self, user_id: str) -> None:
        if self.tx.get(self.table, user_id) is not None:
            self._write(user_id, None)


class MemoryRecommendationsUnitOfWork(MemoryUnitOfWork):
    # Typed as the ports: the unit of work then satisfies ``RecommendationsUnitOfWork``.
    lists: PersonalListRepository
    builds: BuildQueue

    def __init__(self, tables: RecommendationsTables, publisher: EventPublisher) -> None:
        super().__init__(publisher)
        self.tables = tables
        self._open()

    def _open(self) -> None:
        self.lists = MemoryPersonalListRepository(self.tables, self.tx, self.seen)
        self.builds = MemoryBuildQueue(self.tables, self.tx)


class MemoryBaseFeedStore:
    """The feed's lists in one dict, replaced whole: a reader gets the old dict or the new one."""

    def __init__(self) -> None:
        self._lists: dict[tuple[FeedKind, str | None], FeedList] = {}

    async def replace(self, feed: BaseFeed) -> None:
        self._lists = {(f.kind, f.category_id): f for f in feed.lists}

    async def list(self, kind: FeedKind, category_id: str | None) -> FeedList | None:
        return self._lists.get((kind, category_id))
