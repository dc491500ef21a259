"""What the sellers context needs from the outside world, and what other contexts read of it
(``Storefronts``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from core.shared.pagination import Page, PageRequest
from ports.shared import UnitOfWork

if TYPE_CHECKING:
    from core.sellers.model import Seller, SellerStatus


class SellerRepository(Protocol):
    async def add(self, seller: Seller) -> None:
        """Store a new seller account; raise ``Conflict`` if the user already has one."""
        ...

    async def get(self, seller_id: str) -> Seller | None: ...

    async def update(self, seller: Seller) -> None:
        """Store the changes and bump ``seller.version``; raise ``Conflict`` if someone else changed the
        account since it was read (its stored version is no longer ``seller.version``)."""
        ...

    async def list(self, status: SellerStatus | None, page: PageRequest) -> Page[Seller]:
        """Seller accounts (of one status, or all) oldest application first: by (applied_at, id)."""
        ...


class ListingRepository(Protocol):
    """Which published products each seller has: a set per seller, so adding or removing twice is harmless."""

    async def add(self, seller_id: str, product_id: str) -> None: ...

    async def remove(self, product_id: str) -> None: ...

    async def count(self, seller_id: str) -> int: ...


class SellersUnitOfWork(UnitOfWork, Protocol):
    sellers: SellerRepository
    listings: ListingRepository


@dataclass(frozen=True)
class Storefront:
    """A verified seller's storefront; ``listed`` is False while the seller is suspended (kept to be shown
    again when reinstated)."""

    seller_id: str
    display_name: str
    description: str
    logo_url: str | None
    listed: bool


class Storefronts(Protocol):
    async def storefronts(self, page: PageRequest) -> Page[Storefront]:
        """The storefronts of verified and suspended sellers, oldest application first (a page may hold
        fewer than its limit, even none, and still have a next one)."""
        ...
