"""The Grafana dashboards (gateway, saga, subgraphs) are provisioned, their queries are valid
PromQL, and every metric they and the alerts read is one our processes export."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml
from prometheus_client import REGISTRY

import common.auth.refreshed_versions  # token-version lookup failures (registers them)
import common.telemetry.breakers  # noqa: F401  (circuit breakers, in every process that has one)
import gateway.metrics  # noqa: F401  (registers the gateway's metric families)
import subgraphs.kit.cache
import subgraphs.kit.metrics
import subgraphs.notifications.events.delivery  # noqa: F401
from tests.infra.test_alert_rules import OBSERVABILITY, _promtool

DASHBOARDS = sorted((OBSERVABILITY / "grafana" / "dashboards").glob("*.json"))
# Metric names inside a PromQL expression: identifiers not followed by "(" (functions), not
# label names (followed by "=", "!" or "~") nor keywords.
_KEYWORDS = {"sum", "by", "and", "or", "unless", "without", "rate", "le", "max", "min"}
_NAME = re.compile(r"\b([a-z_][a-z0-9_]*)\b(?!\s*[(=!~])")
_FOREIGN = ("up", "node_")  # Prometheus' own and node-exporter's


def _expressions() -> list[str]:
    found = [target["expr"] for path in DASHBOARDS
             for panel in json.loads(path.read_text())["panels"] for target in panel["targets"]]
    rules = yaml.safe_load((OBSERVABILITY / "alerts.yml").read_text())
    return found + [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def _exported() -> set[str]:
    names = set()
    for family in REGISTRY.collect():
        names.update(sample.name for sample in family.samples)
        names.update({family.name, f"{family.name}_total", f"{family.name}_bucket",
                      f"{family.name}_count", f"{family.name}_sum"})
    return names


def test_one_dashboard_per_area_is_provisioned_from_their_folder() -> None:
    assert [p.stem for p in DASHBOARDS] == ["gateway", "saga", "subgraphs"]
    uids = {json.loads(p.read_text())["uid"] for p in DASHBOARDS}
    assert len(uids) == 3
    provider = yaml.safe_load((OBSERVABILITY / "grafana" / "dashboards.yaml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"


def test_every_metric_a_dashboard_or_alert_reads_is_exported() -> None:
    exported = _exported()
    for expr in _expressions():
        # strings, ranges, label matchers and grouping clauses hold no metric names
        cleaned = re.sub(r'"[^"]*"|\[[^\]]*\]|\{[^}]*\}|\b(by|without)\s*\([^)]*\)', "", expr)
        for name in _NAME.findall(cleaned):
            if name in _KEYWORDS or name.startswith(_FOREIGN) or name.isdigit():
                continue
            assert name in exported, f"{name} (in {expr!r}) is not exported"


@pytest.mark.timeout(60)
def test_every_dashboard_query_is_valid_promql(tmp_path) -> None:
    rules = [{"record": f"dashboard:query{n}", "expr": expr}
             for n, expr in enumerate(_expressions())]
    path = tmp_path / "queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    done = subprocess.run([_promtool(), "check", "rules", str(path)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
