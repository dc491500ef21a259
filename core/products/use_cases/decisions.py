"""What the catalogue does when other contexts decide: moderation's verdicts, sellers' suspensions.

Each runs from a consumer and is safe to repeat: a decision applies only to the revision waiting for it,
and a suspension or reinstatement already recorded changes nothing.
"""

from __future__ import annotations

import logging

from core.products.categories import CategoryTree
from core.products.commands import ApplyModerationDecision, ForgetCards, HideSuspendedSeller, ShowReinstatedSeller
from core.products.use_cases.views import ShopFactsReader, forget_cards, seller_suspended, shop_facts
from ports.catalog import ProductImages, StockLevels
from ports.products import CatalogUnitOfWork, ProductCache
from ports.shared import Clock, UnitOfWorkFactory

log = logging.getLogger(__name__)


class ApplyProductDecision:
    """Approve: the revision becomes what customers see. Reject: the seller sees the reasons."""

    def __init__(
        self,
        uow: UnitOfWorkFactory[CatalogUnitOfWork],
        stock: StockLevels,
        images: ProductImages,
        cache: ProductCache,
        clock: Clock,
    ) -> None:
        self.uow, self.facts, self.cache, self.clock = uow, ShopFactsReader(stock, images), cache, clock

    async def __call__(self, command: ApplyModerationDecision) -> None:
        # Read before the card is locked: stock and images live behind units of work of their own.
        available, urls = await self.facts.read([command.product_id]) if command.approved else ({}, {})
        now = self.clock.now()
        async with self.uow() as uow:
            product = await uow.products.get_for_change(command.product_id)
            if product is None:
                log.warning("moderation decided on product %s, which does not exist", command.product_id)
                return
            if command.approved:
                tree = CategoryTree(await uow.categories.lineage([product.content.category_id]))
                suspended = await seller_suspended(uow, product.seller_id)
                # The revision being approved, not the live version it may replace, is what gets published.
                facts = shop_facts(product.id, product.content.category_id, tree, available, urls)
                changed = product.approve(command.revision, facts, seller_suspended=suspended, now=now)
            else:
                changed = product.reject(command.revision, command.reasons, now)
            if not changed:
                return  # a decision about an older revision, or one applied already
            await uow.products.update(product)
            await uow.commit()
        if command.approved:
            await forget_cards(self.cache, [product.id])


class HideSellerProducts:
    """The seller was suspended: their live cards leave the shop, and nothing of theirs can be submitted."""

    def __init__(self, uow: UnitOfWorkFactory[CatalogUnitOfWork], cache: ProductCache, clock: Clock) -> None:
        self.uow, self.cache, self.clock = uow, cache, clock

    async def __call__(self, command: HideSuspendedSeller) -> None:
        now = self.clock.now()
        async with self.uow() as uow:
            if not await uow.suspended_sellers.add(command.seller_id, now):
                return
            live = await uow.products.live_of_seller(command.seller_id)
            for product in live:
                product.hide_for_suspension(now)
            await uow.commit()
        await forget_cards(self.cache, [p.id for p in live])


class RestoreSellerProducts:
    """The seller was reinstated: their live cards are back in the shop as they were."""

    def __init__(
        self,
        uow: UnitOfWorkFactory[CatalogUnitOfWork],
        stock: StockLevels,
        images: ProductImages,
        cache: ProductCache,
        clock: Clock,
    ) -> None:
        self.uow, self.facts, self.cache, self.clock = uow, ShopFactsReader(stock, images), cache, clock

    async def __call__(self, command: ShowReinstatedSeller) -> None:
        now = self.clock.now()
        async with self.uow() as uow:
            if not await uow.suspended_sellers.remove(command.seller_id):
                return
            live = await uow.products.live_of_seller(command.seller_id)
            categories = [p.live.content.category_id for p in live if p.live is not None]
            tree = CategoryTree(await uow.categories.lineage(categories))
            available, urls = await self.facts.read([p.id for p in live])
            for product in live:
                if product.live is not None:
                    facts = shop_facts(product.id, product.live.content.category_id, tree, available, urls)
                    product.show_after_reinstatement(facts, now)
            await uow.commit()
        await forget_cards(self.cache, [p.id for p in live])


class ForgetPublicCards:
    """Stock, images or ratings of cards changed: their cached public cards are out of date."""

    def __init__(self, cache: ProductCache) -> None:
        self.cache = cache

    async def __call__(self, command: ForgetCards) -> None:
        await forget_cards(self.cache, command.product_ids)
