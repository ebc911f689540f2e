"""Retention: keep a service's backups for a number of days, never deleting the newest one."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from infra.backup.manifest import Manifest

__all__ = ["backups_of", "prune"]


def backups_of(directory: Path, service: str) -> list[tuple[Path, Manifest]]:
    """The service's backups in ``directory``, oldest first (by the manifest's time)."""
    found = []
    for path in directory.glob(f"{service}-*.json"):
        manifest = Manifest.read(path)
        if manifest.service == service:
            found.append((path, manifest))
    return sorted(found, key=lambda item: item[1].created_at)


def prune(directory: Path, service: str, *, keep_days: int, now: datetime) -> list[str]:
    """Delete backups older than ``keep_days``; returns the stems removed."""
    backups = backups_of(directory, service)
    cutoff = now - timedelta(days=keep_days)
    removed = []
    for path, manifest in backups[:-1]:  # the newest survives whatever its age
        if manifest.created_at < cutoff:
            (directory / manifest.file).unlink(missing_ok=True)
            path.unlink()
            removed.append(manifest.stem)
    return removed
