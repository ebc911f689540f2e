"""Migrations build the schema the models describe, on fresh SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from subgraphs.kit.database import Database
from subgraphs.kit.migrations import upgrade_async
from subgraphs.orders.config import MIGRATIONS_DIR
from subgraphs.orders.domain.models import Base, Order
from tests.subgraphs.harness import migrate_twice


async def test_migrations_apply_twice_on_a_fresh_database_and_match_the_models(
    database_url: str,
) -> None:
    version, diff = await migrate_twice(MIGRATIONS_DIR, database_url, Base.metadata)
    assert version == [("0001",)]
    assert diff == []


async def test_the_database_refuses_an_unknown_status(database_url: str) -> None:
    await upgrade_async(MIGRATIONS_DIR, database_url)
    database = Database(database_url)
    row = {"id": "o", "user_id": "u", "status": "LOST", "total_amount": 1, "currency": "USD",
           "payment_method": "pm", "cart_id": "c", "cart_version": 1, "row_version": 1,
           "created_at": datetime.now(UTC), "updated_at": datetime.now(UTC)}
    try:
        with pytest.raises(IntegrityError):
            async with database.transaction() as session:
                await session.execute(insert(Order).values(**row))
    finally:
        await database.dispose()
