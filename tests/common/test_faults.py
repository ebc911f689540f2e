"""Crash points: off unless a test armed them, one SIGKILL per arming, refused outside tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from common.faults import FaultSettings, arm

PROGRAM = "from common.faults import crash_point\ncrash_point('x.point')\nprint('survived')"
ROOT = Path(__file__).resolve().parents[2]


def run(directory: Path | None, environment: str = "test") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ENVIRONMENT": environment}
    env.pop("FAULT_INJECTION_DIR", None)
    if directory is not None:
        env["FAULT_INJECTION_DIR"] = str(directory)
    return subprocess.run([sys.executable, "-c", PROGRAM], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.timeout(60)
def test_an_armed_point_kills_the_process_once(tmp_path: Path) -> None:
    # given the point armed for processes reading this directory
    armed = arm(tmp_path, "x.point")
    # when a process reaches it, it dies by SIGKILL and the arming is used up
    first = run(tmp_path)
    assert first.returncode == -signal.SIGKILL and "survived" not in first.stdout
    assert not armed.exists()
    # and the next process passes the point
    assert run(tmp_path).stdout.strip() == "survived"


@pytest.mark.timeout(60)
def test_without_the_setting_a_point_does_nothing(tmp_path: Path) -> None:
    arm(tmp_path, "x.point")
    assert run(None).stdout.strip() == "survived"


def test_the_setting_is_refused_outside_tests(tmp_path: Path) -> None:
    for environment in ("dev", "production"):
        with pytest.raises(ValidationError, match="ENVIRONMENT=test"):
            FaultSettings(environment=environment, fault_injection_dir=tmp_path)
    assert FaultSettings(environment="production").fault_injection_dir is None
