"""The shared harness: a migrated users app on a given database, served in-process over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from subgraphs.kit.migrations import upgrade_async
from subgraphs.kit.settings import load_settings
from subgraphs.users.app import Services, build_app, build_services
from subgraphs.users.config import MIGRATIONS_DIR, UsersSettings
from tests.subgraphs.harness import counted_statements

__all__ = [
    "AUTH_FIELDS",
    "PASSWORD",
    "Harness",
    "count_queries",
    "errors_of",
    "open_harness",
    "users_settings",
]

PASSWORD = "correct-horse-42"
USER_FIELDS = "id email fullName phone roles"
AUTH_FIELDS = f"token expiresAt user {{ {USER_FIELDS} }}"
REGISTER = f"mutation($i: RegisterInput!) {{ register(input: $i) {{ {AUTH_FIELDS} }} }}"
LOGIN = (
    "mutation($e: String!, $p: String!) "
    f"{{ login(email: $e, password: $p) {{ {AUTH_FIELDS} }} }}"
)


def users_settings(database_url: str, **overrides: Any) -> UsersSettings:
    """Test settings: the given database, cheapest bcrypt cost."""
    options = {"environment": "test", "bcrypt_rounds": 4, **overrides}
    return load_settings(UsersSettings, "users", database_url=database_url, **options)


@dataclass
class Harness:
    """One users app (lifespan running), its services and an in-process HTTP client."""

    settings: UsersSettings
    services: Services
    client: httpx.AsyncClient

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        """POST one operation, with ``Authorization: Bearer <token>`` when a token is given."""
        headers = {"authorization": f"Bearer {token}"} if token is not None else {}
        body = {"query": query, "variables": variables or {}}
        response = await self.client.post("/graphql", json=body, headers=headers)
        return response.json()

    async def register(self, email: str = "ada@example.com", **fields: Any) -> dict[str, Any]:
        """The raw result of ``register`` with valid defaults overridden by ``fields``."""
        data = {"email": email, "password": PASSWORD, "fullName": "Ada Lovelace", **fields}
        return await self.gql(REGISTER, {"i": data})

    async def registered(self, email: str = "ada@example.com", **fields: Any) -> dict[str, Any]:
        """Register and return the AuthPayload (fails the test on errors)."""
        result = await self.register(email, **fields)
        assert "errors" not in result, result
        return result["data"]["register"]

    async def login(self, email: str, password: str) -> dict[str, Any]:
        return await self.gql(LOGIN, {"e": email, "p": password})


def errors_of(result: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(code, field) of each GraphQL error in ``result``."""
    return [(e["extensions"]["code"], e["extensions"].get("field")) for e in result["errors"]]


@asynccontextmanager
async def open_harness(database_url: str, **overrides: Any) -> AsyncIterator[Harness]:
    """Migrate ``database_url``, wire the app, run its lifespan and serve it in-process."""
    await upgrade_async(MIGRATIONS_DIR, database_url)
    settings = users_settings(database_url, **overrides)
    services = build_services(settings, publish=False)  # events stay in the outbox
    app = build_app(settings, services)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=transport, base_url="http://users"
    ) as client:
        yield Harness(settings, services, client)


count_queries = counted_statements  # every SQL statement an engine sends in the block
