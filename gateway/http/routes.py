"""The Starlette application: ``/graphql`` (GET, POST, WebSocket, SSE, multipart), ``/health``
and ``/ready``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from gateway.http.edge import Edge
from gateway.http.errors import HttpError
from gateway.http.graphiql import ASSET_PATH, graphiql_asset, graphiql_page, wants_graphiql
from gateway.http.request import read_request
from gateway.http.response import JSON, graphql_response, negotiate
from gateway.http.transports import StreamingTransports
from gateway.pipeline import Outcome, Pipeline
from gateway.plan import print_plan

__all__ = ["GatewayHttp", "build_http_app"]

_DEBUG_HEADER = "x-debug-query-plan"


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


def build_http_app(gateway: GatewayHttp) -> Starlette:
    """An ASGI app serving ``gateway``; its lifespan closes the subgraph connections."""

    streaming = StreamingTransports(gateway)

    async def graphql(request: Request) -> Response:
        if gateway.graphiql and wants_graphiql(request):
            return graphiql_page(request)
        streamed = await streaming.maybe_stream(request)
        return streamed or await _graphql(gateway, request)

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def ready(_: Request) -> Response:
        # Ready = a supergraph is loaded (it is, or startup failed) and subgraphs answer.
        if await gateway.ready():
            return JSONResponse({"status": "ok"})
        return JSONResponse({"status": "unavailable"}, status_code=503)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await gateway.start()
        yield
        await gateway.aclose()

    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/health", health, methods=["GET"]),
        Route("/ready", ready, methods=["GET"]),
        *([Route(ASSET_PATH, graphiql_asset, methods=["GET"])] if gateway.graphiql else []),
        WebSocketRoute("/graphql", streaming.websocket),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


async def _graphql(gateway: GatewayHttp, request: Request) -> Response:
    media_type = negotiate(request.headers.get("accept"))
    if media_type is None:
        return _http_error(HttpError(406, "Accept application/graphql-response+json or "
                                          "application/json."), JSON)
    try:
        gateway.edge.check_csrf(request)
        read = await read_request(request, gateway.max_request_bytes, gateway.max_batch)
        read = await gateway.edge.admit(request, read)
    except HttpError as error:
        return _http_error(error, media_type)
    if isinstance(read, list):
        return await _batch(gateway, request, read)
    outcome = await gateway.pipeline.run(read, read_only=request.method != "POST")
    body = _with_plan(gateway, request, outcome)
    headers = {"allow": "POST"} if outcome.request_error_status == 405 else None
    return graphql_response(body, media_type, outcome.request_error_status, headers)


async def _batch(gateway: GatewayHttp, request: Request, batch: list[Any]) -> Response:
    """Run a batch in order (a mutation may depend on an earlier one); one JSON array back."""
    bodies = []
    for item in batch:
        outcome = await gateway.pipeline.run(item)
        bodies.append(_with_plan(gateway, request, outcome))
    return Response(orjson.dumps(bodies), 200, media_type="application/json; charset=utf-8")


def _with_plan(gateway: GatewayHttp, request: Request, outcome: Outcome) -> dict[str, Any]:
    body = outcome.response
    if outcome.plan is not None and _wants_plan(gateway, request):
        body.setdefault("extensions", {})["queryPlan"] = print_plan(outcome.plan)
    return body


def _wants_plan(gateway: GatewayHttp, request: Request) -> bool:
    value = request.headers.get(_DEBUG_HEADER, "").strip().lower()
    return gateway.expose_query_plan and value in ("1", "true", "yes")


def _http_error(error: HttpError, media_type: str) -> Response:
    body: dict[str, Any] = {
        "errors": [{"message": error.message, "extensions": {"code": error.code}}]
    }
    response = graphql_response(body, media_type, None, error.headers)
    response.status_code = error.status  # not a GraphQL request at all: 4xx whatever the type
    return response


