"""Render the edge's nginx.conf from marketplace.conf.template (standard library only).

    python3 deploy/nginx/render.py --listen 127.0.0.1:58080 --upstreams 127.0.0.1:8080 \\
        --site-root /abs/entrypoints/web/site --runtime-dir /abs/runtime --out /abs/runtime/nginx.conf

``render`` fills in the template's ``${NAME}`` placeholders (nginx's own variables are lowercase and left
alone) and refuses a value that would not stay one token of the config: a listen address or upstream that
is not ``host:port``, a path that is not absolute or holds a quote, ``$``, a brace, ``;`` or a control
character. The image cache goes to ``<runtime dir>/cache``. scripts/services and tests/integration/
test_edge.py use it; this folder is no package, so Python code loads the file by its path.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

TEMPLATE = Path(__file__).with_name("marketplace.conf.template")

_PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")
# host:port, the host a name, an IPv4 address or a bracketed IPv6 one.
_ADDRESS = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):(\d{1,5})")
_UNSAFE_PATH = re.compile(r'["\'\\${};\x00-\x1f\x7f]')


def _address(value: str, what: str) -> str:
    match = _ADDRESS.fullmatch(value)
    if match is None or not 0 < int(match.group(1)) < 65536:
        raise ValueError(f"{what} must be host:port, not {value!r}")
    return value


def _path(value: str | os.PathLike[str], what: str) -> str:
    text = os.fspath(value)
    if not os.path.isabs(text) or _UNSAFE_PATH.search(text):
        raise ValueError(f"{what} must be an absolute path without quotes, $, braces, ; or control characters")
    return text.rstrip("/") or "/"


def split_upstreams(upstreams: str | Iterable[str]) -> list[str]:
    """``"a:1, b:2"`` or ``"a:1 b:2"`` (or a list of them) as ``["a:1", "b:2"]``."""
    items = [upstreams] if isinstance(upstreams, str) else list(upstreams)
    return [part for item in items for part in re.split(r"[\s,]+", item) if part]


def render(
    listen: str,
    upstreams: str | Iterable[str],
    site_root: str | os.PathLike[str],
    runtime_dir: str | os.PathLike[str],
    *,
    as_root: bool | None = None,
) -> str:
    """The nginx.conf of an edge on ``listen`` in front of ``upstreams`` (host:port, space- or
    comma-separated), serving the web client's files from ``site_root``, its pid file, logs, temporary
    files and image cache under ``runtime_dir``. ``as_root`` (default: whether this process is root) adds
    ``user root root;``: nginx started as root would otherwise run its workers as nobody, who may not
    read the files (a checkout under a mode-700 home) nor write the runtime folder."""
    servers = [_address(u, "an upstream") for u in split_upstreams(upstreams)]
    if not servers:
        raise ValueError("at least one upstream (host:port) is needed")
    runtime = _path(runtime_dir, "the runtime folder")
    if as_root is None:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    values = {
        "LISTEN": _address(listen, "the listen address"),
        "UPSTREAM_SERVERS": "\n".join(f"        server {s} max_fails=1 fail_timeout=10s;" for s in servers),
        "SITE_ROOT": _path(site_root, "the site root"),
        "RUNTIME_DIR": runtime,
        "CACHE_DIR": f"{runtime.rstrip('/')}/cache",
        "USER_DIRECTIVE": "user root root;" if as_root else "# (not root: the workers run as this user)",
    }
    template = TEMPLATE.read_text(encoding="utf-8")
    missing = sorted({name for name in _PLACEHOLDER.findall(template) if name not in values})
    if missing:
        raise KeyError(f"{TEMPLATE.name} has placeholders render does not know: {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the edge's nginx.conf.")
    parser.add_argument("--listen", required=True, help="host:port nginx listens on, e.g. 127.0.0.1:58080")
    parser.add_argument("--upstreams", required=True, help="the app servers, host:port, space- or comma-separated")
    parser.add_argument("--site-root", default=str(Path(__file__).resolve().parents[2] / "entrypoints/web/site"))
    parser.add_argument("--runtime-dir", required=True, help="pid file, logs, temporary files and cache")
    parser.add_argument("--out", required=True, help="where to write the conf ('-': stdout)")
    args = parser.parse_args(argv)
    try:
        conf = render(args.listen, args.upstreams, os.path.abspath(args.site_root), os.path.abspath(args.runtime_dir))
    except ValueError as exc:
        parser.error(str(exc))
    if args.out == "-":
        sys.stdout.write(conf)
    else:
        # Written next to its place, then moved there: a running nginx's reload never reads half a file.
        out = Path(args.out)
        partial = out.with_name(out.name + ".tmp")
        partial.write_text(conf, encoding="utf-8")
        partial.replace(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
