from __future__ import annotations


class MemoryInbox:
    def __init__(self) -> None:
        self._seen: set[tuple[str, str]] = set()

    async def seen(self, group: str, event_id: str) -> bool:
        return (group, event_id) in self._seen

    async def remember(self, group: str, event_id: str) -> None:
        self._seen.add((group, event_id))
