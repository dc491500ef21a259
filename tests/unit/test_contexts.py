"""The contexts are listed once (config.contexts.NAMES), and the import contracts cover every one of them
and every infrastructure library the project depends on.

import-linter checks the contracts of pyproject.toml, but only for the modules they name: a new context
or a new library left out of them would be unguarded without anyone noticing. These tests notice.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import grimp
import pytest

from config.contexts import CONTEXTS, NAMES

ROOT = Path(__file__).resolve().parents[2]
# What core may import besides the standard library and itself (ARCHITECTURE.md: "core imports only the
# standard library, attrs/cattrs, and ports").
CORE_MAY_USE = {"attrs", "cattrs"}
# Top-level names some distributions ship by accident (swagger-ui-py installs its tests as "test").
STRAY = {"test", "tests"}
# Modules of these folders that are not a context's: the gateway's own machinery, and shared helpers.
NOT_A_CONTEXT = {
    "config/wiring": set(),
    "entrypoints/http": {
        "access_log",
        "app",
        "gateway",
        "keys",
        "openapi",
        "ops",
        "problems",
        "routing",
        "schema",
        "uploads",
    },
    "entrypoints/consumers": {"inbox"},
}


def contracts() -> dict[str, dict[str, Any]]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)
    return {c["name"]: c for c in project["tool"]["importlinter"]["contracts"]}


def dependencies() -> list[str]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)
    return [re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0] for requirement in project["project"]["dependencies"]]


def core_packages() -> set[str]:
    return {p.parent.name for p in (ROOT / "core").glob("*/__init__.py")} - {"shared"}


def test_every_core_package_is_a_listed_context_and_every_listed_context_a_core_package() -> None:
    assert set(NAMES) == core_packages()


def test_every_context_is_in_the_independence_contract() -> None:
    independent = set(contracts()["bounded contexts are independent"]["modules"])
    assert independent == {f"core.{name}" for name in NAMES}


def test_ports_may_import_no_context() -> None:
    forbidden = set(contracts()["ports depend only on core.shared"]["forbidden_modules"])
    assert {f"core.{name}" for name in NAMES} <= forbidden


def import_names(distribution: str) -> set[str]:
    """The top-level modules an installed distribution provides (``argon2-cffi`` -> ``argon2``)."""
    wanted = distribution.lower().replace("_", "-")
    return {
        module
        for module, owners in metadata.packages_distributions().items()
        if any(owner.lower().replace("_", "-") == wanted for owner in owners)
        and not module.startswith("_")
        and module not in STRAY
    }


@pytest.mark.parametrize(
    "contract", ["core is pure: no infrastructure, no wiring, no entrypoints", "ports depend only on core.shared"]
)
def test_every_infrastructure_library_is_forbidden_to_the_core_and_the_ports(contract: str) -> None:
    forbidden = set(contracts()[contract]["forbidden_modules"])
    libraries = {module for d in dependencies() if d not in CORE_MAY_USE for module in import_names(d)}
    assert libraries, "the project's dependencies should be installed"
    assert sorted(libraries - forbidden) == []


@pytest.mark.parametrize("folder", sorted(NOT_A_CONTEXT))
def test_every_context_module_belongs_to_a_listed_context(folder: str) -> None:
    """A module named after a context that is not listed would never be loaded: routes never served,
    consumers never subscribed."""
    modules = {p.stem for p in (ROOT / folder).glob("*.py")} | {
        p.parent.name for p in (ROOT / folder).glob("*/__init__.py")
    }
    modules -= {"__init__"} | NOT_A_CONTEXT[folder]
    assert sorted(modules - set(NAMES)) == []


def test_every_context_has_its_wiring_and_what_it_serves_is_found() -> None:
    by_name = {c.name: c for c in CONTEXTS}
    for name in NAMES:
        context = by_name[name]
        assert callable(context.wiring.register)
        assert context.endpoints is None or context.endpoints.ENDPOINTS
        assert context.consumers is None or callable(context.consumers.subscribe)
    assert sum(c.endpoints is not None for c in CONTEXTS) >= 10
    assert sum(c.consumers is not None for c in CONTEXTS) >= 10


def import_circles(graph: grimp.ImportGraph, packages: set[str]) -> list[list[str]]:
    """The groups of modules of ``packages`` that import one another in a circle (Tarjan's strongly
    connected components of more than one module)."""
    modules = sorted(m for m in graph.modules if m.split(".")[0] in packages)
    imports = {
        m: sorted(n for n in graph.find_modules_directly_imported_by(m) if n.split(".")[0] in packages) for m in modules
    }
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for imported in imports[module]:
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            group = [stack.pop()]
            while group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                circles.append(sorted(group))

    for module in modules:
        if module not in order:
            visit(module)
    return circles


def test_no_import_circle_between_the_core_and_the_ports_even_for_the_type_checker() -> None:
    """A type both a context and its port need lives on one side (the domain's own types in core, the
    port's in ports): with the imports made only for the type checker counted, no module of core or ports
    comes back to itself."""
    graph = grimp.build_graph("core", "ports", exclude_type_checking_imports=False)
    assert import_circles(graph, {"core", "ports"}) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for module in ("core.a.model", "ports.a", "core.a.use_cases"):
        graph.add_module(module)
    graph.add_import(importer="core.a.model", imported="ports.a")
    graph.add_import(importer="ports.a", imported="core.a.model")
    graph.add_import(importer="core.a.use_cases", imported="ports.a")
    assert import_circles(graph, {"core", "ports"}) == [["core.a.model", "ports.a"]]
