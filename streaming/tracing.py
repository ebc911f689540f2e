"""OpenTelemetry around Kafka records: a PRODUCER span per record sent, a CONSUMER span per
record handled, linked through the record's W3C ``traceparent`` header.

A record's headers first carry the context of whatever wrote the event (the request or the
handler that enqueued it in the outbox: ``event_headers``). When it is sent, a PRODUCER span
becomes that context's child and replaces it in the headers, so the consumer's span is the
producer span's child: one checkout is one connected trace across every service it crosses.
Without an OpenTelemetry SDK configured this costs next to nothing and changes no header.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, StatusCode, set_span_in_context

from common.telemetry.propagation import context_from, context_from_record, traced_record_headers
from streaming.events import Envelope

if TYPE_CHECKING:  # producer.py imports this module
    from streaming.producer import Message

__all__ = ["end_sending", "handling_span", "start_sending"]

_tracer = trace.get_tracer("streaming")


def start_sending(messages: Sequence[Message]) -> tuple[list[Message], list[Span]]:
    """A PRODUCER span per message (OpenTelemetry messaging conventions), child of the
    context its headers carry; the messages with that span's context in their headers."""
    sent, spans = [], []
    for message in messages:
        span = _tracer.start_span(
            f"send {message.topic}", context=context_from_record(message.headers),
            kind=SpanKind.PRODUCER,
            attributes={"messaging.system": "kafka", "messaging.operation.type": "send",
                        "messaging.destination.name": message.topic},
        )
        headers = traced_record_headers(message.headers, set_span_in_context(span))
        sent.append(replace(message, headers=headers))
        spans.append(span)
    return sent, spans


def end_sending(spans: Sequence[Span], acked: int, error: BaseException | None) -> None:
    """End the spans of ``start_sending``; those past the ``acked`` first ones failed."""
    for index, span in enumerate(spans):
        if index >= acked and error is not None:
            span.set_status(StatusCode.ERROR, type(error).__name__)
        span.end()


@contextmanager
def handling_span(event: Envelope, group: str, headers: Sequence[tuple[str, bytes]] = ()
                  ) -> Iterator[Span]:
    """A CONSUMER span, child of the record's producer span (its ``traceparent`` header) or,
    for a record without one, of the event's own ``traceparent``; current while the handler
    runs, so events the handler wraps stay in the same trace."""
    parent = context_from_record(headers)
    if not trace.get_current_span(parent).get_span_context().is_valid:
        parent = context_from({"traceparent": event.traceparent})
    attributes = {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.consumer.group.name": group,
        "messaging.message.id": str(event.id),
        "messaging.message.conversation_id": event.correlation_id,
    }
    with _tracer.start_as_current_span(
        f"process {event.type}", context=parent, kind=SpanKind.CONSUMER, attributes=attributes
    ) as span:
        yield span

