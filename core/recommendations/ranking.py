"""How a personal list is ranked: a blend of what the shopper's signals point at.

Every source gives each product it names a share of its weight by rank (the first of a source counts
most, ``1 / (1 + rank / RANK_DECAY)``), scaled by how strongly the shopper holds what brought it (a
category's or brand's affinity relative to their strongest). Products the shopper bought are left out;
so are products that cannot be bought now (the caller filters by the catalogue).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import attrs

from core.recommendations.model import Pick, Reason
from ports.recommendations import Interest, Ranked

# Weights of the sources; with the three choices below, measured on the synthetic shop of
# bench/recommendations_quality.py (five seeds: hit rate @10 from 0.209 to 0.265, the base feed 0.195).
WEIGHTS = {Reason.BOUGHT_WITH: 3.0, Reason.VIEWED_WITH: 2.0, Reason.CATEGORY: 1.5, Reason.BRAND: 1.0}
RANK_DECAY = 5.0
# A shopper's recent interests count more: an interest loses half its weight every this many days.
HALF_LIFE_DAYS = 14.0
SEEDS = 20  # interests that seed the co-view and co-purchase lookups
TASTES = 5  # categories and brands whose best sellers (and most viewed) are candidates
# A product seen or bought together with the shopper's only a time or two is weak evidence: its share
# grows with the count, whole from EVIDENCE times on (else thin pairs crowd out the liked categories).
EVIDENCE = 3.0


@attrs.frozen
class Sources:
    """What the signals gave for one shopper: each source's products, best first."""

    bought_with: Sequence[Ranked] = ()
    viewed_with: Sequence[Ranked] = ()
    # Best sellers per liked category or brand, with that taste's share (0 to 1] of the strongest.
    categories: Sequence[tuple[float, Sequence[Ranked]]] = ()
    brands: Sequence[tuple[float, Sequence[Ranked]]] = ()


def interest_weight(interest: Interest, now: datetime) -> float:
    strength = interest.viewed + 3 * interest.carted + 5 * interest.purchased
    age_days = max((now - interest.last_at).total_seconds(), 0.0) / 86400
    decay: float = 0.5 ** (age_days / HALF_LIFE_DAYS)
    return strength * decay


def seeds(interests: Sequence[Interest], now: datetime) -> tuple[list[str], list[str]]:
    """The products bought and the products looked at (viewed or carted, not bought) that seed the list,
    strongest first."""
    ranked = sorted(interests, key=lambda i: (-interest_weight(i, now), i.product_id))
    bought = [i.product_id for i in ranked if i.purchased > 0][:SEEDS]
    looked = [i.product_id for i in ranked if i.purchased == 0 and (i.viewed or i.carted)][:SEEDS]
    return bought, looked


def strongest(tastes: Mapping[str, float]) -> list[tuple[str, float]]:
    """The shopper's best-liked values with their share of the best one (only liked ones: weight > 0)."""
    liked = sorted(((v, w) for v, w in tastes.items() if w > 0), key=lambda t: (-t[1], t[0]))[:TASTES]
    if not liked:
        return []
    top = liked[0][1]
    return [(value, weight / top) for value, weight in liked]


def blend(sources: Sources, exclude: set[str], limit: int) -> list[Pick]:
    scores: dict[str, float] = {}
    reasons: dict[str, tuple[float, Reason]] = {}

    def add(reason: Reason, ranked: Sequence[Ranked], share: float, counted: bool = False) -> None:
        kept = (item for item in ranked if item.product_id not in exclude)
        for rank, item in enumerate(kept):  # a product left out takes no rank from those after it
            strength = min(1.0, item.score / EVIDENCE) if counted else 1.0
            gain = WEIGHTS[reason] * share * strength / (1 + rank / RANK_DECAY)
            scores[item.product_id] = scores.get(item.product_id, 0.0) + gain
            if gain > reasons.get(item.product_id, (0.0, reason))[0]:
                reasons[item.product_id] = (gain, reason)

    add(Reason.BOUGHT_WITH, sources.bought_with, 1.0, counted=True)
    add(Reason.VIEWED_WITH, sources.viewed_with, 1.0, counted=True)
    for share, ranked in sources.categories:
        add(Reason.CATEGORY, ranked, share)
    for share, ranked in sources.brands:
        add(Reason.BRAND, ranked, share)
    best = sorted(scores.items(), key=lambda s: (-s[1], s[0]))[:limit]
    return [Pick(product_id, round(score, 4), reasons[product_id][1]) for product_id, score in best]
