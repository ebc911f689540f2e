"""SQLite writers of one process take turns in the process, not in SQLite's busy handler."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from subgraphs.kit.sqlite_writes import queue_writers

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
async def impatient(sqlite_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine whose SQLite gives up at once on a locked file (no busy handler at all)."""
    engine = create_async_engine(sqlite_url, connect_args={"timeout": 0})
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE rows (n INTEGER)"))
    yield engine
    await engine.dispose()


async def write(engine: AsyncEngine, n: int, *, fail: bool = False) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO rows VALUES (:n)"), {"n": n})
        await asyncio.sleep(0.01)  # hold the write lock across an await, as handlers do
        if fail:
            raise ValueError("rolled back")


async def count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM rows"))).scalar_one())


async def test_concurrent_writers_take_turns_and_every_one_commits(impatient):
    queue_writers(impatient)

    await asyncio.gather(*(write(impatient, n) for n in range(20)))

    assert await count(impatient) == 20


async def test_without_the_queue_the_same_writers_collide_on_the_file(impatient):
    results = await asyncio.gather(*(write(impatient, n) for n in range(20)),
                                   return_exceptions=True)

    assert any(isinstance(r, OperationalError) for r in results)  # "database is locked"


async def test_a_rolled_back_writer_gives_its_turn_back_and_reads_never_wait(impatient):
    queue_writers(impatient)
    results = await asyncio.gather(*(write(impatient, n, fail=n % 3 == 0) for n in range(12)),
                                   return_exceptions=True)
    async with impatient.begin() as conn:  # holds the turn while a reader reads
        await conn.execute(text("INSERT INTO rows VALUES (99)"))
        assert await asyncio.wait_for(count(impatient), 5) == 8

    assert [type(r) for r in results].count(ValueError) == 4
    assert await count(impatient) == 9
