"""The catalogue's use cases over the in-memory adapters, wired by hand, with small fakes of the stock and
media parts (``StockLevels``, ``ProductImages``) and of the reviews context's ``Ratings``, and a cache that
can be made to fail."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from adapters.memory.clock import ManualClock, SequentialIds
from adapters.memory.products import CatalogTables, MemoryCatalogUnitOfWork, MemoryProductCache
from core.products import commands as c
from core.products import use_cases as uc
from core.products.model import Product
from core.shared.errors import Unavailable
from core.shared.security import Principal, Role
from tests.support.events import RecordingEventBus
from tests.support.fake_ratings import FakeRatings

ADMIN = Principal("admin-1", frozenset({Role.CUSTOMER, Role.ADMIN}), "session-admin")
ANN = Principal("seller-ann", frozenset({Role.CUSTOMER, Role.SELLER}), "session-ann")
BOB = Principal("seller-bob", frozenset({Role.CUSTOMER, Role.SELLER}), "session-bob")
CUSTOMER = Principal("customer-cid", frozenset({Role.CUSTOMER}), "session-cid")
CACHE_TTL = 300


class FakeStockLevels:
    """``ports.catalog.StockLevels``: units per product, set by hand."""

    def __init__(self) -> None:
        self.units: dict[str, int] = {}
        self.asked: list[list[str]] = []

    async def available(self, product_ids: Sequence[str]) -> dict[str, int]:
        self.asked.append(list(product_ids))
        return {p: self.units.get(p, 0) for p in product_ids}


class FakeProductImages:
    """``ports.catalog.ProductImages``: image URLs per product, set by hand."""

    def __init__(self) -> None:
        self.images: dict[str, list[str]] = {}

    async def urls(self, product_ids: Sequence[str]) -> dict[str, list[str]]:
        return {p: list(self.images.get(p, [])) for p in product_ids}


class FlakyCache(MemoryProductCache):
    """The memory cache, until ``down`` is set: then every call fails as a cache outage does."""

    def __init__(self, clock: ManualClock, ttl_seconds: int) -> None:
        super().__init__(clock, ttl_seconds)
        self.down = False
        self.reads = 0
        self.hits = 0

    def _check(self) -> None:
        if self.down:
            raise Unavailable("the product cache is unavailable (test)")

    async def get(self, product_id: str) -> c.PublicCard | None:
        self._check()
        self.reads += 1
        card = await super().get(product_id)
        self.hits += card is not None
        return card

    async def put(self, card: c.PublicCard) -> None:
        self._check()
        await super().put(card)

    async def forget(self, product_ids: Sequence[str]) -> None:
        self._check()
        await super().forget(product_ids)


def price(amount: int = 1999, currency: str = "EUR") -> c.PriceInput:
    return c.PriceInput(amount, currency)


@attrs.define
class CatalogApp:
    clock: ManualClock
    ids: SequentialIds
    bus: RecordingEventBus
    tables: CatalogTables = attrs.Factory(CatalogTables)
    stock: FakeStockLevels = attrs.Factory(FakeStockLevels)
    images: FakeProductImages = attrs.Factory(FakeProductImages)
    ratings: FakeRatings = attrs.Factory(FakeRatings)
    cache: FlakyCache = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.cache = FlakyCache(self.clock, CACHE_TTL)

    def uow(self) -> MemoryCatalogUnitOfWork:
        return MemoryCatalogUnitOfWork(self.tables, self.bus)

    # The use cases, each over a fresh unit of work.
    @property
    def add_category(self) -> uc.AddCategory:
        return uc.AddCategory(self.uow, self.ids, self.clock)

    @property
    def rename_category(self) -> uc.ChangeCategoryName:
        return uc.ChangeCategoryName(self.uow, self.cache, self.clock)

    @property
    def category_tree(self) -> uc.ShowCategoryTree:
        return uc.ShowCategoryTree(self.uow)

    @property
    def create(self) -> uc.CreateProductCard:
        return uc.CreateProductCard(self.uow, self.ids, self.clock)

    @property
    def edit(self) -> uc.EditProductCard:
        return uc.EditProductCard(self.uow, self.clock)

    @property
    def submit(self) -> uc.SubmitProductCard:
        return uc.SubmitProductCard(self.uow, self.images, self.clock)

    @property
    def archive(self) -> uc.ArchiveProductCard:
        return uc.ArchiveProductCard(self.uow, self.cache, self.clock)

    @property
    def show_mine(self) -> uc.ShowMyProductCard:
        return uc.ShowMyProductCard(self.uow)

    @property
    def list_mine(self) -> uc.ListMyProductCards:
        return uc.ListMyProductCards(self.uow)

    @property
    def decide(self) -> uc.ApplyProductDecision:
        return uc.ApplyProductDecision(self.uow, self.stock, self.images, self.cache, self.clock)

    @property
    def suspend(self) -> uc.HideSellerProducts:
        return uc.HideSellerProducts(self.uow, self.cache, self.clock)

    @property
    def reinstate(self) -> uc.RestoreSellerProducts:
        return uc.RestoreSellerProducts(self.uow, self.stock, self.images, self.cache, self.clock)

    @property
    def forget(self) -> uc.ForgetPublicCards:
        return uc.ForgetPublicCards(self.cache)

    @property
    def browse(self) -> uc.BrowseShop:
        return uc.BrowseShop(self.uow, self.stock, self.images, self.ratings)

    @property
    def show(self) -> uc.ShowPublicCard:
        return uc.ShowPublicCard(uc.CatalogShopCards(self.uow, self.stock, self.images), self.cache, self.ratings)

    @property
    def offers(self) -> uc.CatalogOffers:
        return uc.CatalogOffers(self.uow, self.stock, self.images)

    @property
    def ownership(self) -> uc.CatalogOwnership:
        return uc.CatalogOwnership(self.uow)

    # Shortcuts for the set-up of a test.
    async def category(self, name: str, parent_id: str | None = None) -> str:
        view = await self.add_category(c.CreateCategory(ADMIN, name, parent_id))
        return view.id

    async def draft(
        self,
        category_id: str,
        seller: Principal = ANN,
        *,
        sku: str = "SKU-1",
        title: str = "Espresso machine",
        amount: int = 24900,
        attributes: tuple[c.AttributeInput, ...] = (),
    ) -> c.SellerProductView:
        command = c.CreateProduct(
            seller,
            sku=sku,
            title=title,
            category_id=category_id,
            price=price(amount),
            description="Fifteen bars of pressure.",
            brand="Gaggia",
            attributes=attributes,
        )
        return await self.create(command)

    async def approve(self, product_id: str, revision: int) -> None:
        await self.decide(c.ApplyModerationDecision(product_id, revision, approved=True))

    async def reject(self, product_id: str, revision: int, *reasons: str) -> None:
        await self.decide(c.ApplyModerationDecision(product_id, revision, approved=False, reasons=reasons))

    async def published(self, category_id: str, seller: Principal = ANN, **kw: object) -> c.SellerProductView:
        """A card submitted and approved: live in the shop."""
        draft = await self.draft(category_id, seller, **kw)  # type: ignore[arg-type]
        submitted = await self.submit(c.SubmitProduct(seller, draft.id))
        await self.approve(draft.id, submitted.revision)
        return await self.show_mine(c.GetMyProduct(seller, draft.id))

    async def stored(self, product_id: str) -> Product | None:
        async with self.uow() as uow:
            return await uow.products.get(product_id)
