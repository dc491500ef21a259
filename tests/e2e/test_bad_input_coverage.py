"""Every route that takes a body, a query or a path id has rows in some context's bad-input table."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

from entrypoints.http.app import all_endpoints

TEMPLATE = re.compile(r"{[^}]*}")


def test_the_tables_cover_every_route() -> None:
    covered: set[tuple[str, str]] = set()
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("test_bad_input_") and module.name != "test_bad_input_coverage":
            table = importlib.import_module(f"tests.e2e.{module.name}").BAD
            covered |= {(method, TEMPLATE.sub("{}", path)) for method, path, *_ in table}
    needs_rows = [
        (e.method, TEMPLATE.sub("{}", e.full_path))
        for e in all_endpoints()
        if e.body is not None or e.query is not None or "{" in e.path
    ]
    missing = [route for route in needs_rows if route not in covered]
    assert not missing, f"add bad-input rows for {missing}"
