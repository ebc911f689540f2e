"""Wiring: settings -> database, password hasher, service, outbox relay -> the kit's FastAPI app."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from streaming.settings import KafkaSettings
from subgraphs.kit.app import create_app
from subgraphs.kit.database import Database
from subgraphs.kit.messaging import Messaging
from subgraphs.users.config import UsersSettings
from subgraphs.users.domain.models import OUTBOX
from subgraphs.users.domain.outbox import OutboxUserEvents
from subgraphs.users.domain.passwords import PasswordHasher
from subgraphs.users.domain.service import UserService
from subgraphs.users.graphql.schema import schema

__all__ = ["Services", "build_app", "build_services"]


@dataclass(frozen=True)
class Services:
    """The objects resolvers reach as ``info.context.<name>``, plus the outbox relay."""

    database: Database
    users: UserService
    messaging: Messaging | None = None

    def as_mapping(self) -> dict[str, object]:
        return {"database": self.database, "users": self.users}


def build_services(
    settings: UsersSettings, *, kafka: KafkaSettings | None = None, publish: bool = True
) -> Services:
    """``publish=False`` leaves Kafka out: events stay in the outbox (tests read them there)."""
    database = Database(settings.database_url)
    passwords = PasswordHasher(settings.bcrypt_rounds)
    users = UserService(settings.jwt_secret, passwords, events=OutboxUserEvents())
    kafka = kafka or KafkaSettings(bootstrap_servers=settings.kafka_bootstrap_servers)
    # users consumes nothing: Messaging runs only the relay that publishes its outbox.
    messaging = Messaging(database, kafka, [], outbox=OUTBOX) if publish else None
    return Services(database, users, messaging)


def build_app(settings: UsersSettings, services: Services | None = None) -> FastAPI:
    """The users app; ``services`` lets tests share objects they also inspect."""
    services = services or build_services(settings)
    messaging = services.messaging
    return create_app(
        settings=settings,
        schema=schema,
        services=services.as_mapping(),
        ready_checks={"database": services.database.ping},
        # A broker that is down must not make users unready: events wait in the outbox.
        ready_details={"messaging": messaging.stats} if messaging else None,
        on_startup=[services.users.passwords.warm_up, *([messaging.start] if messaging else [])],
        # Hooks stop in reverse: the relay first, then the database it reads.
        on_shutdown=[services.database.dispose, *([messaging.stop] if messaging else [])],
    )
