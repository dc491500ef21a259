"""The Inbox contract: a consumer group remembers the event ids it handled, idempotently."""

from __future__ import annotations

from ports.shared import Inbox

EVENT = "0190f0a4-6b1c-7d2e-8f30-4152637485a1"
OTHER_EVENT = "0190f0a4-6b1c-7d2e-8f30-4152637485a2"


async def test_an_event_is_unseen_until_remembered(inbox: Inbox) -> None:
    assert await inbox.seen("users", EVENT) is False
    await inbox.remember("users", EVENT)
    assert await inbox.seen("users", EVENT) is True


async def test_remembering_twice_is_harmless(inbox: Inbox) -> None:
    await inbox.remember("users", EVENT)
    await inbox.remember("users", EVENT)
    assert await inbox.seen("users", EVENT) is True


async def test_each_consumer_group_and_event_is_remembered_apart(inbox: Inbox) -> None:
    await inbox.remember("users", EVENT)
    assert await inbox.seen("search", EVENT) is False
    assert await inbox.seen("users", OTHER_EVENT) is False
    await inbox.remember("search", EVENT)
    assert await inbox.seen("search", EVENT) is True
