"""SQLite writers take turns on one in-process lock, in arrival order, instead of polling in
SQLite's busy handler (subgraphs/kit/sqlite_writers.py), and statements run on the event loop's
thread (subgraphs/kit/sqlite_inline.py)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import create_async_engine

from subgraphs.kit.database import Database
from subgraphs.kit.sqlite_writers import serialize_writers

pytestmark = pytest.mark.timeout(60)

TURNS = Table("turns", MetaData(),
              Column("position", Integer, primary_key=True, autoincrement=True),
              Column("writer", Integer, nullable=False))


async def _database(tmp_path: Path) -> Database:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'writers.db'}")
    async with database.engine.begin() as conn:
        await conn.run_sync(TURNS.metadata.create_all)
    return database


async def _writers(database: Database) -> list[int]:
    async with database.reads() as session:
        return list((await session.execute(select(TURNS.c.writer).order_by(TURNS.c.position)))
                    .scalars())


async def test_writers_write_in_the_order_they_asked(tmp_path: Path) -> None:
    database = await _database(tmp_path)

    async def write(writer: int) -> None:
        async with database.transaction() as session:
            await session.execute(insert(TURNS).values(writer=writer))
            await asyncio.sleep(0.02)  # the transaction stays open, as a handler's does

    async def connect() -> None:
        async with database.engine.connect() as conn:
            await asyncio.sleep(0.05)  # all eight open at once
            await conn.execute(select(1))

    try:
        await asyncio.gather(*(connect() for _ in range(8)))  # pooled: no connect in the race
        tasks = []
        for writer in range(8):
            tasks.append(asyncio.create_task(write(writer)))
            await asyncio.sleep(0.005)  # each asks after the one before
        await asyncio.wait_for(asyncio.gather(*tasks), 20)
        assert await _writers(database) == list(range(8))
    finally:
        await database.dispose()


async def test_a_rolled_back_writer_hands_over_at_once(tmp_path: Path) -> None:
    database = await _database(tmp_path)
    try:
        with pytest.raises(ZeroDivisionError):
            async with database.transaction() as session:
                await session.execute(insert(TURNS).values(writer=1))
                1 / 0  # noqa: B018
        async with asyncio.timeout(5), database.transaction() as session:
            await session.execute(insert(TURNS).values(writer=2))
        assert await _writers(database) == [2]
    finally:
        await database.dispose()


async def test_reads_do_not_wait_for_a_writer(tmp_path: Path) -> None:
    database = await _database(tmp_path)
    written, done = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with database.transaction() as session:
            await session.execute(insert(TURNS).values(writer=1))
            written.set()
            await done.wait()

    try:
        task = asyncio.create_task(writer())
        await asyncio.wait_for(written.wait(), 5)
        assert await asyncio.wait_for(_writers(database), 5) == []  # not committed yet
        done.set()
        await asyncio.wait_for(task, 5)
        assert await _writers(database) == [1]
    finally:
        await database.dispose()


async def test_a_writer_gives_up_after_the_busy_timeout_as_sqlite_would(tmp_path: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'timeout.db'}")
    serialize_writers(engine, timeout=0.2)
    async with engine.begin() as conn:
        await conn.run_sync(TURNS.metadata.create_all)
    try:
        async with engine.begin() as holder:
            await holder.execute(insert(TURNS).values(writer=1))
            with pytest.raises(OperationalError, match="database is locked"):
                async with engine.begin() as late:
                    await late.execute(insert(TURNS).values(writer=2))
        async with engine.connect() as conn:  # the holder's write still committed
            assert (await conn.execute(select(TURNS.c.writer))).scalars().all() == [1]
    finally:
        await engine.dispose()


async def test_statements_run_on_the_event_loops_thread_not_a_connection_thread(
        tmp_path: Path) -> None:
    database = await _database(tmp_path)
    threads: list[int] = []
    try:
        async with database.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            raw.driver_connection._conn.create_function(  # type: ignore[union-attr]
                "where_am_i", 0, lambda: threads.append(threading.get_ident()) or 1)
            assert (await conn.execute(select(func.where_am_i()))).scalar() == 1
        assert threads == [threading.get_ident()]
    finally:
        await database.dispose()
