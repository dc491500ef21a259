"""A seller account closes, keeping nothing personal, when its user deletes their account."""

from __future__ import annotations

import pytest

from core.sellers import use_cases as uc
from core.sellers.commands import CloseSeller, GetStorefront, Verify
from core.sellers.events import SellerClosed
from core.sellers.model import CLOSED_SHOP_NAME, SellerStatus
from core.shared.errors import NotFound

from .conftest import ADMIN, ANN, SellersApp


async def test_closing_erases_the_personal_data_and_hides_the_storefront(sellers: SellersApp, bus) -> None:  # type: ignore[no-untyped-def]
    await sellers.applied()
    await sellers.verify(Verify(ADMIN, ANN.user_id))
    close = uc.CloseSellerAccount(sellers.uow, sellers.clock)

    await close(CloseSeller(ANN.user_id))
    await close(CloseSeller(ANN.user_id))  # a redelivered event changes nothing more

    async with sellers.uow() as uow:
        stored = await uow.sellers.get(ANN.user_id)
    assert stored is not None
    assert stored.status is SellerStatus.CLOSED
    assert (stored.legal_name, stored.payout_reference, stored.description) == ("", "", "")
    assert stored.display_name == CLOSED_SHOP_NAME
    assert stored.logo_url is None
    closed = [e for e in bus.delivered if e.type == SellerClosed.type_name]
    assert len(closed) == 1
    assert closed[0].key == ANN.user_id
    with pytest.raises(NotFound):
        await sellers.storefront(GetStorefront(ANN.user_id))


async def test_a_user_who_never_applied_closes_nothing(sellers: SellersApp, bus) -> None:  # type: ignore[no-untyped-def]
    await uc.CloseSellerAccount(sellers.uow, sellers.clock)(CloseSeller("someone-else"))
    assert [e for e in bus.delivered if e.type == SellerClosed.type_name] == []
