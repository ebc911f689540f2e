"""Session fixtures for the federation samples: servers started once, shared by every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# Show data diffs from the harness's assertions, not a bare AssertionError.
pytest.register_assert_rewrite("tests.gateway.harness")

from tests.gateway.harness import Samples  # noqa: E402


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Samples]:
    registry = Samples(tmp_path_factory.mktemp("samples"))
    yield registry
    registry.close()
