"""Every bounded context, listed once: ``NAMES``.

A context named ``n`` is the package ``core.n``, plugged in by modules found by that name:
``config.wiring.n`` (which adapter serves each of its ports, and its use cases: required),
``entrypoints.http.n`` (its routes, if it has any) and ``entrypoints.consumers.n`` (the handlers of its
consumer group, named ``n``, if it has any). The container registers every context's wiring, the HTTP
gateway serves every context's endpoints, the consumer entrypoint subscribes every context's group, and
migrations run per database, all from ``CONTEXTS``. A new context adds its name here; the import
contracts in pyproject.toml name the same contexts, and tests/unit/test_contexts.py fails when a package,
a module or a contract is left out.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import attrs

NAMES = (
    "auth",
    "users",
    "sellers",
    "cart",
    "moderation",
    "search",
    "products",
    "orders",
    "payments",
    "logistics",
    "orchestrator",
    "reviews",
    "activity",
    "recommendations",
    "analytics",
)


def _optional(module: str) -> ModuleType | None:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as missing:
        if missing.name != module:
            raise  # the module exists and something it imports does not: that is a bug, not an absence
        return None


@attrs.frozen
class Context:
    name: str
    wiring: ModuleType  # register(w)
    endpoints: ModuleType | None  # ENDPOINTS
    consumers: ModuleType | None  # subscribe(bus, runtime)

    @classmethod
    def named(cls, name: str) -> Context:
        return cls(
            name,
            importlib.import_module(f"config.wiring.{name}"),
            _optional(f"entrypoints.http.{name}"),
            _optional(f"entrypoints.consumers.{name}"),
        )

    @property
    def database(self) -> str | None:
        """The PostgreSQL database its schema lives in (infra), as its wiring says; None: it has none."""
        database: str | None = getattr(self.wiring, "DATABASE", None)
        return database

    @property
    def schemas(self) -> dict[str, str]:
        """Each schema of the context (named as its migrations folder under adapters/postgres) and the
        database it lives in: its own schema in ``DATABASE``, and those its wiring's ``SCHEMAS`` places in
        databases of their own (the reviews' ratings, say)."""
        own = {self.name: self.database} if self.database is not None else {}
        more: dict[str, str] = getattr(self.wiring, "SCHEMAS", {})
        return own | more


CONTEXTS: tuple[Context, ...] = tuple(Context.named(name) for name in NAMES)

# The consumer groups `marketplace consume` runs: one per context that has consumers.
GROUPS: tuple[str, ...] = tuple(c.name for c in CONTEXTS if c.consumers is not None)


def databases() -> dict[str, list[str]]:
    """Each PostgreSQL database and the schemas it holds (the seed's "Users" database holds two contexts,
    the reviews context has a database for its ratings too). Each has its own outbox, relayed by its own
    worker."""
    found: dict[str, list[str]] = {}
    for context in CONTEXTS:
        for schema, database in context.schemas.items():
            found.setdefault(database, []).append(schema)
    return found
