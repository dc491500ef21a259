"""The offline quality check of ``bench/recommendations_quality.py`` at a small scale: on held-out purchases
of a synthetic activity stream replayed through the activity use cases, the personal lists hit more often
than the base feed. Deterministic (a fixed seed); the full-size run and its figures are the benchmark's."""

from __future__ import annotations

from bench.recommendations_quality import SEED, main


async def test_personal_lists_beat_the_base_feed_on_held_out_purchases() -> None:
    quality = await main(users=300, products=300, days=60, seed=SEED)

    assert quality.evaluated >= 100
    assert quality.fell_back == 0  # every evaluated shopper got a list of their own
    assert quality.personal_coverage > quality.base_coverage
    figures = f"personal {quality.personal_hits}, base {quality.base_hits} of {quality.evaluated} shoppers"
    assert quality.personal_beats_base, figures
