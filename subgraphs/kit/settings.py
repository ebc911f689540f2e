"""Service settings from environment variables (12-factor), one strict model per service.

Each option is read from ``<SERVICE>_<OPTION>`` first, then ``<OPTION>``, so one environment can
hold per-service databases (``USERS_DATABASE_URL``) beside shared values (``JWT_SECRET``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal, Self, TypeVar

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

__all__ = ["DEV_JWT_SECRET", "EXAMPLE_SECRETS", "ServiceSettings", "load_settings"]

DEV_JWT_SECRET = "dev-only-secret-change-me-0123456789abcdef"
# Published values (the built-in dev secret, infra/k8s/secrets.example.yaml's placeholder):
# anyone can sign tokens with them, so production refuses them.
EXAMPLE_SECRETS = frozenset({DEV_JWT_SECRET, "replace-with-at-least-32-random-characters"})
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
    database_pool_size: int = Field(
        15, ge=1, le=1000, description="PostgreSQL connections the pool keeps open once "
        "opened (it opens them as demand first needs them). Under load a service holds one per "
        "request or event being handled: up to KAFKA_CONSUMER_CONCURRENCY (8) handlers, its "
        "outbox relay and its requests. Past this many, overflow connections are opened and "
        "closed per use (subgraph_db_connections_opened_total climbs), each costing a "
        "connection set-up and its statements prepared again: at 10 the saga at 20 "
        "checkouts/s spent 4-7 % of each database service's CPU on that churn."
    )
    database_max_overflow: int = Field(
        5, ge=0, le=1000, description="Connections opened beyond the pool size at peaks and "
        "closed when returned; with 0 a caller waits for a pooled one instead. Keep the sum "
        "of every replica's size plus overflow under the server's max_connections."
    )
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
    token_version_idle_seconds: float = Field(
        60.0, gt=0, le=86_400, description="A user's cached minimum token version is re-read "
        "in the background (every half TOKEN_VERSION_CACHE_SECONDS) until they make no request "
        "for this long; then it is dropped, and their next request reads it first."
    )
    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", description="Kafka brokers.")
    log_level: str = Field("INFO", description="Root log level.")
    gc_young_threshold: int = Field(
        50_000, ge=0, description="Allocations between collections of Python's youngest "
        "generation once serving (0: Python's default of 700); what start-up built is frozen "
        "out of collection as well. Each request and event builds thousands of short-lived "
        "objects; at the default the collector runs hundreds of times a second under load."
    )
    data_dir: Path = Field(Path("var"), description="Where SQLite files live in dev.")
    service_auth_required: bool = Field(
        True, description="Refuse /graphql requests without a trusted service credential "
        "(x-service-token). false (dev and test only; refused in production): every caller is "
        "trusted with every scope."
    )
    service_keys_dir: Path = Field(
        Path("var/keys"), description="Ed25519 PEM keys: <service>.key signs this service's own "
        "calls; <caller>.pub verifies each trusted caller's."
    )
    trusted_callers: dict[str, list[str]] = Field(
        default_factory=lambda: {"gateway": []},
        description="Services allowed to call this one -> the scopes each may hold (JSON).",
    )
    service_token_ttl_seconds: int = Field(
        300, ge=10, le=900, description="Lifetime of the service tokens this service signs."
    )

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

    @field_validator("trusted_callers", mode="before")
    @classmethod
    def _json_map(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError as exc:
            raise ValueError('TRUSTED_CALLERS must be JSON: {"caller": ["scope", ...]}') from exc

    @model_validator(mode="after")
    def _defaults_and_secrets(self) -> Self:
        if not self.database_url:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / self.service}.db"
        if self.environment == "production" and self.jwt_secret in EXAMPLE_SECRETS:
            raise ValueError("JWT_SECRET must be set outside dev and test (the built-in and "
                             "example values are published)")
        if self.environment == "production" and not self.service_auth_required:
            raise ValueError("SERVICE_AUTH_REQUIRED=false is refused in production: subgraphs "
                             "must accept only the gateway and named peer services")
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
