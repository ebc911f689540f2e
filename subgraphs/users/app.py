"""Wiring: settings -> database, keys, sessions, throttle, service, outbox relay -> the kit's
FastAPI app, plus the JWKS (``/.well-known/jwks.json``) and token-version endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from common.auth.jwks import StaticKeys
from common.auth.proxies import TrustedProxies
from common.auth.verifier import AccessTokenVerifier
from common.auth.versions import LocalVersions
from streaming.settings import KafkaSettings
from subgraphs.kit.app import create_app
from subgraphs.kit.database import Database
from subgraphs.kit.identity import token_policy, verifier_for
from subgraphs.kit.messaging import Messaging
from subgraphs.kit.service_auth import trusted_callers
from subgraphs.users.config import UsersSettings
from subgraphs.users.domain.changes import AccountChanges
from subgraphs.users.domain.models import OUTBOX
from subgraphs.users.domain.outbox import OutboxUserEvents
from subgraphs.users.domain.passwords import PasswordHasher
from subgraphs.users.domain.recovery import AccountRecovery
from subgraphs.users.domain.refresh_tokens import RefreshTokens
from subgraphs.users.domain.revocation import VersionPublisher
from subgraphs.users.domain.service import UserService
from subgraphs.users.domain.sessions import Sessions
from subgraphs.users.domain.throttle import (
    LoginThrottle,
    MemoryCounters,
    RedisCounters,
    ThrottleLimits,
)
from subgraphs.users.graphql.schema import schema
from subgraphs.users.keyring import Keyring
from subgraphs.users.version_routes import add_version_routes

__all__ = ["Services", "build_app", "build_services", "build_users"]


@dataclass(frozen=True)
class Services:
    """The objects resolvers reach as ``info.context.<name>``, plus the outbox relay."""

    database: Database
    users: UserService
    accounts: AccountChanges
    revocations: VersionPublisher
    recovery: AccountRecovery
    keyring: Keyring
    verifier: AccessTokenVerifier
    proxies: TrustedProxies
    messaging: Messaging | None = None

    def as_mapping(self) -> dict[str, object]:
        return {"database": self.database, "users": self.users, "accounts": self.accounts,
                "revocations": self.revocations, "recovery": self.recovery,
                "proxies": self.proxies}


def build_users(settings: UsersSettings, keyring: Keyring | None = None) -> UserService:
    """The account service alone (the seed and tools use it without the web app)."""
    keyring = keyring or Keyring(settings)
    refresh = RefreshTokens(timedelta(days=settings.refresh_token_ttl_days))
    counters = (RedisCounters(settings.redis_url, settings.throttle_namespace)
                if settings.redis_url else MemoryCounters())
    limits = ThrottleLimits(settings.login_max_failures_per_account,
                            settings.login_max_failures_per_address, settings.login_window_seconds)
    return UserService(Sessions(keyring.issuer, refresh), PasswordHasher(settings.bcrypt_rounds),
                       events=OutboxUserEvents(), throttle=LoginThrottle(counters, limits))


def build_services(
    settings: UsersSettings, *, kafka: KafkaSettings | None = None, publish: bool = True
) -> Services:
    """``publish=False`` leaves Kafka out: events stay in the outbox (tests read them there)."""
    database = Database.of(settings)
    keyring = Keyring(settings)
    users = build_users(settings, keyring)
    local = LocalVersions()
    revocations = VersionPublisher(local, settings.redis_url,
                                   settings.access_token_ttl_seconds + 60)
    kafka = kafka or KafkaSettings(bootstrap_servers=settings.kafka_bootstrap_servers)
    # users consumes nothing: Messaging runs only the relay that publishes its outbox.
    messaging = Messaging(database, kafka, [], outbox=OUTBOX) if publish else None
    changes = AccountChanges(users.sessions, users.passwords)
    return Services(database, users, changes, revocations,
                    AccountRecovery(changes, users.events), keyring,
                    _verifier(settings, keyring, local), TrustedProxies(settings.trusted_proxies),
                    messaging)


def _verifier(settings: UsersSettings, keyring: Keyring, local: LocalVersions
              ) -> AccessTokenVerifier:
    # users reads its own keys (never its own JWKS over HTTP) and, without Redis, the versions
    # it bumps in this process, with no cache in between.
    keys = StaticKeys(keyring.jwks)
    if settings.redis_url:
        return verifier_for(settings, keys=keys)
    return AccessTokenVerifier(token_policy(settings), keys, versions=local)


def build_app(settings: UsersSettings, services: Services | None = None) -> FastAPI:
    """The users app; ``services`` lets tests share objects they also inspect."""
    services = services or build_services(settings)
    messaging = services.messaging
    app = create_app(
        settings=settings,
        schema=schema,
        services=services.as_mapping(),
        ready_checks={"database": services.database.ping},
        # A broker that is down must not make users unready: events wait in the outbox.
        ready_details={"messaging": messaging.stats} if messaging else None,
        on_startup=[services.users.passwords.warm_up, *([messaging.start] if messaging else [])],
        # Hooks stop in reverse: the relay first, then the database it reads.
        on_shutdown=[services.database.dispose, *([messaging.stop] if messaging else [])],
        verifier=services.verifier,
    )
    _add_key_routes(app, services)
    add_version_routes(app, services.database, trusted_callers(settings))
    return app


def _add_key_routes(app: FastAPI, services: Services) -> None:
    @app.get("/.well-known/jwks.json", include_in_schema=False)
    async def jwks() -> JSONResponse:
        # Short public caching: verifiers refetch on an unknown kid anyway (common.auth.jwks).
        return JSONResponse(services.keyring.jwks, headers={"cache-control": "max-age=60"})
