"""Fixtures of the streaming suite: the session's embedded broker, a database with the tables."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from streaming.inbox import inbox_table
from streaming.outbox import outbox_table
from tests.streaming.harness import embedded_broker, fresh_broker, kafka_settings  # noqa: F401

metadata = MetaData()
OUTBOX = outbox_table(metadata)
INBOX = inbox_table(metadata)
# A stand-in for a domain's state: one row per order, one row per handler side effect.
ORDERS = Table(
    "orders", metadata, Column("id", String(36), primary_key=True), Column("status", String(20))
)
EFFECTS = Table(
    "effects",
    metadata,
    Column("n", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False),
)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a fresh SQLite file or PostgreSQL database with the suite's tables."""
    args = {"connect_args": {"timeout": 30}} if database_url.startswith("sqlite") else {}
    engine = create_async_engine(database_url, **args)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
