"""The kit's Database: read sessions without a transaction, and pooled connections tested only
after resting in the pool (subgraphs/kit/liveness.py)."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.exc import DBAPIError

from subgraphs.kit import liveness
from subgraphs.kit.database import Database
from subgraphs.kit.settings import load_settings
from subgraphs.orders.config import OrdersSettings
from tests.conftest import PG_ADMIN_DSN

pytestmark = pytest.mark.timeout(60)

NOTES = Table("notes", MetaData(), Column("id", Integer, primary_key=True),
              Column("text", String(50), nullable=False))


async def _database(url: str) -> Database:
    database = Database(url)
    async with database.engine.begin() as conn:
        await conn.run_sync(NOTES.metadata.create_all)
    return database


async def test_reads_see_what_transactions_committed(database_url: str) -> None:
    database = await _database(database_url)
    try:
        async with database.transaction() as session:
            await session.execute(insert(NOTES).values(id=1, text="first"))
        async with database.reads() as session:
            assert (await session.execute(select(NOTES.c.text))).scalars().all() == ["first"]
        async with database.transaction() as session:
            await session.execute(insert(NOTES).values(id=2, text="second"))
        async with database.reads() as session:  # each read sees the latest commit
            assert await session.scalar(select(func.count()).select_from(NOTES)) == 2
    finally:
        await database.dispose()


async def test_reads_refuse_to_write_and_nothing_is_written(database_url: str) -> None:
    database = await _database(database_url)
    try:
        async with database.reads() as session:
            with pytest.raises(RuntimeError, match="only read"):
                await session.execute(insert(NOTES).values(id=1, text="sneaked"))
        async with database.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(NOTES)) == 0
    finally:
        await database.dispose()


@pytest.mark.integration
async def test_reads_on_postgres_open_no_transaction(postgres_url: str) -> None:
    database = await _database(postgres_url)
    try:
        # now() is the start of the statement's transaction: inside one transaction it stays
        # put; outside a transaction block each statement is a transaction of its own
        async with database.reads() as session:
            first = await session.scalar(select(func.now()))
            await asyncio.sleep(0.01)
            assert await session.scalar(select(func.now())) > first
        async with database.transaction() as session:
            first = await session.scalar(select(func.now()))
            await asyncio.sleep(0.01)
            assert await session.scalar(select(func.now())) == first
    finally:
        await database.dispose()


async def _backend_pid(database: Database) -> int:
    async with database.reads() as session:
        return int(await session.scalar(select(func.pg_backend_pid())) or 0)


async def _terminate(pid: int) -> None:
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1, 5000)", pid)
    finally:
        await admin.close()


@pytest.mark.integration
async def test_a_connection_that_died_while_resting_is_replaced_before_use(
        postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    database = Database(postgres_url)
    try:
        dead = await _backend_pid(database)
        await _terminate(dead)
        monkeypatch.setattr(liveness, "IDLE_PING_AFTER", 0.0)  # it rested long enough
        replaced = await _backend_pid(database)  # no error reaches the caller
        assert replaced not in (0, dead)
    finally:
        await database.dispose()


@pytest.mark.integration
async def test_a_connection_used_a_moment_ago_is_not_tested(
        postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The price of skipping the test: the first statement on a connection that died within
    IDLE_PING_AFTER of its last use fails, and that failure empties the pool, so the next
    checkout already gets a new connection."""
    monkeypatch.setattr(liveness, "IDLE_PING_AFTER", 3600.0)
    database = Database(postgres_url)
    try:
        dead = await _backend_pid(database)
        await _terminate(dead)
        with pytest.raises(DBAPIError):
            await _backend_pid(database)
        assert (await _backend_pid(database)) not in (0, dead)
    finally:
        await database.dispose()


@pytest.mark.integration
async def test_overflow_connections_are_opened_per_use_and_counted(postgres_url: str) -> None:
    database = Database(postgres_url, pool_size=1, max_overflow=2)
    try:
        async def hold() -> None:
            async with database.reads() as session:
                await session.scalar(select(func.pg_sleep(0.05)))

        for _ in range(2):  # three at once: the pooled connection and two overflow ones
            await asyncio.gather(hold(), hold(), hold())
        # the pooled one is kept; the overflow ones are closed when returned, opened again
        assert database.connections_opened == 1 + 2 + 2
    finally:
        await database.dispose()


def test_a_service_pool_follows_its_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERS_DATABASE_URL", "postgresql+asyncpg://u@127.0.0.1:1/x")
    monkeypatch.setenv("ORDERS_DATABASE_POOL_SIZE", "16")
    monkeypatch.setenv("ORDERS_DATABASE_MAX_OVERFLOW", "0")
    pool = Database.of(load_settings(OrdersSettings, "orders")).engine.sync_engine.pool
    assert (pool.size(), pool._max_overflow) == (16, 0)  # type: ignore[attr-defined]
