"""Fixtures shared by every suite: real PostgreSQL databases, real Redis, SQLite files."""

from __future__ import annotations

import gc
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

PG_ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

# Subgraphs served in-process by the unit suites trust every caller (the explicit dev/test
# setting production refuses); the service-auth tests turn it on with generated keys, and the
# e2e platform runs every process with it on (tests/e2e/platform.py).
os.environ.setdefault("SERVICE_AUTH_REQUIRED", "false")


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A brand-new PostgreSQL database (asyncpg URL), dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    yield f"{base}/{name}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file database (aiosqlite URL)."""
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.integration)])
def database_url(request: pytest.FixtureRequest) -> str:
    """The same test body on SQLite and on the real PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def redis_url() -> str:
    """The machine's real Redis; tests isolate themselves with unique key namespaces."""
    return REDIS_URL


@pytest.fixture
def unique_namespace() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(autouse=True)
def _no_stray_service_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Settings read the environment; a developer's exported variables must not steer tests.
    for key in list(os.environ):
        if key.endswith(("_DATABASE_URL", "_REDIS_URL")) or key in {"REDIS_URL", "JWT_SECRET"}:
            monkeypatch.delenv(key, raising=False)
    yield


@pytest.fixture
def restored_gc() -> Iterator[None]:
    """Tests that tune the garbage collector leave it as they found it."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
