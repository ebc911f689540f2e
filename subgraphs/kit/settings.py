"""Service settings from environment variables (12-factor), one strict model per service.

Each option is read from ``<SERVICE>_<OPTION>`` first, then ``<OPTION>``, so one environment can
hold per-service databases (``USERS_DATABASE_URL``) beside shared values (``JWT_SECRET``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal, Self, TypeVar

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

__all__ = ["DEV_JWT_SECRET", "ServiceSettings", "load_settings"]

DEV_JWT_SECRET = "dev-only-secret-change-me-0123456789abcdef"
T = TypeVar("T", bound="ServiceSettings")


class ServiceSettings(BaseSettings):
    """Options every subgraph understands; a domain subclasses it to add its own."""

    # Validation errors must never echo a secret the environment passed in.
    model_config = SettingsConfigDict(
        extra="forbid", validate_default=True, hide_input_in_errors=True
    )

    service: str = Field(description="Service name; also the prefix of its environment variables.")
    environment: Literal["dev", "test", "production"] = Field(
        "dev", description="dev and test allow the built-in development secret."
    )
    host: str = Field("127.0.0.1", description="Interface to listen on.")
    port: int = Field(0, description="TCP port of the GraphQL endpoint.")
    database_url: str = Field("", description="SQLAlchemy async URL; empty = var/<service>.db.")
    redis_url: str = Field("", description="redis:// URL; empty = in-process stores.")
    jwt_secret: str = Field(
        DEV_JWT_SECRET, description="HS256 secret of the seed's token contract; used only with "
        "JWT_COMPAT_HS256=true."
    )
    jwt_compat_hs256: bool = Field(
        False, description="Compatibility: users issues, and every verifier accepts, the seed's "
        "HS256 24 h tokens (claims userId/email/fullName) signed with JWT_SECRET."
    )
    jwt_issuer: str = Field("federated-shop/users", description="`iss` of access tokens.")
    jwt_audience: str = Field("federated-shop", description="`aud` of access tokens.")
    jwt_algorithms: str = Field(
        "EdDSA,RS256", description="Accepted `alg` values, comma-separated (public-key only)."
    )
    jwt_leeway_seconds: float = Field(0.0, ge=0, le=300, description="Clock skew on exp/nbf.")
    jwks_url: str = Field(
        "", description="The users service's JWKS (http://users:5001/.well-known/jwks.json); "
        "empty in dev/test = the public half of the dev key under DATA_DIR/keys."
    )
    token_version_cache_seconds: float = Field(
        5.0, ge=0, le=300, description="How long a user's minimum token version is cached: the "
        "worst-case delay before a revoked access token is refused."
    )
    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", description="Kafka brokers.")
    log_level: str = Field("INFO", description="Root log level.")
    data_dir: Path = Field(Path("var"), description="Where SQLite files live in dev.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        **_others: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # load_settings reads the environment with service prefixes itself; reading unprefixed
        # names here as well would let a stray PORT or HOST leak into every service.
        return (init_settings,)

    @model_validator(mode="after")
    def _defaults_and_secrets(self) -> Self:
        if not self.database_url:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / self.service}.db"
        if self.environment == "production" and self.jwt_secret == DEV_JWT_SECRET:
            raise ValueError("JWT_SECRET must be set outside dev and test")
        if len(self.jwt_secret) < 32:
            raise ValueError("JWT_SECRET must be at least 32 characters")
        return self


def load_settings(cls: type[T], service: str, **overrides: Any) -> T:
    """Build ``cls`` from the environment: ``<SERVICE>_<OPTION>`` wins over ``<OPTION>``."""
    values: dict[str, Any] = {"service": service}
    prefix = service.upper() + "_"
    for name in cls.model_fields:
        if name == "service":
            continue
        for key in (prefix + name.upper(), name.upper()):
            if key in os.environ:
                values[name] = os.environ[key]
                break
    values.update(overrides)
    return cls.model_validate(values)
