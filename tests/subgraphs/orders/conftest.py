"""Fixtures of the orders suite: a migrated app per test, on SQLite and real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.streaming.harness import fresh_broker  # noqa: F401
from tests.subgraphs.orders.harness import Harness, open_harness


@pytest.fixture
async def app(database_url: str) -> AsyncIterator[Harness]:
    """The orders app on a fresh database (SQLite and PostgreSQL), Kafka left out."""
    async with open_harness(database_url) as harness:
        yield harness
