"""``TemporalSagaEngine.quiet``: sagas stirred while it looks are waited for too (no server: ``_busy`` is
played by the test)."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from adapters.temporal.engine import TemporalSagaEngine


class _Played(TemporalSagaEngine):
    """An engine whose workflows are busy as many times as the test says, and which stirs others meanwhile."""

    def __init__(self, busy_for: dict[str, int], stirs_while_looking: dict[str, list[str]]) -> None:
        super().__init__(cast(Any, None), "queue", 60, cast(Any, None))
        self.busy_for, self.stirs_while_looking = busy_for, stirs_while_looking
        self.looked_at: list[str] = []

    async def _busy(self, wid: str) -> bool:
        self.looked_at.append(wid)
        for other in self.stirs_while_looking.pop(wid, []):
            self._stir(other)  # a signal or a start from another task while ``quiet`` waits on the server
        await asyncio.sleep(0)
        left = self.busy_for.get(wid, 0)
        self.busy_for[wid] = left - 1
        return left > 0


def test_quiet_waits_for_workflows_stirred_while_it_looks() -> None:
    engine = _Played(busy_for={"a": 1, "late": 2}, stirs_while_looking={"a": ["late", "b"]})
    engine._stir("a")
    engine._stir("b")

    asyncio.run(asyncio.wait_for(engine.quiet(), 5))

    assert engine.busy_for["late"] < 0  # looked at until idle, though stirred after ``quiet`` began
    assert engine.looked_at.count("late") == 3
    assert engine._stirred == {}


def test_quiet_looks_again_at_a_workflow_stirred_after_it_was_seen_idle() -> None:
    engine = _Played(busy_for={}, stirs_while_looking={"b": ["a"]})
    engine._stir("a")
    engine._stir("b")

    asyncio.run(asyncio.wait_for(engine.quiet(), 5))

    assert engine.looked_at == ["a", "b", "a"]  # "a" was idle, then told something new: looked at again
    assert engine._stirred == {}


def test_a_process_nobody_settles_remembers_only_the_latest_stirs() -> None:
    engine = _Played(busy_for={}, stirs_while_looking={})
    engine.remembered_stirs = 3
    for wid in ("a", "b", "c", "d", "b", "e"):
        engine._stir(wid)

    assert list(engine._stirred) == ["d", "b", "e"]  # "a" and "c" were stirred longest ago
