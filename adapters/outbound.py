"""How the shop calls other companies' APIs (the payment gateway, the carrier): one policy for all.

- Each try has a time limit of its own (``timeout_seconds``).
- A try that gets a 5xx, no answer in time, no connection, or an answer that is not JSON is repeated,
  but only where repeating cannot do a thing twice: the call is a GET or a HEAD, or it carries an
  ``Idempotency-Key`` (the same on every try). Any other call is tried once.
- A repeat waits ``backoff_seconds * 2**n`` plus up to 10 % more (clients that failed together do not
  come back together), at most ``retries`` times, and never once ``deadline_seconds`` have passed since
  the first try. Then ``Unreachable``: for a call with effects, the outcome is unknown.
- A 4xx is an answer, never repeated: the adapter decides what it means.
- Every try is counted and timed (``marketplace_outbound_requests_total`` and
  ``marketplace_outbound_request_duration_seconds``, by API), and every failed try is logged with the
  API, the call, its key and what went wrong.

A helper of our own rather than tenacity or backoff: the policy is the few lines above, the jitter is a
share of the pause (neither library's built-in waits), and the "only what is safe to repeat" rule
belongs to the request, not to a decorator.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import attrs
from prometheus_client import CollectorRegistry, Counter, Histogram

from adapters.tracing import current_traceparent, note_try

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
JITTER = 0.1  # a repeat waits up to 10 % more than its pause
SAFE_METHODS = frozenset({"GET", "HEAD"})


class Unreachable(Exception):
    """No readable answer after every try the policy allows."""


@attrs.frozen
class OutboundPolicy:
    timeout_seconds: float
    retries: int
    backoff_seconds: float = 0.1
    deadline_seconds: float | None = None  # None: the tries and pauses take what they take


class OutboundMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        registry = registry if registry is not None else CollectorRegistry()
        self.tries = Counter(
            "marketplace_outbound_requests",
            "Tries of calls to other companies' APIs, by API, method and outcome (a status, timeout, error).",
            ["api", "method", "outcome"],
            registry=registry,
        )
        self.latency = Histogram(
            "marketplace_outbound_request_duration_seconds",
            "How long each try of a call to another company's API took, by API.",
            ["api"],
            registry=registry,
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
        )


class _TryAgain(Exception):
    """A try failed in a way another try may cure."""


class OutboundApi:
    """One other company's API at ``base_url``: one connection pool, every call under ``policy``."""

    def __init__(
        self,
        name: str,
        base_url: str,
        policy: OutboundPolicy,
        *,
        headers: dict[str, str] | None = None,
        metrics: OutboundMetrics | None = None,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name, self.base_url, self.policy = name, base_url.rstrip("/"), policy
        self._monotonic = monotonic
        self._headers = dict(headers or {})
        self.metrics = metrics or OutboundMetrics()
        self._sleep = sleep
        self._timeout = aiohttp.ClientTimeout(total=policy.timeout_seconds)
        self._session: aiohttp.ClientSession | None = None
        self._random = random.Random()  # noqa: S311 - jitter, not a secret

    def _client(self) -> aiohttp.ClientSession:
        # Made on first use, inside the running loop (a session belongs to the loop that made it).
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._headers)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def pause(self, retry: int) -> float:
        """The wait before retry number ``retry`` (0 for the first)."""
        delay = self.policy.backoff_seconds * 2.0**retry
        return delay * (1 + self._random.uniform(0, JITTER))

    async def call(self, method: str, path: str, *, body: Any = None, key: str | None = None) -> tuple[int, Any]:
        """(status, JSON body or None) of an answer below 500; ``Unreachable`` when there is none."""
        headers = {"Idempotency-Key": key} if key is not None else {}
        traceparent = current_traceparent()  # the call's span (adapters.tracing), where traces are on
        if traceparent is not None:
            headers["traceparent"] = traceparent
        repeatable = method in SAFE_METHODS or key is not None
        tries = self.policy.retries + 1 if repeatable else 1
        deadline = None if self.policy.deadline_seconds is None else self._monotonic() + self.policy.deadline_seconds
        problem = "no answer"
        for attempt in range(tries):
            if attempt:
                wait = self.pause(attempt - 1)
                if deadline is not None and self._monotonic() + wait >= deadline:
                    problem += f"; no time left for another try within {self.policy.deadline_seconds} s"
                    break
                await self._sleep(wait)
            try:
                return await self._try(method, path, body, headers)
            except _TryAgain as failure:
                problem = str(failure)
                log.warning(
                    "%s %s %s (key %s) failed, try %d of %d: %s",
                    self.name,
                    method,
                    path,
                    key,
                    attempt + 1,
                    tries,
                    problem,
                )
        raise Unreachable(f"{self.name} did not answer {method} {path} ({problem})")

    async def _try(self, method: str, path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        started, outcome = time.perf_counter(), "error"
        try:
            async with self._client().request(
                method, self.base_url + path, json=body, headers=headers, timeout=self._timeout
            ) as response:
                outcome = str(response.status)
                if response.status >= 500:
                    raise _TryAgain(f"HTTP {response.status}")
                text = await response.text()
            return response.status, _json(text)
        except TimeoutError:
            outcome = "timeout"
            raise _TryAgain("timed out") from None
        except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
            raise _TryAgain(f"{type(exc).__name__}: {exc}") from None
        finally:
            note_try(int(outcome) if outcome.isdigit() else None, outcome)
            self.metrics.tries.labels(self.name, method, outcome).inc()
            self.metrics.latency.labels(self.name).observe(time.perf_counter() - started)


def _json(text: str) -> Any:
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise _TryAgain(f"an answer that is not JSON: {text[:80]!r}") from None
