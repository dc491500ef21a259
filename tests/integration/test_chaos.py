"""The chaos run of bench/chaos.py, short: 30 orders from 10 customers against two `serve`, two `consume`
and a `work` process, with the sandboxes failing a fifth of their calls, while the broker is stopped and
started (checkouts go on meanwhile), a `consume` and a `serve` process are SIGKILLed and started again,
PostgreSQL is restarted and the carrier loses a parcel. Then nothing is lost or doubled, and stock, money,
ratings and analytics add up (the module's docstring lists every check)."""

from __future__ import annotations

import pytest

from bench.chaos import BROKER_DOWN, Plan, run

pytestmark = pytest.mark.infra


def test_nothing_is_lost_doubled_or_miscounted_under_chaos() -> None:
    plan = Plan(
        orders=30, customers=10, concurrency=10, sellers=2, products=4, twice=0.3, cancel=0.1, quiet_seconds=120
    )
    report = run(plan)

    assert report.passed, report.table()  # every incident injected, every check passed
    # Checkouts were accepted with the broker away, and those orders ended, each paid at most once.
    assert report.outcomes[BROKER_DOWN] > 0, report.table()
