"""The manifest written beside each backup file: what it holds and how to check it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from infra.backup.stats import TableStat

__all__ = ["STAMP", "Manifest", "file_sha256"]

STAMP = "%Y%m%dT%H%M%SZ"
_VERSION = 1


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Manifest:
    """One service's backup: the dump file, its checksum, and each table's rows and checksum."""

    service: str
    kind: str  # postgresql | sqlite
    created_at: datetime
    file: str  # name of the dump file, beside the manifest
    bytes: int
    sha256: str
    schema_revision: str | None
    tables: dict[str, TableStat] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return f"{self.service}-{self.created_at.strftime(STAMP)}"

    def write(self, directory: Path) -> Path:
        path = directory / f"{self.stem}.json"
        body = {
            "version": _VERSION, "service": self.service, "kind": self.kind,
            "createdAt": self.created_at.isoformat(), "file": self.file, "bytes": self.bytes,
            "sha256": self.sha256, "schemaRevision": self.schema_revision,
            "tables": {name: stat.as_json() for name, stat in sorted(self.tables.items())},
        }
        path.write_text(json.dumps(body, indent=2) + "\n")
        return path

    @classmethod
    def read(cls, path: Path) -> Manifest:
        body = json.loads(path.read_text())
        if body.get("version") != _VERSION:
            raise ValueError(f"{path}: unknown manifest version {body.get('version')!r}")
        tables = {n: TableStat(t["rows"], t["checksum"]) for n, t in body["tables"].items()}
        created = datetime.fromisoformat(body["createdAt"]).astimezone(UTC)
        return cls(body["service"], body["kind"], created, body["file"], body["bytes"],
                   body["sha256"], body["schemaRevision"], tables)
