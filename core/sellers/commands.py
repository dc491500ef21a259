"""Commands and results of the sellers use cases."""

from __future__ import annotations

from datetime import datetime

import attrs

from core.sellers.model import SellerStatus
from core.shared.pagination import PageRequest
from core.shared.security import Principal


@attrs.frozen
class Apply:
    principal: Principal
    legal_name: str
    display_name: str
    country: str
    payout_reference: str = attrs.field(repr=False)


@attrs.frozen
class GetMyApplication:
    principal: Principal


@attrs.frozen
class GetStorefront:
    """A public read: anyone, logged in or not."""

    seller_id: str


@attrs.frozen
class GetMyStorefront:
    principal: Principal


@attrs.frozen
class EditStorefront:
    """Only the fields given change; ``clear_logo`` removes the logo."""

    principal: Principal
    display_name: str | None = None
    description: str | None = None
    logo_url: str | None = None
    clear_logo: bool = False


@attrs.frozen
class ListSellers:
    principal: Principal
    status: SellerStatus | None = None
    page: PageRequest = attrs.Factory(PageRequest)


@attrs.frozen
class Verify:
    principal: Principal
    seller_id: str


@attrs.frozen
class Reject:
    principal: Principal
    seller_id: str
    reason: str


@attrs.frozen
class Suspend:
    principal: Principal
    seller_id: str
    reason: str


@attrs.frozen
class Reinstate:
    principal: Principal
    seller_id: str


@attrs.frozen
class ListProduct:
    """Runs on products.ProductPublished: the product counts in its seller's storefront."""

    seller_id: str
    product_id: str


@attrs.frozen
class UnlistProduct:
    """Runs on products.ProductUnpublished."""

    product_id: str


@attrs.frozen
class ApplicationView:
    """The applicant's own view of their seller account (the only one showing the payout reference)."""

    seller_id: str
    status: SellerStatus
    legal_name: str
    display_name: str
    country: str
    payout_reference: str
    reason: str | None
    applied_at: datetime
    decided_at: datetime | None


@attrs.frozen
class StorefrontView:
    """A verified seller's public storefront. ``rating`` (mean stars of the reviews of the seller's products,
    two decimals) stays null until the seller has reviews, or while the reviews context does not answer."""

    seller_id: str
    display_name: str
    description: str
    logo_url: str | None
    country: str
    rating: float | None
    review_count: int
    product_count: int
    member_since: datetime


@attrs.frozen
class SellerSummary:
    """What an admin sees of a seller account when deciding on it."""

    seller_id: str
    status: SellerStatus
    legal_name: str
    display_name: str
    country: str
    reason: str | None
    applied_at: datetime
    decided_at: datetime | None
    decided_by: str | None


@attrs.frozen
class CloseSeller:
    """Runs on auth.AccountDeleted."""

    user_id: str
