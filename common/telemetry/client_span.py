"""A CLIENT span around one outgoing HTTP request of a subgraph, and the W3C trace headers that
name it, for calls no library instrumentation sees (the kit's own HTTP/1.1 client; calls through
httpx get theirs from the httpx instrumentation, common/telemetry/instrument.py).

Attributes follow the OpenTelemetry HTTP client semantic conventions (stable, v1.23+):
``http.request.method``, ``server.address``, ``server.port``, ``url.full`` (credentials and
signed query values redacted), ``http.response.status_code``; a 4xx/5xx answer or a failure sets
``error.type`` and an ERROR status. The span is named ``<METHOD> <server.address>``, as the
gateway's fetch spans name the subgraph they call. A caller without a recording span makes no
span and sends its own context (an unsampled request's headers as written once).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import urlsplit

import httpx
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, StatusCode, Tracer
from opentelemetry.util.http import redact_url

from common.telemetry.propagation import outgoing_headers, trace_headers

__all__ = ["ClientSpans"]

Send = Callable[[dict[str, str]], Awaitable[httpx.Response]]


class ClientSpans:
    """Runs one request inside a CLIENT span of the current trace."""

    __slots__ = ("tracer",)

    def __init__(self, tracer: Tracer | None = None) -> None:
        self.tracer = tracer or trace.get_tracer("common.telemetry.client")

    async def send(self, method: str, url: str, headers: Mapping[str, str],
                   send: Send) -> httpx.Response:
        """``send(headers + trace headers)``, in a span when the caller's span records."""
        if not trace.get_current_span().is_recording():
            return await send(outgoing_headers(headers))
        parts = urlsplit(url)
        address = parts.hostname or ""
        span = self.tracer.start_span(f"{method} {address}", kind=SpanKind.CLIENT, attributes={
            "http.request.method": method, "server.address": address,
            "server.port": parts.port or (443 if parts.scheme == "https" else 80),
            "url.full": redact_url(url)})
        if not span.is_recording():  # no SDK behind this tracer: pass the caller's span on
            return await send(outgoing_headers(headers))
        try:
            response = await send({**headers, **trace_headers(span.get_span_context())})
        except BaseException as error:
            _failed(span, type(error).__qualname__, str(error))
            raise
        else:
            span.set_attribute("http.response.status_code", response.status_code)
            if response.status_code >= 400:  # HTTP semconv: an error for a client span
                _failed(span, str(response.status_code), None)
            return response
        finally:
            span.end()


def _failed(span: Span, kind: str, message: str | None) -> None:
    span.set_attribute("error.type", kind)
    span.set_status(StatusCode.ERROR, kind)
    if message is not None:  # the exception event, without a stack trace (it names internals)
        span.add_event("exception", {"exception.type": kind, "exception.message": message,
                                     "exception.escaped": True})
