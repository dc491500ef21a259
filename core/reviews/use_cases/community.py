"""What others do with a published review: customers find it helpful or report it, the product's seller
answers it in public."""

from __future__ import annotations

from core.reviews.commands import HelpfulVote, PublicReview, ReviewReport, SellerReply
from core.reviews.policy import ANSWER_MAX, REPORT_REASON_MAX, REPORT_REASON_MIN, ReviewPolicy
from core.reviews.use_cases.views import public_review, shown_review
from core.reviews.use_cases.writing import one_line, printable_paragraphs
from core.shared.errors import Conflict, NotFound, PermissionDenied, Validation
from core.shared.security import Role
from ports.reviews import ReviewsUnitOfWork
from ports.shared import Clock, UnitOfWorkFactory


class VoteReviewHelpful:
    """One "helpful" per customer and review, taken back at will; neither the author nor the product's
    seller votes on it (the seller would only ever push the kind reviews up)."""

    def __init__(self, uow: UnitOfWorkFactory[ReviewsUnitOfWork], policy: ReviewPolicy) -> None:
        self.uow, self.policy = uow, policy

    async def __call__(self, command: HelpfulVote) -> PublicReview:
        voter = command.principal.user_id
        async with self.uow() as uow:
            review = await shown_review(uow, command.review_id)
            if review.author_id == voter:
                raise PermissionDenied("you cannot vote on your own review")
            if review.seller_id == voter:
                raise PermissionDenied("a seller does not vote on the reviews of their own products")
            if command.helpful:
                changed = await uow.votes.add(review.id, voter)
            else:
                changed = await uow.votes.remove(review.id, voter)
            if changed:
                review.helpful += 1 if command.helpful else -1
                await uow.reviews.update(review)
                await uow.commit()
        return public_review(review, self.policy)


def check_reason(reason: str) -> str:
    cleaned = one_line(reason)
    v = Validation()
    v.check(
        REPORT_REASON_MIN <= len(cleaned) <= REPORT_REASON_MAX,
        "reason",
        f"must be between {REPORT_REASON_MIN} and {REPORT_REASON_MAX} characters",
    )
    v.check(cleaned.isprintable(), "reason", "must not contain control characters")
    v.raise_if_any()
    return cleaned


class ReportReview:
    """A customer or a seller reports a published review, once; enough reports send it back to
    moderation, and it is hidden until a moderator decides."""

    def __init__(self, uow: UnitOfWorkFactory[ReviewsUnitOfWork], policy: ReviewPolicy, clock: Clock) -> None:
        self.uow, self.policy, self.clock = uow, policy, clock

    async def __call__(self, command: ReviewReport) -> None:
        reason = check_reason(command.reason)
        reporter = command.principal.user_id
        async with self.uow() as uow:
            review = await shown_review(uow, command.review_id)
            if review.author_id == reporter:
                raise PermissionDenied("you cannot report your own review: edit or delete it instead")
            now = self.clock.now()
            if not await uow.reports.add(review.id, reporter, reason, now):
                raise Conflict("you have reported this review already")
            review.report(self.policy.reports_to_requeue, now)
            await uow.reviews.update(review)
            await uow.commit()


class AnswerReview:
    """The seller of the reviewed product posts one public answer (a new one replaces it), or takes it
    back (``text`` None). Another seller's review is reported as missing."""

    def __init__(self, uow: UnitOfWorkFactory[ReviewsUnitOfWork], policy: ReviewPolicy, clock: Clock) -> None:
        self.uow, self.policy, self.clock = uow, policy, clock

    async def __call__(self, command: SellerReply) -> PublicReview | None:
        command.principal.require(Role.SELLER)
        text = None if command.text is None else command.text.strip()
        if text is not None:
            v = Validation()
            v.check(1 <= len(text) <= ANSWER_MAX, "text", f"must be between 1 and {ANSWER_MAX} characters")
            v.check(printable_paragraphs(text), "text", "must not contain control characters")
            v.raise_if_any()
        seller = command.principal.user_id
        async with self.uow() as uow:
            review = await uow.reviews.get(command.review_id)
            if review is None:
                raise NotFound("no such review")
            if text is None:
                review.withdraw_answer(seller)
            else:
                review.answer_as(seller, text, self.clock.now())
            await uow.reviews.update(review)
            await uow.commit()
        return None if text is None else public_review(review, self.policy)
