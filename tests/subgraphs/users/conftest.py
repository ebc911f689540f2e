"""Fixtures of the users suite: a migrated app per test, on SQLite and real PostgreSQL, and one
requiring service credentials (with the callers' keys)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.service_trust import generated_keys
from tests.streaming.harness import fresh_broker  # noqa: F401
from tests.subgraphs.users.harness import Harness, open_harness


@pytest.fixture
async def app(database_url: str) -> AsyncIterator[Harness]:
    """The users app on a fresh database (SQLite and PostgreSQL)."""
    async with open_harness(database_url) as harness:
        yield harness


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    return generated_keys(tmp_path / "keys", ["gateway", "notifications", "payments"])


@pytest.fixture
async def users(sqlite_url: str, keys: Path) -> AsyncIterator[Harness]:
    async with open_harness(sqlite_url, service_auth_required=True,
                            service_keys_dir=keys) as harness:
        yield harness
