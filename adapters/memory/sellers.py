"""In-memory adapters of the sellers ports."""

from __future__ import annotations

from adapters.memory.store import MemoryTable, MemoryTransaction
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.tracking import SeenAggregates
from core.sellers.model import Seller, SellerStatus, list_position
from core.shared.errors import Conflict
from core.shared.pagination import Page, PageRequest, moment_after, page_of
from ports.sellers import ListingRepository, SellerRepository
from ports.shared import EventPublisher


class SellersTables:
    def __init__(self) -> None:
        self.sellers = MemoryTable("sellers")
        self.listings = MemoryTable("listings")  # product id -> seller id


class MemorySellerRepository:
    def __init__(self, tables: SellersTables, tx: MemoryTransaction, seen: SeenAggregates) -> None:
        self.table, self.tx, self.seen = tables.sellers, tx, seen

    async def add(self, seller: Seller) -> None:
        def unique() -> None:
            if seller.id in self.table.rows:
                raise Conflict("this user already has a seller account")

        if self.tx.get(self.table, seller.id) is not None:
            raise Conflict("this user already has a seller account")
        self.tx.check_at_commit(unique)
        self.tx.put(self.table, seller.id, seller)
        self.seen.add(seller)

    async def get(self, seller_id: str) -> Seller | None:
        seller: Seller | None = self.tx.get(self.table, seller_id)
        if seller is not None:
            self.seen.add(seller)
        return seller

    async def update(self, seller: Seller) -> None:
        self.tx.put_versioned(self.table, seller.id, seller, "seller account")
        self.seen.add(seller)

    async def list(self, status: SellerStatus | None, page: PageRequest) -> Page[Seller]:
        start = moment_after(page)
        rows = [
            s
            for s in self.tx.scan(self.table)
            if (status is None or s.status is status) and (start is None or (s.applied_at, s.id) > start)
        ]
        rows.sort(key=lambda s: (s.applied_at, s.id))
        for seller in rows:
            self.seen.add(seller)
        return page_of(rows[: page.limit + 1], page, list_position)


class MemoryListingRepository:
    def __init__(self, tables: SellersTables, tx: MemoryTransaction) -> None:
        self.table, self.tx = tables.listings, tx

    async def add(self, seller_id: str, product_id: str) -> None:
        self.tx.put(self.table, product_id, seller_id)

    async def remove(self, product_id: str) -> None:
        self.tx.delete(self.table, product_id)

    async def count(self, seller_id: str) -> int:
        return sum(1 for _ in self.tx.scan(self.table, where=lambda owner: owner == seller_id))


class MemorySellersUnitOfWork(MemoryUnitOfWork):
    # Typed as the port: the unit of work then satisfies it (a mutable protocol member).
    sellers: SellerRepository
    listings: ListingRepository

    def __init__(self, tables: SellersTables, publisher: EventPublisher) -> None:
        super().__init__(publisher)
        self.tables = tables
        self._open()

    def _open(self) -> None:
        self.sellers = MemorySellerRepository(self.tables, self.tx, self.seen)
        self.listings = MemoryListingRepository(self.tables, self.tx)
