"""SQLAlchemy models of the users database (SQLAlchemy 2.0 typed mappings, own metadata),
with its outbox table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from streaming.outbox import outbox_table
from subgraphs.kit.columns import UtcDateTime
from subgraphs.users.domain.records import UserRecord

__all__ = ["OUTBOX", "Base", "User"]

# Named constraints keep Alembic's batch mode (SQLite) and PostgreSQL migrations in step.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of the users database only."""

    metadata = MetaData(naming_convention=NAMING)


# UserRegistered rows wait here until the relay publishes them (streaming/outbox.py).
OUTBOX = outbox_table(Base.metadata)


class User(Base):
    """An account. ``email`` is stored normalised (trimmed, lowercase) and is unique."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(60))
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(16))
    roles: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_record(self) -> UserRecord:
        return UserRecord(
            id=self.id,
            email=self.email,
            full_name=self.full_name,
            phone=self.phone,
            roles=tuple(self.roles),
            created_at=self.created_at,
        )
