"""Fixtures of the cart suite: the app on the in-process store and on the real Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.streaming.harness import embedded_broker, kafka_settings  # noqa: F401
from tests.subgraphs.cart.harness import Harness, cart_settings, open_harness

STORES = ["memory", pytest.param("redis", marks=pytest.mark.integration)]


@pytest.fixture(params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def app(store_kind: str, redis_url: str, unique_namespace: str) -> AsyncIterator[Harness]:
    """The cart app with the in-process store and with Redis; products is the fake."""
    url = redis_url if store_kind == "redis" else ""
    async with open_harness(cart_settings(url, unique_namespace)) as harness:
        yield harness
