"""A SERVER span around each HTTP request and WebSocket connection (pure ASGI).

Attributes follow the OpenTelemetry HTTP semantic conventions (``http.request.method``,
``url.path``, ``http.response.status_code``...); the caller's ``traceparent`` is continued.
The span is current while the app runs, so everything the request does becomes its child.
An unsampled request's outgoing trace headers are written once here (``UNSAMPLED_HEADERS``):
it makes no child span, so all its outgoing requests name the same span, flag 00.
"""

from __future__ import annotations

from typing import Any

from opentelemetry import trace
from opentelemetry.context import attach, detach
from opentelemetry.trace import Span, SpanKind, StatusCode, Tracer, set_span_in_context

from common.telemetry.propagation import UNSAMPLED_HEADERS, context_from, trace_headers

__all__ = ["ServerSpans"]

Scope = dict[str, Any]


class ServerSpans:
    """Runs an ASGI app inside a server span; one object per process, shared by its paths."""

    __slots__ = ("tracer",)

    def __init__(self, tracer: Tracer | None = None) -> None:
        self.tracer = tracer or trace.get_tracer("common.telemetry.server")

    async def serve(self, app: Any, scope: Scope, receive: Any, send: Any) -> None:
        """``app(scope, receive, send)`` inside the request's span (http and websocket only)."""
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]
                   if k in (b"traceparent", b"tracestate")}
        method = scope.get("method", "GET")
        name = f"{method} {scope['path']}" if kind == "http" else f"WS {scope['path']}"
        parent = context_from(headers)
        # start_span and attach by hand: a third of start_as_current_span's cost, which an
        # unsampled request pays in full
        span = self.tracer.start_span(name, context=parent, kind=SpanKind.SERVER)
        token = attach(set_span_in_context(span, parent))
        try:
            if span.is_recording():
                await self._recorded(span, app, scope, receive, send, method)
            else:
                context = span.get_span_context()  # invalid: no provider installed
                outgoing = UNSAMPLED_HEADERS.set(trace_headers(context) if context.is_valid
                                                 else None)
                try:
                    await app(scope, receive, send)
                finally:
                    UNSAMPLED_HEADERS.reset(outgoing)
        finally:
            detach(token)
            span.end()

    @staticmethod
    async def _recorded(span: Span, app: Any, scope: Scope, receive: Any, send: Any,
                        method: str) -> None:
        span.set_attributes(_attributes(scope, method))

        async def send_with_status(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status = message["status"]
                span.set_attribute("http.response.status_code", status)
                if status >= 500:  # HTTP semconv: 4xx is the client's error, not ours
                    span.set_status(StatusCode.ERROR)
            await send(message)

        try:
            await app(scope, receive, send_with_status)
        except BaseException as error:
            span.record_exception(error)
            span.set_status(StatusCode.ERROR, type(error).__name__)
            raise


def _attributes(scope: Scope, method: str) -> dict[str, Any]:
    server = scope.get("server") or ("", 0)
    return {"http.request.method": method, "url.path": scope["path"],
            "url.scheme": scope.get("scheme", "http"), "http.route": scope["path"],
            "network.protocol.version": scope.get("http_version", "1.1"),
            "server.address": server[0] or "", "server.port": server[1] or 0}
