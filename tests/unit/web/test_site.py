"""The web client's files, read as text: what a browser would run must hold to the client's rules.

- Text from users is never parsed as HTML: no module uses an HTML sink (innerHTML and its kin, document.write,
  eval), so a title holding ``<script>`` can only ever show as those characters (tests/browser proves it in a
  page too).
- Nothing inline: the Content-Security-Policy allows scripts and styles from the site's files only.
- Every page the router knows has its module, every module's imports resolve, and the server serves the
  shell for every page's first path segment.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from entrypoints.web import CONSOLES, PAGES, SITE

MODULES = sorted(SITE.rglob("*.js"))
HTML_SINKS = re.compile(
    r"\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\s*\(|new Function|createContextualFragment"
    r"|DOMParser|srcdoc|javascript:"
)
IMPORT = re.compile(r"""(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)""")


def _name(path: Path) -> str:
    return path.relative_to(SITE).as_posix()


def test_the_site_has_its_modules() -> None:
    assert {"js/app.js", "js/api.js", "js/dom.js", "js/routes.js", "js/ui.js"} <= {_name(p) for p in MODULES}


@pytest.mark.parametrize("module", MODULES, ids=_name)
def test_no_module_parses_text_as_html(module: Path) -> None:
    found = [line.strip() for line in module.read_text().splitlines() if HTML_SINKS.search(line)]
    assert not found, f"{_name(module)} uses an HTML sink: {found}"


@pytest.mark.parametrize("module", MODULES, ids=_name)
def test_no_module_sets_inline_styles_or_handlers(module: Path) -> None:
    """A style attribute or an on* attribute would be refused by the CSP (and on* is inline script)."""
    text = module.read_text()
    assert not re.search(r"""setAttribute\(\s*["'](on\w+|style)["']""", text), _name(module)
    for call in re.findall(r"""\bh\(\s*["']\w+["']\s*,\s*\{[^}]*\}""", text):  # the props of each h(tag, {...})
        assert not re.search(r"""\bstyle:""", call), f"{_name(module)} passes a style attribute to h(): {call}"
        assert not re.search(r"""\bon\w+:\s*["'`]""", call), f"{_name(module)} passes a handler as text: {call}"


@pytest.mark.parametrize("module", MODULES, ids=_name)
def test_every_import_resolves(module: Path) -> None:
    for match in IMPORT.finditer(module.read_text()):
        target = match.group(1) or match.group(2)
        assert target.startswith("./") or target.startswith("../"), f"{_name(module)} imports {target}"
        assert (module.parent / target).resolve().is_file(), f"{_name(module)} imports {target}: no such file"


def test_the_shell_has_no_inline_script_or_style() -> None:
    shell = (SITE / "index.html").read_text()
    for tag in re.findall(r"<script[^>]*>", shell):
        assert "src=" in tag, tag
    assert "<style" not in shell
    assert not re.search(r"\sstyle=", shell)
    assert not re.search(r"\son\w+=", shell)


def test_every_route_has_its_module_and_is_served() -> None:
    routes = (SITE / "js" / "routes.js").read_text()
    entries = re.findall(r'path: "([^"]+)", module: "([^"]+)"', routes)
    assert len(entries) > 20
    for path, module in entries:
        assert (SITE / "js" / module).resolve().is_file(), f"{path}: {module} is missing"
        first = path.strip("/").split("/")[0]
        assert first == "" or first in PAGES + CONSOLES, f"the server does not serve the shell for {path}"
