"""Users settings: the kit's options plus password hashing cost and the seeded demo admin."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from subgraphs.kit.settings import ServiceSettings

__all__ = [
    "DEV_ADMIN_EMAIL",
    "DEV_ADMIN_PASSWORD",
    "MIGRATIONS_DIR",
    "PORT",
    "SERVICE",
    "UsersSettings",
]

SERVICE = "users"
PORT = 5001
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
DEV_ADMIN_EMAIL = "admin@shop.local"
DEV_ADMIN_PASSWORD = "ShopAdmin-dev-2026"  # dev only; the seed refuses it in production


class UsersSettings(ServiceSettings):
    """Read from ``USERS_<OPTION>`` then ``<OPTION>`` (so ``ADMIN_EMAIL`` works unprefixed)."""

    trusted_callers: dict[str, list[str]] = Field(
        default_factory=lambda: {"gateway": [], "notifications": ["users:contact"]},
        description="Services allowed to call this one -> the scopes each may hold (JSON); "
        "by default the gateway, and notifications' contact lookup (scope users:contact).",
    )

    bcrypt_rounds: int = Field(
        10, ge=4, le=16, description="bcrypt cost factor (log2 rounds); tests use 4."
    )
    admin_email: str = Field(DEV_ADMIN_EMAIL, description="Email of the seeded demo admin.")
    admin_password: str = Field(
        DEV_ADMIN_PASSWORD, description="Password of the seeded demo admin (dev default)."
    )
