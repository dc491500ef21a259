"""The Elasticsearch client the search index uses, and the one translation of its failures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from elasticsearch import ApiError, AsyncElasticsearch, TransportError

from core.shared.errors import Unavailable

# Statuses that say "the cluster cannot serve you now" (overloaded, no master, a proxy's timeout), not "your
# request is wrong".
BUSY_STATUSES = frozenset({429, 502, 503, 504})
RETRIES = 2  # the client's own retries of a request whose connection failed (on another node, if any)


def create_client(url: str, timeout_seconds: float = 10.0) -> AsyncElasticsearch:
    """A pooled client on aiohttp; it connects lazily, on the first request."""
    return AsyncElasticsearch(url, request_timeout=timeout_seconds, max_retries=RETRIES, retry_on_timeout=False)


@contextmanager
def unavailable_when_down(doing: str) -> Iterator[None]:
    """Turn Elasticsearch being down or overloaded into the domain's ``Unavailable`` (HTTP 503: retry later)."""
    try:
        yield
    except TransportError as error:  # no answer: refused, reset, timed out
        raise Unavailable(f"Elasticsearch is unavailable ({doing}): {error}") from error
    except ApiError as error:
        if error.status_code in BUSY_STATUSES:
            raise Unavailable(f"Elasticsearch is busy ({doing}): {error}") from error
        raise


def error_type(body: Any) -> str | None:
    """The ``error.type`` of an answer (``index_not_found_exception``...), None when it is no error."""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        kind = body["error"].get("type")
        return kind if isinstance(kind, str) else None
    return None
