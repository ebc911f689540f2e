"""SQLAlchemy models of the users database (SQLAlchemy 2.0 typed mappings, own metadata),
with its outbox table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from streaming.outbox import outbox_table
from subgraphs.kit.columns import UtcDateTime
from subgraphs.kit.models import domain_metadata
from subgraphs.users.domain.records import UserRecord

__all__ = ["OUTBOX", "Base", "OneTimeToken", "RefreshToken", "User"]


class Base(DeclarativeBase):
    """Declarative base of the users database only."""

    metadata = domain_metadata()


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
    # Bumped on a password or role change: access tokens carrying a lower `ver` are refused.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    email_verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def to_record(self) -> UserRecord:
        return UserRecord(
            id=self.id,
            email=self.email,
            full_name=self.full_name,
            phone=self.phone,
            roles=tuple(self.roles),
            created_at=self.created_at,
            email_verified=self.email_verified_at is not None,
        )


class RefreshToken(Base):
    """One refresh token, stored as its SHA-256; rotation chains tokens into one ``family``."""

    __tablename__ = "refresh_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    family_id: Mapped[str] = mapped_column(String(36), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class OneTimeToken(Base):
    """A password-reset or email-verification token: hashed, expiring, single-use."""

    __tablename__ = "one_time_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
