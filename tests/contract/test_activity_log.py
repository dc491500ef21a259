"""The ActivityLog contract: the memory log and the Elasticsearch log keep, page, move, forget and count
shoppers' actions alike.

Elasticsearch (``infra``) is the server of ``scripts/services up``; its tests fail, never skip, when it is
down. The module makes its own index under a scratch prefix, empties it before each test and deletes it at
the end. Reassigning and erasing are run with small batches, so their rounds are exercised too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from adapters.elasticsearch import activity_log as elasticsearch_activity
from adapters.elasticsearch.activity_log import ElasticsearchActivityLog
from adapters.memory.activity_log import MemoryActivityLog
from core.activity.model import Action, ActionKind, SearchCount
from core.shared.errors import ValidationFailed
from core.shared.pagination import PageRequest, encode_cursor
from ports.activity import ActivityLog
from tests.support.elasticsearch import empty_activity_log, scratch_activity_log

LOGS = ["memory", pytest.param("elasticsearch", marks=pytest.mark.infra)]

T0 = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
PARIS = timezone(timedelta(hours=1))
ALL = PageRequest(100)


@pytest.fixture(scope="module")
async def elasticsearch_log() -> AsyncIterator[ElasticsearchActivityLog]:
    """One scratch index for the module (making an index costs a tenth of a second or more)."""
    activity = await scratch_activity_log()
    yield activity
    await activity.delete_index()
    await activity.close()


@pytest.fixture(params=LOGS)
def any_log(request: pytest.FixtureRequest) -> ActivityLog:
    if request.param == "memory":
        return MemoryActivityLog()
    # Looked up here, so a memory-only run never touches Elasticsearch.
    elasticsearch: ElasticsearchActivityLog = request.getfixturevalue("elasticsearch_log")
    return elasticsearch


@pytest.fixture
async def activity(any_log: ActivityLog, monkeypatch: pytest.MonkeyPatch) -> ActivityLog:
    """An empty log."""
    monkeypatch.setattr(elasticsearch_activity, "BATCH", 2)
    if isinstance(any_log, ElasticsearchActivityLog):
        await empty_activity_log(any_log)
    return any_log


def action(
    action_id: str,
    at: datetime,
    *,
    actor: str = "u-1",
    kind: ActionKind = ActionKind.VIEWED,
    product_id: str | None = "p-1",
) -> Action:
    return Action(action_id=action_id, actor=actor, kind=kind, occurred_at=at, product_id=product_id)


def search(action_id: str, query: str, results: int, at: datetime, *, actor: str = "u-1") -> Action:
    return Action(
        action_id=action_id,
        actor=actor,
        kind=ActionKind.SEARCHED,
        occurred_at=at,
        query=query,
        results=results,
    )


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


async def ids_of(activity: ActivityLog, actor: str, kinds: list[ActionKind] | None = None) -> list[str]:
    page = await activity.of_actor(actor, kinds or [], ALL)
    assert page.next_cursor is None
    return [a.action_id for a in page.items]


# --- reading an actor's actions --------------------------------------------------------------------


async def test_an_actors_actions_come_newest_first_then_by_the_greatest_id(activity: ActivityLog) -> None:
    await activity.record(
        [
            action("a1", minutes(1)),
            action("a3", minutes(3)),
            action("a2", minutes(2)),
            action("a2b", minutes(2)),  # the same moment: the greater id first
            action("a4", minutes(3) + timedelta(microseconds=1)),  # within the same millisecond, still newer
            action("b1", minutes(5), actor="u-2"),
        ]
    )

    assert await ids_of(activity, "u-1") == ["a4", "a3", "a2b", "a2", "a1"]
    assert await ids_of(activity, "u-2") == ["b1"]


async def test_pages_follow_their_cursors_to_the_end(activity: ActivityLog) -> None:
    # One in another time zone: a cursor holds the moment, whatever its offset.
    await activity.record(
        [action(f"a{n}", minutes(n)) for n in (1, 2, 4, 5)] + [action("a3", minutes(3).astimezone(PARIS))]
    )

    seen: list[list[str]] = []
    page = await activity.of_actor("u-1", [], PageRequest(2))
    seen.append([a.action_id for a in page.items])
    while page.next_cursor is not None:
        page = await activity.of_actor("u-1", [], PageRequest(2, page.next_cursor))
        seen.append([a.action_id for a in page.items])

    assert seen == [["a5", "a4"], ["a3", "a2"], ["a1"]]


async def test_a_full_last_page_says_there_is_no_more(activity: ActivityLog) -> None:
    await activity.record([action(f"a{n}", minutes(n)) for n in (1, 2)])

    page = await activity.of_actor("u-1", [], PageRequest(2))

    assert [a.action_id for a in page.items] == ["a2", "a1"]
    assert page.next_cursor is None


async def test_kinds_keep_only_the_actions_of_those_kinds(activity: ActivityLog) -> None:
    await activity.record(
        [
            action("v", minutes(1)),
            search("s", "lamp", 3, minutes(2)),
            action("c", minutes(3), kind=ActionKind.ADDED_TO_CART),
            action("p", minutes(4), kind=ActionKind.PURCHASED),
        ]
    )

    assert await ids_of(activity, "u-1", [ActionKind.VIEWED, ActionKind.PURCHASED]) == ["p", "v"]
    assert await ids_of(activity, "u-1", [ActionKind.SEARCHED]) == ["s"]
    assert await ids_of(activity, "u-1", [ActionKind.REVIEWED]) == []
    assert await ids_of(activity, "u-1") == ["p", "c", "s", "v"]


async def test_an_actor_with_no_action_has_an_empty_page(activity: ActivityLog) -> None:
    page = await activity.of_actor("nobody", [], PageRequest(5))

    assert list(page.items) == []
    assert page.next_cursor is None


async def test_a_cursor_it_never_gave_is_refused(activity: ActivityLog) -> None:
    for cursor in ("not a cursor", encode_cursor(["yesterday", "a1"]), encode_cursor([1, 2, 3])):
        with pytest.raises(ValidationFailed):
            await activity.of_actor("u-1", [], PageRequest(2, cursor))


async def test_an_action_with_every_field_comes_back_as_it_was(activity: ActivityLog) -> None:
    bought = Action(
        action_id="order-1:p-9",
        actor="u-1",
        kind=ActionKind.PURCHASED,
        occurred_at=datetime(2026, 3, 1, 19, 5, 6, 789012, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        product_id="p-9",
        category_path=("electronics", "audio", "headphones"),
        brand="Sony",
        quantity=2,
        rating=4,
        query="Wireless  Headphones",
        filters=(("colour", "black"), ("brand", "Sony"), ("colour", "white")),
        results=17,
    )
    bare = Action(action_id="v-1", actor="u-1", kind=ActionKind.VIEWED, occurred_at=T0)
    await activity.record([bought, bare])

    found = list((await activity.of_actor("u-1", [], ALL)).items)

    assert found == [bought, bare]
    assert found[0].occurred_at.utcoffset() == timedelta(hours=5, minutes=30)
    assert found[1].occurred_at.utcoffset() == timedelta(0)
    assert isinstance(found[0].category_path, tuple)
    assert isinstance(found[0].filters, tuple)
    assert all(isinstance(pair, tuple) for pair in found[0].filters)
    assert found[0].kind is ActionKind.PURCHASED


# --- recording ---------------------------------------------------------------------------------------


async def test_an_action_recorded_twice_is_kept_once(activity: ActivityLog) -> None:
    first = action("a1", minutes(1))
    await activity.record([first, first])
    await activity.record([first, action("a2", minutes(2))])
    await activity.record([])

    assert await ids_of(activity, "u-1") == ["a2", "a1"]


async def test_a_redelivered_action_stays_with_the_actor_it_was_given_to(activity: ActivityLog) -> None:
    guests = action("g1", minutes(1), actor="guest-x")
    await activity.record([guests])
    await activity.reassign("guest-x", "u-1")

    await activity.record([guests])

    assert await ids_of(activity, "u-1") == ["g1"]
    assert await ids_of(activity, "guest-x") == []


# --- reassigning and erasing -------------------------------------------------------------------------


async def test_reassigning_moves_every_action_of_that_actor_and_no_other(activity: ActivityLog) -> None:
    await activity.record(
        [action(f"g{n}", minutes(2 * n), actor="guest-x") for n in range(1, 6)]
        + [action(f"u{n}", minutes(2 * n + 1)) for n in range(1, 3)]
        + [action("o1", minutes(1), actor="guest-y")]
    )

    await activity.reassign("guest-x", "u-1")

    assert await ids_of(activity, "u-1") == ["g5", "g4", "g3", "u2", "g2", "u1", "g1"]
    assert await ids_of(activity, "guest-x") == []
    assert await ids_of(activity, "guest-y") == ["o1"]


async def test_reassigning_an_actor_with_no_action_or_to_itself_changes_nothing(activity: ActivityLog) -> None:
    await activity.record([action("u1", minutes(1))])

    await activity.reassign("nobody", "u-1")
    await activity.reassign("u-1", "u-1")

    assert await ids_of(activity, "u-1") == ["u1"]


async def test_erasing_forgets_every_action_of_that_actor_and_no_other(activity: ActivityLog) -> None:
    await activity.record(
        [action(f"u{n}", minutes(n)) for n in range(1, 6)]
        + [search("us", "lamp", 0, minutes(6))]
        + [action("o1", minutes(1), actor="u-2"), search("os", "desk", 2, minutes(2), actor="u-2")]
    )

    await activity.erase("u-1")
    await activity.erase("nobody")

    assert await ids_of(activity, "u-1") == []
    assert await ids_of(activity, "u-2") == ["os", "o1"]
    assert await activity.top_searches(T0, False, 10) == [SearchCount("desk", 1, 2)]


# --- top searches ------------------------------------------------------------------------------------


async def test_searches_are_counted_by_their_folded_text_most_made_first_then_by_text(activity: ActivityLog) -> None:
    await activity.record(
        [
            search("s1", "Red Shoes", 4, minutes(1)),
            search("s2", "  red   SHOES ", 9, minutes(3), actor="u-2"),
            search("s3", "red shoes", 7, minutes(2)),
            search("s4", "lamp", 1, minutes(1)),
            search("s5", "Lamp", 2, minutes(2)),
            search("s6", "desk", 5, minutes(1)),
            search("s7", "DESK", 6, minutes(2), actor="guest-z"),
            search("s8", "chair", 3, minutes(1)),
            action("v1", minutes(1)),  # not a search
        ]
    )

    # The results are those of the text's latest search (by time, whatever the order of recording).
    assert await activity.top_searches(T0, False, 10) == [
        SearchCount("red shoes", 3, 9),
        SearchCount("desk", 2, 6),
        SearchCount("lamp", 2, 2),
        SearchCount("chair", 1, 3),
    ]
    assert await activity.top_searches(T0, False, 2) == [SearchCount("red shoes", 3, 9), SearchCount("desk", 2, 6)]


async def test_the_latest_search_of_one_moment_is_the_one_with_the_greatest_id(activity: ActivityLog) -> None:
    await activity.record([search("s2", "lamp", 0, minutes(1)), search("s1", "lamp", 5, minutes(1))])

    assert await activity.top_searches(T0, False, 10) == [SearchCount("lamp", 2, 0)]


async def test_only_the_searches_made_since_the_start_of_the_window_count(activity: ActivityLog) -> None:
    since = minutes(10)
    await activity.record(
        [
            search("old1", "lamp", 1, since - timedelta(microseconds=1)),
            search("old2", "lamp", 1, minutes(1)),
            search("old3", "desk", 0, minutes(2)),
            search("edge", "lamp", 3, since.astimezone(PARIS)),  # at the very start: counted
            search("new", "chair", 2, minutes(11)),
        ]
    )

    assert await activity.top_searches(since, False, 10) == [SearchCount("chair", 1, 2), SearchCount("lamp", 1, 3)]
    assert await activity.top_searches(minutes(12), False, 10) == []


async def test_without_results_keeps_the_texts_whose_latest_search_found_nothing(activity: ActivityLog) -> None:
    await activity.record(
        [
            search("a1", "socks", 5, minutes(1)),
            search("a2", "socks", 0, minutes(2)),  # found nothing lately
            search("a3", "socks", 0, minutes(3)),
            search("b1", "hat", 0, minutes(1)),
            search("b2", "hat", 3, minutes(2)),  # found something lately
            search("b3", "hat", 0, minutes(0.5)),
            search("b4", "hat", 0, minutes(0.2)),
            search("c1", "Scarf", 0, minutes(1)),
            search("d1", "belt", 0, minutes(1)),
            search("e1", "gloves", 2, minutes(1)),
        ]
    )

    assert await activity.top_searches(T0, True, 10) == [
        SearchCount("socks", 3, 0),
        SearchCount("belt", 1, 0),
        SearchCount("scarf", 1, 0),
    ]
    assert await activity.top_searches(T0, True, 2) == [SearchCount("socks", 3, 0), SearchCount("belt", 1, 0)]


async def test_no_search_counts_nothing(activity: ActivityLog) -> None:
    await activity.record([action("v1", minutes(1))])

    assert await activity.top_searches(T0, False, 10) == []
    assert await activity.top_searches(T0, True, 10) == []
