"""UtcDateTime stores instants and hands back timezone-aware UTC on every dialect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select

from subgraphs.kit.columns import UtcDateTime
from subgraphs.kit.database import Database

METADATA = MetaData()
EVENTS = Table("events", METADATA, Column("id", Integer, primary_key=True),
               Column("at", UtcDateTime))


async def test_instants_round_trip_as_aware_utc(database_url: str) -> None:
    # given an instant written with a +02:00 offset
    written = datetime(2026, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    database = Database(database_url)
    try:
        async with database.engine.begin() as conn:
            await conn.run_sync(METADATA.create_all)
            await conn.execute(insert(EVENTS).values(id=1, at=written))
            # when read back, then it is the same instant, in UTC
            read = (await conn.execute(select(EVENTS.c.at))).scalar_one()
    finally:
        await database.dispose()
    assert read == written
    assert read.tzinfo == UTC


async def test_naive_datetimes_are_refused(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    try:
        async with database.engine.begin() as conn:
            await conn.run_sync(METADATA.create_all)
            with pytest.raises(Exception, match="naive"):
                await conn.execute(insert(EVENTS).values(id=1, at=datetime(2026, 1, 1)))
    finally:
        await database.dispose()
