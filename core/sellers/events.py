"""Events of the sellers context. Other contexts react to them (auth grants the seller role, products
hides a suspended seller's listings, search indexes storefronts): change a payload only by adding a new
version of the event."""

from __future__ import annotations

import attrs

from core.shared.events import Event, domain_event


@domain_event("sellers.SellerApplied.v1", key="seller_id")
@attrs.frozen(kw_only=True)
class SellerApplied(Event):
    seller_id: str
    user_id: str
    display_name: str
    legal_name: str
    country: str


@domain_event("sellers.SellerVerified.v1", key="seller_id")
@attrs.frozen(kw_only=True)
class SellerVerified(Event):
    seller_id: str
    user_id: str
    display_name: str
    by: str


@domain_event("sellers.SellerRejected.v1", key="seller_id")
@attrs.frozen(kw_only=True)
class SellerRejected(Event):
    seller_id: str
    user_id: str
    reason: str
    by: str


@domain_event("sellers.SellerSuspended.v1", key="seller_id")
@attrs.frozen(kw_only=True)
class SellerSuspended(Event):
    seller_id: str
    user_id: str
    reason: str
    by: str


@domain_event("sellers.SellerReinstated.v1", key="seller_id")
@attrs.frozen(kw_only=True)
class SellerReinstated(Event):
    seller_id: str
    user_id: str
    by: str


@domain_event("sellers.StorefrontUpdated.v1", key="seller_id")
@attrs.frozen(kw_only=True)
class StorefrontUpdated(Event):
    seller_id: str
    display_name: str
    description: str
    logo_url: str | None


@domain_event("sellers.SellerClosed.v1", key="seller_id")
@attrs.frozen(kw_only=True)
class SellerClosed(Event):
    """The user behind the seller account deleted it: the shop is gone for good, its personal data erased."""

    seller_id: str
    user_id: str
