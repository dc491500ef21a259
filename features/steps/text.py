"""Step patterns: a quoted value is anything up to the closing quote, so steps never swallow each other.

``step('the token of "{email}" on the "{device}" is refused')`` matches only that sentence, whereas a
plain ``parsers.parse`` pattern for 'the token of "{email}" is refused' would match it too. ``{n:d}``
captures an integer.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_bdd import parsers

_FIELD = re.compile(r'"\{(\w+)\}"|\{(\w+):d\}|\{(\w+)\}')


class step(parsers.re):
    def __init__(self, text: str) -> None:
        self.integers: set[str] = set()
        pattern, position = [], 0
        for match in _FIELD.finditer(text):
            pattern.append(re.escape(text[position : match.start()]))
            quoted, integer, bare = match.groups()
            if quoted:
                pattern.append(f'"(?P<{quoted}>[^"]*)"')
            elif integer:
                pattern.append(rf"(?P<{integer}>\d+)")
                self.integers.add(integer)
            else:
                pattern.append(f"(?P<{bare}>.+)")
            position = match.end()
        pattern.append(re.escape(text[position:]))
        super().__init__("".join(pattern))

    def parse_arguments(self, name: str) -> dict[str, Any]:
        values: dict[str, Any] = super().parse_arguments(name) or {}
        return {k: int(v) if k in self.integers else v for k, v in values.items()}
