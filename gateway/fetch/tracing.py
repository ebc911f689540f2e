"""The trace of a subgraph request: a CLIENT span when the gateway's request is sampled, and the
W3C ``traceparent``/``tracestate`` the subgraph receives either way.

Attributes follow the OpenTelemetry HTTP semantic conventions (``http.request.method``,
``url.full``); the span is named ``POST <subgraph>`` (the
subgraph's name stands for its URL as the target). An unsampled request makes no span: its
subgraph requests carry the headers its server span wrote once (``UNSAMPLED_HEADERS``), so the
subgraph continues the trace id and does not sample either.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode, Tracer

from common.telemetry.propagation import UNSAMPLED_HEADERS, trace_headers, traced_headers
from gateway.fetch.client import SubgraphClient

__all__ = ["FetchSpans"]


class FetchSpans:
    """Sends a subgraph request inside the current request's trace."""

    __slots__ = ("tracer",)

    def __init__(self, tracer: Tracer) -> None:
        self.tracer = tracer

    def post(self, client: SubgraphClient, body: bytes, headers: dict[str, str],
             replayable: bool, operation: str | None) -> Awaitable[bytes]:
        """``client.post`` with the trace headers, in a CLIENT span when sampled (a plain
        function: the unsampled request awaits the client's coroutine with no frame between)."""
        unsampled = UNSAMPLED_HEADERS.get()
        if unsampled is not None:  # the common case: one dict merge, no span, no propagator
            return client.post(body, {**headers, **unsampled}, replayable=replayable)
        if not trace.get_current_span().is_recording():  # outside a server span (tests, tools)
            return client.post(body, traced_headers(headers), replayable=replayable)
        return self._spanned(client, body, headers, replayable, operation)

    async def _spanned(self, client: SubgraphClient, body: bytes, headers: dict[str, str],
                       replayable: bool, operation: str | None) -> bytes:
        attributes: dict[str, Any] = {
            "http.request.method": "POST", "url.full": client.url,
            "subgraph.name": client.name, "graphql.operation.name": operation or ""}
        # start_span without making it current: nothing below reads the current span, and
        # use_span's bookkeeping is a quarter of a span's cost
        span = self.tracer.start_span(f"POST {client.name}", kind=SpanKind.CLIENT,
                                      attributes=attributes)
        try:
            sent = {**headers, **trace_headers(span.get_span_context())}
            answer = await client.post(body, sent, replayable=replayable)
        except BaseException as error:
            span.record_exception(error)
            span.set_status(StatusCode.ERROR, type(error).__name__)
            raise
        finally:
            span.end()
        return answer

