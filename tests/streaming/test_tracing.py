"""A record's trace: the writer's span -> the PRODUCER span (in the record's W3C headers) -> the
CONSUMER span, and events a handler wraps continue from the consumer span."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from streaming import tracing
from streaming.events import Envelope
from streaming.producer import Message, event_headers
from tests.streaming.samples import order_created


@pytest.fixture
def exporter(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    """streaming's spans go to this test's own provider (the global one stays untouched)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(tracing, "_tracer", provider.get_tracer("streaming"))
    yield exporter


def _by_kind(spans: tuple[ReadableSpan, ...], kind: SpanKind) -> ReadableSpan:
    [span] = [s for s in spans if s.kind == kind]
    return span


def test_the_consumer_span_is_the_child_of_the_producer_span_of_the_writers_trace(
    exporter: InMemorySpanExporter,
) -> None:
    # given an event written inside a request's span, its record as the outbox keeps it
    request = TracerProvider().get_tracer("test").start_span("checkout")
    with tracing.trace.use_span(request):
        event = Envelope.wrap(order_created())
    record = Message("orders", b"{}", "o1", event_headers(event))
    # when the relay sends it and a consumer handles it
    [sent], spans = tracing.start_sending([record])
    tracing.end_sending(spans, 1, None)
    with tracing.handling_span(event, "payments", sent.headers):
        follow_up = Envelope.wrap(order_created(), cause=event)
    finished = exporter.get_finished_spans()
    producer = _by_kind(finished, SpanKind.PRODUCER)
    consumer = _by_kind(finished, SpanKind.CONSUMER)
    # then producer <- request, consumer <- producer, all in the request's trace
    assert producer.parent.span_id == request.get_span_context().span_id
    assert consumer.parent.span_id == producer.context.span_id
    assert {producer.context.trace_id, consumer.context.trace_id} == {
        request.get_span_context().trace_id}
    # and the record's traceparent names the producer span (its old one replaced, not doubled)
    parents = [v.decode() for k, v in sent.headers if k == "traceparent"]
    ids = f"{producer.context.trace_id:032x}-{producer.context.span_id:016x}"
    assert parents == [f"00-{ids}-{int(producer.context.trace_flags):02x}"]
    # and an event the handler wraps is the consumer span's child
    assert follow_up.traceparent.split("-")[2] == f"{consumer.context.span_id:016x}"


def test_a_record_without_trace_headers_continues_the_events_own_traceparent(
    exporter: InMemorySpanExporter,
) -> None:
    event = Envelope.wrap(order_created())
    with tracing.handling_span(event, "payments", []):
        pass
    consumer = _by_kind(exporter.get_finished_spans(), SpanKind.CONSUMER)
    _, trace_id, span_id, _ = event.traceparent.split("-")
    assert f"{consumer.context.trace_id:032x}" == trace_id
    assert f"{consumer.parent.span_id:016x}" == span_id


def test_a_failed_send_marks_the_spans_of_the_records_not_acknowledged(
    exporter: InMemorySpanExporter,
) -> None:
    records = [Message("orders", b"{}", str(i), event_headers(Envelope.wrap(order_created())))
               for i in range(3)]
    _, spans = tracing.start_sending(records)
    tracing.end_sending(spans, 1, ConnectionError("broker gone"))
    statuses = [s.status.is_ok for s in exporter.get_finished_spans()]
    assert statuses == [True, False, False]
