"""The one way a row with a ``version`` column changes (optimistic locking).

A repository describes its table once: the columns a change may write. ``save`` writes them, by name,
to the row that still holds the version the aggregate was read at, bumps the version by one and returns
it; when someone else changed the row first (or it is gone), it raises ``ChangedMeanwhile`` and writes
nothing. Two units of work that read the same version and both save: the second waits for the first's
row lock, then finds the version moved on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.shared.errors import ChangedMeanwhile


class VersionedRows:
    def __init__(self, table: str, what: str, changing: Sequence[str], key: str = "id") -> None:
        """``what`` names one row in the error ("order": "this order was changed meanwhile")."""
        self.what, self.key, self.changing = what, key, tuple(changing)
        assignments = ", ".join(f"{column} = ${n}" for n, column in enumerate(self.changing, start=2))
        self.statement = (
            f"UPDATE {table} SET {assignments}, version = version + 1 "  # noqa: S608 - constant names only
            f"WHERE {key} = $1 AND version = ${len(self.changing) + 2} RETURNING version"
        )

    async def save(self, conn: Any, row: Mapping[str, Any], version: int) -> int:
        """Write ``row``'s changing columns to the row of its key read at ``version``; the new version."""
        values = [row[column] for column in self.changing]
        saved: int | None = await conn.fetchval(self.statement, row[self.key], *values, version)
        if saved is None:
            raise ChangedMeanwhile(self.what)
        return saved
