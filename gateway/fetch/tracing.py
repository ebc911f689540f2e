"""The trace of a subgraph request: a CLIENT span when the gateway's request is sampled, and the
W3C ``traceparent``/``tracestate`` the subgraph receives either way.

Attributes follow the OpenTelemetry HTTP semantic conventions (``http.request.method``,
``url.full``, ``http.response.status_code``); the span is named ``POST <subgraph>`` (the
subgraph's name stands for its URL as the target). An unsampled request makes no span: its
subgraph requests carry the headers its server span wrote once (``UNSAMPLED``), so the
subgraph continues the trace id and does not sample either.

A fetch span is a leaf that nothing reads while it runs, so with the SDK's tracer it is built
finished: ids drawn, the span handed to the tracer's span processors once the answer is in
(``on_end``; the SDK's batch and simple processors do nothing ``on_start``). That skips the
SDK's live-span bookkeeping (locks, attribute validation, sampler call), most of a span's cost.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.trace import Event, ReadableSpan, SpanProcessor
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, Tracer

from common.telemetry.propagation import UNSAMPLED, trace_headers, traced_headers
from gateway.fetch.client import SubgraphClient
from gateway.fetch.errors import SubgraphFetchError

__all__ = ["FetchSpans"]

_UNSET = Status(StatusCode.UNSET)


class FetchSpans:
    """Sends a subgraph request inside the current request's trace."""

    __slots__ = ("processor", "resource", "scope", "tracer")

    def __init__(self, tracer: Tracer) -> None:
        self.tracer = tracer
        # the SDK tracer's public parts; another tracer gets its spans the API way
        self.processor: SpanProcessor | None = getattr(tracer, "span_processor", None)
        self.resource = getattr(tracer, "resource", None)
        info = getattr(tracer, "instrumentation_info", None)
        self.scope = InstrumentationScope(info.name, info.version) if info else None

    def post(self, client: SubgraphClient, body: bytes, headers: dict[str, str],
             replayable: bool, operation: str | None) -> Awaitable[bytes]:
        """``client.post`` with the trace headers, in a CLIENT span when sampled (a plain
        function: the unsampled request awaits the client's coroutine with no frame between)."""
        unsampled = UNSAMPLED.get()
        if unsampled is not None:  # the common case: one dict merge, no span, no propagator
            return client.post(body, {**headers, **unsampled.headers}, replayable=replayable)
        current = trace.get_current_span()
        if not current.is_recording():  # outside a server span (tests, tools)
            return client.post(body, traced_headers(headers), replayable=replayable)
        attributes: dict[str, Any] = {
            "http.request.method": "POST", "url.full": client.url,
            "subgraph.name": client.name, "graphql.operation.name": operation or ""}
        if self.processor is None:
            return self._api_span(client, body, headers, replayable, attributes)
        return self._built_span(client, body, headers, replayable, attributes,
                                current.get_span_context())

    async def _built_span(self, client: SubgraphClient, body: bytes, headers: dict[str, str],
                          replayable: bool, attributes: dict[str, Any], parent: SpanContext
                          ) -> bytes:
        context = SpanContext(parent.trace_id, _span_id(), False, parent.trace_flags,
                              parent.trace_state)
        status, events = _UNSET, ()
        started = time.time_ns()
        try:
            answer = await client.post(body, {**headers, **trace_headers(context)},
                                       replayable=replayable)
            status = _answered(attributes, client.last_status)
            return answer
        except BaseException as error:
            if isinstance(error, SubgraphFetchError):  # a refused answer: its status is known
                _answered(attributes, error.status)
            status = Status(StatusCode.ERROR, type(error).__name__)
            events = (_exception_event(error),)
            raise
        finally:
            assert self.processor is not None
            self.processor.on_end(ReadableSpan(
                name=f"POST {client.name}", context=context, parent=parent,
                resource=self.resource, attributes=attributes, events=events,
                kind=SpanKind.CLIENT, status=status, start_time=started,
                end_time=time.time_ns(), instrumentation_scope=self.scope))

    async def _api_span(self, client: SubgraphClient, body: bytes, headers: dict[str, str],
                        replayable: bool, attributes: dict[str, Any]) -> bytes:
        span = self.tracer.start_span(f"POST {client.name}", kind=SpanKind.CLIENT,
                                      attributes=attributes)
        try:
            sent = {**headers, **trace_headers(span.get_span_context())}
            answer = await client.post(body, sent, replayable=replayable)
        except BaseException as error:
            if isinstance(error, SubgraphFetchError):
                _answered(attributes, error.status)
                span.set_attributes(attributes)
            span.record_exception(error)
            span.set_status(StatusCode.ERROR, type(error).__name__)
            raise
        else:
            span.set_status(_answered(attributes, client.last_status))
            span.set_attributes(attributes)
            return answer
        finally:
            span.end()


def _answered(attributes: dict[str, Any], code: int) -> Status:
    """``http.response.status_code`` of the answer (0: none came); HTTP semconv: a CLIENT
    span whose answer is 4xx or 5xx is an error."""
    if not code:
        return _UNSET
    attributes["http.response.status_code"] = code
    return Status(StatusCode.ERROR, str(code)) if code >= 400 else _UNSET


def _span_id() -> int:
    while not (drawn := random.getrandbits(64)):  # as the SDK's RandomIdGenerator
        pass
    return drawn


def _exception_event(error: BaseException) -> Event:
    # OpenTelemetry exception semantic conventions (no stack trace: it names our internals)
    return Event("exception", {"exception.type": type(error).__name__,
                               "exception.message": str(error), "exception.escaped": True})
