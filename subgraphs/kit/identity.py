"""Access-token wiring from settings: the shared verifier (common/auth) and the dev key.

Outside dev and test a subgraph fetches the users service's JWKS (``JWKS_URL``) and reads
token versions from Redis (or from users over HTTP without Redis, with this service's service
token: users serves them to trusted services only). In dev and test without
``JWKS_URL`` it trusts the public half of the dev key under ``DATA_DIR/keys`` (generated on
first use, never committed), which is also what users signs with by default there.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from common.auth.issuer import TokenIssuer
from common.auth.jwks import KeySource, RemoteJwks, StaticKeys
from common.auth.keys import ensure_key_file, jwks_document, load_signing_key
from common.auth.policy import TokenPolicy
from common.auth.refreshed_versions import RefreshedVersions
from common.auth.verifier import AccessTokenVerifier
from common.auth.versions import HttpVersions, RedisVersions, VersionStore
from subgraphs.kit.service_auth import peer_credential
from subgraphs.kit.settings import ServiceSettings

__all__ = ["DEV_KEY_NAME", "dev_issuer", "dev_key_path", "token_policy", "verifier_for"]

DEV_KEY_NAME = "dev-access-token-ed25519.pem"
USERS_SERVICE = "users"  # the identity service: serves the JWKS and the token versions


def dev_key_path(settings: ServiceSettings) -> Path:
    """Where the dev signing key lives (created when missing; dev and test only)."""
    if settings.environment == "production":
        raise ValueError("the dev signing key is refused outside dev and test")
    return ensure_key_file(settings.data_dir / "keys" / DEV_KEY_NAME)


def token_policy(settings: ServiceSettings) -> TokenPolicy:
    algorithms = tuple(a.strip() for a in settings.jwt_algorithms.split(",") if a.strip())
    compat = settings.jwt_secret if settings.jwt_compat_hs256 else ""
    return TokenPolicy(settings.jwt_issuer, settings.jwt_audience, algorithms,
                       settings.jwt_leeway_seconds, compat)


def verifier_for(settings: ServiceSettings, *, keys: KeySource | None = None,
                 store: VersionStore | None = None) -> AccessTokenVerifier:
    """The verifier every subgraph uses; users passes its own ``keys``."""
    keys = keys or _key_source(settings)
    store = store or _store(settings)
    versions = (RefreshedVersions(store, settings.token_version_cache_seconds,
                                  idle_seconds=settings.token_version_idle_seconds)
                if store is not None else None)
    return AccessTokenVerifier(token_policy(settings), keys, versions=versions)


def dev_issuer(settings: ServiceSettings) -> TokenIssuer:
    """Signs like users does by default in dev/test (for tools and test harnesses)."""
    return TokenIssuer(load_signing_key(dev_key_path(settings)), settings.jwt_issuer,
                       settings.jwt_audience, timedelta(minutes=15))


def _key_source(settings: ServiceSettings) -> KeySource:
    if settings.jwks_url:
        return RemoteJwks(settings.jwks_url)
    if settings.environment == "production":
        raise ValueError("JWKS_URL must be set outside dev and test")
    return StaticKeys(jwks_document([load_signing_key(dev_key_path(settings))]))


def _store(settings: ServiceSettings) -> VersionStore | None:
    if settings.redis_url:
        return RedisVersions(settings.redis_url)
    if settings.jwks_url:  # dev without Redis: ask users, next to its JWKS
        origin = urlsplit(settings.jwks_url)
        # service-only routes: this service's token for users (None: service auth is off)
        return HttpVersions(f"{origin.scheme}://{origin.netloc}/auth/token-versions",
                            credential=peer_credential(settings, USERS_SERVICE))
    return None
