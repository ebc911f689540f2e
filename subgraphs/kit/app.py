"""App factory: a Strawberry federation schema on FastAPI at /graphql, with /health, /ready.

HTTP requests to exactly ``/graphql`` are answered by Strawberry's own ASGI view
(``GraphQLEndpoint``), dispatched by a pure-ASGI step inside the correlation middleware, so they
skip FastAPI's routing and per-request dependency solving (~15% of the products subgraph's CPU
in the storefront benchmark). The same view class serves the FastAPI route that stays
registered for everything else under the prefix (websockets, ``/graphql/``), so both paths give
the same answers. JSON in and out goes through orjson (Strawberry's documented
``encode_json``/``decode_json`` hooks), falling back to the stdlib for anything orjson refuses.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import orjson
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.background import BackgroundTasks
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.fastapi import GraphQLRouter
from strawberry.federation import Schema

from subgraphs.kit.context import RequestContext
from subgraphs.kit.logs import correlation_id, trace_id
from subgraphs.kit.settings import ServiceSettings

__all__ = ["CorrelationMiddleware", "GraphQLEndpoint", "Hook", "create_app"]

Hook = Callable[[], Awaitable[None]]
log = logging.getLogger("kit.app")


def create_app(
    *,
    settings: ServiceSettings,
    schema: Schema,
    services: Mapping[str, Any],
    ready_checks: Mapping[str, Hook] | None = None,
    ready_details: Mapping[str, Callable[[], Any]] | None = None,
    on_startup: list[Hook] | None = None,
    on_shutdown: list[Hook] | None = None,
) -> FastAPI:
    """Wire one subgraph: GraphQL router, health probes, correlation ids, lifecycle hooks.

    ``ready_checks`` decide readiness; ``ready_details`` are reported on /ready without deciding
    it (e.g. event counters: a broker that is down must not make a service unready, since the
    outbox keeps its events).
    """
    app = FastAPI(title=settings.service, lifespan=_lifespan(on_startup or [], on_shutdown or []))
    app.state.settings = settings
    app.state.services = dict(services)

    async def context() -> RequestContext:
        return RequestContext(settings.jwt_secret, app.state.services)

    app.include_router(_OrjsonRouter(schema, context_getter=context), prefix="/graphql")
    _add_probes(app, ready_checks or {}, ready_details or {})
    endpoint = GraphQLEndpoint(schema, context)
    app.add_middleware(_GraphQLFastPath, endpoint=endpoint)  # inside the correlation middleware
    app.add_middleware(CorrelationMiddleware)
    return app


def _encode_json(data: object) -> bytes:
    try:
        return orjson.dumps(data)
    except TypeError:  # orjson.JSONEncodeError: e.g. an int beyond 64 bits
        return json.dumps(data, separators=(",", ":")).encode()


def _decode_json(data: str | bytes) -> object:
    try:
        return orjson.loads(data)
    except ValueError:  # what orjson refuses (NaN, huge ints...) gets the stdlib's verdict
        return json.loads(data)


class _OrjsonRouter(GraphQLRouter):
    def encode_json(self, data: object) -> bytes:
        return _encode_json(data)

    def decode_json(self, data: str | bytes) -> object:
        return _decode_json(data)


class GraphQLEndpoint(GraphQL):
    """Strawberry's ASGI view with the kit's ``RequestContext`` (request, response and
    background tasks filled in as the FastAPI router would) and orjson for JSON."""

    def __init__(self, schema: Schema, context: Callable[[], Awaitable[RequestContext]]) -> None:
        super().__init__(schema)
        self._context = context

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        context = await self._context()
        context.request = request
        context.response = response  # type: ignore[assignment]
        if isinstance(response, Response):
            # run after the answer is sent, as FastAPI runs a route's background tasks
            context.background_tasks = response.background = BackgroundTasks()
        return context

    def encode_json(self, data: object) -> bytes:
        return _encode_json(data)

    def decode_json(self, data: str | bytes) -> object:
        return _decode_json(data)


class _GraphQLFastPath:
    """Pure ASGI: HTTP requests for exactly ``/graphql`` go straight to ``endpoint``."""

    __slots__ = ("app", "endpoint")

    def __init__(self, app: ASGIApp, endpoint: GraphQLEndpoint) -> None:
        self.app = app
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/graphql":
            await self.endpoint(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _lifespan(on_startup: list[Hook], on_shutdown: list[Hook]):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        for hook in on_startup:
            await hook()
        try:
            yield
        finally:
            for hook in reversed(on_shutdown):
                try:
                    await hook()
                except Exception:  # shutdown must reach every hook
                    log.exception("shutdown hook failed")

    return lifespan


def _add_probes(
    app: FastAPI, checks: Mapping[str, Hook], details: Mapping[str, Callable[[], Any]]
) -> None:
    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready")
    async def ready() -> JSONResponse:
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                await check()
                results[name] = "ok"
            except Exception as exc:  # a probe reports, it never raises
                results[name] = f"unavailable: {type(exc).__name__}"
        ok = all(v == "ok" for v in results.values())
        body: dict[str, Any] = {"status": "ok" if ok else "unavailable", "checks": results}
        body.update({name: detail() for name, detail in details.items()})
        return JSONResponse(body, status_code=200 if ok else 503)


class CorrelationMiddleware:
    """Pure ASGI: trace and correlation ids into the logging context, x-correlation-id out.

    HTTP only (websockets pass through untouched). The ids stay set for the whole request,
    body streaming included, and are reset afterwards, also when the app raises; an error
    that escapes the app (a 500 from the outer server-error handler) carries no header.
    """

    __slots__ = ("app",)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        # W3C traceparent: "00-<trace-id>-<span-id>-<flags>"; keep the trace id for the logs.
        parts = headers.get("traceparent", "").split("-")
        trace_token = trace_id.set(parts[1] if len(parts) == 4 else None)
        corr = (headers.get("x-correlation-id") or str(uuid.uuid4()))[:128]
        corr_token = correlation_id.set(corr)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                MutableHeaders(scope=message)["x-correlation-id"] = corr
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            trace_id.reset(trace_token)
            correlation_id.reset(corr_token)
