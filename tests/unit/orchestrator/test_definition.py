"""The saga definition both engines run: every step is either work for the desks or a wait for news, and
the steps' rules can be held within a limit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from config.settings import SettingsError, load_settings
from core.orchestrator.definition import DESK_WORK, RULES, StepRule, rule_of
from core.orchestrator.model import WAITING, Step


def test_every_step_but_the_waits_and_the_end_is_work_for_the_desks() -> None:
    assert set(DESK_WORK) == set(Step) - WAITING - {Step.DONE}
    assert set(RULES) <= set(DESK_WORK)


def test_a_steps_rule_held_within_a_limit_waits_no_longer_than_it() -> None:
    slow = StepRule(timeout=timedelta(seconds=60), first_pause=timedelta(seconds=2))
    held = slow.within(timedelta(seconds=3))
    assert held == StepRule(timedelta(seconds=3), timedelta(seconds=2), timedelta(seconds=3))
    assert rule_of(Step.CONFIRM_ORDER).within(timedelta(hours=1)) == rule_of(Step.CONFIRM_ORDER)


def test_the_saga_engine_is_builtin_or_temporal() -> None:
    assert load_settings({}).saga_engine == "builtin"
    assert load_settings({"MARKETPLACE_SAGA_ENGINE": "temporal"}).saga_engine == "temporal"
    with pytest.raises(SettingsError, match="MARKETPLACE_SAGA_ENGINE must be one of builtin, temporal"):
        load_settings({"MARKETPLACE_SAGA_ENGINE": "kafka-streams"})
