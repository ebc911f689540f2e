"""Backup and restore times of an orders database of N orders on the real PostgreSQL (RTO input).

    python tests/bench/backup/run.py --orders 100000

Each order has two items and two status changes, as checkouts leave them.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from infra.backup.dump import back_up
from infra.backup.restore import restore
from infra.backup.targets import Database
from tests.infra.backup_data import create_orders_database, drop_database, place_orders


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    args = parser.parse_args()
    url = create_orders_database("bench")
    db = Database("orders", url.replace("postgresql://", "postgresql+asyncpg://"))
    target = db.with_name(db.name + "_restored")
    try:
        started = time.monotonic()
        for first in range(1, args.orders + 1, 20_000):
            asyncio.run(place_orders(url, first, min(first + 19_999, args.orders)))
        print(f"seeded {args.orders} orders in {time.monotonic() - started:.1f} s")
        with tempfile.TemporaryDirectory() as directory:
            started = time.monotonic()
            manifest = back_up(db, Path(directory))
            backup_s = time.monotonic() - started
            rows = sum(stat.rows for stat in manifest.tables.values())
            started = time.monotonic()
            done = restore(Path(directory) / f"{manifest.stem}.json", target)
            restore_s = time.monotonic() - started
        print(f"backup: {backup_s:.1f} s, {manifest.bytes / 1e6:.1f} MB, {rows} rows")
        print(f"restore + verification: {restore_s:.1f} s, mismatches: {len(done.mismatches)}")
        return 1 if done.mismatches else 0
    finally:
        drop_database(url)
        drop_database(target.libpq_url)


if __name__ == "__main__":
    raise SystemExit(main())
