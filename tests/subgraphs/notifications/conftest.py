"""Fixtures of the notifications suite: a migrated app per test, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.streaming.harness import fresh_broker  # noqa: F401
from tests.subgraphs.notifications.fake_providers import FakeSendGrid, FakeTwilio
from tests.subgraphs.notifications.harness import Harness, open_harness


@pytest.fixture
async def app(database_url: str) -> AsyncIterator[Harness]:
    """The notifications app on a fresh database (SQLite and PostgreSQL), Kafka left out."""
    async with open_harness(database_url) as harness:
        yield harness


@pytest.fixture
def sendgrid() -> Iterator[FakeSendGrid]:
    """A local SendGrid over real HTTP, recording every request."""
    with FakeSendGrid() as fake:
        yield fake


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    """A local Twilio over real HTTP, recording every request."""
    with FakeTwilio() as fake:
        yield fake
