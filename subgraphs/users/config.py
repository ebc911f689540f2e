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
    jwt_signing_keys: str = Field(
        "", description="PEM files (Ed25519 or RSA 2048+) or PEM texts, comma-separated: the "
        "first signs, "
        "all are published in the JWKS (rotation). Empty in dev/test = the generated dev key; "
        "required in production."
    )
    access_token_ttl_seconds: int = Field(900, ge=60, le=86400, description="Access-token life.")
    refresh_token_ttl_days: int = Field(30, ge=1, le=365, description="Refresh-token life.")
    login_max_failures_per_account: int = Field(
        5, ge=1, description="Failed logins per account per window before throttling."
    )
    login_max_failures_per_address: int = Field(
        50, ge=1, description="Failed logins per client address per window before throttling."
    )
    login_window_seconds: int = Field(900, ge=1, description="Throttling window.")
    throttle_namespace: str = Field("users-login", description="Redis key prefix of throttling.")
    trusted_proxies: str = Field(
        "127.0.0.1/32,::1/128", description="CIDRs whose X-Forwarded-For is believed (the "
        "gateway's addresses); the client address is the first hop they do not vouch for."
    )
