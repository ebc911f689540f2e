"""Plain values the users domain hands out: accounts, registration drafts, sign-in results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = ["Registration", "Role", "SignedIn", "UserRecord"]


class Role(StrEnum):
    """The roles a token may carry (DESIGN.md: ``customer`` by default, ``admin``)."""

    CUSTOMER = "customer"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class UserRecord:
    """One account as read from the database; never carries the password hash."""

    id: str
    email: str
    full_name: str
    phone: str | None
    roles: tuple[str, ...]
    created_at: datetime
    email_verified: bool = False


@dataclass(frozen=True, slots=True)
class Registration:
    """What a client sends to open an account, before validation."""

    email: str
    password: str
    full_name: str
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A user with a fresh access token, a fresh refresh token, and their expiries."""

    user: UserRecord
    token: str
    expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
