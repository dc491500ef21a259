"""The RatingRepository and RatingsUnitOfWork contract, memory and PostgreSQL alike (the fixtures are in
tests/contract/conftest.py).

The last test is the reason the port has ``lock``: the reviews' events reach the ratings twice, late and
side by side, and the counts must still come out exact.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from core.reviews.ratings import Contribution, RatedSubject, Rating, position
from core.shared.events import EventEnvelope
from ports.reviews import RatingsUnitOfWork

START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
PRODUCT, SELLER = RatedSubject.PRODUCT, RatedSubject.SELLER
# Ids that sort differently by byte than by a language's collation: the lock order must not care.
TENT, STOVE, OUTDOORS = "Product-tent", "product-stove", "seller-\u00e9t\u00e9"

UowFactory = Callable[[], RatingsUnitOfWork]
CommittedEvents = Callable[[], Awaitable[list[EventEnvelope]]]


def key(rating: Rating) -> tuple[RatedSubject, str]:
    return rating.subject_type, rating.subject_id


async def ratings_of(ratings_uow: UowFactory, subject_type: RatedSubject, *ids: str) -> dict[str, Rating]:
    async with ratings_uow() as uow:
        return await uow.ratings.of(subject_type, list(ids))


async def test_lock_gives_empty_ratings_in_the_order_asked_and_keeps_them(ratings_uow: UowFactory) -> None:
    async with ratings_uow() as uow:
        locked = await uow.ratings.lock([(SELLER, OUTDOORS), (PRODUCT, TENT), (PRODUCT, STOVE)])
        assert [key(r) for r in locked] == [(SELLER, OUTDOORS), (PRODUCT, TENT), (PRODUCT, STOVE)]
        assert all((r.stars, r.count, r.average, r.version) == ([0] * 5, 0, 0.0, 0) for r in locked)
        await uow.commit()

    products = await ratings_of(ratings_uow, PRODUCT, TENT, STOVE, "product-never-rated")
    sellers = await ratings_of(ratings_uow, SELLER, OUTDOORS, TENT)
    assert products == {TENT: Rating(PRODUCT, TENT), STOVE: Rating(PRODUCT, STOVE)}
    assert sellers == {OUTDOORS: Rating(SELLER, OUTDOORS)}


async def test_ratings_locked_by_a_rolled_back_unit_of_work_are_not_kept(ratings_uow: UowFactory) -> None:
    async with ratings_uow() as uow:
        await uow.ratings.lock([(PRODUCT, TENT), (SELLER, OUTDOORS)])
    assert await ratings_of(ratings_uow, PRODUCT, TENT) == {}
    assert await ratings_of(ratings_uow, SELLER, OUTDOORS) == {}


async def test_a_saved_rating_comes_back_and_its_updates_are_handed_on(
    ratings_uow: UowFactory, committed_events: CommittedEvents
) -> None:
    async with ratings_uow() as uow:
        (tent,) = await uow.ratings.lock([(PRODUCT, TENT)])
        tent.change(None, 5, START)
        tent.change(None, 3, START)
        tent.change(5, 4, START + timedelta(seconds=1))
        await uow.ratings.save(tent)
        await uow.commit()
    async with ratings_uow() as uow:
        (again,) = await uow.ratings.lock([(PRODUCT, TENT)])
        again.change(None, 4, START + timedelta(seconds=2))
        await uow.ratings.save(again)
        await uow.commit()

    found = await ratings_of(ratings_uow, PRODUCT, TENT)
    assert found == {TENT: Rating(PRODUCT, TENT, [0, 0, 1, 2, 0], 4)}
    assert (found[TENT].count, found[TENT].average) == (3, 3.67)
    events = await committed_events()
    assert [(e.type, e.key, e.payload["version"]) for e in events] == [
        ("reviews.RatingUpdated.v1", TENT, n) for n in (1, 2, 3, 4)
    ]
    assert events[-1].payload == {
        "subject_type": "product",
        "subject_id": TENT,
        "count": 3,
        "average": 3.67,
        "stars": [0, 0, 1, 2, 0],
        "version": 4,
    }


async def test_a_contribution_comes_back_and_a_newer_one_replaces_it(ratings_uow: UowFactory) -> None:
    given = Contribution("review-1", TENT, OUTDOORS, position(1, removed=False), 4)
    removed = Contribution("review-1", TENT, OUTDOORS, position(1, removed=True), None)
    async with ratings_uow() as uow:
        await uow.ratings.lock([(PRODUCT, TENT), (SELLER, OUTDOORS)])
        assert await uow.ratings.contribution("review-1") is None
        await uow.ratings.put_contribution(given)
        assert await uow.ratings.contribution("review-1") == given
        await uow.commit()
    async with ratings_uow() as uow:
        await uow.ratings.lock([(PRODUCT, TENT), (SELLER, OUTDOORS)])
        assert await uow.ratings.contribution("review-1") == given
        await uow.ratings.put_contribution(removed)
        await uow.commit()
    async with ratings_uow() as uow:
        await uow.ratings.lock([(PRODUCT, TENT), (SELLER, OUTDOORS)])
        assert await uow.ratings.contribution("review-1") == removed
        assert await uow.ratings.contribution("review-2") is None


async def test_a_locked_rating_waits_for_its_holder_to_finish(ratings_uow: UowFactory) -> None:
    async def second() -> Rating:
        async with ratings_uow() as uow:
            _, tent = await uow.ratings.lock([(SELLER, OUTDOORS), (PRODUCT, TENT)])
            return tent

    async with ratings_uow() as uow:
        (tent,) = await uow.ratings.lock([(PRODUCT, TENT)])
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.2)
        assert not waiting.done()
        tent.change(None, 2, START)
        await uow.ratings.save(tent)
        await uow.commit()
    seen = await asyncio.wait_for(waiting, 10)
    assert (seen.stars, seen.version) == ([0, 1, 0, 0, 0], 1)


# Exactness under concurrency


@attrs.frozen
class Delivery:
    """One of a review's events as the ratings receive it: published with ``stars``, or removed (None)."""

    review_id: str
    product_id: str
    revision: int
    stars: int | None
    seller_id: str = OUTDOORS


async def apply(ratings_uow: UowFactory, delivery: Delivery, now: datetime) -> None:
    """What the ratings do with a review's event: apply it only if it is newer than the last one applied."""
    d = delivery
    async with ratings_uow() as uow:
        product, seller = await uow.ratings.lock([(PRODUCT, d.product_id), (SELLER, d.seller_id)])
        before = await uow.ratings.contribution(d.review_id)
        at = position(d.revision, removed=d.stars is None)
        if before is not None and not before.superseded_by(at):
            return
        given = None if before is None else before.stars
        for rating in (product, seller):
            rating.change(given, d.stars, now)
            await uow.ratings.save(rating)
        await uow.ratings.put_contribution(Contribution(d.review_id, d.product_id, d.seller_id, at, d.stars))
        await uow.commit()


# Each review's events in the order it raised them; the last one decides what it gives.
HISTORIES = [
    [Delivery("r1", TENT, 1, 5), Delivery("r1", TENT, 1, None), Delivery("r1", TENT, 2, 4)],  # gives 4
    [Delivery("r2", TENT, 1, 3)],  # gives 3
    [Delivery("r3", TENT, 1, 2), Delivery("r3", TENT, 1, None)],  # gives nothing
    [Delivery("r4", TENT, 1, 1), Delivery("r4", TENT, 2, 5)],  # an edit published: gives 5
    [  # reported back to moderation twice, then published again with 2 stars
        Delivery("r5", STOVE, 1, 5),
        Delivery("r5", STOVE, 1, None),
        Delivery("r5", STOVE, 2, 5),
        Delivery("r5", STOVE, 2, None),
        Delivery("r5", STOVE, 3, 2),
    ],
    [Delivery("r6", STOVE, 1, 4)],  # gives 4
    [Delivery("r7", STOVE, 2, None)],  # only its removal arrived (the publication is lost): gives nothing
]


@pytest.mark.parametrize("seed", [7, 2026])
async def test_ratings_stay_exact_under_duplicate_late_and_concurrent_events(
    ratings_uow: UowFactory, committed_events: CommittedEvents, seed: int
) -> None:
    shuffle = random.Random(seed)
    deliveries = [d for history in HISTORIES for d in history for _ in range(shuffle.randint(1, 3))]
    shuffle.shuffle(deliveries)

    await asyncio.gather(*(apply(ratings_uow, d, START + timedelta(seconds=n)) for n, d in enumerate(deliveries)))

    products = await ratings_of(ratings_uow, PRODUCT, TENT, STOVE)
    sellers = await ratings_of(ratings_uow, SELLER, OUTDOORS)
    assert products[TENT].stars == [0, 0, 1, 1, 1]
    assert products[STOVE].stars == [0, 1, 0, 1, 0]
    assert sellers[OUTDOORS].stars == [0, 1, 1, 2, 1]
    # Each change was committed once, with its event: the versions count them, the last event is the rating.
    updates: dict[str, list[EventEnvelope]] = {}
    for event in await committed_events():
        updates.setdefault(event.payload["subject_id"], []).append(event)
    for rating in [products[TENT], products[STOVE], sellers[OUTDOORS]]:
        mine = updates[rating.subject_id]
        assert [e.payload["version"] for e in mine] == list(range(1, rating.version + 1))
        assert mine[-1].payload["stars"] == rating.stars
    async with ratings_uow() as uow:
        await uow.ratings.lock([(PRODUCT, TENT), (PRODUCT, STOVE), (SELLER, OUTDOORS)])
        r3 = await uow.ratings.contribution("r3")
        r5 = await uow.ratings.contribution("r5")
        r7 = await uow.ratings.contribution("r7")
    assert r3 == Contribution("r3", TENT, OUTDOORS, position(1, removed=True), None)
    assert r5 == Contribution("r5", STOVE, OUTDOORS, position(3, removed=False), 2)
    assert r7 == Contribution("r7", STOVE, OUTDOORS, position(2, removed=True), None)
