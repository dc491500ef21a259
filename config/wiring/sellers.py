from __future__ import annotations

from adapters.memory.sellers import MemorySellersUnitOfWork, SellersTables
from config.runtime import Wiring
from core.sellers import use_cases as uc
from ports.sellers import SellersUnitOfWork, Storefronts

DATABASE = "sellers"


def register(w: Wiring) -> None:
    if w.infra:
        from adapters.postgres.sellers.repository import PostgresSellersUnitOfWork

        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)
        w.units_of_work(SellersUnitOfWork, lambda: PostgresSellersUnitOfWork(pool, nudge))
    else:
        tables = SellersTables()
        w.units_of_work(SellersUnitOfWork, lambda: MemorySellersUnitOfWork(tables, w.bus))
    w.container.register(Storefronts, factory=lambda: uc.SellerStorefronts(w.units_of_work_of(SellersUnitOfWork)))
    # The storefronts show the sellers' ratings: ``ports.ratings.Ratings``, which the reviews context's wiring
    # registers after this one (the container hands it over when a use case is first resolved).
    w.use_cases(
        uc.ApplyAsSeller,
        uc.ShowMyApplication,
        uc.ShowStorefront,
        uc.ShowMyStorefront,
        uc.EditMyStorefront,
        uc.ListSellerAccounts,
        uc.VerifySeller,
        uc.RejectSeller,
        uc.SuspendSeller,
        uc.ReinstateSeller,
        uc.RecordListing,
        uc.RemoveListing,
        uc.CloseSellerAccount,
    )
