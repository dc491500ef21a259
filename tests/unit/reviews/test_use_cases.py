"""The reviews use cases: who may review, write, vote, report and answer, and what each changes."""

from __future__ import annotations

import pytest

from core.reviews.commands import (
    ApplyReviewModeration,
    HelpfulVote,
    MyReviews,
    NewReview,
    PhotoUpload,
    ProductReviewsQuery,
    RatingChange,
    RatingQuery,
    ReviewDeletion,
    ReviewEdit,
    ReviewReport,
    SellerReply,
    SellerReviewsQuery,
)
from core.reviews.model import ReviewSort, ReviewStatus
from core.reviews.policy import ReviewPolicy
from core.reviews.ratings import RatedSubject
from core.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from .conftest import CDN, ReviewsApp, customer, seller

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TEXT = "Keeps the coffee warm for a long time."


def review(author: str, rating: int = 5, photos: tuple[str, ...] = (), product: str = "p1") -> NewReview:
    return NewReview(customer(author), product, rating, "Lovely mug", TEXT, photos, None)


async def published(app: ReviewsApp, author: str, rating: int = 5) -> str:
    await app.received(author)
    made = await app.submit(review(author, rating))
    await app.decide(ApplyReviewModeration(made.id, 1, True, ()))
    return made.id


async def test_a_customer_reviews_what_reached_them_as_a_verified_purchase(app: ReviewsApp) -> None:
    await app.received("ann")
    made = await app.submit(review("ann"))
    assert (made.status, made.verified, made.revision, made.author_name) == (
        ReviewStatus.PENDING,
        True,
        1,
        "A customer",
    )
    assert (await app.list(ProductReviewsQuery("p1"))).items == []  # not before moderation
    await app.decide(ApplyReviewModeration(made.id, 1, True, ()))
    [shown] = (await app.list(ProductReviewsQuery("p1"))).items
    assert (shown.id, shown.rating, shown.verified, shown.edited) == (made.id, 5, True, False)


async def test_a_product_not_received_is_refused_unless_the_shop_allows_unverified_reviews() -> None:
    app = ReviewsApp()
    with pytest.raises(PermissionDenied, match="reached you"):
        await app.submit(review("ann"))
    lenient = ReviewsApp(ReviewPolicy(cdn_base_url=CDN, allow_unverified=True))
    made = await lenient.submit(review("ann"))
    assert not made.verified
    with pytest.raises(NotFound):
        await lenient.submit(review("ann", product="unknown"))


async def test_one_review_per_customer_and_product_until_it_is_deleted(app: ReviewsApp) -> None:
    await app.received("ann")
    made = await app.submit(review("ann"))
    with pytest.raises(Conflict):
        await app.submit(review("ann", 3))
    await app.delete(ReviewDeletion(customer("ann"), made.id))
    again = await app.submit(review("ann", 3))
    assert again.id != made.id


async def test_an_order_placed_but_not_delivered_does_not_verify(app: ReviewsApp) -> None:
    from core.reviews.commands import OrderedProduct, OrderedProducts

    await app.purchase(OrderedProducts("o1", "ann", (OrderedProduct("p1", "s1"),), app.clock.now()))
    with pytest.raises(PermissionDenied):
        await app.submit(review("ann"))


@pytest.mark.parametrize(
    ("rating", "title", "text", "fields"),
    [
        (0, "Lovely mug", TEXT, ["rating"]),
        (6, "ok", "short", ["rating", "text", "title"]),
        (5, "Lovely\x07mug", TEXT, ["title"]),
        (5, "Lovely mug", "x" * 5001, ["text"]),
    ],
)
async def test_bad_reviews_are_refused_naming_the_fields(
    app: ReviewsApp, rating: int, title: str, text: str, fields: list[str]
) -> None:
    await app.received("ann")
    with pytest.raises(ValidationFailed) as refused:
        await app.submit(NewReview(customer("ann"), "p1", rating, title, text))
    assert sorted({e.field for e in refused.value.errors}) == fields


async def test_only_the_author_edits_and_an_edit_is_moderated_again(app: ReviewsApp) -> None:
    review_id = await published(app, "ann")
    with pytest.raises(NotFound):
        await app.edit(ReviewEdit(customer("bob"), review_id, rating=1))
    edited = await app.edit(ReviewEdit(customer("ann"), review_id, rating=3))
    assert (edited.status, edited.revision, edited.published_revision, edited.rating) == (
        ReviewStatus.PENDING,
        2,
        1,
        3,
    )
    [shown] = (await app.list(ProductReviewsQuery("p1"))).items
    assert shown.rating == 5  # the published revision until the edit is decided
    same = await app.edit(ReviewEdit(customer("ann"), review_id, rating=3))
    assert same.revision == 2  # nothing changed: no new revision


async def test_photos_are_checked_in_the_store(app: ReviewsApp) -> None:
    await app.received("ann")
    upload = await app.photo(PhotoUpload(customer("ann"), "image/png", len(PNG)))
    with pytest.raises(ValidationFailed) as refused:
        await app.submit(review("ann", photos=(upload.photo_id,)))
    assert [e.field for e in refused.value.errors] == ["photo_ids.0"]  # not sent yet
    key = f"reviews/ann/{upload.photo_id}"
    await app.storage.put(key, b"GIF89a not a png", "image/png")
    with pytest.raises(ValidationFailed, match=r"photo_ids\.0"):
        await app.submit(review("ann", photos=(upload.photo_id,)))
    await app.storage.put(key, PNG, "image/png")
    made = await app.submit(review("ann", photos=(upload.photo_id,)))
    assert made.photo_urls == [f"{CDN}/{key}"]
    await app.received("bob")
    with pytest.raises(ValidationFailed):  # another customer cannot attach ann's photo
        await app.submit(review("bob", photos=(upload.photo_id,)))
    await app.decide(ApplyReviewModeration(made.id, 1, True, ()))
    assert len((await app.list(ProductReviewsQuery("p1", with_photos=True))).items) == 1
    await app.delete(ReviewDeletion(customer("ann"), made.id))
    assert not await app.storage.exists(key)  # the photo went with its review


async def test_a_published_edit_deletes_the_photos_it_dropped(app: ReviewsApp) -> None:
    await app.received("ann")
    keys = []
    photo_ids = []
    for _ in range(2):
        upload = await app.photo(PhotoUpload(customer("ann"), "image/png", len(PNG)))
        keys.append(f"reviews/ann/{upload.photo_id}")
        photo_ids.append(upload.photo_id)
        await app.storage.put(keys[-1], PNG, "image/png")
    made = await app.submit(review("ann", photos=tuple(photo_ids)))
    await app.decide(ApplyReviewModeration(made.id, 1, True, ()))
    await app.edit(ReviewEdit(customer("ann"), made.id, photo_ids=(photo_ids[1],)))
    assert await app.storage.exists(keys[0])  # the published revision still shows it
    await app.decide(ApplyReviewModeration(made.id, 2, False, ("Not about the product",)))
    assert await app.storage.exists(keys[0])  # the rejected edit left the published revision as it was
    await app.edit(ReviewEdit(customer("ann"), made.id, title="Lovely mug indeed"))
    await app.decide(ApplyReviewModeration(made.id, 3, True, ()))
    assert not await app.storage.exists(keys[0])
    assert await app.storage.exists(keys[1])


async def test_helpful_votes_count_once_and_not_for_the_author(app: ReviewsApp) -> None:
    review_id = await published(app, "ann")
    assert (await app.vote(HelpfulVote(customer("bob"), review_id, True))).helpful == 1
    assert (await app.vote(HelpfulVote(customer("bob"), review_id, True))).helpful == 1
    assert (await app.vote(HelpfulVote(customer("cy"), review_id, True))).helpful == 2
    assert (await app.vote(HelpfulVote(customer("bob"), review_id, False))).helpful == 1
    with pytest.raises(PermissionDenied):
        await app.vote(HelpfulVote(customer("ann"), review_id, True))


async def test_reviews_sort_by_helpful_and_filter_by_stars(app: ReviewsApp) -> None:
    first = await published(app, "ann", 5)
    second = await published(app, "bob", 2)
    await app.vote(HelpfulVote(customer("cy"), second, True))
    helpful = await app.list(ProductReviewsQuery("p1", ReviewSort.HELPFUL))
    assert [r.id for r in helpful.items] == [second, first]
    low = await app.list(ProductReviewsQuery("p1", ReviewSort.RATING_ASC))
    assert [r.id for r in low.items] == [second, first]
    assert [r.id for r in (await app.list(ProductReviewsQuery("p1", stars=(5,)))).items] == [first]


async def test_reports_take_a_review_down_until_a_moderator_decides(app: ReviewsApp) -> None:
    review_id = await published(app, "ann")
    with pytest.raises(PermissionDenied):
        await app.report(ReviewReport(customer("ann"), review_id, "my own review"))
    await app.report(ReviewReport(customer("bob"), review_id, "Not about the product"))
    with pytest.raises(Conflict):
        await app.report(ReviewReport(customer("bob"), review_id, "Not about the product"))
    await app.report(ReviewReport(seller("s2"), review_id, "Insults a competitor"))
    assert len((await app.list(ProductReviewsQuery("p1"))).items) == 1
    await app.report(ReviewReport(customer("cy"), review_id, "Spam"))
    assert (await app.list(ProductReviewsQuery("p1"))).items == []
    [mine] = (await app.mine(MyReviews(customer("ann")))).items
    assert (mine.status, mine.revision, mine.published_revision) == (ReviewStatus.PENDING, 2, None)
    await app.decide(ApplyReviewModeration(review_id, 2, True, ()))
    assert len((await app.list(ProductReviewsQuery("p1"))).items) == 1


async def test_only_the_products_seller_answers(app: ReviewsApp) -> None:
    review_id = await published(app, "ann")
    with pytest.raises(NotFound):
        await app.answer(SellerReply(seller("s2"), review_id, "Buy ours instead"))
    with pytest.raises(PermissionDenied):
        await app.answer(SellerReply(customer("bob"), review_id, "Hello"))
    answered = await app.answer(SellerReply(seller("s1"), review_id, "Thank you for your kind words!"))
    assert answered is not None
    assert answered.answer is not None
    unanswered = await app.seller_reviews(SellerReviewsQuery(seller("s1"), unanswered=True))
    assert unanswered.items == []
    await app.answer(SellerReply(seller("s1"), review_id, None))
    assert len((await app.seller_reviews(SellerReviewsQuery(seller("s1"), unanswered=True))).items) == 1


async def test_ratings_follow_publications_and_removals_once_each(app: ReviewsApp) -> None:
    changes = [
        RatingChange("r1", "p1", "s1", 1, 5),
        RatingChange("r2", "p1", "s1", 1, 3),
        RatingChange("r1", "p1", "s1", 1, 5),  # a duplicate
        RatingChange("r2", "p1", "s1", 2, 4),  # an edit published
        RatingChange("r2", "p1", "s1", 1, 3),  # the older revision, late
        RatingChange("r3", "p2", "s1", 1, 1),
        RatingChange("r3", "p2", "s1", 1, None),  # removed
        RatingChange("r3", "p2", "s1", 1, 1),  # its publication again, after the removal
    ]
    for change in changes:
        await app.rate(change)
    product = await app.rating(RatingQuery(RatedSubject.PRODUCT, "p1"))
    assert (product.count, product.average, product.stars) == (2, 4.5, [0, 0, 0, 1, 1])
    store = await app.rating(RatingQuery(RatedSubject.SELLER, "s1"))
    assert (store.count, store.average) == (2, 4.5)
    summaries = await app.ratings.of_products(["p1", "p2", "p9"])
    assert list(summaries) == ["p1"]  # p2's review was removed, p9 has none
    assert (summaries["p1"].count, summaries["p1"].average, summaries["p1"].stars) == (2, 4.5, (0, 0, 0, 1, 1))
    assert (await app.rating(RatingQuery(RatedSubject.PRODUCT, "p9"))).count == 0
