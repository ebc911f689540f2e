"""Fixtures of the payments suite: a migrated app per test, on SQLite and real PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from tests.streaming.harness import fresh_broker  # noqa: F401
from tests.subgraphs.payments.harness import Harness, open_harness
from tests.subgraphs.payments.stripe_harness import fake_stripe, stripe_app  # noqa: F401


@pytest.fixture(autouse=True)
def _no_stripe_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # An exported STRIPE_API_KEY would switch every test of the suite to Stripe.
    for key in list(os.environ):
        if key.startswith(("STRIPE_", "PAYMENTS_STRIPE_", "PAYMENT_PROVIDER",
                           "PAYMENTS_PAYMENT_PROVIDER")):
            monkeypatch.delenv(key, raising=False)


@pytest.fixture
async def app(database_url: str) -> AsyncIterator[Harness]:
    """The payments app on a fresh database (SQLite and PostgreSQL), Kafka left out."""
    async with open_harness(database_url) as harness:
        yield harness
