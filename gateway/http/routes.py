"""The Starlette application: ``/graphql`` (GET, POST, WebSocket, SSE, multipart), ``/health``,
``/ready`` and ``/metrics`` (Prometheus)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from common.telemetry.metrics import CONTENT_TYPE, scrape, share_forever
from gateway.http.asgi import GatewayApp
from gateway.http.edge import Edge
from gateway.http.endpoint import GraphQLEndpoint
from gateway.http.graphiql import ASSET_PATH, graphiql_asset, graphiql_page, wants_graphiql
from gateway.http.request import read_body
from gateway.http.transports import StreamingTransports
from gateway.pipeline import Pipeline

__all__ = ["GatewayHttp", "build_http_app"]

class GatewayHttp(Protocol):
    """What the HTTP layer needs from the wired gateway."""

    pipeline: Pipeline
    max_request_bytes: int
    max_batch: int
    expose_query_plan: bool
    edge: Edge
    graphiql: bool

    async def ready(self) -> bool: ...

    async def start(self) -> None: ...

    async def aclose(self) -> None: ...


def build_http_app(gateway: GatewayHttp) -> GatewayApp:
    """An ASGI app serving ``gateway``; its lifespan closes the subgraph connections."""

    streaming = StreamingTransports(gateway)
    endpoint = GraphQLEndpoint(gateway)

    async def graphql(request: Request) -> Response:
        if gateway.graphiql and wants_graphiql(request):
            return graphiql_page(request)
        streamed = await streaming.maybe_stream(request)
        if streamed is not None:
            return streamed
        headers = dict(request.headers)

        def read(limit: int) -> Awaitable[bytes]:
            return read_body(request.stream(), headers, limit)

        reply = await endpoint.answer(request.method, headers,
                                      request.client.host if request.client else None,
                                      request.scope.get("query_string", b""), read)
        return Response(reply.body, reply.status, dict(reply.headers),
                        media_type=reply.content_type)

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def ready(_: Request) -> Response:
        # Ready = a supergraph is loaded (it is, or startup failed) and subgraphs answer.
        if await gateway.ready():
            return JSONResponse({"status": "ok"})
        return JSONResponse({"status": "unavailable"}, status_code=503)

    async def metrics(_: Request) -> Response:
        return Response(await scrape(), media_type=CONTENT_TYPE)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await gateway.start()
        sharing = asyncio.create_task(share_forever())  # with workers: for the others' scrapes
        try:
            yield
        finally:
            sharing.cancel()
            await gateway.aclose()

    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/health", health, methods=["GET"]),
        Route("/ready", ready, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        *([Route(ASSET_PATH, graphiql_asset, methods=["GET"])] if gateway.graphiql else []),
        WebSocketRoute("/graphql", streaming.websocket),
    ]
    return GatewayApp(endpoint, routes=routes, lifespan=lifespan)
