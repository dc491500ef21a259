"""The admin's decisions: VerifySeller, RejectSeller, SuspendSeller, ReinstateSeller."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from core.sellers import use_cases as uc
from core.sellers.commands import CloseSeller, GetMyApplication, Reinstate, Reject, Suspend, Verify
from core.sellers.events import SellerReinstated, SellerRejected, SellerSuspended, SellerVerified
from core.sellers.model import SellerStatus
from core.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.shared.security import Principal, Role

from ..harness import Published
from .conftest import ADMIN, ANN, SellersApp

MISSING = "00000000-0000-7000-8000-000000000999"


async def test_an_admin_verifies_a_pending_application(sellers: SellersApp, published: Published) -> None:
    await sellers.applied()
    sellers.clock.advance(60)
    published.clear()

    summary = await sellers.verify(Verify(ADMIN, ANN.user_id))

    assert summary.status is SellerStatus.VERIFIED
    assert (summary.decided_at, summary.decided_by) == (sellers.clock.now(), ADMIN.user_id)
    assert summary.reason is None
    [event] = published.of(SellerVerified)
    assert (event.seller_id, event.user_id, event.display_name, event.by) == (
        ANN.user_id,
        ANN.user_id,
        "Ann's Lamps",
        ADMIN.user_id,
    )
    stored = await sellers.stored(ANN.user_id)
    assert stored is not None
    assert stored.verified_at == sellers.clock.now()


async def test_an_admin_rejects_an_application_and_the_applicant_sees_why(
    sellers: SellersApp, published: Published
) -> None:
    await sellers.applied()
    published.clear()

    summary = await sellers.reject(Reject(ADMIN, ANN.user_id, "  the register has   no such company "))

    assert summary.status is SellerStatus.REJECTED
    assert summary.reason == "the register has no such company"
    [event] = published.of(SellerRejected)
    assert (event.seller_id, event.reason, event.by) == (ANN.user_id, "the register has no such company", ADMIN.user_id)
    mine = await sellers.my_application(GetMyApplication(ANN))
    assert (mine.status, mine.reason) == (SellerStatus.REJECTED, "the register has no such company")


async def test_suspension_and_reinstatement_keep_the_first_verification_as_member_since(
    sellers: SellersApp, published: Published
) -> None:
    await sellers.verified()
    verified_at = sellers.clock.now()
    sellers.clock.advance(86400)
    published.clear()

    suspended = await sellers.suspend(Suspend(ADMIN, ANN.user_id, "counterfeit goods reported"))
    sellers.clock.advance(86400)
    reinstated = await sellers.reinstate(Reinstate(ADMIN, ANN.user_id))

    assert (suspended.status, suspended.reason) == (SellerStatus.SUSPENDED, "counterfeit goods reported")
    assert (reinstated.status, reinstated.reason) == (SellerStatus.VERIFIED, None)
    assert reinstated.decided_at == sellers.clock.now()
    assert published.types() == ["sellers.SellerSuspended.v1", "sellers.SellerReinstated.v1"]
    [suspension] = published.of(SellerSuspended)
    assert (suspension.user_id, suspension.reason, suspension.by) == (
        ANN.user_id,
        "counterfeit goods reported",
        ADMIN.user_id,
    )
    [reinstatement] = published.of(SellerReinstated)
    assert (reinstatement.user_id, reinstatement.by) == (ANN.user_id, ADMIN.user_id)
    stored = await sellers.stored(ANN.user_id)
    assert stored is not None
    assert stored.verified_at == verified_at


def _verify(s: SellersApp) -> Awaitable[Any]:
    return s.verify(Verify(ADMIN, ANN.user_id))


def _reject(s: SellersApp) -> Awaitable[Any]:
    return s.reject(Reject(ADMIN, ANN.user_id, "no"))


def _suspend(s: SellersApp) -> Awaitable[Any]:
    return s.suspend(Suspend(ADMIN, ANN.user_id, "no"))


def _reinstate(s: SellersApp) -> Awaitable[Any]:
    return s.reinstate(Reinstate(ADMIN, ANN.user_id))


MOVES: dict[str, Callable[[SellersApp], Awaitable[Any]]] = {
    "verify": _verify,
    "reject": _reject,
    "suspend": _suspend,
    "reinstate": _reinstate,
}
# The only moves there are; every other (status, move) pair is refused.
ALLOWED = {
    (SellerStatus.PENDING, "verify"),
    (SellerStatus.PENDING, "reject"),
    (SellerStatus.VERIFIED, "suspend"),
    (SellerStatus.SUSPENDED, "reinstate"),
}
IMPOSSIBLE = [(status, move) for status in SellerStatus for move in MOVES if (status, move) not in ALLOWED]


async def _bring_to(sellers: SellersApp, status: SellerStatus) -> None:
    await sellers.applied()
    if status is SellerStatus.REJECTED:
        await _reject(sellers)
    elif status in (SellerStatus.VERIFIED, SellerStatus.SUSPENDED):
        await _verify(sellers)
        if status is SellerStatus.SUSPENDED:
            await _suspend(sellers)
    elif status is SellerStatus.CLOSED:
        await uc.CloseSellerAccount(sellers.uow, sellers.clock)(CloseSeller(ANN.user_id))


@pytest.mark.parametrize(("status", "move"), IMPOSSIBLE, ids=[f"{s.value}-{m}" for s, m in IMPOSSIBLE])
async def test_an_impossible_move_is_a_conflict_and_changes_nothing(
    sellers: SellersApp, published: Published, status: SellerStatus, move: str
) -> None:
    await _bring_to(sellers, status)
    before = await sellers.stored(ANN.user_id)
    published.clear()

    with pytest.raises(Conflict):
        await MOVES[move](sellers)

    assert await sellers.stored(ANN.user_id) == before
    assert published.envelopes == []


@pytest.mark.parametrize(("status", "move"), sorted(ALLOWED), ids=[f"{s.value}-{m}" for s, m in sorted(ALLOWED)])
async def test_each_allowed_move_is_one_event(
    sellers: SellersApp, published: Published, status: SellerStatus, move: str
) -> None:
    await _bring_to(sellers, status)
    published.clear()

    await MOVES[move](sellers)

    assert len(published.envelopes) == 1
    assert published.envelopes[0].key == ANN.user_id


@pytest.mark.parametrize("move", ["reject", "suspend"])
@pytest.mark.parametrize("reason", ["", "   ", "x" * 501, "bad\x07bell"])
async def test_a_reject_or_suspend_needs_a_reason(
    sellers: SellersApp, published: Published, move: str, reason: str
) -> None:
    await _bring_to(sellers, SellerStatus.PENDING if move == "reject" else SellerStatus.VERIFIED)
    before = await sellers.stored(ANN.user_id)
    published.clear()

    decide = (
        sellers.reject(Reject(ADMIN, ANN.user_id, reason))
        if move == "reject"
        else sellers.suspend(Suspend(ADMIN, ANN.user_id, reason))
    )

    with pytest.raises(ValidationFailed) as raised:
        await decide

    assert [e.field for e in raised.value.errors] == ["reason"]
    assert await sellers.stored(ANN.user_id) == before
    assert published.envelopes == []


NOT_ADMINS = [
    Principal(ANN.user_id, frozenset({Role.CUSTOMER}), "s"),
    Principal("00000000-0000-7000-8000-000000000005", frozenset({Role.CUSTOMER, Role.SELLER}), "s"),
    Principal("00000000-0000-7000-8000-000000000006", frozenset({Role.CUSTOMER, Role.MODERATOR}), "s"),
]


@pytest.mark.parametrize("who", NOT_ADMINS, ids=["the applicant", "a seller", "a moderator"])
async def test_only_an_admin_decides(sellers: SellersApp, published: Published, who: Principal) -> None:
    await sellers.applied()
    published.clear()

    with pytest.raises(PermissionDenied):
        await sellers.verify(Verify(who, ANN.user_id))
    with pytest.raises(PermissionDenied):
        await sellers.reject(Reject(who, ANN.user_id, "no"))
    with pytest.raises(PermissionDenied):
        await sellers.suspend(Suspend(who, ANN.user_id, "no"))
    with pytest.raises(PermissionDenied):
        await sellers.reinstate(Reinstate(who, ANN.user_id))

    stored = await sellers.stored(ANN.user_id)
    assert stored is not None
    assert stored.status is SellerStatus.PENDING
    assert published.envelopes == []


async def test_a_decision_on_an_unknown_seller_is_not_found(sellers: SellersApp) -> None:
    with pytest.raises(NotFound):
        await sellers.verify(Verify(ADMIN, MISSING))
    with pytest.raises(NotFound):
        await sellers.reinstate(Reinstate(ADMIN, MISSING))
    with pytest.raises(NotFound):
        await sellers.reject(Reject(ADMIN, MISSING, "no"))
    with pytest.raises(NotFound):
        await sellers.suspend(Suspend(ADMIN, MISSING, "no"))


async def test_a_decision_taken_on_a_stale_read_is_refused(sellers: SellersApp, published: Published) -> None:
    """Two admins decide at once: the one who commits second read a version that is gone."""
    await sellers.applied()
    published.clear()
    first, second = sellers.uow(), sellers.uow()
    async with first, second:
        mine = await first.sellers.get(ANN.user_id)
        theirs = await second.sellers.get(ANN.user_id)
        assert mine is not None
        assert theirs is not None
        mine.verify(ADMIN.user_id, sellers.clock.now())
        await first.sellers.update(mine)
        await first.commit()
        theirs.reject("too late", "another-admin", sellers.clock.now())
        with pytest.raises(Conflict):
            await second.sellers.update(theirs)

    stored = await sellers.stored(ANN.user_id)
    assert stored is not None
    assert stored.status is SellerStatus.VERIFIED
    assert published.types() == ["sellers.SellerVerified.v1"]
