"""App factory: a Strawberry federation schema on FastAPI at /graphql, with /health, /ready
and /metrics (Prometheus; ``kit.metrics``).

``/graphql`` (HTTP and WebSocket) is Strawberry's own ASGI view (``GraphQLEndpoint``) as a
Starlette route, behind the app's middleware like every other path: correlation ids, request
metrics, service trust. JSON in and out goes through orjson (Strawberry's documented
``encode_json``/``decode_json`` hooks), falling back to the stdlib for anything orjson refuses.
An exception escaping the view reaches FastAPI's error middleware, which answers 500.

Every request and WebSocket runs inside an OpenTelemetry SERVER span continuing the caller's
``traceparent`` (common/telemetry/server_span.py); without a tracer provider the span only
carries the caller's ids for the logs."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, Literal

import orjson
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.background import BackgroundTasks
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.extensions import DisableIntrospection
from strawberry.federation import Schema

from common.auth.verifier import AccessTokenVerifier
from common.faults import fault_settings
from common.telemetry.context import correlation_id, request_id
from common.telemetry.metrics import CONTENT_TYPE, scrape
from common.telemetry.server_span import ServerSpans
from subgraphs.kit.context import RequestContext
from subgraphs.kit.identity import verifier_for
from subgraphs.kit.metrics import RequestMetrics, observe
from subgraphs.kit.service_auth import ServiceAuthMiddleware, trusted_callers
from subgraphs.kit.settings import ServiceSettings

__all__ = [
    "READY_CACHE_SECONDS", "CorrelationMiddleware", "GraphQLEndpoint", "Hook", "SubgraphApp",
    "create_app",
]

READY_CACHE_SECONDS = 1.0

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
    verifier: AccessTokenVerifier | None = None,
) -> FastAPI:
    """Wire one subgraph: GraphQL router, health probes, correlation ids, lifecycle hooks.

    ``ready_checks`` decide readiness; ``ready_details`` are reported on /ready without deciding
    it (e.g. event counters: a broker that is down must not make a service unready, since the
    outbox keeps its events). The ``Database`` and ``Messaging`` among ``services`` and the
    owners of the start hooks get scrape-time gauges (``kit.metrics.observe``).
    ``verifier`` defaults to the one the settings describe
    (``kit.identity``); users passes its own, which reads its keys without HTTP. Either way the
    app owns it: shutdown closes it (ending its token-version refresher thread).
    """
    fault_settings()  # a crash point armed outside tests refuses to start, not to handle
    on_startup, on_shutdown = list(on_startup or []), list(on_shutdown or [])
    parts = [*services.values(), *(getattr(hook, "__self__", None) for hook in on_startup)]
    start_metrics, stop_metrics = observe(settings.service, parts)
    verifier = verifier or verifier_for(settings)

    async def stop_verifier() -> None:  # its token-version refresher thread; joining blocks
        await asyncio.to_thread(verifier.close)

    app = SubgraphApp(
        title=settings.service,
        lifespan=_lifespan([*on_startup, start_metrics],
                           [stop_metrics, stop_verifier, *on_shutdown]),
    )
    app.state.settings = settings
    app.state.services = dict(services)
    app.state.verifier = verifier

    async def context() -> RequestContext:
        return RequestContext(verifier, app.state.services)

    production = settings.environment == "production"
    schema, ide = (_without_introspection(schema), None) if production else (schema, "graphiql")
    endpoint = GraphQLEndpoint(schema, context, graphql_ide=ide)
    app.router.routes += [Route("/graphql", endpoint, include_in_schema=False),  # any method
                          WebSocketRoute("/graphql", endpoint)]
    _add_probes(app, ready_checks or {}, ready_details or {})
    app.add_api_route("/metrics", _metrics, methods=["GET"], include_in_schema=False)
    callers = trusted_callers(settings)  # reads the keys now: a missing one fails the start
    # outermost first: correlation ids, then metrics (refused callers are counted), then trust
    app.add_middleware(ServiceAuthMiddleware, callers=callers)
    app.add_middleware(RequestMetrics, service=settings.service)
    app.add_middleware(CorrelationMiddleware)
    return app


def _without_introspection(schema: Schema) -> Schema:
    """``schema`` refusing ``__schema``/``__type`` (production: the gateway composes from the
    checked-in SDL and plans with ``_service``, so nobody needs introspection). A copy: the
    module-level schema stays as it is for other apps in the process."""
    locked = copy.copy(schema)
    locked.extensions = (*schema.extensions, DisableIntrospection)
    return locked


class SubgraphApp(FastAPI):
    """FastAPI with every request and WebSocket inside an OpenTelemetry SERVER span."""

    _spans = ServerSpans()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._spans.serve(super().__call__, scope, receive, send)


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


class GraphQLEndpoint(GraphQL):
    """Strawberry's ASGI view with the kit's ``RequestContext`` (request, response and
    background tasks filled in, run after the answer as FastAPI runs a route's) and orjson for
    JSON. It serves /graphql as a plain Starlette route (HTTP and WebSocket): Strawberry's FastAPI
    router adds per-request dependency solving for nothing the kit uses (about 0.2 ms of a
    1.3 ms request in-process; tests/bench/RESULTS.md, "Subgraph /graphql: one path")."""

    def __init__(self, schema: Schema, context: Callable[[], Awaitable[RequestContext]],
                 graphql_ide: Literal["graphiql"] | None = "graphiql") -> None:
        super().__init__(schema, graphql_ide=graphql_ide)
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
        await context.prepare()
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

    last: list[Any] = [float("-inf"), None, 503]  # when checked, the checks' results, status

    @app.get("/ready")
    async def ready() -> JSONResponse:
        # Probes from every load balancer and kubelet share one check per READY_CACHE_SECONDS,
        # so a burst of probes never becomes a burst of database round trips.
        if time.monotonic() - last[0] < READY_CACHE_SECONDS:
            return _ready_response(last[1], details, last[2])
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                await check()
                results[name] = "ok"
            except Exception as exc:  # a probe reports, it never raises
                results[name] = f"unavailable: {type(exc).__name__}"
        status = 200 if all(v == "ok" for v in results.values()) else 503
        last[:] = [time.monotonic(), results, status]
        return _ready_response(results, details, status)


def _ready_response(
    results: dict[str, str], details: Mapping[str, Callable[[], Any]], status: int
) -> JSONResponse:
    body: dict[str, Any] = {"status": "ok" if status == 200 else "unavailable", "checks": results}
    body.update({name: detail() for name, detail in details.items()})  # always fresh
    return JSONResponse(body, status_code=status)


class CorrelationMiddleware:
    """Pure ASGI: request and correlation ids into the logging context, x-correlation-id out.

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
        request_token = request_id.set((headers.get("x-request-id") or "")[:128] or None)
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
            request_id.reset(request_token)
            correlation_id.reset(corr_token)


async def _metrics() -> Response:
    """Prometheus text format: this process's metrics, gauges refreshed first."""
    return Response(await scrape(), media_type=CONTENT_TYPE)
