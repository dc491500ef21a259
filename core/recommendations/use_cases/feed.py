"""The base feed: best sellers and top rated, for the whole shop and per category, over the policy's
sliding window; rebuilt whole every few minutes and put in place of the previous one.

Top rated ranks the products viewed or sold in the window by a damped average of their stars (the shop's
mean counts as ``rating_prior`` reviews), so one five-star review does not outrank a hundred at 4.8.
"""

from __future__ import annotations

from datetime import date

from core.recommendations.model import BaseFeed, FeedKind, FeedList, RecommendationPolicy
from ports.ratings import Ratings, RatingSummary
from ports.recommendations import BaseFeedStore, ShopperSignals
from ports.shared import Clock


class RebuildBaseFeed:
    def __init__(
        self,
        signals: ShopperSignals,
        ratings: Ratings,
        store: BaseFeedStore,
        policy: RecommendationPolicy,
        clock: Clock,
    ) -> None:
        self.signals, self.ratings, self.store, self.policy, self.clock = signals, ratings, store, policy, clock

    async def __call__(self) -> int:
        """Build and put the feed; how many lists it holds."""
        now = self.clock.now()
        since = (now - self.policy.window).date()
        categories: list[str | None] = [None]
        categories += await self.signals.active_categories(since, self.policy.feed_categories)
        lists: list[FeedList] = []
        for category_id in categories:
            lists.extend(await self._lists(since, category_id))
        await self.store.replace(BaseFeed(now, tuple(lists)))
        return len(lists)

    async def _lists(self, since: date, category_id: str | None) -> list[FeedList]:
        # Twice the size: readers drop what cannot be bought any more and still fill a page.
        size = 2 * self.policy.feed_size
        best = await self.signals.best_sellers(since, category_id, None, size)
        viewed = await self.signals.most_viewed(since, category_id, size)
        candidates = list(dict.fromkeys([r.product_id for r in best] + [r.product_id for r in viewed]))
        rated = top_rated(await self.ratings.of_products(candidates), self.policy.rating_prior)[:size]
        found = []
        if best:
            found.append(FeedList(FeedKind.BEST_SELLERS, category_id, tuple(r.product_id for r in best)))
        if rated:
            found.append(FeedList(FeedKind.TOP_RATED, category_id, tuple(rated)))
        return found


def top_rated(ratings: dict[str, RatingSummary], prior: int) -> list[str]:
    if not ratings:
        return []
    mean = sum(r.average * r.count for r in ratings.values()) / sum(r.count for r in ratings.values())

    def damped(summary: RatingSummary) -> float:
        return (prior * mean + summary.average * summary.count) / (prior + summary.count)

    return sorted(ratings, key=lambda product_id: (-damped(ratings[product_id]), product_id))
