"""Wiring: settings -> database, password hasher, service -> the kit's FastAPI app on /graphql."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from subgraphs.kit.app import create_app
from subgraphs.kit.database import Database
from subgraphs.users.config import UsersSettings
from subgraphs.users.domain.passwords import PasswordHasher
from subgraphs.users.domain.service import UserService
from subgraphs.users.graphql.schema import schema

__all__ = ["Services", "build_app", "build_services"]


@dataclass(frozen=True)
class Services:
    """The objects resolvers reach as ``info.context.<name>``."""

    database: Database
    users: UserService

    def as_mapping(self) -> dict[str, object]:
        return {"database": self.database, "users": self.users}


def build_services(settings: UsersSettings) -> Services:
    passwords = PasswordHasher(settings.bcrypt_rounds)
    return Services(Database(settings.database_url), UserService(settings.jwt_secret, passwords))


def build_app(settings: UsersSettings, services: Services | None = None) -> FastAPI:
    """The users app; ``services`` lets tests share objects they also inspect."""
    services = services or build_services(settings)
    return create_app(
        settings=settings,
        schema=schema,
        services=services.as_mapping(),
        ready_checks={"database": services.database.ping},
        on_startup=[services.users.passwords.warm_up],
        on_shutdown=[services.database.dispose],
    )
