"""Seller accounts and listings in the ``sellers`` schema; behave exactly as ``adapters.memory.sellers``."""

from __future__ import annotations

from typing import Any

import asyncpg

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.postgres.versioned import VersionedRows
from adapters.tracking import SeenAggregates
from core.sellers.model import Seller, SellerStatus, list_position
from core.shared.errors import Conflict
from core.shared.pagination import Page, PageRequest, moment_after, page_of
from ports.sellers import ListingRepository, SellerRepository

_SELECT = """
SELECT id, legal_name, display_name, country, payout_reference, status, description, logo_url, reason,
       applied_at, updated_at, decided_at, decided_by, verified_at, version
FROM sellers.sellers
"""
_INSERT = """
INSERT INTO sellers.sellers (id, legal_name, display_name, country, payout_reference, status, description,
                             logo_url, reason, applied_at, updated_at, decided_at, decided_by, verified_at, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
ON CONFLICT DO NOTHING
RETURNING true
"""
_ROWS = VersionedRows(
    "sellers.sellers",
    "seller account",
    (
        "legal_name",
        "display_name",
        "country",
        "payout_reference",
        "status",
        "description",
        "logo_url",
        "reason",
        "applied_at",
        "updated_at",
        "decided_at",
        "decided_by",
        "verified_at",
    ),
)
_ORDER = " ORDER BY applied_at, id LIMIT "
# One fixed statement per case, keyed by (a status is given, a cursor is given): each keeps a plan that
# walks its index in order.
_LIST = {
    (False, False): _SELECT + _ORDER + "$1",
    (True, False): _SELECT + " WHERE status = $1" + _ORDER + "$2",
    (False, True): _SELECT + " WHERE (applied_at, id) > ($1, $2)" + _ORDER + "$3",
    (True, True): _SELECT + " WHERE status = $1 AND (applied_at, id) > ($2, $3)" + _ORDER + "$4",
}


def _seller(row: Any) -> Seller:
    return Seller(
        id=row["id"],
        legal_name=row["legal_name"],
        display_name=row["display_name"],
        country=row["country"],
        payout_reference=row["payout_reference"],
        status=SellerStatus(row["status"]),
        applied_at=row["applied_at"],
        updated_at=row["updated_at"],
        description=row["description"],
        logo_url=row["logo_url"],
        reason=row["reason"],
        decided_at=row["decided_at"],
        decided_by=row["decided_by"],
        verified_at=row["verified_at"],
        version=row["version"],
    )


def _row(seller: Seller) -> dict[str, Any]:
    """The seller account as its row's columns, in the table's order."""
    return {
        "id": seller.id,
        "legal_name": seller.legal_name,
        "display_name": seller.display_name,
        "country": seller.country,
        "payout_reference": seller.payout_reference,
        "status": seller.status.value,
        "description": seller.description,
        "logo_url": seller.logo_url,
        "reason": seller.reason,
        "applied_at": seller.applied_at,
        "updated_at": seller.updated_at,
        "decided_at": seller.decided_at,
        "decided_by": seller.decided_by,
        "verified_at": seller.verified_at,
        "version": seller.version,
    }


class PostgresSellerRepository:
    def __init__(self, conn: asyncpg.Connection, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen

    def _track(self, row: Any) -> Seller:
        seller = _seller(row)
        self.seen.add(seller)
        return seller

    async def add(self, seller: Seller) -> None:
        # DO NOTHING rather than a caught error, which would abort the whole transaction. A concurrent
        # application of the same user waits here for the other transaction, then conflicts.
        inserted = await self.conn.fetchval(_INSERT, *_row(seller).values())
        if not inserted:
            raise Conflict("this user already has a seller account")
        self.seen.add(seller)

    async def get(self, seller_id: str) -> Seller | None:
        row = await self.conn.fetchrow(_SELECT + " WHERE id = $1", seller_id)
        return None if row is None else self._track(row)

    async def update(self, seller: Seller) -> None:
        seller.version = await _ROWS.save(self.conn, _row(seller), seller.version)
        self.seen.add(seller)

    async def list(self, status: SellerStatus | None, page: PageRequest) -> Page[Seller]:
        start = moment_after(page)
        args: list[Any] = [status.value] if status is not None else []
        if start is not None:
            args.extend(start)
        rows = await self.conn.fetch(_LIST[(status is not None, start is not None)], *args, page.limit + 1)
        return page_of([self._track(r) for r in rows], page, list_position)


class PostgresListingRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, seller_id: str, product_id: str) -> None:
        await self.conn.execute(
            "INSERT INTO sellers.listings (product_id, seller_id) VALUES ($1, $2)"
            " ON CONFLICT (product_id) DO UPDATE SET seller_id = EXCLUDED.seller_id",
            product_id,
            seller_id,
        )

    async def remove(self, product_id: str) -> None:
        await self.conn.execute("DELETE FROM sellers.listings WHERE product_id = $1", product_id)

    async def count(self, seller_id: str) -> int:
        count = await self.conn.fetchval("SELECT count(*) FROM sellers.listings WHERE seller_id = $1", seller_id)
        return int(count)


class PostgresSellersUnitOfWork(PostgresUnitOfWork):
    # Typed as the ports: the unit of work then satisfies ``SellersUnitOfWork`` (mutable protocol members).
    sellers: SellerRepository
    listings: ListingRepository

    def _open(self, conn: asyncpg.Connection) -> None:
        self.sellers = PostgresSellerRepository(conn, self.seen)
        self.listings = PostgresListingRepository(conn)
