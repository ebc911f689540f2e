"""A fake subgraph for a service's tests: a Strawberry schema served in-process over httpx that
records every request and can play "down" (connection refused)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from strawberry.asgi import GraphQL
from strawberry.federation import Schema

__all__ = ["FakeSubgraph"]


class _App(GraphQL):
    def __init__(self, schema: Schema, context: dict[str, Any]) -> None:
        super().__init__(schema)
        self._context = context

    async def get_context(self, request: Any, response: Any) -> dict[str, Any]:
        return {**self._context, "request": request}


@dataclass
class FakeSubgraph(httpx.AsyncBaseTransport):
    """An httpx transport to a fake subgraph; a subclass calls ``serve`` in ``__post_init__``."""

    down: bool = False
    requests: list[httpx.Request] = field(default_factory=list)

    def serve(self, schema: Schema, **context: Any) -> None:
        """Answer with ``schema``; resolvers see ``context`` and the request in their context."""
        self._inner = httpx.ASGITransport(app=_App(schema, context))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return await self._inner.handle_async_request(request)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self)
