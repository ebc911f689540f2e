"""``python -m infra.backup backup|restore|list``: behind ``make backup-db`` and ``restore-db``.

Exit status: 0 done, 1 a backup or upload failed, 2 a restore was refused or did not match.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from infra.backup.dump import BackupFailed, back_up
from infra.backup.restore import RestoreRefused, restore
from infra.backup.retention import backups_of, prune
from infra.backup.targets import SERVICES, Database, database_of
from infra.backup.upload import UploadFailed, prune_remote, upload

DEFAULT_DIR = Path(os.environ.get("BACKUP_DIR", "var/backups"))


def _backup(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    for service in args.service or SERVICES:
        db = database_of(service)
        if db.kind == "sqlite" and not db.sqlite_path.exists():
            print(f"{service}: no database at {db.sqlite_path}, skipped")
            continue
        started = time.monotonic()
        try:
            manifest = back_up(db, args.dir, now=now)
            if args.upload:
                upload(args.dir / f"{manifest.stem}.json")
                prune_remote(service, keep_days=args.remote_keep_days, now=now)
        except (BackupFailed, UploadFailed) as exc:
            print(f"{service}: {exc}", file=sys.stderr)
            return 1
        rows = sum(stat.rows for stat in manifest.tables.values())
        print(f"{service}: {manifest.file} {manifest.bytes} bytes, {len(manifest.tables)} tables,"
              f" {rows} rows, revision {manifest.schema_revision},"
              f" {time.monotonic() - started:.2f} s")
        for stem in prune(args.dir, service, keep_days=args.keep_days, now=now):
            print(f"{service}: removed {stem} (older than {args.keep_days} days)")
    return 0


def _manifest_path(source: Path, service: str) -> Path:
    """``--from`` may name a manifest, a dump file, or a directory (its newest backup)."""
    if source.is_dir():
        backups = backups_of(source, service)
        if not backups:
            raise RestoreRefused(f"no backup of {service} in {source}")
        return backups[-1][0]
    return source if source.suffix == ".json" else source.with_suffix(".json")


def _restore(args: argparse.Namespace) -> int:
    target = Database(args.service, args.target) if args.target else database_of(args.service)
    started = time.monotonic()
    try:
        done = restore(_manifest_path(args.source, args.service), target, force=args.force)
    except (RestoreRefused, ValueError, FileNotFoundError) as exc:
        print(f"{args.service}: restore refused: {exc}", file=sys.stderr)
        return 2
    rows = sum(stat.rows for stat in done.tables.values())
    print(f"{args.service}: restored {len(done.tables)} tables, {rows} rows into {target.name}"
          f" in {time.monotonic() - started:.2f} s")
    for problem in done.mismatches:
        print(f"{args.service}: MISMATCH {problem}", file=sys.stderr)
    return 2 if done.mismatches else 0


def _list(args: argparse.Namespace) -> int:
    for service in SERVICES:
        for _, manifest in backups_of(args.dir, service):
            rows = sum(stat.rows for stat in manifest.tables.values())
            print(f"{manifest.created_at.isoformat()}  {service:<13} {manifest.file}"
                  f"  {manifest.bytes} bytes  {rows} rows")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.backup")
    commands = parser.add_subparsers(dest="command", required=True)
    backup = commands.add_parser("backup", help="back up every service database (or --service)")
    backup.add_argument("--service", action="append", choices=SERVICES)
    backup.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    backup.add_argument("--keep-days", type=int, default=7, help="local retention")
    backup.add_argument("--upload", action="store_true", help="copy to BACKUP_S3_BUCKET")
    backup.add_argument("--remote-keep-days", type=int, default=30, help="object-storage retention")
    back = commands.add_parser("restore", help="restore one service's backup into a database")
    back.add_argument("--service", required=True, choices=SERVICES)
    back.add_argument("--from", dest="source", type=Path, required=True,
                      help="a manifest, a dump file, or a backup directory (newest backup)")
    back.add_argument("--target", default="", help="database URL; default: the service's own")
    back.add_argument("--force", action="store_true", help="drop a non-empty target first")
    listing = commands.add_parser("list", help="list local backups")
    listing.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args(argv)
    return {"backup": _backup, "restore": _restore, "list": _list}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
