"""Page quality of the storefront: Lighthouse on the home, search, product and cart pages.

    python -m bench.lighthouse              # the demo shop on the memory profile, mobile emulation
    python -m bench.lighthouse --runs 3     # the median of three runs per page

It starts ``marketplace serve --demo`` on a free port, waits for the demo catalogue, and runs Lighthouse
(npm ``lighthouse``, installed into .tools/ on first use) with Debian's Chromium (``CHROME_PATH``) and
Lighthouse's default mobile emulation (a mid-range phone, simulated slow 4G and a 4x slower CPU). For each
page it prints the four category scores (performance, accessibility, best practices, SEO; the target is
95 each), the JavaScript and CSS the page loaded (bytes over the wire, gzipped, and requests), and the
largest contentful paint. The cart is a guest's first visit: empty. Exits with status 1 when a score is
under 95, so it can serve as a check.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests.support.sandboxes import free_port

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / ".tools"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGET = 95


def install_lighthouse() -> None:
    if LIGHTHOUSE.exists():
        return
    if not shutil.which("npm"):
        sys.exit("npm is needed to install lighthouse (Node 20)")
    TOOLS.mkdir(exist_ok=True)
    print("installing lighthouse into .tools/ (npm)", file=sys.stderr)
    command = ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(TOOLS), "lighthouse"]
    subprocess.run(command, check=True)  # noqa: S603


def start_shop(port: int) -> subprocess.Popen[bytes]:
    here = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MARKETPLACE_PUBLIC_BASE_URL": here, "MARKETPLACE_CDN_BASE_URL": f"{here}/media"}
    command = [sys.executable, "-m", "entrypoints.cli", "serve", "--demo", "--port", str(port)]
    shop = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            found = requests.get(f"{base}/api/v1/search/products", params={"q": "headphones"}, timeout=2).json()
            recommended = requests.get(f"{base}/api/v1/recommendations", timeout=2).json()
            if found.get("total", 0) >= 10 and len(recommended.get("items", [])) >= 8:
                return shop
        except (requests.RequestException, ValueError):
            pass
        if shop.poll() is not None:
            sys.exit("the demo shop stopped")
        time.sleep(0.5)
    shop.terminate()
    sys.exit("the demo catalogue did not load within 120 s")


def audit(url: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run(  # noqa: S603
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--chrome-flags=--headless=new --no-sandbox",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": CHROME},
        )
        result = json.loads(report.read_text())
    scores = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    requests_ = result["audits"]["network-requests"]["details"]["items"]
    figures: dict[str, float] = {**scores}
    for kind, label in (("Script", "js"), ("Stylesheet", "css")):
        loaded = [r for r in requests_ if r.get("resourceType") == kind]
        figures[f"{label}_bytes"] = sum(r.get("transferSize", 0) for r in loaded)
        figures[f"{label}_files"] = len(loaded)
    figures["lcp_ms"] = result["audits"]["largest-contentful-paint"]["numericValue"]
    failing = [
        audit["id"]
        for name in CATEGORIES
        for ref in result["categories"][name]["auditRefs"]
        if ref["weight"] > 0 and (audit := result["audits"][ref["id"]])["score"] is not None and audit["score"] < 0.9
    ]
    if failing:
        print(f"  {url}: below 0.9: {', '.join(sorted(set(failing)))}", file=sys.stderr)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per page (the median is shown)")
    args = parser.parse_args()
    install_lighthouse()
    port = free_port()
    shop = start_shop(port)
    base = f"http://127.0.0.1:{port}"
    try:
        product = requests.get(f"{base}/api/v1/search/products", params={"q": "headphones"}, timeout=5).json()
        pages = {
            "home": "/",
            "search": "/search?q=headphones",
            "product": f"/products/{product['items'][0]['id']}",
            "cart": "/cart",
        }
        rows = {}
        for name, path in pages.items():
            runs = [audit(base + path) for _ in range(args.runs)]
            rows[name] = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    finally:
        shop.terminate()
        shop.wait(10)
    version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout  # noqa: S603
    print(f"Lighthouse {version.strip()}")
    print("mobile emulation (simulated slow 4G, 4x CPU slowdown), median of", args.runs, "run(s)\n")
    print("| page | performance | accessibility | best practices | SEO | JS (gzip) | CSS (gzip) | LCP |")
    print("|---|---|---|---|---|---|---|---|")
    for name, row in rows.items():
        print(
            f"| {name} | {row['performance']:.0f} | {row['accessibility']:.0f} | {row['best-practices']:.0f} "
            f"| {row['seo']:.0f} | {row['js_bytes'] / 1024:.1f} KiB in {row['js_files']:.0f} files "
            f"| {row['css_bytes'] / 1024:.1f} KiB | {row['lcp_ms'] / 1000:.2f} s |"
        )
    below = [(name, c) for name, row in rows.items() for c in CATEGORIES if row[c] < TARGET]
    if below:
        print(f"\nunder {TARGET}: {below}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
