"""OpenTelemetry around event handling: a handler runs in a span continuing the event's trace."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from streaming.events import Envelope

__all__ = ["handling_span"]

_tracer = trace.get_tracer("streaming")
_propagator = TraceContextTextMapPropagator()


@contextmanager
def handling_span(event: Envelope, group: str) -> Iterator[Span]:
    """A CONSUMER span, child of the event's ``traceparent``, current while the handler runs.

    Events the handler wraps without ``cause=`` therefore stay in the same trace. Without an
    OpenTelemetry SDK configured this costs next to nothing.
    """
    parent = _propagator.extract({"traceparent": event.traceparent})
    attributes = {
        "messaging.system": "kafka",
        "messaging.operation": "process",
        "messaging.consumer.group.name": group,
        "messaging.message.id": str(event.id),
        "messaging.message.conversation_id": event.correlation_id,
    }
    with _tracer.start_as_current_span(
        f"process {event.type}", context=parent, kind=SpanKind.CONSUMER, attributes=attributes
    ) as span:
        yield span
