"""Restore a backup into a fresh database and prove it matches its manifest.

A restore never writes over data by accident: a target that already holds tables is refused
unless ``force`` is given, which drops and recreates it first.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from infra.backup.manifest import Manifest, file_sha256
from infra.backup.stats import TableStat, postgres_stats, sqlite_stats
from infra.backup.targets import Database

__all__ = ["RestoreRefused", "Restored", "restore"]

_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,62}")


class RestoreRefused(RuntimeError):
    """The backup is damaged, the target is not empty, or a restore tool failed."""


@dataclass(frozen=True, slots=True)
class Restored:
    target: Database
    tables: dict[str, TableStat]
    mismatches: list[str]


def restore(manifest_path: Path, target: Database, *, force: bool = False) -> Restored:
    """Restore the backup described by ``manifest_path`` into ``target`` and verify it."""
    manifest = Manifest.read(manifest_path)
    dump = manifest_path.parent / manifest.file
    if not dump.exists() or file_sha256(dump) != manifest.sha256:
        raise RestoreRefused(f"{dump} is missing or does not match its manifest's sha256")
    if manifest.kind != target.kind:
        raise RestoreRefused(f"a {manifest.kind} backup cannot be restored into {target.kind}")
    if target.kind == "sqlite":
        tables = _sqlite_restore(dump, target.sqlite_path, force=force)
    else:
        tables = asyncio.run(_pg_restore(dump, target, force=force))
    return Restored(target, tables, _compare(manifest.tables, tables))


def _compare(expected: dict[str, TableStat], found: dict[str, TableStat]) -> list[str]:
    problems = []
    for name in sorted(expected.keys() | found.keys()):
        want, got = expected.get(name), found.get(name)
        if want != got:
            problems.append(f"{name}: backup {want} restored {got}")
    return problems


async def _pg_restore(dump: Path, target: Database, *, force: bool) -> dict[str, TableStat]:
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise RestoreRefused("pg_restore not found: install the PostgreSQL client")
    await _fresh_database(target, force=force)
    proc = await asyncio.create_subprocess_exec(
        pg_restore, "--no-owner", "--exit-on-error", f"--dbname={target.libpq_url}", str(dump),
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await proc.communicate()
    if proc.returncode != 0:
        reason = err.decode(errors="replace")
        raise RestoreRefused(f"pg_restore into {target.name} failed: {reason}")
    conn = await asyncpg.connect(target.libpq_url)
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            return await postgres_stats(conn)
    finally:
        await conn.close()


async def _fresh_database(target: Database, *, force: bool) -> None:
    """Create the target database; an existing one must be empty unless ``force``."""
    if not _SAFE_NAME.fullmatch(target.name):
        raise RestoreRefused(f"refusing the database name {target.name!r}")
    admin = await asyncpg.connect(target.with_name("postgres").libpq_url)
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", target.name)
        if exists and not await _is_empty(target):
            if not force:
                raise RestoreRefused(
                    f"database {target.name} is not empty; restore into a new database or pass"
                    " --force to drop and recreate it"
                )
            await admin.execute(f'DROP DATABASE "{target.name}" WITH (FORCE)')
            exists = False
        if not exists:
            await admin.execute(f'CREATE DATABASE "{target.name}"')
    finally:
        await admin.close()


async def _is_empty(target: Database) -> bool:
    conn = await asyncpg.connect(target.libpq_url)
    try:
        return not await conn.fetchval(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
    finally:
        await conn.close()


def _sqlite_restore(dump: Path, path: Path, *, force: bool) -> dict[str, TableStat]:
    if path.exists() and path.stat().st_size > 0:
        if not force:
            raise RestoreRefused(f"{path} exists; restore elsewhere or pass --force to replace it")
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(dump)) as src, closing(sqlite3.connect(path)) as dst:
        src.backup(dst)
    with closing(sqlite3.connect(path)) as restored:
        return sqlite_stats(restored)
