"""The storefront: ShowStorefront (public), ShowMyStorefront and EditMyStorefront (the seller's own)."""

from __future__ import annotations

import attrs
import pytest

from core.sellers.commands import (
    EditStorefront,
    GetMyStorefront,
    GetStorefront,
    Reinstate,
    Reject,
    StorefrontView,
    Suspend,
)
from core.sellers.events import StorefrontUpdated
from core.shared.errors import NotFound, PermissionDenied, ValidationFailed
from core.shared.security import Principal, Role

from ..harness import Published
from .conftest import ADMIN, ANN, BOB, SellersApp, as_seller

MISSING = "00000000-0000-7000-8000-000000000999"


async def test_a_verified_sellers_storefront_is_public(sellers: SellersApp) -> None:
    await sellers.verified()
    member_since = sellers.clock.now()
    sellers.clock.advance(3600)

    view = await sellers.storefront(GetStorefront(ANN.user_id))

    assert view == StorefrontView(
        seller_id=ANN.user_id,
        display_name="Ann's Lamps",
        description="",
        logo_url=None,
        country="DE",
        rating=None,
        review_count=0,
        product_count=0,
        member_since=member_since,
    )


def test_the_storefront_shows_nothing_private() -> None:
    shown = set(attrs.fields_dict(StorefrontView))
    assert not shown & {"legal_name", "payout_reference", "status", "reason", "decided_by"}


async def test_a_pending_application_has_no_storefront(sellers: SellersApp) -> None:
    await sellers.applied()

    with pytest.raises(NotFound):
        await sellers.storefront(GetStorefront(ANN.user_id))


async def test_a_rejected_seller_has_no_storefront(sellers: SellersApp) -> None:
    await sellers.applied()
    await sellers.reject(Reject(ADMIN, ANN.user_id, "no"))

    with pytest.raises(NotFound):
        await sellers.storefront(GetStorefront(ANN.user_id))


async def test_suspension_hides_the_storefront_and_reinstatement_restores_it(sellers: SellersApp) -> None:
    await sellers.verified()
    shown = await sellers.storefront(GetStorefront(ANN.user_id))
    await sellers.suspend(Suspend(ADMIN, ANN.user_id, "counterfeits"))

    with pytest.raises(NotFound):
        await sellers.storefront(GetStorefront(ANN.user_id))

    await sellers.reinstate(Reinstate(ADMIN, ANN.user_id))
    assert await sellers.storefront(GetStorefront(ANN.user_id)) == shown


@pytest.mark.parametrize("seller_id", [MISSING, "", "not-an-id", "'; DROP TABLE sellers; --"])
async def test_an_unknown_seller_has_no_storefront(sellers: SellersApp, seller_id: str) -> None:
    with pytest.raises(NotFound):
        await sellers.storefront(GetStorefront(seller_id))


async def test_the_seller_edits_her_storefront(sellers: SellersApp, published: Published) -> None:
    ann = await sellers.verified()
    sellers.clock.advance(60)
    published.clear()

    view = await sellers.edit_storefront(
        EditStorefront(
            ann,
            display_name="  Ann's  Lamp Shop ",
            description="  Lamps from Leipzig.\r\n\nMade to order.  ",
            logo_url="https://cdn.example.com/ann/logo.png",
        )
    )

    assert view.display_name == "Ann's Lamp Shop"
    assert view.description == "Lamps from Leipzig.\n\nMade to order."
    assert view.logo_url == "https://cdn.example.com/ann/logo.png"
    assert await sellers.storefront(GetStorefront(ANN.user_id)) == view
    assert await sellers.my_storefront(GetMyStorefront(ann)) == view
    [event] = published.of(StorefrontUpdated)
    assert (event.seller_id, event.display_name, event.description, event.logo_url) == (
        ANN.user_id,
        "Ann's Lamp Shop",
        "Lamps from Leipzig.\n\nMade to order.",
        "https://cdn.example.com/ann/logo.png",
    )
    assert event.occurred_at == sellers.clock.now()


async def test_only_the_fields_given_change_and_the_logo_can_be_removed(sellers: SellersApp) -> None:
    ann = await sellers.verified()
    await sellers.edit_storefront(EditStorefront(ann, description="Lamps.", logo_url="https://x.example/l.png"))

    renamed = await sellers.edit_storefront(EditStorefront(ann, display_name="Lamps by Ann"))
    assert (renamed.display_name, renamed.description, renamed.logo_url) == (
        "Lamps by Ann",
        "Lamps.",
        "https://x.example/l.png",
    )

    cleared = await sellers.edit_storefront(EditStorefront(ann, clear_logo=True, description=""))
    assert (cleared.display_name, cleared.description, cleared.logo_url) == ("Lamps by Ann", "", None)


async def test_an_edit_that_changes_nothing_raises_no_event(sellers: SellersApp, published: Published) -> None:
    ann = await sellers.verified()
    published.clear()

    await sellers.edit_storefront(EditStorefront(ann, display_name="Ann's Lamps", description=""))
    await sellers.edit_storefront(EditStorefront(ann))

    assert published.envelopes == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"display_name": ""}, "display_name"),
        ({"display_name": "x" * 81}, "display_name"),
        ({"description": "x" * 2001}, "description"),
        ({"description": "bell\x07"}, "description"),
        ({"logo_url": "http://cdn.example.com/logo.png"}, "logo_url"),
        ({"logo_url": "https://"}, "logo_url"),
        ({"logo_url": "logo.png"}, "logo_url"),
        ({"logo_url": "javascript:alert(1)"}, "logo_url"),
        ({"logo_url": "https://cdn.example.com/a logo.png"}, "logo_url"),
        ({"logo_url": "https://[::1"}, "logo_url"),
        ({"logo_url": "https://cdn.example.com/" + "x" * 2048}, "logo_url"),
    ],
)
async def test_a_bad_edit_names_the_field_and_changes_nothing(
    sellers: SellersApp, published: Published, changes: dict[str, str], field: str
) -> None:
    ann = await sellers.verified()
    before = await sellers.storefront(GetStorefront(ANN.user_id))
    published.clear()

    with pytest.raises(ValidationFailed) as raised:
        await sellers.edit_storefront(EditStorefront(ann, **changes))  # type: ignore[arg-type]

    assert [e.field for e in raised.value.errors] == [field]
    assert await sellers.storefront(GetStorefront(ANN.user_id)) == before
    assert published.envelopes == []


async def test_a_description_of_exactly_2000_characters_is_fine(sellers: SellersApp) -> None:
    ann = await sellers.verified()

    view = await sellers.edit_storefront(EditStorefront(ann, description="x" * 2000))

    assert len(view.description) == 2000


async def test_a_customer_has_no_storefront_to_manage(sellers: SellersApp) -> None:
    await sellers.applied()

    with pytest.raises(PermissionDenied):
        await sellers.my_storefront(GetMyStorefront(ANN))
    with pytest.raises(PermissionDenied):
        await sellers.edit_storefront(EditStorefront(ANN, display_name="Mine"))


async def test_a_suspended_seller_cannot_manage_her_storefront_even_before_losing_the_role(
    sellers: SellersApp,
) -> None:
    ann = await sellers.verified()
    await sellers.suspend(Suspend(ADMIN, ANN.user_id, "counterfeits"))

    # ``ann`` still carries the seller role, as a principal would until auth handles SellerSuspended.
    with pytest.raises(PermissionDenied):
        await sellers.my_storefront(GetMyStorefront(ann))
    with pytest.raises(PermissionDenied):
        await sellers.edit_storefront(EditStorefront(ann, display_name="Back again"))


async def test_a_seller_role_without_a_seller_account_finds_no_storefront(sellers: SellersApp) -> None:
    await sellers.verified(ANN)

    with pytest.raises(NotFound):
        await sellers.my_storefront(GetMyStorefront(as_seller(BOB)))
    with pytest.raises(NotFound):
        await sellers.my_storefront(GetMyStorefront(ADMIN))


async def test_a_seller_edits_only_her_own_storefront(sellers: SellersApp) -> None:
    ann = await sellers.verified(ANN)
    bob = await sellers.verified(BOB, display_name="Bob's Bikes")

    await sellers.edit_storefront(EditStorefront(bob, display_name="Bikes"))

    assert (await sellers.storefront(GetStorefront(ann.user_id))).display_name == "Ann's Lamps"
    assert (await sellers.storefront(GetStorefront(bob.user_id))).display_name == "Bikes"


async def test_an_admin_who_is_a_seller_edits_her_own_storefront(sellers: SellersApp) -> None:
    admin = Principal(ADMIN.user_id, frozenset({Role.CUSTOMER, Role.ADMIN}), "s")
    await sellers.verified(admin)

    view = await sellers.edit_storefront(EditStorefront(admin, description="Admin's shop"))

    assert view.description == "Admin's shop"


async def test_the_storefront_shows_the_sellers_rating(sellers: SellersApp) -> None:
    seller = await sellers.verified()
    sellers.ratings.rate_seller(ANN.user_id, 5, 4, 4)
    sellers.ratings.rate_seller(BOB.user_id, 1)

    public = await sellers.storefront(GetStorefront(ANN.user_id))
    own = await sellers.my_storefront(GetMyStorefront(seller))
    edited = await sellers.edit_storefront(EditStorefront(seller, description="Lamps"))

    for view in (public, own, edited):
        assert (view.rating, view.review_count) == (4.33, 3)
    assert sellers.ratings.asked == [[ANN.user_id]] * 3


async def test_without_ratings_the_storefront_is_shown_unrated(sellers: SellersApp) -> None:
    seller = await sellers.verified()
    sellers.ratings.rate_seller(ANN.user_id, 5)
    sellers.ratings.down = True

    public = await sellers.storefront(GetStorefront(ANN.user_id))
    own = await sellers.my_storefront(GetMyStorefront(seller))

    assert (public.rating, public.review_count) == (own.rating, own.review_count) == (None, 0)
