"""The saga, a step's outcome and the news, as the plain JSON Temporal keeps in a workflow's history."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import cattrs

from core.orchestrator.commands import Notify
from core.orchestrator.definition import Outcome, StepRule
from core.orchestrator.model import LogEntry, Saga, SagaLine, Step
from core.shared.addresses import PostalAddress
from core.shared.money import Money
from ports.checkout import ShipmentState

_json = cattrs.Converter()
_json.register_unstructure_hook(datetime, lambda d: d.isoformat())
_json.register_structure_hook(datetime, lambda v, _: datetime.fromisoformat(v))
_json.register_unstructure_hook(timedelta, lambda d: d.total_seconds())
_json.register_structure_hook(timedelta, lambda v, _: timedelta(seconds=v))


def saga_to_json(saga: Saga) -> dict[str, Any]:
    state: dict[str, Any] = _json.unstructure(saga)
    state.pop("_events", None)  # an aggregate's pending events: the saga raises none
    return state


def saga_from_json(state: dict[str, Any]) -> Saga:
    return _json.structure({k: v for k, v in state.items() if k != "_events"}, Saga)


def outcome_to_json(outcome: Outcome) -> dict[str, Any]:
    answer: dict[str, Any] = _json.unstructure(outcome)
    return answer


def outcome_from_json(answer: dict[str, Any]) -> Outcome:
    return _json.structure(answer, Outcome)


def news_to_json(news: Notify) -> dict[str, Any]:
    sent: dict[str, Any] = _json.unstructure(news)
    return sent


def news_from_json(sent: dict[str, Any]) -> Notify:
    return _json.structure(sent, Notify)


def rules_to_json(rules: dict[Step, StepRule]) -> dict[str, Any]:
    sent: dict[str, Any] = _json.unstructure(rules)
    return sent


def rules_from_json(sent: dict[str, Any]) -> dict[Step, StepRule]:
    return _json.structure(sent, dict[Step, StepRule])


# Built now, at import, outside the workflow sandbox: there cattrs could not read the types' modules to
# resolve their annotations (a sandboxed module is a copy, not the module they were defined in).
for _type in (Saga, Outcome, Notify, dict[Step, StepRule], ShipmentState, PostalAddress, Money, SagaLine, LogEntry):
    _json.get_structure_hook(_type)
    _json.get_unstructure_hook(_type)
