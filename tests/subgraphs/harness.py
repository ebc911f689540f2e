"""What every subgraph's test harness shares: serve the app in-process, POST one operation,
migrate a fresh database and compare it with the models."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI
from sqlalchemy import MetaData, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.kit.database import Database
from subgraphs.kit.identity import dev_issuer
from subgraphs.kit.migrations import upgrade_async
from subgraphs.kit.settings import ServiceSettings
from subgraphs.kit.tokens import Principal, issue_token

__all__ = ["bearer", "counted_statements", "migrate_twice", "post_graphql", "serve"]


@asynccontextmanager
async def serve(app: FastAPI, base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """Run ``app``'s lifespan (its start and stop hooks) and talk to it over in-process HTTP."""
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=base_url
    ) as client:
        yield client


@contextmanager
def counted_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements ``engine`` sends meanwhile (each round trip's text, in order)."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


def bearer(user: Principal | None, settings: ServiceSettings) -> dict[str, str]:
    """The Authorization header a signed-in ``user`` sends (a token signed with the dev key
    that ``settings`` trusts); none for an anonymous caller."""
    if user is None:
        return {}
    return {"authorization": f"Bearer {issue_token(user, dev_issuer(settings))[0]}"}


async def post_graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST one operation to /graphql as JSON (GraphQL over HTTP); the response body."""
    body = {"query": query, "variables": variables or {}}
    return (await client.post("/graphql", json=body, headers=headers or {})).json()


async def migrate_twice(
    migrations_dir: Path, database_url: str, metadata: MetaData
) -> tuple[list[tuple[str]], list[object]]:
    """Upgrade ``database_url`` to head twice; the recorded revision rows and what differs
    between the migrated schema and ``metadata`` (Alembic's autogenerate comparison)."""
    await upgrade_async(migrations_dir, database_url)
    await upgrade_async(migrations_dir, database_url)
    database = Database(database_url)
    try:
        async with database.engine.connect() as conn:
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
            diff = await conn.run_sync(lambda sync: _diff(sync, metadata))
    finally:
        await database.dispose()
    return [tuple(row) for row in version], diff


def _diff(conn: Connection, metadata: MetaData) -> list[object]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))
