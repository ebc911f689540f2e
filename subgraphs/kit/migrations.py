"""Alembic per service: a programmatic config, and the env.py body every service shares."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config

__all__ = ["alembic_config", "run_env", "upgrade", "upgrade_async"]


def alembic_config(migrations_dir: Path, url: str) -> Config:
    """An Alembic config pointing at one service's migrations folder and database."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(migrations_dir: Path, url: str, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` (blocking; call from sync code)."""
    command.upgrade(alembic_config(migrations_dir, url), revision)


async def upgrade_async(migrations_dir: Path, url: str, revision: str = "head") -> None:
    """Apply migrations from async code; env.py runs its own event loop, so use a thread."""
    await asyncio.to_thread(upgrade, migrations_dir, url, revision)


def run_env(target_metadata: MetaData) -> None:
    """Body of every service's ``migrations/env.py`` (online mode, async engine)."""
    asyncio.run(_run_online(target_metadata))


async def _run_online(target_metadata: MetaData) -> None:
    section = context.config.get_section(context.config.config_ini_section, {})
    engine = async_engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_migrate, target_metadata)
    await engine.dispose()


def _migrate(connection: Connection, target_metadata: MetaData) -> None:
    # Batch mode lets ALTER TABLE work on SQLite, which cannot alter most columns in place.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
