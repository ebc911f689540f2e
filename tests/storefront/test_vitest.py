"""The storefront's own unit tests (Vitest: components, cache policies, persisted operations) run
with the Python suite, so CI runs them; the session's build provides node_modules and codegen."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from infra.dev.storefront import APP

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def test_the_storefront_unit_tests_pass(built_storefront: Path) -> None:
    done = subprocess.run(["npx", "vitest", "run"], cwd=APP, capture_output=True, text=True,
                          timeout=540)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert " passed" in done.stdout and " failed" not in done.stdout
