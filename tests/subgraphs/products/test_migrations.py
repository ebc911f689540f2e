"""Migrations build the schema the models describe, on fresh SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect

from subgraphs.kit.database import Database
from subgraphs.products.config import MIGRATIONS_DIR
from subgraphs.products.domain.models import Base
from tests.subgraphs.harness import migrate_twice


async def test_migrations_apply_on_a_fresh_database_and_match_the_models(
    database_url: str,
) -> None:
    # when migrations run twice on a fresh database
    version, diff = await migrate_twice(MIGRATIONS_DIR, database_url, Base.metadata)
    # then the head revision is recorded and nothing differs from the models
    database = Database(database_url)
    try:
        async with database.engine.connect() as conn:
            columns = await conn.run_sync(lambda c: inspect(c).get_columns("products"))
    finally:
        await database.dispose()
    assert version == [("0003",)]
    assert {c["name"] for c in columns} >= {"id", "sku", "price_amount", "stock", "created_at"}
    assert diff == []
