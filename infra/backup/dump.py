"""Take one consistent backup of a service database and write its manifest.

PostgreSQL: a read-only repeatable-read transaction exports its snapshot, ``pg_dump`` dumps
exactly that snapshot (``--snapshot``) while the same transaction counts and checksums every
table, so the manifest describes the dump row for row even while the service keeps writing.
SQLite: the online backup API copies a consistent file; the copy is then described.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from infra.backup.manifest import STAMP, Manifest, file_sha256
from infra.backup.stats import postgres_revision, postgres_stats, sqlite_revision, sqlite_stats
from infra.backup.targets import Database

__all__ = ["BackupFailed", "back_up"]


class BackupFailed(RuntimeError):
    """A dump tool failed or is missing; nothing is left behind."""


def back_up(db: Database, directory: Path, *, now: datetime | None = None) -> Manifest:
    """Back ``db`` up into ``directory``; returns the manifest written beside the dump file."""
    directory.mkdir(parents=True, exist_ok=True)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    stem = f"{db.service}-{now.strftime(STAMP)}"
    if db.kind == "sqlite":
        target = directory / f"{stem}.sqlite3"
        revision, tables = _sqlite_copy(db.sqlite_path, target)
    else:
        target = directory / f"{stem}.dump"
        revision, tables = asyncio.run(_pg_dump(db, target))
    manifest = Manifest(db.service, db.kind, now, target.name, target.stat().st_size,
                        file_sha256(target), revision, tables)
    manifest.write(directory)
    return manifest


async def _pg_dump(db: Database, target: Path):
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupFailed("pg_dump not found: install the PostgreSQL client (postgresql-client)")
    conn = await asyncpg.connect(db.libpq_url)
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
            dump = await asyncio.create_subprocess_exec(
                pg_dump, "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                f"--file={target}", f"--dbname={db.libpq_url}",
                stderr=asyncio.subprocess.PIPE,
            )
            tables = await postgres_stats(conn)
            revision = await postgres_revision(conn)
            _, err = await dump.communicate()  # the snapshot must outlive pg_dump's import of it
    finally:
        await conn.close()
    if dump.returncode != 0:
        await asyncio.to_thread(target.unlink, missing_ok=True)
        raise BackupFailed(f"pg_dump of {db.service} failed: {err.decode(errors='replace')}")
    return revision, tables


def _sqlite_copy(source: Path, target: Path):
    if not source.exists():
        raise BackupFailed(f"{source} does not exist: nothing to back up")
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
    with closing(sqlite3.connect(target)) as copy:
        return sqlite_revision(copy), sqlite_stats(copy)
