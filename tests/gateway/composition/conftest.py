"""Fixtures for composition tests: the JS oracles are skipped when node is missing (not in CI)."""

from __future__ import annotations

import pytest

from tests.strict import skip_or_fail

from .harness import oracle_available


@pytest.fixture(scope="session")
def js_oracle() -> None:
    if oracle_available():
        return
    reason = ("node, or @theguild/federation-composition / @apollo/composition / @apollo/gateway"
              " (npm ci in tests/gateway/composition/node), not available")
    skip_or_fail(reason)  # CI must run the differentials, never pass by skipping them
