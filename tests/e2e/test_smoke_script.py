"""The deployment pipeline's smoke test, run against the dev platform so it is known to work."""

from __future__ import annotations

import subprocess
import sys

import pytest

from infra.dev.services import ROOT
from tests.e2e.conftest import Client
from tests.e2e.saga import new_product

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(180)]


def test_smoke_script_walks_register_to_paid_against_a_running_platform(platform, admin: Client):
    product = new_product(admin, stock=5)

    run = subprocess.run(
        [sys.executable, "-m", "infra.smoke", "--url", platform.gateway_url, "--timeout", "60",
         "--product-id", product],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )

    assert run.returncode == 0, run.stderr
    assert "PAID" in run.stdout


def test_smoke_script_fails_naming_the_step_when_the_gateway_is_unreachable():
    run = subprocess.run(
        [sys.executable, "-m", "infra.smoke", "--url", "http://127.0.0.1:9/graphql",
         "--timeout", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )

    assert run.returncode == 1
    assert "FAILED at register" in run.stderr
