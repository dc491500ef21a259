"""The sandbox gateway's behaviour: what a real card gateway does, in memory, with test card tokens.

Every call names an idempotency key. The first call with a key is processed and its outcome stored; a
repeat returns the stored outcome and moves no money (the same key with other parameters is refused).
Test card tokens::

    tok_visa, tok_mastercard   succeed
    tok_decline                declined (card_declined)
    tok_insufficient_funds     declined (insufficient_funds)
    tok_timeout                processed, but no answer ever comes in time (only a lookup of the key tells)
    tok_unavailable            503 every time, never processed
    tok_flaky                  503 twice for a key, then processed

A capture, void or refund behaves as the token of the authorization it acts on. ``failure_rate`` (a call
answers 503 before processing) and ``timeout_rate`` (processed, then answered too late) inject random
faults for chaos tests, drawn from ``random.Random(seed)``. Each change of an authorization makes a
webhook event, kept in ``webhooks`` and handed to each listener in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from typing import Any

import attrs

from core.shared.money import CURRENCIES
from ports.shared import Clock

log = logging.getLogger(__name__)

# The webhook events the sandbox keeps to show: the latest ones, not every one ever sent.
WEBHOOKS_KEPT = 1000
GOOD_TOKENS = frozenset({"tok_visa", "tok_mastercard"})
DECLINES = {"tok_decline": "card_declined", "tok_insufficient_funds": "insufficient_funds"}
TIMEOUT, UNAVAILABLE, FLAKY = "tok_timeout", "tok_unavailable", "tok_flaky"
TOKENS = GOOD_TOKENS | set(DECLINES) | {TIMEOUT, UNAVAILABLE, FLAKY}
FLAKY_FAILURES = 2
DECLINE_MESSAGES = {
    "card_declined": "The card was declined.",
    "insufficient_funds": "The card has insufficient funds.",
}

_LEDGER_NAMES = {"authorization": "authorized", "capture": "captured", "void": "voided", "refund": "refunded"}

Listener = Callable[[dict[str, Any]], Awaitable[None]]


@attrs.frozen
class Answer:
    """What the gateway answers: an HTTP status and a JSON body. ``late``: processed, but the answer
    arrives after any sensible client timeout."""

    status: int
    body: dict[str, Any]
    late: bool = False


def _error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"error": {"code": code, "message": message}})


def _new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:20]}"


class GatewaySimulator:
    def __init__(self, clock: Clock, *, seed: int | None = None) -> None:
        self.clock = clock
        self.random = random.Random(seed)  # noqa: S311 - fault injection, not security
        self.failure_rate = 0.0
        self.timeout_rate = 0.0
        self.injected: Counter[str] = Counter()  # the faults answered so far: "unavailable" (503s), "late"
        self.deliver_webhooks = True
        self.authorizations: dict[str, dict[str, Any]] = {}
        self.outcomes: dict[str, Answer] = {}  # idempotency key -> the stored answer
        self.webhooks: deque[dict[str, Any]] = deque(maxlen=WEBHOOKS_KEPT)  # the latest ones
        self.listeners: list[Listener] = []
        self._requests: dict[str, tuple[Any, ...]] = {}  # idempotency key -> what the first call asked
        self._failures: Counter[str] = Counter()  # tok_flaky: 503s answered per key
        self._deliveries: set[asyncio.Task[None]] = set()

    def set_faults(self, failure_rate: float, timeout_rate: float, seed: int | None = None) -> None:
        self.failure_rate, self.timeout_rate = failure_rate, timeout_rate
        if seed is not None:
            self.random.seed(seed)

    # --- the API ---------------------------------------------------------------------------------

    def authorize(self, key: str, amount: int, currency: str, token: str, reference: str) -> Answer:
        def process() -> Answer:
            if token not in TOKENS:
                return _error(400, "invalid_token", f"no such card token: {token}")
            problem = _amount_problem(amount, currency)
            if problem is not None:
                return problem
            declined = DECLINES.get(token)
            authorization = {
                "id": _new_id("auth"),
                "object": "authorization",
                "status": "declined" if declined else "authorized",
                "amount": amount,
                "currency": currency,
                "reference": reference,
                "token": token,
                "captured": 0,
                "refunded": 0,
                "decline_code": declined,
                "message": DECLINE_MESSAGES.get(declined or ""),
            }
            self.authorizations[str(authorization["id"])] = authorization
            kind = "authorization.declined" if declined else "authorization.succeeded"
            self._event(kind, key, authorization, amount, decline_code=declined)
            return Answer(402 if declined else 200, _public(authorization))

        return self._call(key, ("authorize", amount, currency, token, reference), token, process)

    def capture(self, key: str, authorization_id: str, amount: int) -> Answer:
        def process() -> Answer:
            found = self._authorization(authorization_id, "authorized", "captured")
            if isinstance(found, Answer):
                return found
            if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= found["amount"]:
                return _error(422, "invalid_amount", "a capture takes 1 to the authorized amount")
            found["status"], found["captured"] = "captured", amount
            self._event("capture.succeeded", key, found, amount)
            return Answer(200, self._operation("cap", "capture", found, amount))

        return self._call(key, ("capture", authorization_id, amount), self._token_of(authorization_id), process)

    def void(self, key: str, authorization_id: str) -> Answer:
        def process() -> Answer:
            found = self._authorization(authorization_id, "authorized", "voided")
            if isinstance(found, Answer):
                return found
            found["status"] = "voided"
            self._event("void.succeeded", key, found, found["amount"])
            return Answer(200, self._operation("void", "void", found, found["amount"]))

        return self._call(key, ("void", authorization_id), self._token_of(authorization_id), process)

    def refund(self, key: str, authorization_id: str, amount: int) -> Answer:
        def process() -> Answer:
            found = self._authorization(authorization_id, "captured", "refunded")
            if isinstance(found, Answer):
                return found
            left = found["captured"] - found["refunded"]
            if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= left:
                return _error(422, "invalid_amount", f"a refund takes 1 to the {left} captured and not refunded")
            found["refunded"] += amount
            if found["refunded"] == found["captured"]:
                found["status"] = "refunded"
            self._event("refund.succeeded", key, found, amount)
            return Answer(200, self._operation("re", "refund", found, amount))

        return self._call(key, ("refund", authorization_id, amount), self._token_of(authorization_id), process)

    def operation(self, key: str) -> Answer:
        """The stored outcome of the call made with ``key`` (404 when it was never processed)."""
        stored = self.outcomes.get(key)
        if stored is None:
            return _error(404, "unknown_operation", "no operation was processed with this idempotency key")
        return Answer(200, {"idempotency_key": key, "status": stored.status, "result": stored.body})

    def ledger(self) -> dict[str, dict[str, dict[str, int]]]:
        """Per currency: the amount and count of what was authorized, captured, voided and refunded."""
        totals: dict[str, dict[str, dict[str, int]]] = {}
        for answer in self.outcomes.values():
            body = answer.body
            name = _LEDGER_NAMES.get(str(body.get("object")))
            if name is None:
                continue
            if body.get("status") == "declined":
                name = "declined"
            entry = totals.setdefault(str(body["currency"]), {}).setdefault(name, {"amount": 0, "count": 0})
            entry["amount"] += int(body["amount"])
            entry["count"] += 1
        return totals

    # --- how a call goes -----------------------------------------------------------------------

    def _call(self, key: str, request: tuple[Any, ...], token: str | None, process: Callable[[], Answer]) -> Answer:
        if not key or len(key) > 255:
            return _error(400, "invalid_idempotency_key", "an Idempotency-Key of 1 to 255 characters is required")
        stored = self.outcomes.get(key)
        if stored is not None:
            if self._requests.get(key) != request:
                return _error(422, "idempotency_key_reused", "this key was used for another request")
            return self._answer(key, stored, token)
        if token == UNAVAILABLE:
            return _error(503, "unavailable", "the gateway is unavailable")
        if token == FLAKY and self._failures[key] < FLAKY_FAILURES:
            self._failures[key] += 1
            return _error(503, "unavailable", "the gateway is unavailable (flaky)")
        if self.failure_rate and self.random.random() < self.failure_rate:
            self.injected["unavailable"] += 1
            return _error(503, "unavailable", "the gateway is unavailable (injected fault)")
        answer = process()
        if answer.status in (200, 402):
            self.outcomes[key], self._requests[key] = answer, request
        return self._answer(key, answer, token)

    def _answer(self, key: str, answer: Answer, token: str | None) -> Answer:
        # A tok_timeout call is done, but each answer to it (repeats too) arrives after the client gave up:
        # only the reconciliation (GET /v1/operations/{key}) finds out what happened.
        late = token == TIMEOUT and answer.status in (200, 402)
        if not late and self.timeout_rate and answer.status in (200, 402) and self.random.random() < self.timeout_rate:
            self.injected["late"] += 1
            late = True
        return attrs.evolve(answer, late=late)

    def _token_of(self, authorization_id: str) -> str | None:
        found = self.authorizations.get(authorization_id)
        return None if found is None else str(found["token"])

    def _authorization(self, authorization_id: str, wanted: str, verb: str) -> dict[str, Any] | Answer:
        found = self.authorizations.get(authorization_id)
        if found is None:
            return _error(404, "unknown_authorization", f"no authorization {authorization_id}")
        if found["status"] != wanted:
            return _error(409, "invalid_state", f"a {found['status']} authorization cannot be {verb}")
        return found

    def _operation(self, prefix: str, kind: str, authorization: dict[str, Any], amount: int) -> dict[str, Any]:
        return {
            "id": _new_id(prefix),
            "object": kind,
            "authorization_id": authorization["id"],
            "status": {"capture": "captured", "void": "voided", "refund": "refunded"}[kind],
            "amount": amount,
            "currency": authorization["currency"],
        }

    # --- webhooks --------------------------------------------------------------------------------

    def _event(
        self, kind: str, key: str, authorization: dict[str, Any], amount: int, decline_code: str | None = None
    ) -> None:
        event = {
            "id": _new_id("evt"),
            "type": kind,
            "idempotency_key": key,
            "authorization_id": authorization["id"],
            "reference": authorization["reference"],
            "amount": amount,
            "currency": authorization["currency"],
            "created": self.clock.now().isoformat(),
            "decline_code": decline_code,
        }
        self.webhooks.append(event)
        if not self.deliver_webhooks:
            return
        for listener in self.listeners:
            try:
                task = asyncio.get_running_loop().create_task(self._deliver(listener, event))
            except RuntimeError:  # no loop: nobody can be listening
                return
            self._deliveries.add(task)
            task.add_done_callback(self._deliveries.discard)

    async def _deliver(self, listener: Listener, event: dict[str, Any]) -> None:
        try:
            await listener(event)
        except Exception:
            log.exception("sandbox gateway: the webhook %s (%s) was not delivered", event["id"], event["type"])

    async def drain(self) -> None:
        """Wait until every webhook sent so far was handed over (tests use it)."""
        while self._deliveries:
            await asyncio.gather(*list(self._deliveries), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._deliveries):
            task.cancel()
        for task in list(self._deliveries):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def _amount_problem(amount: Any, currency: Any) -> Answer | None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        return _error(422, "invalid_amount", "amount must be a positive whole number of minor units")
    if currency not in CURRENCIES:
        return _error(422, "invalid_currency", "currency must be an ISO 4217 code")
    return None


def _public(authorization: dict[str, Any]) -> dict[str, Any]:
    """An authorization as the API shows it (the token stays inside the gateway)."""
    return {k: v for k, v in authorization.items() if k not in ("token", "captured", "refunded")}
