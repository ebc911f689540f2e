"""W3C Trace Context in and out of HTTP headers and Kafka records (traceparent, tracestate)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextvars import ContextVar

from opentelemetry.context import Context
from opentelemetry.trace import SpanContext
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

__all__ = ["UNSAMPLED_HEADERS", "context_from", "context_from_record", "trace_headers",
           "traced_headers", "traced_record_headers"]

# W3C Trace Context only (not the global composite): no baggage crosses our boundaries, and
# one propagator object is the cheapest way to write two headers on the gateway's hot path.
_PROPAGATOR = TraceContextTextMapPropagator()


# The trace headers of the current request when it is not sampled, written once by its server
# span (common/telemetry/server_span.py): such a request makes no child span, so every request
# it sends out carries the same traceparent (its trace id, sampled flag 00). None: no such request.
UNSAMPLED_HEADERS: ContextVar[dict[str, str] | None] = ContextVar("unsampled_trace_headers",
                                                                  default=None)


def trace_headers(context: SpanContext) -> dict[str, str]:
    """``traceparent`` (and ``tracestate`` when there is one) naming ``context``, as the W3C
    Trace Context propagator writes them (version 00), without a propagator call per request."""
    headers = {"traceparent": f"00-{context.trace_id:032x}-{context.span_id:016x}-"
                              f"{context.trace_flags:02x}"}
    if context.trace_state:
        headers["tracestate"] = context.trace_state.to_header()
    return headers


def traced_headers(headers: Mapping[str, str], context: Context | None = None) -> dict[str, str]:
    """A copy of ``headers`` with the traceparent/tracestate of ``context`` (default: current)."""
    carrier = dict(headers)
    _PROPAGATOR.inject(carrier, context)
    return carrier


def context_from(headers: Mapping[str, str]) -> Context:
    """The remote span context a request's ``traceparent``/``tracestate`` headers name."""
    return _PROPAGATOR.extract(headers)


def context_from_record(headers: Iterable[tuple[str, bytes]]) -> Context:
    """The remote span context in a Kafka record's headers (W3C, as the producer wrote it)."""
    carrier = {k: v.decode("latin-1") for k, v in headers if k in ("traceparent", "tracestate")}
    return _PROPAGATOR.extract(carrier)


def traced_record_headers(headers: Iterable[tuple[str, bytes]], context: Context | None = None
                          ) -> list[tuple[str, bytes]]:
    """Record headers with any old trace context replaced by ``context``'s (default: current)."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier, context)
    if not carrier:
        return list(headers)
    kept = [(k, v) for k, v in headers if k not in ("traceparent", "tracestate")]
    return kept + [(k, v.encode("latin-1")) for k, v in carrier.items()]
