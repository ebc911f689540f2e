"""W3C Trace Context in and out of HTTP headers and Kafka records (traceparent, tracestate)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from typing import NamedTuple

from opentelemetry.context import Context
from opentelemetry.trace import SpanContext
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

__all__ = ["UNSAMPLED", "Unsampled", "context_from", "context_from_record", "outgoing_headers",
           "parse_traceparent", "trace_headers", "traced_headers", "traced_record_headers"]

# W3C Trace Context only (not the global composite): no baggage crosses our boundaries, and
# one propagator object is the cheapest way to write two headers on the gateway's hot path.
_PROPAGATOR = TraceContextTextMapPropagator()


# W3C Trace Context §3.2: version-traceid-parentid-flags, lowercase hex; a future version may
# append fields after a dash, version 00 may not.
_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")


class Unsampled(NamedTuple):
    """An unsampled request's trace: its ids (for log lines) and the trace headers that every
    request it sends carries (trace id, its own span id, sampled flag 00)."""

    trace_id: int
    span_id: int
    headers: dict[str, str]


# Set by the server span of a request not sampled (common/telemetry/server_span.py): such a
# request makes no child span, so its outgoing headers are written once. None: no such request.
UNSAMPLED: ContextVar[Unsampled | None] = ContextVar("unsampled_trace", default=None)


def parse_traceparent(value: str) -> tuple[int, int, int] | None:
    """(trace id, parent span id, flags) of a ``traceparent`` header; None when invalid, as
    the W3C propagator would find it (the receiver then starts a new trace)."""
    match = _TRACEPARENT.fullmatch(value.strip(" \t"))
    if match is None:
        return None
    version, trace_id, span_id, flags, rest = match.groups()
    if version == "ff" or (version == "00" and rest):
        return None
    trace, span = int(trace_id, 16), int(span_id, 16)
    return (trace, span, int(flags, 16)) if trace and span else None


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


def outgoing_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with the current trace: the unsampled request's headers, else
    the current span's context."""
    unsampled = UNSAMPLED.get()
    return {**headers, **unsampled.headers} if unsampled is not None else traced_headers(headers)


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
