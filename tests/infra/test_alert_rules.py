"""The Prometheus configuration and alert rules are valid, and each alert fires on the series it
is meant for (``promtool test rules infra/observability/alerts_test.yml``)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from infra.dev.services import ROOT

OBSERVABILITY = ROOT / "infra" / "observability"


def _promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail("promtool is missing (Debian package prometheus); CI must run this test")
        pytest.skip("promtool is not installed")
    return found


def _promtool_ok(*args: str) -> str:
    done = subprocess.run([_promtool(), *args], cwd=OBSERVABILITY, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.timeout(60)
def test_prometheus_config_and_its_rule_files_are_valid() -> None:
    out = _promtool_ok("check", "config", "prometheus.yml")
    assert "SUCCESS" in out


@pytest.mark.timeout(60)
def test_alert_rules_are_valid() -> None:
    assert "SUCCESS" in _promtool_ok("check", "rules", "alerts.yml")


@pytest.mark.timeout(60)
def test_each_alert_fires_on_its_condition_and_not_on_healthy_series() -> None:
    assert "SUCCESS" in _promtool_ok("test", "rules", "alerts_test.yml")


def test_every_alert_the_design_asks_for_is_defined_and_unit_tested() -> None:
    import yaml

    rules = yaml.safe_load((OBSERVABILITY / "alerts.yml").read_text())
    names = {r["alert"] for group in rules["groups"] for r in group["rules"]}
    tests = yaml.safe_load((OBSERVABILITY / "alerts_test.yml").read_text())
    tested = {case["alertname"] for t in tests["tests"] for case in t["alert_rule_test"]}
    wanted = {"ServiceDown", "GatewayErrorRateHigh", "GatewayLatencyHigh", "DiskSpaceLow",
              "ConsumerLagGrowing", "DeadLettersWaiting"}
    assert wanted <= names
    assert names <= tested, f"alerts without a promtool test: {names - tested}"
