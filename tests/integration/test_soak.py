"""The soak (bench/soak.py) for twenty seconds: `serve`, `consume` and `work` as OS processes on the infra profile
under the steady Online Boutique-style mix (browse, search, cart, checkout, review of what was delivered).

Every request answers 2xx, no event is set aside, every process is alive at the end, and once the load
stops the outbox backlog and the consumers' lag go back to 0. How much memory grows, how fast the
requests are and whether the backlog trends up are the long run's figures (python -m bench.soak), not
asserted here: twenty seconds say nothing of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from bench.soak import Shop, build_catalogue, running_shop, soak

pytestmark = pytest.mark.infra

SECONDS, WARMUP, RATE = 20, 3, 1.0


@pytest.fixture
def shop() -> Iterator[Shop]:
    with running_shop("soak", every=1.0) as running:
        yield running


def test_a_short_soak_answers_every_request_and_drains(shop: Shop) -> None:
    catalogue = build_catalogue(shop, products=6, customers=12, sellers=2)

    report = asyncio.run(soak(shop, catalogue, SECONDS, WARMUP, RATE, every=1.0, round_seconds=4, drain_seconds=30))

    report.print()  # shown when the test fails
    assert not report.errors, report.error_samples
    assert report.dead == 0
    assert report.drained_in is not None, "the outbox backlog or the consumer lag stayed above 0"
    assert all(report.alive.values()), report.alive
    assert sum(len(report.latencies.get(kind, [])) for kind in ("checkout", "review")) > 0
