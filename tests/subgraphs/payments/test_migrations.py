"""Migrations build the schema the models describe, on fresh SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

from subgraphs.kit.database import Database
from subgraphs.kit.migrations import upgrade_async
from subgraphs.payments.config import MIGRATIONS_DIR
from subgraphs.payments.domain.models import Base


async def test_migrations_apply_on_a_fresh_database_and_match_the_models(
    database_url: str,
) -> None:
    # when migrations run twice on a fresh database
    await upgrade_async(MIGRATIONS_DIR, database_url)
    await upgrade_async(MIGRATIONS_DIR, database_url)
    # then the head revision is recorded and nothing differs from the models
    database = Database(database_url)
    try:
        async with database.engine.connect() as conn:
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
            diff = await conn.run_sync(_diff)
    finally:
        await database.dispose()
    assert version == [("0002",)]
    assert diff == []


def _diff(conn: Connection) -> list[object]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))
