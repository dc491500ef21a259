"""An in-memory transactional store: the in-memory adapters keep their rows here.

Each unit of work reads through a ``MemoryTransaction`` that stages its writes; ``commit`` applies them
all at once (between two awaits, so atomically for asyncio). Rows are deep-copied in and out, so an
aggregate a use case holds never aliases a stored row: a rolled-back change leaves no trace, exactly
as with a database.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from core.shared.errors import ChangedMeanwhile

_DELETED = object()


class MemoryTable:
    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: dict[str, Any] = {}


class MemoryTransaction:
    def __init__(self) -> None:
        self._staged: dict[tuple[str, str], tuple[MemoryTable, Any]] = {}
        self._checks: list[Callable[[], None]] = []

    def get(self, table: MemoryTable, key: str) -> Any | None:
        row = self._row(table, key)
        return None if row is None else copy.deepcopy(row)

    def _row(self, table: MemoryTable, key: str) -> Any | None:
        """The row as this transaction sees it, not copied: only to read."""
        staged = self._staged.get((table.name, key))
        if staged is not None:
            return None if staged[1] is _DELETED else staged[1]
        return table.rows.get(key)

    def put(self, table: MemoryTable, key: str, value: Any) -> None:
        self._staged[(table.name, key)] = (table, _stored_copy(value))

    def delete(self, table: MemoryTable, key: str) -> None:
        self._staged[(table.name, key)] = (table, _DELETED)

    def scan(self, table: MemoryTable, where: Callable[[Any], bool] | None = None) -> Iterator[Any]:
        """Every row as this transaction sees it (committed rows overlaid with staged writes), or those
        ``where`` keeps: it reads each row before any copy is made (as an index would), so it must not
        change it."""
        keys = set(table.rows)
        keys.update(k for (name, k) in self._staged if name == table.name)
        for key in sorted(keys):
            row = self._row(table, key)
            if row is not None and (where is None or where(row)):
                yield copy.deepcopy(row)

    def put_versioned(self, table: MemoryTable, key: str, value: Any, what: str) -> None:
        """Store ``value`` (an aggregate with a ``version``) as ``UPDATE ... WHERE version = $read`` would
        (``adapters.postgres.versioned``): this transaction must still see the version it was read at, and
        nobody may commit a change of it before this transaction commits; its version goes up by one.
        Otherwise ``ChangedMeanwhile``, and nothing is stored."""
        seen = self._row(table, key)
        if seen is None or seen.version != value.version:
            raise ChangedMeanwhile(what)
        committed = table.rows.get(key)
        base = None if committed is None else committed.version

        def unchanged() -> None:
            now = table.rows.get(key)
            if (None if now is None else now.version) != base:
                raise ChangedMeanwhile(what)

        self.check_at_commit(unchanged)
        value.version += 1
        self.put(table, key, value)

    def check_at_commit(self, check: Callable[[], None]) -> None:
        """Run ``check`` (a uniqueness rule, say) just before the writes apply; it raises to refuse."""
        self._checks.append(check)

    def apply(self) -> None:
        for check in self._checks:
            check()
        for (_, key), (table, value) in self._staged.items():
            if value is _DELETED:
                table.rows.pop(key, None)
            else:
                table.rows[key] = value
        self._staged.clear()
        self._checks.clear()


def _stored_copy(value: Any) -> Any:
    stored = copy.deepcopy(value)
    events = getattr(stored, "_events", None)
    if isinstance(events, list):
        events.clear()
    return stored
