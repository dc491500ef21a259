"""Reading what a Prometheus registry holds, in tests."""

from __future__ import annotations

from prometheus_client import CollectorRegistry


def value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    """The sample ``name`` with ``labels``; 0 when there is none yet (a counter not incremented)."""
    found = registry.get_sample_value(name, labels)
    return 0.0 if found is None else found
