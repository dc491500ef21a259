"""A customer writes, edits and deletes their review, and uploads its photos.

Only a product its author received is reviewed as a verified purchase: the context knows it from the
orders' events (``purchases``), never by asking the orders context. Each revision waits for moderation.
Photos are sent to the media store before the review that shows them: each photo's id names its object
under the author's own prefix, and what arrived there is checked (its size, and its type as its first
bytes tell it) when a review takes it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from core.reviews.commands import AuthorReview, NewReview, PhotoUpload, PhotoUploadView, ReviewDeletion, ReviewEdit
from core.reviews.model import STARS, Review, ReviewContent, ReviewPhoto
from core.reviews.policy import (
    AUTHOR_NAME_MAX,
    DEFAULT_AUTHOR_NAME,
    PHOTO_ID,
    TEXT_MAX,
    TEXT_MIN,
    TITLE_MAX,
    TITLE_MIN,
    ReviewPolicy,
    photo_key,
    photo_type,
)
from core.reviews.use_cases.views import author_review, own_review
from core.shared.errors import Conflict, NotFound, PermissionDenied, Unavailable, Validation
from core.shared.images import IMAGE_TYPES, SNIFF_BYTES, UploadInstructions, check_image_upload, image_type_of
from ports.catalog import ProductCatalog
from ports.reviews import ReviewsUnitOfWork
from ports.shared import Clock, IdGenerator, UnitOfWorkFactory
from ports.storage import ObjectStorage

log = logging.getLogger(__name__)
NOT_RECEIVED = "you can review a product once it has reached you: no delivered order of yours holds this one"


def tidy(text: str) -> str:
    """Spaces at the ends dropped; the lines and paragraphs a customer wrote are kept."""
    return text.strip()


def one_line(text: str) -> str:
    """A title or a name: its words separated by single spaces."""
    return " ".join(text.split())


def printable_paragraphs(text: str) -> bool:
    """No control characters but the line breaks and tabs of a text someone wrote."""
    return all(c.isprintable() or c in "\n\t" for c in text)


def check_text(v: Validation, rating: int | None, title: str | None, text: str | None) -> None:
    if rating is not None:
        v.check(1 <= rating <= STARS, "rating", f"must be a whole number of stars from 1 to {STARS}")
    if title is not None:
        t = one_line(title)
        v.check(TITLE_MIN <= len(t) <= TITLE_MAX, "title", f"must be between {TITLE_MIN} and {TITLE_MAX} characters")
        v.check(t.isprintable(), "title", "must not contain control characters")
    if text is not None:
        t = tidy(text)
        v.check(TEXT_MIN <= len(t) <= TEXT_MAX, "text", f"must be between {TEXT_MIN} and {TEXT_MAX} characters")
        v.check(printable_paragraphs(t), "text", "must not contain control characters")


class PhotoChecker:
    """What a review's photos are: each one uploaded by its author, of a size and type the shop takes."""

    def __init__(self, storage: ObjectStorage, policy: ReviewPolicy) -> None:
        self.storage, self.policy = storage, policy

    def check_ids(self, v: Validation, photo_ids: Sequence[str]) -> None:
        v.check(len(photo_ids) <= self.policy.max_photos, "photo_ids", f"at most {self.policy.max_photos} photos")
        v.check(len(set(photo_ids)) == len(photo_ids), "photo_ids", "must not name a photo twice")
        for i, photo_id in enumerate(photo_ids):
            v.check(PHOTO_ID.fullmatch(photo_id) is not None, f"photo_ids.{i}", "is not a photo id this API returned")

    async def photos(
        self, author_id: str, photo_ids: Sequence[str], known: Sequence[ReviewPhoto] = ()
    ) -> tuple[ReviewPhoto, ...]:
        """The photos, each checked in the store (but those the review already shows)."""
        kept = {p.photo_id: p for p in known}
        v = Validation()
        photos = []
        for i, photo_id in enumerate(photo_ids):
            if photo_id in kept:
                photos.append(kept[photo_id])
                continue
            key, wanted = photo_key(author_id, photo_id), photo_type(photo_id)
            info = await self.storage.stat(key)
            if info is None:
                v.add(f"photo_ids.{i}", "was not uploaded (or not by you): send its bytes to its upload URL first")
                continue
            if info.size > self.policy.max_photo_bytes:
                v.add(f"photo_ids.{i}", f"is larger than {self.policy.max_photo_bytes} bytes")
                continue
            if image_type_of(await self.storage.peek(key, SNIFF_BYTES) or b"") != wanted:
                v.add(f"photo_ids.{i}", f"is not a {IMAGE_TYPES[wanted]} image, as its upload said")
                continue
            photos.append(ReviewPhoto(photo_id, key, wanted))
        v.raise_if_any()
        return tuple(photos)


def _author_name(given: str | None) -> str:
    if given is None:
        return DEFAULT_AUTHOR_NAME
    name = one_line(given)
    v = Validation()
    v.check(1 <= len(name) <= AUTHOR_NAME_MAX, "author_name", f"must be between 1 and {AUTHOR_NAME_MAX} characters")
    v.check(name.isprintable(), "author_name", "must not contain control characters")
    v.raise_if_any()
    return name


class SubmitReview:
    def __init__(
        self,
        uow: UnitOfWorkFactory[ReviewsUnitOfWork],
        catalog: ProductCatalog,
        storage: ObjectStorage,
        policy: ReviewPolicy,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self.uow, self.catalog, self.policy, self.ids, self.clock = uow, catalog, policy, ids, clock
        self.photos = PhotoChecker(storage, policy)

    async def __call__(self, command: NewReview) -> AuthorReview:
        author = command.principal.user_id
        v = Validation()
        check_text(v, command.rating, command.title, command.text)
        self.photos.check_ids(v, command.photo_ids)
        v.raise_if_any()
        name = _author_name(command.author_name)
        async with self.uow() as uow:
            purchase = await uow.purchases.received(author, command.product_id)
            if purchase is not None:
                seller_id = purchase.seller_id
            else:
                offer = (await self.catalog.offers([command.product_id])).get(command.product_id)
                if offer is None:
                    raise NotFound("no such product")  # nobody can have received what the shop does not show
                if not self.policy.allow_unverified:
                    raise PermissionDenied(NOT_RECEIVED)
                seller_id = offer.seller_id
            if seller_id == author:
                raise PermissionDenied("a seller does not review their own products")
            if await uow.reviews.of_author_for(author, command.product_id) is not None:
                raise Conflict("you have reviewed this product already: edit your review instead")
            photos = await self.photos.photos(author, command.photo_ids)
            content = ReviewContent(command.rating, one_line(command.title), tidy(command.text), photos)
            review = Review.submit(
                review_id=self.ids.new_id(),
                product_id=command.product_id,
                seller_id=seller_id,
                author_id=author,
                author_name=name,
                verified=purchase is not None,
                content=content,
                now=self.clock.now(),
            )
            await uow.reviews.add(review)
            await uow.commit()
        return author_review(review, self.policy)


class EditReview:
    """A new revision from the fields given; the published one stays shown until moderation decides."""

    def __init__(
        self, uow: UnitOfWorkFactory[ReviewsUnitOfWork], storage: ObjectStorage, policy: ReviewPolicy, clock: Clock
    ) -> None:
        self.uow, self.policy, self.clock = uow, policy, clock
        self.photos = PhotoChecker(storage, policy)

    async def __call__(self, command: ReviewEdit) -> AuthorReview:
        v = Validation()
        check_text(v, command.rating, command.title, command.text)
        if command.photo_ids is not None:
            self.photos.check_ids(v, command.photo_ids)
        v.raise_if_any()
        author = command.principal.user_id
        async with self.uow() as uow:
            review = await own_review(uow, author, command.review_id)
            c = review.content
            photos = c.photos
            if command.photo_ids is not None:
                photos = await self.photos.photos(author, command.photo_ids, known=c.photos)
            content = ReviewContent(
                rating=c.rating if command.rating is None else command.rating,
                title=c.title if command.title is None else one_line(command.title),
                text=c.text if command.text is None else tidy(command.text),
                photos=photos,
            )
            if content == c:
                return author_review(review, self.policy)  # nothing changed: no revision to moderate
            review.edit(content, self.clock.now())
            await uow.reviews.update(review)
            await uow.commit()
        return author_review(review, self.policy)


class DeleteReview:
    """The review goes, and its photos with it."""

    def __init__(self, uow: UnitOfWorkFactory[ReviewsUnitOfWork], storage: ObjectStorage, clock: Clock) -> None:
        self.uow, self.storage, self.clock = uow, storage, clock

    async def __call__(self, command: ReviewDeletion) -> None:
        async with self.uow() as uow:
            review = await own_review(uow, command.principal.user_id, command.review_id)
            photos = {p.key for p in review.content.photos}
            if review.live is not None:
                photos |= {p.key for p in review.live.content.photos}
            review.delete(self.clock.now())
            await uow.reviews.update(review)
            await uow.commit()
        await remove_photos(self.storage, photos)


async def remove_photos(storage: ObjectStorage, keys: set[str]) -> None:
    """Delete photos no revision shows any more, once that change is committed: a photo whose removal
    fails stays behind unreachable, which is harmless, and is logged."""
    for key in sorted(keys):
        try:
            await storage.delete(key)
        except Unavailable as error:
            log.warning("could not remove the review photo %s: %s", key, error)


class RequestReviewPhoto:
    """Where to send a photo's bytes; the photo id it answers is what a review then names."""

    def __init__(self, storage: ObjectStorage, policy: ReviewPolicy, ids: IdGenerator) -> None:
        self.storage, self.policy, self.ids = storage, policy, ids

    async def __call__(self, command: PhotoUpload) -> PhotoUploadView:
        check_image_upload(command.content_type, command.size, self.policy.max_photo_bytes)
        photo_id = f"{self.ids.new_id()}.{IMAGE_TYPES[command.content_type]}"
        key = photo_key(command.principal.user_id, photo_id)
        target = await self.storage.upload_target(key, command.content_type, command.size, self.policy.upload_window)
        return PhotoUploadView(
            photo_id, UploadInstructions(target.url, target.method, dict(target.headers), target.expires_at)
        )
