"""Which database each service uses, read from the environment exactly as the services read it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

__all__ = ["SERVICES", "Database", "database_of"]

SERVICES = ("users", "products", "cart", "orders", "payments", "notifications")


@dataclass(frozen=True, slots=True)
class Database:
    """A service's database: PostgreSQL (``libpq_url``) or a SQLite file (``sqlite_path``)."""

    service: str
    url: str

    @property
    def kind(self) -> str:
        scheme = urlsplit(self.url).scheme.split("+", 1)[0]
        if scheme in ("postgresql", "postgres"):
            return "postgresql"
        if scheme == "sqlite":
            return "sqlite"
        raise ValueError(f"{self.service}: unsupported database URL scheme {scheme!r}")

    @property
    def libpq_url(self) -> str:
        """The URL pg_dump, pg_restore and asyncpg understand (no SQLAlchemy driver suffix)."""
        parts = urlsplit(self.url)
        return urlunsplit(("postgresql", *parts[1:]))

    @property
    def sqlite_path(self) -> Path:
        return Path(self.url.split(":///", 1)[1])

    @property
    def name(self) -> str:
        """The database name (PostgreSQL) or the file name (SQLite)."""
        if self.kind == "sqlite":
            return self.sqlite_path.name
        return urlsplit(self.url).path.lstrip("/")

    def with_name(self, name: str) -> Database:
        """The same server with another database name (a restore target beside the original)."""
        parts = urlsplit(self.url)
        return Database(self.service, urlunsplit((*parts[:2], "/" + name, *parts[3:])))


def database_of(service: str, env: Mapping[str, str] | None = None) -> Database:
    """``<SERVICE>_DATABASE_URL``, then ``DATABASE_URL``, else the dev SQLite file (as the kit)."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; one of {', '.join(SERVICES)}")
    env = os.environ if env is None else env
    prefix = service.upper() + "_"
    url = env.get(prefix + "DATABASE_URL") or env.get("DATABASE_URL")
    if not url:
        data_dir = Path(env.get(prefix + "DATA_DIR") or env.get("DATA_DIR") or "var")
        url = f"sqlite+aiosqlite:///{data_dir / service}.db"
    return Database(service, url)
