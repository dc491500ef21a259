"""The ReviewRepository, PurchaseRepository, VoteRepository, ReportRepository and ReviewsUnitOfWork contract,
memory and PostgreSQL alike (the fixtures are in tests/contract/conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from core.reviews.model import (
    Purchase,
    Review,
    ReviewContent,
    ReviewPhoto,
    ReviewSort,
    ReviewStatus,
)
from core.shared.errors import ChangedMeanwhile, Conflict, ValidationFailed
from core.shared.events import EventEnvelope
from core.shared.pagination import Page, PageRequest, encode_cursor
from ports.reviews import ReviewsUnitOfWork

START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
TENT, STOVE = "product-tent", "product-stove"
OUTDOORS, KITCHEN = "seller-outdoors", "seller-kitchen"

UowFactory = Callable[[], ReviewsUnitOfWork]
CommittedEvents = Callable[[], Awaitable[list[EventEnvelope]]]


def review_id(n: int) -> str:
    return f"00000000-0000-7000-8000-{n:012d}"


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def content(rating: int = 4, photos: int = 0, title: str = "Warm and light") -> ReviewContent:
    return ReviewContent(
        rating=rating,
        title=title,
        text="Kept us dry through a windy night on the ridge; packs small.",
        photos=tuple(ReviewPhoto(f"photo-{i}.jpg", f"reviews/photo-{i}.jpg", "image/jpeg") for i in range(photos)),
    )


def submitted(
    n: int,
    *,
    author: str | None = None,
    product: str = TENT,
    seller: str = OUTDOORS,
    rating: int = 4,
    photos: int = 0,
    when: datetime = START,
) -> Review:
    """Review ``n`` waiting for moderation; by default its author is customer-``n``."""
    return Review.submit(
        review_id=review_id(n),
        product_id=product,
        seller_id=seller,
        author_id=author or f"customer-{n}",
        author_name=f"Customer {n}",
        verified=n % 2 == 0,
        content=content(rating, photos),
        now=when,
    )


def published(
    n: int,
    when: datetime = START,
    *,
    helpful: int = 0,
    author: str | None = None,
    product: str = TENT,
    seller: str = OUTDOORS,
    rating: int = 4,
    photos: int = 0,
) -> Review:
    """Review ``n`` as moderation published it at ``when``, found helpful by ``helpful`` customers."""
    review = submitted(n, author=author, product=product, seller=seller, rating=rating, photos=photos, when=when)
    assert review.decide(review.revision, True, [], when)
    review.helpful = helpful
    return review


async def store(reviews_uow: UowFactory, *reviews: Review) -> None:
    async with reviews_uow() as uow:
        for review in reviews:
            await uow.reviews.add(review)
        await uow.commit()


async def load(reviews_uow: UowFactory, n: int) -> Review:
    async with reviews_uow() as uow:
        review = await uow.reviews.get(review_id(n))
    assert review is not None
    return review


async def change(reviews_uow: UowFactory, n: int, what: Callable[[Review], object]) -> Review:
    async with reviews_uow() as uow:
        review = await uow.reviews.get(review_id(n))
        assert review is not None
        what(review)
        await uow.reviews.update(review)
        await uow.commit()
    return review


def numbers(reviews: Sequence[Review]) -> list[int]:
    return [int(r.id[-12:]) for r in reviews]


async def every_page(fetch: Callable[[PageRequest], Awaitable[Page[Review]]], limit: int) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        page = await fetch(PageRequest(limit, cursor))
        pages.append(numbers(page.items))
        cursor = page.next_cursor
        if cursor is None:
            return pages


# One review per author and product


async def test_a_review_comes_back_with_every_field(reviews_uow: UowFactory) -> None:
    review = published(1, photos=2, rating=5, helpful=3)
    review.edit(content(2, title="Leaks at the seams"), at(60))
    review.decide(2, False, ["Shows a phone number", "Off topic"], at(90))
    review.answer_as(OUTDOORS, "Sorry to hear it: we will replace the fly.", at(120))
    review.reports = 1
    await store(reviews_uow, review)

    loaded = await load(reviews_uow, 1)

    assert loaded == review
    assert loaded.status is ReviewStatus.REJECTED
    assert loaded.rejection_reasons == ("Shows a phone number", "Off topic")
    assert loaded.live is not None
    assert (loaded.live.revision, loaded.live.content.rating, len(loaded.live.content.photos)) == (1, 5, 2)
    assert loaded.live.content.photos[1] == ReviewPhoto("photo-1.jpg", "reviews/photo-1.jpg", "image/jpeg")
    assert loaded.live.published_at == START
    assert (loaded.revision, loaded.content.rating, loaded.content.title) == (2, 2, "Leaks at the seams")
    assert loaded.answer is not None
    assert loaded.answer.answered_at == at(120)
    assert (loaded.helpful, loaded.reports, loaded.verified, loaded.version) == (3, 1, False, 1)


async def test_an_unknown_review_is_none(reviews_uow: UowFactory) -> None:
    async with reviews_uow() as uow:
        assert await uow.reviews.get(review_id(404)) is None
        assert await uow.reviews.of_author_for("customer-1", TENT) is None


async def test_an_author_reviews_a_product_once(reviews_uow: UowFactory) -> None:
    await store(reviews_uow, submitted(1, author="ann"))
    async with reviews_uow() as uow:
        with pytest.raises(Conflict, match=r"^this customer has a review of this product already$"):
            await uow.reviews.add(submitted(2, author="ann"))
        # The unit of work is still usable after the conflict: other products, other authors.
        await uow.reviews.add(submitted(3, author="ann", product=STOVE, seller=KITCHEN))
        await uow.reviews.add(submitted(4, author="bob"))
        await uow.commit()

    async with reviews_uow() as uow:
        assert await uow.reviews.get(review_id(2)) is None
        mine = await uow.reviews.of_author_for("ann", TENT)
        other = await uow.reviews.of_author_for("ann", STOVE)
        nothing = await uow.reviews.of_author_for("carol", TENT)
    assert mine is not None
    assert mine.id == review_id(1)
    assert other is not None
    assert other.id == review_id(3)
    assert nothing is None


async def test_a_second_review_added_side_by_side_is_refused_by_the_commit(reviews_uow: UowFactory) -> None:
    first_committed = asyncio.Event()

    async def second() -> None:
        async with reviews_uow() as uow:
            await uow.reviews.add(submitted(2, author="ann"))  # PostgreSQL waits here for the first
            await first_committed.wait()
            await uow.commit()  # the memory store refuses here

    async with reviews_uow() as uow:
        await uow.reviews.add(submitted(1, author="ann"))
        racing = asyncio.create_task(second())
        await asyncio.sleep(0.05)  # the second reaches its INSERT meanwhile
        await uow.commit()
    first_committed.set()
    with pytest.raises(Conflict):
        await racing

    async with reviews_uow() as uow:
        kept = await uow.reviews.of_author_for("ann", TENT)
        assert await uow.reviews.get(review_id(2)) is None
    assert kept is not None
    assert kept.id == review_id(1)


async def test_a_deleted_review_frees_the_authors_place(reviews_uow: UowFactory) -> None:
    await store(reviews_uow, published(1, author="ann"))
    # Deleting the old review and writing a new one in one unit of work.
    async with reviews_uow() as uow:
        old = await uow.reviews.of_author_for("ann", TENT)
        assert old is not None
        old.delete(at(10))
        await uow.reviews.update(old)
        await uow.reviews.add(submitted(2, author="ann", when=at(10)))
        await uow.commit()
    await change(reviews_uow, 2, lambda r: r.delete(at(20)))
    await store(reviews_uow, submitted(3, author="ann", when=at(30)))

    async with reviews_uow() as uow:
        current = await uow.reviews.of_author_for("ann", TENT)
        with pytest.raises(Conflict):
            await uow.reviews.add(submitted(4, author="ann"))
        deleted = await uow.reviews.get(review_id(1))
    assert current is not None
    assert current.id == review_id(3)
    assert deleted is not None
    assert deleted.status is ReviewStatus.DELETED


async def test_an_update_is_stored_and_bumps_the_version(reviews_uow: UowFactory) -> None:
    await store(reviews_uow, submitted(1))
    async with reviews_uow() as uow:
        review = await uow.reviews.get(review_id(1))
        assert review is not None
        review.decide(1, True, [], at(30))
        await uow.reviews.update(review)
        assert review.version == 2
        await uow.commit()

    loaded = await load(reviews_uow, 1)
    assert loaded == review
    assert loaded.status is ReviewStatus.PUBLISHED
    assert loaded.live is not None
    assert loaded.live.published_at == at(30)


async def test_a_change_from_a_stale_copy_is_refused(reviews_uow: UowFactory) -> None:
    await store(reviews_uow, published(1))
    first, second = reviews_uow(), reviews_uow()
    async with first, second:
        mine = await first.reviews.get(review_id(1))
        theirs = await second.reviews.get(review_id(1))
        assert mine is not None
        assert theirs is not None
        mine.helpful += 1
        await first.reviews.update(mine)
        await first.commit()
        theirs.helpful += 1
        with pytest.raises(ChangedMeanwhile, match="changed meanwhile"):
            await second.reviews.update(theirs)

    loaded = await load(reviews_uow, 1)
    assert (loaded.helpful, loaded.version) == (1, 2)


# What the shop shows


async def test_only_shown_reviews_of_the_product_are_listed(reviews_uow: UowFactory) -> None:
    waiting = submitted(1)
    rejected = submitted(2)
    rejected.decide(1, False, ["Off topic"], START)
    deleted = published(3)
    deleted.delete(at(5))
    reported = published(4)
    reported.report(threshold=1, now=at(5))  # taken down, back to moderation
    edited = published(5)
    edited.edit(content(1), at(5))  # the published text stays shown until the edit is decided
    elsewhere = published(6, product=STOVE, seller=KITCHEN)
    await store(reviews_uow, waiting, rejected, deleted, reported, edited, elsewhere, published(7))

    async with reviews_uow() as uow:
        page = await uow.reviews.shown(TENT, ReviewSort.NEWEST, [], False, PageRequest())
    assert numbers(page.items) == [7, 5]
    assert page.next_cursor is None
    assert page.items[1] == edited


def listed_reviews() -> list[Review]:
    """Seven shown reviews of the tent; 3 and 4 published in the same instant."""
    return [
        published(1, at(0), rating=5, helpful=2),
        published(2, at(10), rating=3, helpful=7, photos=1),
        published(3, at(20), rating=5, helpful=0, photos=2),
        published(4, at(20), rating=1, helpful=2),
        published(5, at(30), rating=3, helpful=2, photos=1),
        published(6, at(5), rating=5, helpful=7),
        published(7, at(40), rating=2, helpful=0),
    ]


@pytest.mark.parametrize(
    ("sort", "pages"),
    [
        # Pages of three: each order has a tie across a page's end, and the cursor neither skips nor repeats.
        (ReviewSort.NEWEST, [[7, 5, 4], [3, 2, 6], [1]]),
        (ReviewSort.HELPFUL, [[2, 6, 5], [4, 1, 7], [3]]),
        (ReviewSort.RATING_DESC, [[3, 6, 1], [5, 2, 7], [4]]),
        (ReviewSort.RATING_ASC, [[4, 7, 5], [2, 3, 6], [1]]),
    ],
)
async def test_shown_reviews_come_in_each_order_page_by_page(
    reviews_uow: UowFactory, sort: ReviewSort, pages: list[list[int]]
) -> None:
    await store(reviews_uow, *listed_reviews(), submitted(8, rating=5), published(9, product=STOVE, seller=KITCHEN))

    async with reviews_uow() as uow:
        found = await every_page(lambda page: uow.reviews.shown(TENT, sort, [], False, page), limit=3)
        whole = await uow.reviews.shown(TENT, sort, [], False, PageRequest(7))

    assert found == pages
    assert numbers(whole.items) == [n for page in pages for n in page]
    assert whole.next_cursor is None


@pytest.mark.parametrize(
    ("stars", "with_photos", "expected"),
    [
        ([5], False, [3, 8, 6, 1]),
        ([3, 5], False, [5, 3, 8, 2, 6, 1]),
        ([], True, [5, 3, 8, 2]),
        ([5], True, [3, 8]),
        ([1], False, [4]),
        ([4], True, []),
    ],
)
async def test_shown_reviews_are_filtered_by_the_live_revisions_stars_and_photos(
    reviews_uow: UowFactory, stars: list[int], with_photos: bool, expected: list[int]
) -> None:
    # Review 8 shows five stars and a photo; its author's edit (one star, no photo) waits for moderation.
    waiting_edit = published(8, at(15), rating=5, photos=1)
    waiting_edit.edit(content(1), at(50))
    await store(reviews_uow, *listed_reviews(), waiting_edit)

    async with reviews_uow() as uow:
        newest = await every_page(lambda p: uow.reviews.shown(TENT, ReviewSort.NEWEST, stars, with_photos, p), 2)
        best = await uow.reviews.shown(TENT, ReviewSort.RATING_ASC, stars, with_photos, PageRequest())

    assert [n for page in newest for n in page] == expected
    assert sorted(numbers(best.items)) == sorted(expected)


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        encode_cursor([5, "yesterday", review_id(1)]),
        encode_cursor(["5", START.isoformat(), review_id(1)]),
        encode_cursor([True, START.isoformat(), review_id(1)]),
        encode_cursor([2**40, START.isoformat(), review_id(1)]),
        encode_cursor([5, "2026-03-14T15:09:26", review_id(1)]),
        encode_cursor([START.isoformat(), review_id(1)]),
    ],
)
async def test_a_foreign_cursor_is_refused_by_the_ranked_orders(reviews_uow: UowFactory, cursor: str) -> None:
    async with reviews_uow() as uow:
        for sort in (ReviewSort.HELPFUL, ReviewSort.RATING_DESC, ReviewSort.RATING_ASC):
            with pytest.raises(ValidationFailed) as raised:
                await uow.reviews.shown(TENT, sort, [], False, PageRequest(5, cursor))
            assert raised.value.errors[0].field == "cursor"


@pytest.mark.parametrize("cursor", ["%%%", encode_cursor([5, START.isoformat(), review_id(1)])])
async def test_a_foreign_cursor_is_refused_by_the_newest_first_listings(reviews_uow: UowFactory, cursor: str) -> None:
    page = PageRequest(5, cursor)
    async with reviews_uow() as uow:
        for listing in (
            uow.reviews.shown(TENT, ReviewSort.NEWEST, [], False, page),
            uow.reviews.of_author("customer-1", page),
            uow.reviews.of_seller(OUTDOORS, None, False, page),
        ):
            with pytest.raises(ValidationFailed) as raised:
                await listing
            assert raised.value.errors[0].field == "cursor"


async def test_an_authors_reviews_are_listed_last_changed_first(reviews_uow: UowFactory) -> None:
    ann = "ann"
    await store(
        reviews_uow,
        submitted(1, author=ann, product="product-1", when=at(10)),
        published(2, at(40), author=ann, product="product-2"),
        published(3, at(20), author=ann, product="product-3"),
        published(4, at(20), author=ann, product="product-4"),  # changed in the same instant as 3
        submitted(5, author="bob", when=at(50)),
        submitted(6, author=ann, product="product-6", when=at(5)),
    )
    await change(reviews_uow, 6, lambda r: r.edit(content(3), at(45)))
    await change(reviews_uow, 1, lambda r: r.delete(at(60)))

    async with reviews_uow() as uow:
        pages = await every_page(lambda page: uow.reviews.of_author(ann, page), limit=2)
    assert pages == [[6, 2], [4, 3]]


async def test_a_sellers_shown_reviews_are_listed_newest_publication_first(reviews_uow: UowFactory) -> None:
    answered = published(2, at(20), product=STOVE)
    answered.answer_as(OUTDOORS, "Thank you!", at(25))
    await store(
        reviews_uow,
        published(1, at(10)),
        answered,
        published(3, at(30)),
        published(4, at(30), product=STOVE),
        submitted(5, when=at(50)),  # not shown
        published(6, at(60), product="product-lamp", seller=KITCHEN),  # another seller's
        published(7, at(5), product=STOVE),
    )

    async with reviews_uow() as uow:
        everything = await every_page(lambda page: uow.reviews.of_seller(OUTDOORS, None, False, page), limit=2)
        of_stove = await every_page(lambda page: uow.reviews.of_seller(OUTDOORS, STOVE, False, page), limit=2)
        to_answer = await every_page(lambda page: uow.reviews.of_seller(OUTDOORS, None, True, page), limit=4)
        stove_to_answer = await uow.reviews.of_seller(OUTDOORS, STOVE, True, PageRequest())
        not_theirs = await uow.reviews.of_seller(KITCHEN, STOVE, False, PageRequest())

    assert everything == [[4, 3], [2, 1], [7]]
    assert of_stove == [[4, 2], [7]]
    assert to_answer == [[4, 3, 1, 7]]
    assert numbers(stove_to_answer.items) == [4, 7]
    assert not_theirs.items == []


# Purchases


def line(order: str, product: str = TENT, customer: str = "ann", ordered: datetime = START) -> Purchase:
    return Purchase(order_id=order, product_id=product, customer_id=customer, seller_id=OUTDOORS, ordered_at=ordered)


async def test_a_purchase_counts_once_received_and_the_earliest_reception_wins(reviews_uow: UowFactory) -> None:
    async with reviews_uow() as uow:
        await uow.purchases.record([line("order-1", ordered=at(0)), line("order-1", STOVE), line("order-2")])
        await uow.purchases.record([line("order-3", ordered=at(5)), line("order-4", customer="bob")])
        await uow.commit()
    async with reviews_uow() as uow:
        assert await uow.purchases.received("ann", TENT) is None  # ordered is not received
        await uow.purchases.mark_received("order-3", at(100))
        await uow.purchases.mark_received("order-1", at(200))
        await uow.purchases.mark_received("order-4", at(50))
        await uow.commit()
    async with reviews_uow() as uow:
        # Recorded again (a redelivered order) and received again: the first recording and reception stay.
        await uow.purchases.record([line("order-1", ordered=at(999)), line("order-5", ordered=at(1))])
        await uow.purchases.mark_received("order-3", at(300))
        await uow.purchases.mark_received("order-unknown", at(300))
        await uow.commit()

    async with reviews_uow() as uow:
        earliest = await uow.purchases.received("ann", TENT)
        stove = await uow.purchases.received("ann", STOVE)
        bobs = await uow.purchases.received("bob", TENT)
        nobody = await uow.purchases.received("carol", TENT)
    assert earliest == Purchase("order-3", TENT, "ann", OUTDOORS, at(5), received_at=at(100))
    assert stove == Purchase("order-1", STOVE, "ann", OUTDOORS, START, received_at=at(200))
    assert bobs is not None
    assert bobs.order_id == "order-4"
    assert nobody is None


async def test_the_first_recording_of_a_line_stays(reviews_uow: UowFactory) -> None:
    async with reviews_uow() as uow:
        await uow.purchases.record([line("order-1", ordered=at(0))])
        await uow.purchases.mark_received("order-1", at(100))
        await uow.commit()
    async with reviews_uow() as uow:
        await uow.purchases.record([line("order-1", customer="ann", ordered=at(999))])
        await uow.purchases.record([])
        await uow.commit()
    async with reviews_uow() as uow:
        kept = await uow.purchases.received("ann", TENT)
    assert kept == Purchase("order-1", TENT, "ann", OUTDOORS, at(0), received_at=at(100))


# Votes and reports


async def test_a_customer_votes_once_per_review_and_may_take_it_back(reviews_uow: UowFactory) -> None:
    one, two = review_id(1), review_id(2)
    async with reviews_uow() as uow:
        assert await uow.votes.add(one, "ann") is True
        assert await uow.votes.add(one, "ann") is False
        assert await uow.votes.add(one, "bob") is True
        assert await uow.votes.add(two, "ann") is True
        await uow.commit()
    async with reviews_uow() as uow:
        assert await uow.votes.add(one, "ann") is False
        assert await uow.votes.remove(one, "ann") is True
        assert await uow.votes.remove(one, "ann") is False
        assert await uow.votes.remove(one, "carol") is False
        await uow.commit()
    async with reviews_uow() as uow:
        assert await uow.votes.remove(two, "ann") is True  # rolled back: the vote stays
    async with reviews_uow() as uow:
        assert await uow.votes.add(one, "ann") is True
        assert await uow.votes.add(one, "bob") is False
        assert await uow.votes.add(two, "ann") is False


async def test_a_customer_reports_a_review_once(reviews_uow: UowFactory) -> None:
    one, two = review_id(1), review_id(2)
    async with reviews_uow() as uow:
        assert await uow.reports.add(one, "ann", "Advertises another shop", at(1)) is True
        assert await uow.reports.add(one, "ann", "Rude", at(2)) is False
        await uow.commit()
    async with reviews_uow() as uow:
        assert await uow.reports.add(one, "ann", "Still rude", at(3)) is False
        assert await uow.reports.add(one, "bob", "Rude", at(3)) is True
        assert await uow.reports.add(two, "ann", "Rude", at(3)) is True
        await uow.commit()
    async with reviews_uow() as uow:
        assert await uow.reports.add(one, "bob", "Rude", at(4)) is False
        assert await uow.reports.add(two, "ann", "Rude", at(4)) is False
        assert await uow.reports.add(two, "bob", "Rude", at(4)) is True


async def vote(uow: ReviewsUnitOfWork) -> bool:
    return await uow.votes.add(review_id(1), "ann")


async def report(uow: ReviewsUnitOfWork) -> bool:
    return await uow.reports.add(review_id(1), "ann", "Rude", START)


@pytest.mark.parametrize("once", [vote, report])
async def test_a_second_vote_or_report_side_by_side_counts_once(
    reviews_uow: UowFactory, once: Callable[[ReviewsUnitOfWork], Awaitable[bool]]
) -> None:
    first_committed = asyncio.Event()

    async def second() -> bool:
        async with reviews_uow() as uow:
            counted = await once(uow)  # PostgreSQL waits here for the first, then finds its row
            await first_committed.wait()
            if counted:
                await uow.commit()  # the memory store refuses here
            return counted

    async with reviews_uow() as uow:
        assert await once(uow) is True
        racing = asyncio.create_task(second())
        await asyncio.sleep(0.05)
        await uow.commit()
    first_committed.set()
    try:
        counted_twice = await racing
    except Conflict:
        counted_twice = False

    assert counted_twice is False
    async with reviews_uow() as uow:
        assert await once(uow) is False


# Events


async def test_events_of_committed_changes_are_handed_on(
    reviews_uow: UowFactory, committed_events: CommittedEvents
) -> None:
    await store(reviews_uow, submitted(1, rating=5))
    await change(reviews_uow, 1, lambda r: r.decide(1, True, [], at(30)))
    async with reviews_uow() as uow:  # left without commit: nothing kept, nothing handed on
        review = await uow.reviews.get(review_id(1))
        assert review is not None
        review.delete(at(40))
        await uow.reviews.update(review)
        await uow.reviews.add(submitted(2))

    events = await committed_events()

    assert [(e.type, e.key) for e in events] == [
        ("reviews.ReviewSubmitted.v1", review_id(1)),
        ("reviews.ReviewPublished.v1", review_id(1)),
    ]
    assert events[1].occurred_at == at(30)
    assert events[1].payload == {
        "review_id": review_id(1),
        "product_id": TENT,
        "seller_id": OUTDOORS,
        "author_id": "customer-1",
        "revision": 1,
        "rating": 5,
    }
    assert events[0].payload["photo_count"] == 0
    loaded = await load(reviews_uow, 1)
    assert loaded.status is ReviewStatus.PUBLISHED
    async with reviews_uow() as uow:
        assert await uow.reviews.get(review_id(2)) is None
