"""Fixtures of the products suite: a migrated app per test, on SQLite and real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from subgraphs.kit.cache import Cache, MemoryCache, RedisCache
from tests.streaming.harness import fresh_broker  # noqa: F401  (the saga's broker tests)
from tests.subgraphs.products.harness import Harness, open_harness


@pytest.fixture
async def app(database_url: str) -> AsyncIterator[Harness]:
    """The products app on a fresh database (SQLite and PostgreSQL), in-process cache."""
    async with open_harness(database_url) as harness:
        yield harness


@pytest.fixture
async def seeded(app: Harness) -> Harness:
    """The app with the 60-product demo catalogue loaded."""
    await app.seed()
    return app


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.integration)])
def cache(request: pytest.FixtureRequest, redis_url: str, unique_namespace: str) -> Cache:
    """Each cache store behind the kit interface: in-process and the real Redis."""
    if request.param == "memory":
        return MemoryCache(unique_namespace)
    return RedisCache(redis_url, unique_namespace)


@pytest.fixture
async def cached_app(sqlite_url: str, cache: Cache) -> AsyncIterator[Harness]:
    """The app on SQLite with the given cache store (closed by the harness)."""
    async with open_harness(sqlite_url, cache) as harness:
        yield harness
