"""The edge's settings sections (persisted queries, auth, cost, rate limits, CORS).

They are parts of the one strict ``GatewayConfig``; kept here so that model stays readable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

__all__ = [
    "AuthConfig",
    "CorsConfig",
    "CostConfig",
    "PersistedQueriesConfig",
    "RateLimitConfig",
    "TrustedDocumentsConfig",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PersistedQueriesConfig(_Strict):
    """Automatic persisted queries (Apollo's APQ protocol, ``extensions.persistedQuery``)."""

    enabled: bool = Field(True, description="Accept and register documents by SHA-256 hash.")
    cache_size: int = Field(
        10_000, ge=1, description="Documents the in-process store keeps (without redis_url)."
    )
    ttl_seconds: int = Field(
        86_400, ge=1, description="How long Redis keeps a registered document."
    )


class TrustedDocumentsConfig(_Strict):
    """Operations known ahead of time (Apollo persisted-query manifest, for mobile clients)."""

    mode: Literal["off", "audit", "safelist"] = Field(
        "off", description="off: no manifest; audit: run anything, log operations not in the "
        "manifest; safelist: refuse them (PERSISTED_QUERY_NOT_IN_LIST)."
    )
    manifest: Path = Field(
        Path("schema/persisted-query-manifest.json"),
        description="The manifest made by `python -m gateway.manifest`.",
    )
    allow_ad_hoc_queries: bool = Field(
        False, description="Let a production gateway run with mode off or audit, i.e. accept "
        "operations outside the manifest: for a separate, internal gateway serving tools "
        "(scripts, an admin console). Without it production requires safelist."
    )


class AuthConfig(_Strict):
    """JWT verification at the gateway; with no key configured, tokens are not read at all."""

    jwt_secret: SecretStr = Field(
        SecretStr(""), description="HS256 shared secret: an explicit HMAC/compatibility "
        "setting (the platform's users service signs EdDSA, verified through jwks_url)."
    )
    jwks_url: str = Field(
        "", description="JWKS URL (EdDSA/RS256/ES256 keys), e.g. users' "
        "http://users:5001/.well-known/jwks.json; cached, refetched on an unknown kid."
    )
    jwks_file: Path | None = Field(None, description="A JWKS JSON file instead of a URL.")
    algorithms: list[str] = Field(
        ["HS256", "EdDSA", "RS256", "ES256"],
        description="Accepted `alg` values (never `none`; HS* only with jwt_secret).",
    )
    token_versions_url: str = Field(
        "", description="Without redis_url: users' token-version endpoint "
        "(http://users:5001/auth/token-versions); tokens older than a user's minimum version "
        "(bumped on password/role change, logout everywhere) are refused."
    )
    token_versions_service: str = Field(
        "users", min_length=1, description="The subgraph serving token_versions_url: many "
        "users' minimums are asked in one request carrying the gateway's service token for it "
        "(service_auth); refused, they are asked one user at a time."
    )
    token_version_cache_seconds: float = Field(
        5.0, ge=0, le=300, description="Per-user cache of the minimum version: the worst-case "
        "delay before a revoked access token is refused."
    )
    token_version_idle_seconds: float = Field(
        60.0, gt=0, le=86_400, description="A user's cached minimum is re-read in the "
        "background (every half token_version_cache_seconds) until they make no request for "
        "this long; then it is dropped, and their next request reads it first."
    )
    issuer: str = Field("", description="Required `iss` claim when set.")
    audience: str = Field("", description="Required `aud` claim when set.")
    leeway_seconds: float = Field(30.0, ge=0, description="Clock skew allowed on exp/nbf.")

    @property
    def enabled(self) -> bool:
        return bool(self.jwt_secret.get_secret_value() or self.jwks_url or self.jwks_file)


class CostConfig(_Strict):
    """Static cost estimate (IBM/Apollo cost directives ``@cost``, ``@listSize``)."""

    max_cost: int = Field(0, ge=0, description="Refuse operations estimated above this (0: off).")
    list_size: int = Field(
        10, ge=0, description="Assumed size of a list without @listSize(assumedSize:)."
    )
    object_weight: int = Field(1, ge=0, description="Weight of a composite field.")
    scalar_weight: int = Field(0, ge=0, description="Weight of a leaf field.")
    mutation_weight: int = Field(10, ge=0, description="Extra weight of a mutation root field.")


class RateLimitConfig(_Strict):
    """Per-client token bucket: keyed by the token's ``sub``, else the client IP."""

    enabled: bool = Field(False, description="Answer 429 with Retry-After over the rate.")
    requests_per_second: float = Field(10.0, gt=0, description="Refill rate of each bucket.")
    burst: int = Field(20, ge=1, description="Bucket capacity: requests allowed at once.")


class CorsConfig(_Strict):
    """Cross-origin requests from browsers (Fetch standard, CORS protocol)."""

    allow_origins: list[str] = Field(
        default_factory=list, description="Origins allowed ('*' for any); empty: no CORS."
    )
    allow_credentials: bool = Field(False, description="Allow cookies/Authorization cross-site.")
    allow_headers: list[str] = Field(
        ["content-type", "authorization", "x-cart-id", "apollo-require-preflight",
         "x-apollo-operation-name", "x-request-id"],
        description="Request headers a browser may send (x-cart-id: a guest's cart).",
    )
    max_age_seconds: int = Field(600, ge=0, description="How long a preflight is cached.")
