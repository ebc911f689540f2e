"""Backups on the real PostgreSQL: consistent while orders keep coming, verified on restore."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from infra.backup.__main__ import main as backup_cli
from infra.backup.dump import back_up
from infra.backup.manifest import Manifest
from infra.backup.restore import RestoreRefused, restore
from infra.backup.retention import backups_of, prune
from infra.backup.targets import Database
from tests.infra.backup_data import create_orders_database, drop_database, place_orders

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


@pytest.fixture
def orders_db():
    """A migrated orders database holding 300 orders; dropped afterwards with any restore."""
    url = create_orders_database()
    asyncio.run(place_orders(url, 1, 300))
    made = [url]
    yield made
    for each in made:
        drop_database(each)


def as_database(url: str) -> Database:
    return Database("orders", url.replace("postgresql://", "postgresql+asyncpg://"))


def count(url: str, table: str) -> int:
    async def read() -> int:
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetchval(f"SELECT count(*) FROM {table}")
        finally:
            await conn.close()
    return asyncio.run(read())


def restore_target(orders_db: list[str], suffix: str) -> Database:
    target = as_database(orders_db[0]).with_name(f"{as_database(orders_db[0]).name}_{suffix}")
    orders_db.append(target.libpq_url)
    return target


def test_backup_taken_while_orders_keep_coming_restores_exactly_its_manifest(orders_db, tmp_path):
    # given orders still being placed while the backup runs
    stop, placed = threading.Event(), [300]

    def keep_writing() -> None:
        while not stop.is_set():
            asyncio.run(place_orders(orders_db[0], placed[0] + 1, placed[0] + 20))
            placed[0] += 20

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        manifest = back_up(as_database(orders_db[0]), tmp_path)
    finally:
        stop.set()
        writer.join()

    # when it is restored into a new database
    done = restore(tmp_path / f"{manifest.stem}.json", restore_target(orders_db, "r"))

    # then every table matches the manifest row for row, and writes went on past the backup
    assert done.mismatches == []
    assert done.tables == manifest.tables
    assert manifest.tables["order_items"].rows == 2 * manifest.tables["orders"].rows
    assert manifest.tables["orders"].rows >= 300
    assert count(orders_db[0], "orders") == placed[0] > 300
    assert manifest.schema_revision == "0001"


def test_restore_refuses_a_database_that_holds_data_unless_forced(orders_db, tmp_path):
    manifest = back_up(as_database(orders_db[0]), tmp_path)
    asyncio.run(place_orders(orders_db[0], 301, 310))

    with pytest.raises(RestoreRefused, match="not empty"):
        restore(tmp_path / f"{manifest.stem}.json", as_database(orders_db[0]))
    assert count(orders_db[0], "orders") == 310  # nothing touched

    done = restore(tmp_path / f"{manifest.stem}.json", as_database(orders_db[0]), force=True)
    assert done.mismatches == [] and count(orders_db[0], "orders") == 300


def test_a_damaged_backup_file_is_refused_before_anything_is_written(orders_db, tmp_path):
    manifest = back_up(as_database(orders_db[0]), tmp_path)
    dump = tmp_path / manifest.file
    dump.write_bytes(dump.read_bytes()[:-10] + b"0123456789")
    target = restore_target(orders_db, "d")

    with pytest.raises(RestoreRefused, match="sha256"):
        restore(tmp_path / f"{manifest.stem}.json", target)


def test_restore_reports_tables_that_differ_from_the_manifest(orders_db, tmp_path):
    manifest = back_up(as_database(orders_db[0]), tmp_path)
    path = tmp_path / f"{manifest.stem}.json"
    body = json.loads(path.read_text())
    body["tables"]["orders"]["rows"] = 301  # a manifest claiming a row the dump lacks
    path.write_text(json.dumps(body))

    done = restore(path, restore_target(orders_db, "m"))

    assert [m.split(":")[0] for m in done.mismatches] == ["orders"]


def test_cli_backs_up_restores_newest_and_exits_2_on_refusal(orders_db, tmp_path, monkeypatch,
                                                             capsys):
    monkeypatch.setenv("ORDERS_DATABASE_URL", as_database(orders_db[0]).url)
    target = restore_target(orders_db, "cli")

    assert backup_cli(["backup", "--service", "orders", "--dir", str(tmp_path)]) == 0
    args = ["restore", "--service", "orders", "--from", str(tmp_path), "--target", target.url]
    assert backup_cli(args) == 0
    assert backup_cli(args) == 2  # the target now holds data

    out = capsys.readouterr()
    assert "restored 6 tables" in out.out and "not empty" in out.err
    assert count(target.libpq_url, "orders") == 300


def test_sqlite_dev_database_round_trips(tmp_path):
    import sqlite3
    from contextlib import closing

    source = tmp_path / "orders.db"
    with closing(sqlite3.connect(source)) as conn:
        conn.execute("CREATE TABLE orders (id TEXT PRIMARY KEY, total INTEGER)")
        conn.executemany("INSERT INTO orders VALUES (?, ?)", [(f"o{i}", i) for i in range(50)])
        conn.commit()
    manifest = back_up(Database("orders", f"sqlite+aiosqlite:///{source}"), tmp_path / "b")

    target = Database("orders", f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}")
    done = restore(tmp_path / "b" / f"{manifest.stem}.json", target)

    assert done.mismatches == [] and done.tables["orders"].rows == 50
    with pytest.raises(RestoreRefused, match="exists"):
        restore(tmp_path / "b" / f"{manifest.stem}.json", target)


def test_retention_removes_backups_older_than_the_window_but_keeps_the_newest(tmp_path):
    source = tmp_path / "orders.db"
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(source)) as conn:
        conn.execute("CREATE TABLE t (x)")
    db = Database("orders", f"sqlite+aiosqlite:///{source}")
    now = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
    for days_ago in (10, 8, 6, 1):
        back_up(db, tmp_path / "b", now=now - timedelta(days=days_ago))

    removed = prune(tmp_path / "b", "orders", keep_days=7, now=now)

    kept = [m.created_at for _, m in backups_of(tmp_path / "b", "orders")]
    assert kept == [now - timedelta(days=6), now - timedelta(days=1)]
    assert len(removed) == 2 and len(list((tmp_path / "b").iterdir())) == 4
    # the newest survives even when every backup is past the window
    assert prune(tmp_path / "b", "orders", keep_days=0, now=now + timedelta(days=30)) != []
    assert len(backups_of(tmp_path / "b", "orders")) == 1


def test_manifest_round_trips(tmp_path: Path):
    from infra.backup.stats import TableStat

    manifest = Manifest("orders", "postgresql", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
                        "orders-20260102T030405Z.dump", 10, "ab" * 32, "0001",
                        {"orders": TableStat(3, "c" * 32)})
    assert Manifest.read(manifest.write(tmp_path)) == manifest
