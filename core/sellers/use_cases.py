"""Sellers use cases: apply, the admin's decisions, the storefront, and the product count behind it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from core.sellers.commands import (
    ApplicationView,
    Apply,
    CloseSeller,
    EditStorefront,
    GetMyApplication,
    GetMyStorefront,
    GetStorefront,
    ListProduct,
    ListSellers,
    Reinstate,
    Reject,
    SellerSummary,
    StorefrontView,
    Suspend,
    UnlistProduct,
    Verify,
)
from core.sellers.model import (
    DISPLAY_NAME_MAX,
    Application,
    Seller,
    SellerStatus,
    check_logo_url,
    check_reason,
    clean_description,
    clean_line,
)
from core.shared.errors import NotFound, PermissionDenied, Unavailable, Validation
from core.shared.pagination import Page, PageRequest
from core.shared.security import Principal, Role
from ports.ratings import Ratings, RatingSummary
from ports.sellers import SellersUnitOfWork, Storefront
from ports.shared import Clock, UnitOfWorkFactory

log = logging.getLogger(__name__)


def application_view(seller: Seller) -> ApplicationView:
    return ApplicationView(
        seller_id=seller.id,
        status=seller.status,
        legal_name=seller.legal_name,
        display_name=seller.display_name,
        country=seller.country,
        payout_reference=seller.payout_reference,
        reason=seller.reason,
        applied_at=seller.applied_at,
        decided_at=seller.decided_at,
    )


def seller_summary(seller: Seller) -> SellerSummary:
    return SellerSummary(
        seller_id=seller.id,
        status=seller.status,
        legal_name=seller.legal_name,
        display_name=seller.display_name,
        country=seller.country,
        reason=seller.reason,
        applied_at=seller.applied_at,
        decided_at=seller.decided_at,
        decided_by=seller.decided_by,
    )


def storefront_view(seller: Seller, product_count: int, rating: RatingSummary | None) -> StorefrontView:
    return StorefrontView(
        seller_id=seller.id,
        display_name=seller.display_name,
        description=seller.description,
        logo_url=seller.logo_url,
        country=seller.country,
        rating=rating.average if rating is not None else None,
        review_count=rating.count if rating is not None else 0,
        product_count=product_count,
        member_since=seller.verified_at or seller.applied_at,
    )


async def seller_rating(ratings: Ratings, seller_id: str) -> RatingSummary | None:
    """The seller's ratings as the reviews context keeps them (None: no review yet). A storefront is worth
    showing without them: when the reviews context does not answer, it shows none."""
    try:
        return (await ratings.of_sellers([seller_id])).get(seller_id)
    except Unavailable as error:
        log.warning("ratings unavailable, storefront %s shown without its rating: %s", seller_id, error)
        return None


class ApplyAsSeller:
    """A logged-in user asks to become a seller: one account per user; a rejected applicant may try again."""

    def __init__(self, uow: UnitOfWorkFactory[SellersUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: Apply) -> ApplicationView:
        application = Application.checked(
            legal_name=command.legal_name,
            display_name=command.display_name,
            country=command.country,
            payout_reference=command.payout_reference,
        )
        user_id = command.principal.user_id
        now = self.clock.now()
        async with self.uow() as uow:
            seller = await uow.sellers.get(user_id)
            if seller is None:
                seller = Seller.apply(user_id, application, now)
                await uow.sellers.add(seller)
            else:
                seller.apply_again(application, now)
                await uow.sellers.update(seller)
            await uow.commit()
        return application_view(seller)


class ShowMyApplication:
    def __init__(self, uow: UnitOfWorkFactory[SellersUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: GetMyApplication) -> ApplicationView:
        async with self.uow() as uow:
            seller = await uow.sellers.get(command.principal.user_id)
        if seller is None:
            raise NotFound("you have not applied to become a seller")
        return application_view(seller)


class ShowStorefront:
    """The public storefront: only a verified seller has one; any other status reads as no seller at all.
    Its rating is the reviews context's (``ports.ratings.Ratings``)."""

    def __init__(self, uow: UnitOfWorkFactory[SellersUnitOfWork], ratings: Ratings) -> None:
        self.uow, self.ratings = uow, ratings

    async def __call__(self, command: GetStorefront) -> StorefrontView:
        async with self.uow() as uow:
            seller = await uow.sellers.get(command.seller_id)
            if seller is None or not seller.is_public:
                raise NotFound("no such seller")
            count = await uow.listings.count(seller.id)
        return storefront_view(seller, count, await seller_rating(self.ratings, seller.id))


async def _own_verified(uow: SellersUnitOfWork, principal: Principal) -> Seller:
    principal.require(Role.SELLER)
    seller = await uow.sellers.get(principal.user_id)
    if seller is None:
        raise NotFound("you have no seller account")
    # The seller role goes with a suspension, but through an event: the status is the rule itself.
    if seller.status is not SellerStatus.VERIFIED:
        raise PermissionDenied(f"your seller account is {seller.status.value}")
    return seller


class ShowMyStorefront:
    def __init__(self, uow: UnitOfWorkFactory[SellersUnitOfWork], ratings: Ratings) -> None:
        self.uow, self.ratings = uow, ratings

    async def __call__(self, command: GetMyStorefront) -> StorefrontView:
        async with self.uow() as uow:
            seller = await _own_verified(uow, command.principal)
            count = await uow.listings.count(seller.id)
        return storefront_view(seller, count, await seller_rating(self.ratings, seller.id))


class EditMyStorefront:
    def __init__(self, uow: UnitOfWorkFactory[SellersUnitOfWork], clock: Clock, ratings: Ratings) -> None:
        self.uow, self.clock, self.ratings = uow, clock, ratings

    async def __call__(self, command: EditStorefront) -> StorefrontView:
        v = Validation()
        name = description = logo = None
        if command.display_name is not None:
            name = clean_line(v, command.display_name, "display_name", max_len=DISPLAY_NAME_MAX)
        if command.description is not None:
            description = clean_description(v, command.description)
        if not command.clear_logo:
            logo = check_logo_url(v, command.logo_url)
        v.raise_if_any()
        async with self.uow() as uow:
            seller = await _own_verified(uow, command.principal)
            changed = seller.edit_storefront(
                display_name=name,
                description=description,
                logo_url=logo,
                clear_logo=command.clear_logo,
                now=self.clock.now(),
            )
            if changed:
                await uow.sellers.update(seller)
            count = await uow.listings.count(seller.id)
            await uow.commit()
        return storefront_view(seller, count, await seller_rating(self.ratings, seller.id))


class ListSellerAccounts:
    """The admin's list, typically of pending applications, oldest first."""

    def __init__(self, uow: UnitOfWorkFactory[SellersUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: ListSellers) -> Page[SellerSummary]:
        command.principal.require(Role.ADMIN)
        async with self.uow() as uow:
            page = await uow.sellers.list(command.status, command.page)
        return Page([seller_summary(s) for s in page.items], page.next_cursor)


class SellerStorefronts:
    """``ports.sellers.Storefronts``: what the search index is rebuilt from (``marketplace reindex``)."""

    def __init__(self, uow: UnitOfWorkFactory[SellersUnitOfWork]) -> None:
        self.uow = uow

    async def storefronts(self, page: PageRequest) -> Page[Storefront]:
        async with self.uow() as uow:
            found = await uow.sellers.list(None, page)
        shown = (SellerStatus.VERIFIED, SellerStatus.SUSPENDED)
        return Page(
            [
                Storefront(s.id, s.display_name, s.description, s.logo_url, listed=s.status is SellerStatus.VERIFIED)
                for s in found.items
                if s.status in shown
            ],
            found.next_cursor,
        )


Move = Callable[[Seller, str, datetime], None]


def _checked_reason(reason: str) -> str:
    v = Validation()
    cleaned = check_reason(v, reason)
    v.raise_if_any()
    return cleaned


class _Decision:
    """An admin's decision on a seller account: load, move it (the model refuses impossible moves), store."""

    def __init__(self, uow: UnitOfWorkFactory[SellersUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def _decide(self, principal: Principal, seller_id: str, move: Move) -> SellerSummary:
        async with self.uow() as uow:
            seller = await uow.sellers.get(seller_id)
            if seller is None:
                raise NotFound("no such seller")
            move(seller, principal.user_id, self.clock.now())
            await uow.sellers.update(seller)
            await uow.commit()
        return seller_summary(seller)


class VerifySeller(_Decision):
    async def __call__(self, command: Verify) -> SellerSummary:
        command.principal.require(Role.ADMIN)
        return await self._decide(command.principal, command.seller_id, Seller.verify)


class RejectSeller(_Decision):
    async def __call__(self, command: Reject) -> SellerSummary:
        command.principal.require(Role.ADMIN)
        reason = _checked_reason(command.reason)
        return await self._decide(
            command.principal, command.seller_id, lambda seller, by, now: seller.reject(reason, by, now)
        )


class SuspendSeller(_Decision):
    async def __call__(self, command: Suspend) -> SellerSummary:
        command.principal.require(Role.ADMIN)
        reason = _checked_reason(command.reason)
        return await self._decide(
            command.principal, command.seller_id, lambda seller, by, now: seller.suspend(reason, by, now)
        )


class ReinstateSeller(_Decision):
    async def __call__(self, command: Reinstate) -> SellerSummary:
        command.principal.require(Role.ADMIN)
        return await self._decide(command.principal, command.seller_id, Seller.reinstate)


class RecordListing:
    """Runs on products.ProductPublished. Safe to repeat: a product is in its seller's set once."""

    def __init__(self, uow: UnitOfWorkFactory[SellersUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: ListProduct) -> None:
        async with self.uow() as uow:
            await uow.listings.add(command.seller_id, command.product_id)
            await uow.commit()


class RemoveListing:
    """Runs on products.ProductUnpublished. Safe to repeat, and for a product never listed."""

    def __init__(self, uow: UnitOfWorkFactory[SellersUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: UnlistProduct) -> None:
        async with self.uow() as uow:
            await uow.listings.remove(command.product_id)
            await uow.commit()


class CloseSellerAccount:
    """Runs on auth.AccountDeleted: the seller account closes and keeps no personal data; the products
    context takes the shop's cards down on SellerClosed. Safe to repeat; a user who never applied is fine."""

    def __init__(self, uow: UnitOfWorkFactory[SellersUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: CloseSeller) -> None:
        async with self.uow() as uow:
            seller = await uow.sellers.get(command.user_id)
            if seller is not None and seller.close(self.clock.now()):
                await uow.sellers.update(seller)
                await uow.commit()
