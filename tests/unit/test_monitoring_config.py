"""The monitoring configuration as shipped: the Grafana dashboards load in Grafana's provisioning format,
Prometheus's config and alert rules pass promtool, and every metric a dashboard or an alert asks for is
one the app exports, with the labels it has (a typo fails here, not on a blank panel at 3 a.m.)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from adapters.outbound import OutboundMetrics
from config.container import bootstrap
from entrypoints.http.app import create_app
from entrypoints.workers.metrics import OutboxMetrics
from tests.support.settings import memory_settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DASHBOARDS = sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))
PROVISIONING = DEPLOY / "grafana" / "provisioning"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
# Labels Prometheus adds to every series it scrapes, and the histograms' bucket bound.
SCRAPE_LABELS = {"job", "instance", "le"}
METRIC = re.compile(r"\b(marketplace_[a-zA-Z0-9_]+)\b")
SELECTOR = re.compile(r"\b(marketplace_[a-zA-Z0-9_]+)\s*\{([^}]*)\}")
MATCHER = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)")
GROUPING = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")


def exported() -> dict[str, set[str]]:
    """Every series name the app exports (a counter's ``_total``, a histogram's ``_bucket``...), with the
    label names its code declares: from a memory runtime's registry, its HTTP app, and the metrics only infra
    wires (the outboxes' relays, the calls to the gateway and the carrier; the Kafka consumer groups and
    publisher share the bus's event metrics)."""

    async def collectors() -> list[Any]:
        runtime = await bootstrap(memory_settings())
        try:
            create_app(runtime)
            OutboxMetrics(runtime.metrics)
            OutboundMetrics(runtime.metrics)
            return list(runtime.metrics._collector_to_names)
        finally:
            await runtime.close()

    suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"], "summary": ["_sum", "_count"]}
    names: dict[str, set[str]] = {}
    for collector in asyncio.run(collectors()):
        declared = getattr(collector, "_labelnames", None)  # prometheus_client's Counter, Gauge, Histogram
        for family in collector.collect():
            labels = set(declared if declared is not None else getattr(family, "_labelnames", ()))
            for sample in family.samples:
                labels |= set(sample.labels)
            for suffix in suffixes.get(family.type, [""]):
                names[family.name + suffix] = labels
    return names


@pytest.fixture(scope="module")
def metrics() -> dict[str, set[str]]:
    return exported()


def dashboard_exprs() -> list[tuple[str, str]]:
    found = []
    for path in DASHBOARDS:
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel.get("targets", []):
                found.append((f"{path.name} panel {panel['id']} {target['refId']}", target["expr"]))
    return found


def alert_exprs() -> list[tuple[str, str]]:
    rules = yaml.safe_load(ALERTS.read_text())
    return [(f"alert {r['alert']}", r["expr"]) for group in rules["groups"] for r in group["rules"]]


def test_there_are_dashboards_for_the_shop_the_event_backbone_and_the_sagas() -> None:
    assert {p.stem for p in DASHBOARDS} >= {
        "marketplace-http",
        "marketplace-shop",
        "marketplace-events",
        "marketplace-sagas",
    }


def test_dashboards_are_in_grafanas_provisioning_format() -> None:
    datasources = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yml").read_text())["datasources"]
    datasource_uids = {d["uid"] for d in datasources if d["type"] == "prometheus"}
    uids, titles = set(), set()
    for path in DASHBOARDS:
        board = json.loads(path.read_text())
        assert board["uid"], path.name
        assert len(board["uid"]) <= 40, path.name
        assert board["uid"] not in uids, f"{path.name}: uid {board['uid']} used twice"
        uids.add(board["uid"])
        assert board["title"], path.name
        assert board["title"] not in titles, path.name
        titles.add(board["title"])
        assert isinstance(board["schemaVersion"], int), path.name
        assert board["schemaVersion"] >= 30, path.name
        assert board["panels"], path.name
        ids = [panel["id"] for panel in board["panels"]]
        assert len(ids) == len(set(ids)), f"{path.name}: panel ids repeat"
        for panel in board["panels"]:
            where = f"{path.name} panel {panel['id']}"
            assert panel["type"] in {"stat", "timeseries", "table", "gauge", "bargauge", "text"}, where
            assert panel["title"], where
            grid = panel["gridPos"]
            assert {"x", "y", "w", "h"} <= grid.keys(), where
            assert grid["x"] >= 0, where
            assert grid["x"] + grid["w"] <= 24, where
            assert grid["h"] > 0, where
            assert panel["datasource"]["uid"] in datasource_uids, where
            assert panel["targets"], where
            refs = [target["refId"] for target in panel["targets"]]
            assert len(refs) == len(set(refs)), where
            for target in panel["targets"]:
                assert target["datasource"]["uid"] in datasource_uids, where
                assert target["expr"].strip(), where


def test_the_provisioning_points_at_the_dashboards_and_docker_compose_mounts_them() -> None:
    providers = yaml.safe_load((PROVISIONING / "dashboards" / "marketplace.yml").read_text())["providers"]
    folders = {provider["options"]["path"] for provider in providers if provider["type"] == "file"}
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    mounts = {target: source for source, target, *_ in (volume.split(":") for volume in compose["grafana"]["volumes"])}
    for folder in folders:
        assert mounts[folder] == "./deploy/grafana/dashboards"
    assert mounts["/etc/grafana/provisioning"] == "./deploy/grafana/provisioning"
    datasources = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yml").read_text())["datasources"]
    assert {d["url"] for d in datasources} == {"http://prometheus:9090"}
    assert "prometheus" in compose
    assert "prometheus" in compose["grafana"]["depends_on"]
    prometheus_mounts = [volume.split(":")[0] for volume in compose["prometheus"]["volumes"]]
    assert "./deploy/prometheus.yml" in prometheus_mounts
    assert "./deploy/prometheus" in prometheus_mounts
    # The processes Prometheus scrapes serve their metrics where deploy/prometheus.yml looks.
    for service in ("consumers", "workers"):
        command = compose[service]["command"]
        assert command[command.index("--metrics-port") + 1] == "9100", service


@pytest.mark.parametrize(("where", "expr"), [*dashboard_exprs(), *alert_exprs()])
def test_every_metric_asked_for_is_exported_with_those_labels(
    metrics: dict[str, set[str]], where: str, expr: str
) -> None:
    used = METRIC.findall(expr)
    assert used, f"{where}: no marketplace metric in {expr!r}"
    for name in used:
        assert name in metrics, f"{where}: the app exports no {name}"
    for name, matchers in SELECTOR.findall(expr):
        known = metrics[name] | SCRAPE_LABELS
        for label in MATCHER.findall(matchers):
            assert label in known, f"{where}: {name} has no label {label!r} ({sorted(known)})"
    all_labels = set().union(*(metrics[name] for name in used)) | SCRAPE_LABELS
    for grouping in GROUPING.findall(expr):
        for label in filter(None, (part.strip() for part in grouping.split(","))):
            assert label in all_labels, f"{where}: grouping by unknown label {label!r}"


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:  # never skipped: scripts/test installs Debian's prometheus, which brings promtool
        pytest.fail("promtool is missing: apt-get install prometheus (scripts/test does)")
    return found


def test_prometheus_config_and_alert_rules_pass_promtool() -> None:
    tool = promtool()
    for args in (["check", "config", str(DEPLOY / "prometheus.yml")], ["check", "rules", str(ALERTS)]):
        done = subprocess.run([tool, *args], capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
        assert done.returncode == 0, done.stdout + done.stderr


def test_every_dashboard_query_is_valid_promql(tmp_path: Path) -> None:
    """Each query as a recording rule, for promtool to parse (Grafana's $__ variables given a value)."""
    rules = [
        {"record": f"dashboard:query_{i}", "expr": expr.replace("$__rate_interval", "1m").replace("$__range", "1h")}
        for i, (_, expr) in enumerate(dashboard_exprs())
    ]
    path = tmp_path / "dashboards.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    done = subprocess.run(  # noqa: S603
        [promtool(), "check", "rules", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
