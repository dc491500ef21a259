"""Sellers routes: applying, the public storefront, the seller's own storefront, the admin's decisions."""

from __future__ import annotations

from typing import Any

import attrs

from core.sellers import commands as c
from core.sellers import use_cases as uc
from core.sellers.model import (
    DESCRIPTION_MAX,
    DISPLAY_NAME_MAX,
    LEGAL_NAME_MAX,
    LOGO_URL_MAX,
    REASON_MAX,
    SellerStatus,
)
from core.shared.errors import ValidationFailed
from core.shared.pagination import MAX_LIMIT, PageRequest
from entrypoints.http.routing import ADMIN, SELLER, Call, Endpoint
from entrypoints.http.schema import limits

TAG = "sellers"


@attrs.frozen
class ApplyBody:
    """An application to become a seller. ``payout_reference`` is the payment provider's account reference
    (such as ``acct_123``), never bank details; only the applicant ever sees it again."""

    legal_name: str = attrs.field(metadata=limits(max_length=LEGAL_NAME_MAX))
    display_name: str = attrs.field(metadata=limits(max_length=DISPLAY_NAME_MAX))
    country: str = attrs.field(metadata=limits(max_length=64))
    payout_reference: str = attrs.field(repr=False, metadata=limits(max_length=64))


@attrs.frozen
class StorefrontBody:
    """Only the fields sent change; ``logo_url: null`` removes the logo, ``description: null`` empties it."""

    display_name: str | None = attrs.field(default=None, metadata=limits(max_length=DISPLAY_NAME_MAX))
    description: str | None = attrs.field(default=None, metadata=limits(max_length=DESCRIPTION_MAX))
    logo_url: str | None = attrs.field(default=None, metadata=limits(max_length=LOGO_URL_MAX))


@attrs.frozen
class ReasonBody:
    """Why: the seller is told."""

    reason: str = attrs.field(metadata=limits(max_length=REASON_MAX))


@attrs.frozen
class SellersQuery:
    status: SellerStatus | None = None
    limit: int = attrs.field(default=20, metadata=limits(minimum=1, maximum=MAX_LIMIT))
    cursor: str | None = attrs.field(default=None, metadata=limits(max_length=512))


@attrs.frozen
class SellerPage:
    items: list[c.SellerSummary]
    next_cursor: str | None


async def apply_as_seller(call: Call[ApplyBody, None]) -> c.ApplicationView:
    b = call.body
    command = c.Apply(call.user, b.legal_name, b.display_name, b.country, b.payout_reference)
    return await call.resolve(uc.ApplyAsSeller)(command)


async def get_my_seller_application(call: Call[None, None]) -> c.ApplicationView:
    return await call.resolve(uc.ShowMyApplication)(c.GetMyApplication(call.user))


async def get_seller_storefront(call: Call[None, None]) -> c.StorefrontView:
    return await call.resolve(uc.ShowStorefront)(c.GetStorefront(call.path("seller_id")))


async def get_my_storefront(call: Call[None, None]) -> c.StorefrontView:
    return await call.resolve(uc.ShowMyStorefront)(c.GetMyStorefront(call.user))


async def edit_my_storefront(call: Call[StorefrontBody, None]) -> c.StorefrontView:
    b = call.body
    if call.given("display_name") and b.display_name is None:
        raise ValidationFailed.of("display_name", "must not be null: a storefront always has a name")
    description = "" if call.given("description") and b.description is None else b.description
    command = c.EditStorefront(
        call.user,
        display_name=b.display_name,
        description=description,
        logo_url=b.logo_url,
        clear_logo=call.given("logo_url") and b.logo_url is None,
    )
    return await call.resolve(uc.EditMyStorefront)(command)


async def list_seller_accounts(call: Call[None, SellersQuery]) -> SellerPage:
    q = call.query
    command = c.ListSellers(call.user, q.status, PageRequest(q.limit, q.cursor))
    page = await call.resolve(uc.ListSellerAccounts)(command)
    return SellerPage(list(page.items), page.next_cursor)


async def verify_seller(call: Call[None, None]) -> c.SellerSummary:
    return await call.resolve(uc.VerifySeller)(c.Verify(call.user, call.path("seller_id")))


async def reject_seller(call: Call[ReasonBody, None]) -> c.SellerSummary:
    command = c.Reject(call.user, call.path("seller_id"), call.body.reason)
    return await call.resolve(uc.RejectSeller)(command)


async def suspend_seller(call: Call[ReasonBody, None]) -> c.SellerSummary:
    command = c.Suspend(call.user, call.path("seller_id"), call.body.reason)
    return await call.resolve(uc.SuspendSeller)(command)


async def reinstate_seller(call: Call[None, None]) -> c.SellerSummary:
    command = c.Reinstate(call.user, call.path("seller_id"))
    return await call.resolve(uc.ReinstateSeller)(command)


def _sellers(method: str, path: str, handler: Any, summary: str, **kw: Any) -> Endpoint:
    return Endpoint(method, path, handler, summary, tag=TAG, **kw)


_DECISION = "/sellers/{seller_id}"

ENDPOINTS = [
    _sellers(
        "POST",
        "/sellers/apply",
        apply_as_seller,
        "Apply to become a seller",
        body=ApplyBody,
        response=c.ApplicationView,
        status=201,
        errors=(409,),
        description="One seller account per user: a second application is a conflict, unless the first "
        "was rejected. An admin verifies or rejects it; the seller id is the applicant's user id.",
    ),
    _sellers(
        "GET",
        "/me/seller",
        get_my_seller_application,
        "The caller's seller application and its status",
        response=c.ApplicationView,
        errors=(404,),
    ),
    _sellers(
        "GET",
        "/sellers/{seller_id}",
        get_seller_storefront,
        "A seller's public storefront",
        authenticated=False,
        response=c.StorefrontView,
        errors=(404,),
        description="Only verified sellers have a storefront: a pending, rejected or suspended one is not found.",
    ),
    _sellers(
        "GET",
        "/storefront",
        get_my_storefront,
        "The seller's own storefront",
        group=SELLER,
        response=c.StorefrontView,
        errors=(404,),
    ),
    _sellers(
        "PATCH",
        "/storefront",
        edit_my_storefront,
        "Change the storefront's name, description or logo",
        group=SELLER,
        body=StorefrontBody,
        response=c.StorefrontView,
        errors=(404, 409),  # 409: changed by another request meanwhile
    ),
    _sellers(
        "GET",
        "/sellers",
        list_seller_accounts,
        "List seller accounts, oldest application first",
        group=ADMIN,
        query=SellersQuery,
        response=SellerPage,
    ),
    _sellers(
        "POST",
        _DECISION + "/verify",
        verify_seller,
        "Verify a pending application: the seller may sell",
        group=ADMIN,
        response=c.SellerSummary,
        errors=(404, 409),
    ),
    _sellers(
        "POST",
        _DECISION + "/reject",
        reject_seller,
        "Reject a pending application, saying why",
        group=ADMIN,
        body=ReasonBody,
        response=c.SellerSummary,
        errors=(404, 409),
    ),
    _sellers(
        "POST",
        _DECISION + "/suspend",
        suspend_seller,
        "Suspend a verified seller, saying why: the storefront and the products leave the shop",
        group=ADMIN,
        body=ReasonBody,
        response=c.SellerSummary,
        errors=(404, 409),
    ),
    _sellers(
        "POST",
        _DECISION + "/reinstate",
        reinstate_seller,
        "Reinstate a suspended seller",
        group=ADMIN,
        response=c.SellerSummary,
        errors=(404, 409),
    ),
]
