"""The consumers' inbox: which event ids each consumer group has already handled."""

from __future__ import annotations

import asyncpg

from adapters.postgres.pool import unavailable_on_failure


class PostgresInbox:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def seen(self, group: str, event_id: str) -> bool:
        with unavailable_on_failure("the inbox is unavailable"):
            found = await self._pool.fetchval(
                "SELECT true FROM inbox WHERE consumer_group = $1 AND event_id = $2", group, event_id
            )
        return bool(found)

    async def remember(self, group: str, event_id: str) -> None:
        with unavailable_on_failure("the inbox is unavailable"):
            await self._pool.execute(
                "INSERT INTO inbox (consumer_group, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                group,
                event_id,
            )
