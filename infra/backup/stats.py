"""Row counts and content checksums per table: what a backup promises and a restore must match.

A table's checksum is the MD5 of its rows' MD5s in sorted order, so it depends on the content
only, not on the physical order a restore writes rows in.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass

import asyncpg

__all__ = ["TableStat", "postgres_revision", "postgres_stats", "sqlite_revision", "sqlite_stats"]

_PG_TABLES = """
    SELECT quote_ident(table_name) FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name
"""
# md5 of '' when the table is empty, so an empty table has a stable checksum too.
_PG_TABLE = """
    SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), ''))
    FROM (SELECT md5(t::text) AS h FROM {table} AS t) AS rows
"""


@dataclass(frozen=True, slots=True)
class TableStat:
    rows: int
    checksum: str

    def as_json(self) -> dict[str, object]:
        return {"rows": self.rows, "checksum": self.checksum}


async def postgres_stats(conn: asyncpg.Connection) -> dict[str, TableStat]:
    """Every public table's stat, read in the connection's current transaction (its snapshot)."""
    stats: dict[str, TableStat] = {}
    for (table,) in await conn.fetch(_PG_TABLES):
        rows, checksum = await conn.fetchrow(_PG_TABLE.format(table=table))
        stats[table.strip('"')] = TableStat(rows, checksum)
    return stats


async def postgres_revision(conn: asyncpg.Connection) -> str | None:
    """The Alembic revision the database is at (None before the first migration)."""
    exists = await conn.fetchval("SELECT to_regclass('public.alembic_version') IS NOT NULL")
    return await conn.fetchval("SELECT version_num FROM alembic_version") if exists else None


def sqlite_stats(conn: sqlite3.Connection) -> dict[str, TableStat]:
    """Every user table's stat; rows are hashed from their repr, sorted by hash."""
    tables = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    )]
    stats = {}
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        hashes = sorted(hashlib.md5(repr(row).encode()).hexdigest()
                        for row in conn.execute(f"SELECT * FROM {quoted}"))
        stats[table] = TableStat(len(hashes), hashlib.md5("".join(hashes).encode()).hexdigest())
    return stats


def sqlite_revision(conn: sqlite3.Connection) -> str | None:
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] if found else None
