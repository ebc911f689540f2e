"""Fixtures for composition tests: the JS oracle is skipped when node is missing."""

from __future__ import annotations

import pytest

from .harness import oracle_available


@pytest.fixture(scope="session")
def js_oracle() -> None:
    if not oracle_available():
        pytest.skip("node or @theguild/federation-composition not available")
