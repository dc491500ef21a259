"""Applying to become a seller: ApplyAsSeller and ShowMyApplication."""

from __future__ import annotations

import pytest

from core.sellers.commands import GetMyApplication, Reject, Suspend
from core.sellers.events import SellerApplied
from core.sellers.model import SellerStatus
from core.shared.countries import COUNTRIES
from core.shared.errors import Conflict, NotFound, ValidationFailed

from ..harness import Published
from .conftest import ADMIN, ANN, BOB, SellersApp, application


async def test_an_application_makes_a_pending_seller_account_under_the_users_id(
    sellers: SellersApp, published: Published
) -> None:
    view = await sellers.apply(application(ANN))

    assert view.seller_id == ANN.user_id
    assert view.status is SellerStatus.PENDING
    assert (view.legal_name, view.display_name, view.country) == ("Ann's Lamps GmbH", "Ann's Lamps", "DE")
    assert view.payout_reference == "acct_123"
    assert view.reason is None
    assert view.applied_at == sellers.clock.now()
    assert view.decided_at is None
    [event] = published.of(SellerApplied)
    assert (event.seller_id, event.user_id) == (ANN.user_id, ANN.user_id)
    assert (event.legal_name, event.display_name, event.country) == ("Ann's Lamps GmbH", "Ann's Lamps", "DE")
    assert event.occurred_at == sellers.clock.now()
    assert "acct_123" not in str(published.envelopes[0].payload)


async def test_the_applicant_sees_her_application(sellers: SellersApp) -> None:
    applied = await sellers.applied()

    assert await sellers.my_application(GetMyApplication(ANN)) == applied


async def test_a_user_who_never_applied_has_no_application(sellers: SellersApp) -> None:
    await sellers.applied(ANN)

    with pytest.raises(NotFound):
        await sellers.my_application(GetMyApplication(BOB))


async def test_the_application_is_trimmed_and_normalised(sellers: SellersApp) -> None:
    view = await sellers.applied(
        legal_name="  Ann's   Lamps\tGmbH ",
        display_name=" Ann's  Lamps ",
        country=" de ",
        payout_reference=" acct-9_Z ",
    )

    assert (view.legal_name, view.display_name, view.country) == ("Ann's Lamps GmbH", "Ann's Lamps", "DE")
    assert view.payout_reference == "acct-9_Z"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"legal_name": ""}, "legal_name"),
        ({"legal_name": "   "}, "legal_name"),
        ({"legal_name": "x" * 201}, "legal_name"),
        ({"legal_name": "Ann\x00GmbH"}, "legal_name"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "x" * 81}, "display_name"),
        ({"display_name": "Ann\nLamps"}, "display_name"),
        ({"country": "XX"}, "country"),
        ({"country": "Germany"}, "country"),
        ({"country": ""}, "country"),
        ({"payout_reference": ""}, "payout_reference"),
        ({"payout_reference": "ac"}, "payout_reference"),
        ({"payout_reference": "DE89 3704 0044 0532 0130 00"}, "payout_reference"),
        ({"payout_reference": "acct\n123"}, "payout_reference"),
        ({"payout_reference": "_acct"}, "payout_reference"),
        ({"payout_reference": "a" * 65}, "payout_reference"),
        ({"payout_reference": "acct/../123"}, "payout_reference"),
    ],
)
async def test_a_bad_application_names_the_field_and_keeps_nothing(
    sellers: SellersApp, published: Published, overrides: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await sellers.applied(**overrides)

    assert [e.field for e in raised.value.errors] == [field]
    assert await sellers.stored(ANN.user_id) is None
    assert published.envelopes == []


async def test_every_bad_field_is_named_at_once(sellers: SellersApp) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await sellers.applied(legal_name="", display_name="", country="ZZ", payout_reference="?")

    assert [e.field for e in raised.value.errors] == ["legal_name", "display_name", "country", "payout_reference"]


async def test_the_payout_reference_never_shows_in_a_repr(sellers: SellersApp) -> None:
    await sellers.applied(payout_reference="acct_secret_42")
    stored = await sellers.stored(ANN.user_id)

    assert "acct_secret_42" not in repr(stored)
    assert "acct_secret_42" not in repr(application(payout_reference="acct_secret_42"))


@pytest.mark.parametrize("status", [SellerStatus.PENDING, SellerStatus.VERIFIED, SellerStatus.SUSPENDED])
async def test_a_second_application_is_a_conflict_and_changes_nothing(
    sellers: SellersApp, published: Published, status: SellerStatus
) -> None:
    if status is SellerStatus.PENDING:
        await sellers.applied()
    else:
        await sellers.verified()
    if status is SellerStatus.SUSPENDED:
        await sellers.suspend(Suspend(ADMIN, ANN.user_id, "fake reviews"))
    before = await sellers.stored(ANN.user_id)
    published.clear()

    with pytest.raises(Conflict):
        await sellers.applied(legal_name="Other GmbH")

    assert await sellers.stored(ANN.user_id) == before
    assert published.envelopes == []


async def test_a_rejected_applicant_may_apply_again(sellers: SellersApp, published: Published) -> None:
    await sellers.applied()
    await sellers.reject(Reject(ADMIN, ANN.user_id, "the legal name does not match the register"))
    sellers.clock.advance(3600)
    published.clear()

    view = await sellers.applied(legal_name="Ann Lamps GmbH & Co. KG", country="AT")

    assert view.status is SellerStatus.PENDING
    assert (view.legal_name, view.country) == ("Ann Lamps GmbH & Co. KG", "AT")
    assert view.reason is None
    assert view.decided_at is None
    assert view.applied_at == sellers.clock.now()
    [event] = published.of(SellerApplied)
    assert event.legal_name == "Ann Lamps GmbH & Co. KG"


async def test_each_user_has_an_account_of_their_own(sellers: SellersApp) -> None:
    await sellers.applied(ANN)
    bob = await sellers.applied(BOB, display_name="Bob's Bikes")

    assert bob.seller_id == BOB.user_id
    stored = await sellers.stored(ANN.user_id)
    assert stored is not None
    assert stored.display_name == "Ann's Lamps"


def test_the_country_table_holds_every_assigned_code() -> None:
    assert len(COUNTRIES) == 249
    assert {"DE", "FR", "GB", "US", "SE"} <= COUNTRIES
