"""How a personal list is ranked (``core.recommendations.ranking``), how top rated damps a few reviews, and
when a failed build is retried."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.recommendations.model import Backoff, Pick, Reason
from core.recommendations.ranking import (
    EVIDENCE,
    HALF_LIFE_DAYS,
    RANK_DECAY,
    SEEDS,
    TASTES,
    WEIGHTS,
    Sources,
    blend,
    interest_weight,
    seeds,
    strongest,
)
from core.recommendations.use_cases.feed import top_rated
from ports.recommendations import Interest, Ranked
from tests.support.fake_ratings import rating_of

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def ranked(*product_ids: str, count: float = EVIDENCE) -> list[Ranked]:
    """A source's products, each counted ``count`` times (enough to weigh in fully by default)."""
    return [Ranked(p, count) for p in product_ids]


def interest(product_id: str, viewed: int = 0, carted: int = 0, purchased: int = 0, days_ago: float = 0) -> Interest:
    return Interest(product_id, viewed, carted, purchased, NOW - timedelta(days=days_ago))


# blend


@pytest.mark.parametrize(
    ("sources", "score", "reason"),
    [
        (Sources(bought_with=ranked("a")), 3.0, Reason.BOUGHT_WITH),
        (Sources(viewed_with=ranked("a")), 2.0, Reason.VIEWED_WITH),
        (Sources(categories=[(1.0, ranked("a"))]), 1.5, Reason.CATEGORY),
        (Sources(brands=[(1.0, ranked("a"))]), 1.0, Reason.BRAND),
        (Sources(categories=[(0.5, ranked("a"))]), 0.75, Reason.CATEGORY),
    ],
)
def test_each_source_gives_its_first_product_its_weight_times_the_tastes_share(
    sources: Sources, score: float, reason: Reason
) -> None:
    assert blend(sources, set(), 10) == [Pick("a", score, reason)]


def test_the_weights_rank_bought_with_over_viewed_with_over_category_over_brand() -> None:
    assert WEIGHTS[Reason.BOUGHT_WITH] > WEIGHTS[Reason.VIEWED_WITH] > WEIGHTS[Reason.CATEGORY]
    assert WEIGHTS[Reason.CATEGORY] > WEIGHTS[Reason.BRAND]


def test_a_products_share_decays_with_its_rank_in_a_source() -> None:
    picks = blend(Sources(bought_with=ranked("a", "b", "c")), set(), 10)
    assert [(p.product_id, p.score) for p in picks] == [
        ("a", 3.0),
        ("b", round(3.0 / (1 + 1 / RANK_DECAY), 4)),
        ("c", round(3.0 / (1 + 2 / RANK_DECAY), 4)),
    ]


def test_a_product_named_by_several_sources_sums_them_and_keeps_its_strongest_reason() -> None:
    far_in_bought = ranked(*(f"x{n}" for n in range(10)), "a")  # "a" at rank 10: 3 / 3 = 1.0
    picks = blend(Sources(bought_with=far_in_bought, viewed_with=ranked("a")), set(), 1)
    assert picks == [Pick("a", 3.0, Reason.VIEWED_WITH)]  # 1.0 + 2.0, the view gave more


@pytest.mark.parametrize(("count", "score"), [(1, 1.0), (2, 2.0), (3, 3.0), (30, 3.0)])
def test_a_pair_counted_a_time_or_two_weighs_in_part_only(count: int, score: float) -> None:
    assert blend(Sources(bought_with=ranked("a", count=count)), set(), 10) == [Pick("a", score, Reason.BOUGHT_WITH)]


def test_the_count_of_a_liked_categorys_best_seller_does_not_weaken_it() -> None:
    assert blend(Sources(categories=[(1.0, ranked("a", count=1))]), set(), 10) == [Pick("a", 1.5, Reason.CATEGORY)]


def test_excluded_products_are_left_out() -> None:
    picks = blend(Sources(bought_with=ranked("owned", "a"), brands=[(1.0, ranked("owned"))]), {"owned"}, 10)
    assert [p.product_id for p in picks] == ["a"]


def test_equal_scores_are_ordered_by_id_and_cut_to_the_limit() -> None:
    sources = Sources(categories=[(1.0, ranked("c")), (1.0, ranked("a")), (1.0, ranked("b"))])
    assert [p.product_id for p in blend(sources, set(), 2)] == ["a", "b"]


def test_nothing_to_blend_gives_an_empty_list() -> None:
    assert blend(Sources(), set(), 10) == []


# seeds, strongest, interest_weight


def test_an_interest_weighs_views_once_cart_additions_thrice_and_purchases_five_times() -> None:
    assert interest_weight(interest("a", viewed=2, carted=1, purchased=1), NOW) == 2 + 3 + 5


def test_an_interest_loses_half_its_weight_every_half_life() -> None:
    fresh = interest_weight(interest("a", viewed=4), NOW)
    assert interest_weight(interest("a", viewed=4, days_ago=HALF_LIFE_DAYS), NOW) == pytest.approx(fresh / 2)
    assert interest_weight(interest("a", viewed=4, days_ago=2 * HALF_LIFE_DAYS), NOW) == pytest.approx(fresh / 4)


def test_an_interest_from_the_future_weighs_as_a_fresh_one() -> None:
    assert interest_weight(interest("a", viewed=4, days_ago=-3), NOW) == 4


def test_seeds_split_bought_from_looked_at_strongest_first() -> None:
    found = seeds(
        [
            interest("viewed-once", viewed=1),
            interest("carted", carted=1),
            interest("bought-long-ago", purchased=1, days_ago=60),
            interest("bought", purchased=1, viewed=1),
            interest("also-viewed-once", viewed=1),
            interest("taken-back"),  # added then removed: nothing left
        ],
        NOW,
    )
    assert found == (["bought", "bought-long-ago"], ["carted", "also-viewed-once", "viewed-once"])


def test_seeds_keep_at_most_seeds_of_each() -> None:
    many = [interest(f"v{n:02}", viewed=1) for n in range(SEEDS + 5)]
    bought, looked = seeds(many, NOW)
    assert (bought, looked) == ([], [f"v{n:02}" for n in range(SEEDS)])


def test_strongest_keeps_the_best_liked_tastes_with_their_share_of_the_best() -> None:
    tastes = {"tents": 8.0, "stoves": 4.0, "mugs": 4.0, "lamps": 2.0, "pegs": 2.0, "cups": 1.0, "boots": -3.0}
    assert strongest(tastes) == [("tents", 1.0), ("mugs", 0.5), ("stoves", 0.5), ("lamps", 0.25), ("pegs", 0.25)]
    assert len(strongest(tastes)) == TASTES


def test_strongest_of_no_liked_taste_is_empty() -> None:
    assert strongest({"boots": -3.0, "maps": 0.0}) == []
    assert strongest({}) == []


# top rated


def test_top_rated_damps_a_few_reviews_towards_the_shops_mean() -> None:
    ratings = {"one-five": rating_of(5), "many": rating_of(*[5] * 80, *[4] * 20), "poor": rating_of(2, 2)}
    assert top_rated(ratings, prior=5) == ["many", "one-five", "poor"]
    assert top_rated(ratings, prior=0) == ["one-five", "many", "poor"]  # undamped: the raw average


def test_top_rated_breaks_ties_by_id_and_is_empty_without_ratings() -> None:
    assert top_rated({"b": rating_of(4), "a": rating_of(4)}, prior=5) == ["a", "b"]
    assert top_rated({}, prior=5) == []


# Backoff


BACKOFF = Backoff(timedelta(seconds=30), timedelta(minutes=5))


@pytest.mark.parametrize(("attempts", "seconds"), [(0, 30), (1, 30), (2, 60), (3, 120), (4, 240), (5, 300), (40, 300)])
def test_a_failed_build_waits_twice_as_long_each_time_up_to_the_ceiling(attempts: int, seconds: int) -> None:
    assert BACKOFF.retry_at(NOW, attempts) == NOW + timedelta(seconds=seconds)


@pytest.mark.parametrize("attempts", [43, 100])
def test_a_build_failing_for_days_is_retried_at_the_ceiling(attempts: int) -> None:
    assert BACKOFF.retry_at(NOW, attempts) == NOW + timedelta(minutes=5)
