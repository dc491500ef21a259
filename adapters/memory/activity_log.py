"""The in-memory ``ActivityLog`` (memory profile): the shoppers' actions in this process, kept as the
Elasticsearch log keeps them.

As there: an action id is kept once, the first time (a redelivered action does not undo a reassignment);
an actor's actions come newest first, then by the greatest id, with the same cursors; searches are counted
by their folded text (``search_key``), and the results of a text's latest search are those of the newest
one, then the greatest id. Every method runs to completion without awaiting, so a read never sees half a
write.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

import attrs

from core.activity.model import Action, ActionKind, SearchCount, search_key
from core.shared.pagination import Page, PageRequest, moment_after, moment_key, page_of


def _newest(action: Action) -> tuple[datetime, str]:
    return action.occurred_at, action.action_id


class MemoryActivityLog:
    def __init__(self) -> None:
        self.actions: dict[str, Action] = {}  # by action id

    def clear(self) -> None:
        """Forget every action (tests that share one process between scenarios start from empty)."""
        self.actions.clear()

    async def record(self, actions: Sequence[Action]) -> None:
        for action in actions:
            self.actions.setdefault(action.action_id, action)

    async def of_actor(self, actor: str, kinds: Sequence[ActionKind], page: PageRequest) -> Page[Action]:
        after = moment_after(page)
        wanted = set(kinds)
        found = sorted(
            (
                a
                for a in self.actions.values()
                if a.actor == actor and (not wanted or a.kind in wanted) and (after is None or _newest(a) < after)
            ),
            key=_newest,
            reverse=True,
        )
        return page_of(found[: page.limit + 1], page, lambda a: moment_key(a.occurred_at, a.action_id))

    async def reassign(self, from_actor: str, to_actor: str) -> None:
        for action_id, action in list(self.actions.items()):
            if action.actor == from_actor:
                self.actions[action_id] = attrs.evolve(action, actor=to_actor)

    async def erase(self, actor: str) -> None:
        self.actions = {i: a for i, a in self.actions.items() if a.actor != actor}

    async def top_searches(self, since: datetime, without_results: bool, limit: int) -> list[SearchCount]:
        counts: Counter[str] = Counter()
        latest: dict[str, Action] = {}
        for action in self.actions.values():
            if action.kind is not ActionKind.SEARCHED or action.query is None or action.occurred_at < since:
                continue
            key = search_key(action.query)
            counts[key] += 1
            if key not in latest or _newest(action) > _newest(latest[key]):
                latest[key] = action
        found = [SearchCount(key, searches, latest[key].results or 0) for key, searches in counts.items()]
        if without_results:
            found = [s for s in found if s.results == 0]
        found.sort(key=lambda s: (-s.searches, s.query))
        return found[: max(limit, 0)]
