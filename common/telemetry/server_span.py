"""A SERVER span around each HTTP request and WebSocket connection (pure ASGI).

Attributes follow the OpenTelemetry HTTP semantic conventions (``http.request.method``,
``url.path``, ``http.response.status_code``...); the caller's ``traceparent`` is continued.
The span is current while the app runs, so everything the request does becomes its child.

With a ``HeadSampler`` (the gateway), sampling is decided before any span exists: an
unsampled request gets no SDK span and no current span at all, only its trace in
``UNSAMPLED`` (trace id, a span id of its own, the outgoing headers written once), which the
gateway's subgraph requests and the log lines read. Only for a process whose libraries start no
spans of their own: without a current span they would start new traces.
"""

from __future__ import annotations

import random
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context, attach, detach, set_value
from opentelemetry.trace import Span, SpanKind, StatusCode, Tracer, TraceState, set_span_in_context

from common.telemetry.propagation import (
    UNSAMPLED,
    Unsampled,
    context_from,
    parse_traceparent,
    trace_headers,
)
from common.telemetry.sampling import HEAD_SAMPLED, HeadSampler

__all__ = ["ServerSpans"]

Scope = dict[str, Any]
_RANDOM_TRACE_ID = 0x02  # W3C Trace Context level 2 trace-flags


class ServerSpans:
    """Runs an ASGI app inside a server span; one object per process, shared by its paths."""

    __slots__ = ("head", "tracer")

    def __init__(self, tracer: Tracer | None = None, head: HeadSampler | None = None) -> None:
        self.tracer = tracer or trace.get_tracer("common.telemetry.server")
        self.head = head

    async def serve(self, app: Any, scope: Scope, receive: Any, send: Any) -> None:
        """``app(scope, receive, send)`` inside the request's span (http and websocket only)."""
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]
                   if k in (b"traceparent", b"tracestate")}
        parent = context_from(headers) if self.head is None else self._decided(headers)
        if isinstance(parent, Unsampled):  # decided without the SDK: no span, nothing current
            token = UNSAMPLED.set(parent)
            try:
                await app(scope, receive, send)
            finally:
                UNSAMPLED.reset(token)
            return
        method = scope.get("method", "GET")
        name = f"{method} {scope['path']}" if kind == "http" else f"WS {scope['path']}"
        # start_span and attach by hand: a third of start_as_current_span's cost. A parent
        # context marked HEAD_SAMPLED stays current: the request's child spans skip the draw.
        span = self.tracer.start_span(name, context=parent, kind=SpanKind.SERVER)
        token = attach(set_span_in_context(span, parent))
        try:
            if span.is_recording():
                await self._recorded(span, app, scope, receive, send, method)
            else:
                context = span.get_span_context()  # invalid: no provider installed
                outgoing = UNSAMPLED.set(Unsampled(context.trace_id, context.span_id,
                                                   trace_headers(context))
                                         if context.is_valid else None)
                try:
                    await app(scope, receive, send)
                finally:
                    UNSAMPLED.reset(outgoing)
        finally:
            detach(token)
            span.end()

    def _decided(self, headers: dict[str, str]) -> Context | Unsampled:
        """The parent context to start the server span in when the head sampler keeps the
        request; else its trace: the caller's trace id (or a new one) and a span id of its own."""
        assert self.head is not None
        caller = parse_traceparent(headers["traceparent"]) if "traceparent" in headers else None
        trace_id = caller[0] if caller else _new_id(128)
        if self.head.sampled(trace_id, caller[2] if caller else None):
            return set_value(HEAD_SAMPLED, True, context_from(headers))
        # flags as the SDK would set them: not sampled; W3C level 2's random-trace-id bit
        # for a trace id we drew, else the caller's
        flags, span_id = (caller[2] & _RANDOM_TRACE_ID if caller else _RANDOM_TRACE_ID), _new_id(64)
        outgoing = {"traceparent": f"00-{trace_id:032x}-{span_id:016x}-{flags:02x}"}
        if caller and "tracestate" in headers:  # re-serialised as the W3C propagator would
            state = TraceState.from_header([headers["tracestate"]]).to_header()
            if state:
                outgoing["tracestate"] = state
        return Unsampled(trace_id, span_id, outgoing)

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


def _new_id(bits: int) -> int:
    """A random non-zero id, as the SDK's RandomIdGenerator draws them."""
    while not (drawn := random.getrandbits(bits)):
        pass
    return drawn
