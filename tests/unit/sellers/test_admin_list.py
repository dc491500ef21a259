"""The admin's list of seller accounts: ListSellerAccounts (keyset pages, oldest application first)."""

from __future__ import annotations

import pytest

from core.sellers.commands import ListSellers, Reject, Verify
from core.sellers.model import SellerStatus
from core.shared.errors import PermissionDenied, ValidationFailed
from core.shared.pagination import PageRequest, encode_cursor
from core.shared.security import Principal, Role

from .conftest import ADMIN, SellersApp, as_seller

APPLICANTS = [Principal(f"00000000-0000-7000-8000-0000000001{n:02d}", frozenset({Role.CUSTOMER})) for n in range(7)]


async def apply_all(sellers: SellersApp, applicants: list[Principal] = APPLICANTS) -> None:
    for n, applicant in enumerate(applicants):
        await sellers.applied(applicant, display_name=f"Shop {n}")
        sellers.clock.advance(60)


async def every_page(sellers: SellersApp, status: SellerStatus | None, limit: int) -> list[list[str]]:
    pages: list[list[str]] = []
    request = PageRequest(limit=limit)
    while True:
        page = await sellers.list_sellers(ListSellers(ADMIN, status, request))
        pages.append([s.display_name for s in page.items])
        if page.next_cursor is None:
            return pages
        request = PageRequest(limit=limit, cursor=page.next_cursor)


async def test_pending_applications_come_oldest_first_in_keyset_pages(sellers: SellersApp) -> None:
    await apply_all(sellers)
    await sellers.verify(Verify(ADMIN, APPLICANTS[1].user_id))
    await sellers.reject(Reject(ADMIN, APPLICANTS[4].user_id, "no"))

    pages = await every_page(sellers, SellerStatus.PENDING, limit=2)

    assert pages == [["Shop 0", "Shop 2"], ["Shop 3", "Shop 5"], ["Shop 6"]]


async def test_each_status_lists_its_own_and_no_status_lists_all(sellers: SellersApp) -> None:
    await apply_all(sellers, APPLICANTS[:4])
    await sellers.verify(Verify(ADMIN, APPLICANTS[0].user_id))
    await sellers.reject(Reject(ADMIN, APPLICANTS[2].user_id, "no"))

    assert await every_page(sellers, SellerStatus.VERIFIED, 10) == [["Shop 0"]]
    assert await every_page(sellers, SellerStatus.REJECTED, 10) == [["Shop 2"]]
    assert await every_page(sellers, SellerStatus.SUSPENDED, 10) == [[]]
    assert await every_page(sellers, None, 3) == [["Shop 0", "Shop 1", "Shop 2"], ["Shop 3"]]


async def test_applications_made_in_the_same_instant_are_ordered_by_id(sellers: SellersApp) -> None:
    for n, applicant in reversed(list(enumerate(APPLICANTS[:3]))):
        await sellers.applied(applicant, display_name=f"Shop {n}")

    assert await every_page(sellers, SellerStatus.PENDING, 1) == [["Shop 0"], ["Shop 1"], ["Shop 2"]]


async def test_a_page_never_repeats_or_skips_while_applications_arrive(sellers: SellersApp) -> None:
    await apply_all(sellers, APPLICANTS[:3])
    first = await sellers.list_sellers(ListSellers(ADMIN, SellerStatus.PENDING, PageRequest(limit=2)))
    await sellers.applied(APPLICANTS[5], display_name="Late shop")
    assert first.next_cursor is not None

    second = await sellers.list_sellers(
        ListSellers(ADMIN, SellerStatus.PENDING, PageRequest(limit=10, cursor=first.next_cursor))
    )

    assert [s.display_name for s in first.items] == ["Shop 0", "Shop 1"]
    assert [s.display_name for s in second.items] == ["Shop 2", "Late shop"]
    assert second.next_cursor is None


async def test_a_new_application_after_a_rejection_joins_the_end_of_the_queue(sellers: SellersApp) -> None:
    await apply_all(sellers, APPLICANTS[:3])
    await sellers.reject(Reject(ADMIN, APPLICANTS[0].user_id, "no"))

    await sellers.applied(APPLICANTS[0], display_name="Shop 0 again")

    assert await every_page(sellers, SellerStatus.PENDING, 10) == [["Shop 1", "Shop 2", "Shop 0 again"]]


async def test_the_summary_shows_the_decision_but_never_the_payout_reference(sellers: SellersApp) -> None:
    await sellers.applied(APPLICANTS[0], payout_reference="acct_private_1")
    await sellers.reject(Reject(ADMIN, APPLICANTS[0].user_id, "no such company"))

    page = await sellers.list_sellers(ListSellers(ADMIN))

    [summary] = page.items
    assert (summary.status, summary.reason, summary.decided_by) == (
        SellerStatus.REJECTED,
        "no such company",
        ADMIN.user_id,
    )
    assert "acct_private_1" not in repr(summary)


@pytest.mark.parametrize(
    "who",
    [APPLICANTS[0], as_seller(APPLICANTS[1]), Principal("m", frozenset({Role.CUSTOMER, Role.MODERATOR}))],
    ids=["a customer", "a seller", "a moderator"],
)
async def test_only_an_admin_lists_seller_accounts(sellers: SellersApp, who: Principal) -> None:
    with pytest.raises(PermissionDenied):
        await sellers.list_sellers(ListSellers(who))


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        encode_cursor([]),
        encode_cursor(["2026-01-01T12:00:00+00:00"]),
        encode_cursor([42, "id"]),
        encode_cursor(["yesterday", "id"]),
        encode_cursor(["2026-01-01T12:00:00", "id"]),  # no time zone
        encode_cursor(["2026-01-01T12:00:00+00:00", 7]),
    ],
)
async def test_a_forged_cursor_is_refused_naming_cursor(sellers: SellersApp, cursor: str) -> None:
    await apply_all(sellers, APPLICANTS[:2])

    with pytest.raises(ValidationFailed) as raised:
        await sellers.list_sellers(ListSellers(ADMIN, None, PageRequest(limit=1, cursor=cursor)))

    assert [e.field for e in raised.value.errors] == ["cursor"]
