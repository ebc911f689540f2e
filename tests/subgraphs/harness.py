"""What every subgraph's test harness shares: serve the app in-process, POST one operation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from subgraphs.kit.tokens import Principal, issue_token

__all__ = ["bearer", "post_graphql", "serve"]


@asynccontextmanager
async def serve(app: FastAPI, base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """Run ``app``'s lifespan (its start and stop hooks) and talk to it over in-process HTTP."""
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=base_url
    ) as client:
        yield client


def bearer(user: Principal | None, secret: str) -> dict[str, str]:
    """The Authorization header a signed-in ``user`` sends; none for an anonymous caller."""
    if user is None:
        return {}
    return {"authorization": f"Bearer {issue_token(user, secret)[0]}"}


async def post_graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST one operation to /graphql as JSON (GraphQL over HTTP); the response body."""
    body = {"query": query, "variables": variables or {}}
    return (await client.post("/graphql", json=body, headers=headers or {})).json()
