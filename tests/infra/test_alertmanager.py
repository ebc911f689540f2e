"""Alertmanager's configuration is valid, routes each alert of alerts.yml by its severity, and
compose wires it between Prometheus and the operators (``amtool``, Debian's
prometheus-alertmanager)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from infra.dev.services import ROOT
from tests.strict import skip_or_fail

OBSERVABILITY = ROOT / "infra" / "observability"
CONFIG = OBSERVABILITY / "alertmanager.yml"


def _amtool(*args: str) -> str:
    found = shutil.which("amtool")
    if found is None:
        skip_or_fail("amtool is missing (Debian package prometheus-alertmanager)")
    done = subprocess.run([str(found), *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.timeout(60)
def test_the_alertmanager_config_is_valid() -> None:
    assert "SUCCESS" in _amtool("check-config", str(CONFIG))


@pytest.mark.timeout(60)
def test_each_alert_goes_to_the_receiver_of_its_severity() -> None:
    # given every alert the rules define, with its severity
    rules = yaml.safe_load((OBSERVABILITY / "alerts.yml").read_text())
    alerts = [rule for group in rules["groups"] for rule in group["rules"] if "alert" in rule]
    assert alerts
    for rule in alerts:
        severity = rule["labels"]["severity"]
        # when Alertmanager routes it
        receiver = _amtool("config", "routes", "test", f"--config.file={CONFIG}",
                           f"alertname={rule['alert']}", f"severity={severity}").strip()
        # then critical alerts page on-call, the rest go to operators
        assert receiver == ("on-call" if severity == "critical" else "operators"), rule["alert"]


def test_compose_runs_alertmanager_and_prometheus_sends_it_the_alerts() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    manager = compose["services"]["alertmanager"]
    assert "./infra/observability/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro" in (
        manager["volumes"])
    assert all(str(port).startswith("127.0.0.1:") for port in manager.get("ports", []))
    prometheus = yaml.safe_load((OBSERVABILITY / "prometheus.yml").read_text())
    targets = [target for manager in prometheus["alerting"]["alertmanagers"]
               for config in manager["static_configs"] for target in config["targets"]]
    assert targets == ["alertmanager:9093"]
