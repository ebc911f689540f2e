"""W3C Trace Context in and out of HTTP headers and Kafka records (traceparent, tracestate)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from opentelemetry.context import Context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

__all__ = ["context_from", "context_from_record", "traced_headers", "traced_record_headers"]

# W3C Trace Context only (not the global composite): no baggage crosses our boundaries, and
# one propagator object is the cheapest way to write two headers on the gateway's hot path.
_PROPAGATOR = TraceContextTextMapPropagator()


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
