"""App factory: a Strawberry federation schema on FastAPI at /graphql, with /health, /ready.

HTTP requests to exactly ``/graphql`` are answered by Strawberry's own ASGI view
(``GraphQLEndpoint``) behind the correlation middleware only: ``SubgraphApp`` hands them over
before FastAPI's middleware stack, routing and per-request dependency solving (together ~20% of
a small request's CPU in the storefront benchmark; FastAPI's telemetry middleware alone reads
the environment on every request). Once anyone adds middleware after ``create_app``, the fast
path turns itself off, so added middleware always sees every request. The same view class
serves the FastAPI route that stays registered for everything else under the prefix
(websockets, ``/graphql/``), so both paths give the same answers. JSON in and out goes through
orjson (Strawberry's documented ``encode_json``/``decode_json`` hooks), falling back to the
stdlib for anything orjson refuses. An exception escaping the view reaches the server, which
answers 500 as FastAPI's error middleware would.
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

from common.faults import fault_settings
from subgraphs.kit.context import RequestContext
from subgraphs.kit.logs import correlation_id, trace_id
from subgraphs.kit.settings import ServiceSettings

__all__ = ["CorrelationMiddleware", "GraphQLEndpoint", "Hook", "SubgraphApp", "create_app"]

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
    fault_settings()  # a crash point armed outside tests refuses to start, not to handle
    app = SubgraphApp(
        title=settings.service, lifespan=_lifespan(on_startup or [], on_shutdown or [])
    )
    app.state.settings = settings
    app.state.services = dict(services)

    async def context() -> RequestContext:
        return RequestContext(settings.jwt_secret, app.state.services)

    app.include_router(_OrjsonRouter(schema, context_getter=context), prefix="/graphql")
    _add_probes(app, ready_checks or {}, ready_details or {})
    app.add_middleware(CorrelationMiddleware)
    app.graphql_fast_path(CorrelationMiddleware(GraphQLEndpoint(schema, context)))
    return app


class SubgraphApp(FastAPI):
    """FastAPI, except that HTTP requests for exactly ``/graphql`` go to the fast path while
    the app has no middleware beyond what it had when the fast path was set."""

    _fast_path: ASGIApp | None = None
    _fast_path_middleware = 0

    def graphql_fast_path(self, app: ASGIApp) -> None:
        self._fast_path = app
        self._fast_path_middleware = len(self.user_middleware)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        fast = self._fast_path
        if (fast is not None and scope["type"] == "http" and scope["path"] == "/graphql"
                and len(self.user_middleware) == self._fast_path_middleware):
            scope["app"] = self
            await fast(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


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
