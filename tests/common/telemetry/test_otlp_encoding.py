"""Our OTLP span encoder writes the message the OpenTelemetry exporter's encoder builds."""

from __future__ import annotations

import pytest
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans as sdk_encode
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import (
    Link,
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    StatusCode,
    TraceFlags,
    TraceState,
    set_span_in_context,
)

from common.telemetry.otlp_encode import Unsupported, encode_spans
from common.telemetry.tracing import HashedOnce

REMOTE = SpanContext(0x4BF92F3577B34DA6A3CE929D0E0E4736, 0x00F067AA0BA902B7, True,
                     TraceFlags(1), TraceState([("vendor", "x1"), ("other", "y")]))


def _spans(resource: Resource) -> tuple[ReadableSpan, ...]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    gateway, other = provider.get_tracer("gateway"), provider.get_tracer("other", "1.2")
    parent = set_span_in_context(NonRecordingSpan(REMOTE))
    with gateway.start_as_current_span("POST /graphql", context=parent, kind=SpanKind.SERVER,
                                       attributes={"http.request.method": "POST",
                                                   "server.port": 8080, "negative": -3,
                                                   "ratio": 0.25, "zero": 0, "off": False,
                                                   "empty": "", "tags": ("a", "b"),
                                                   "ports": (1, 2)}) as server:
        server.add_event("checkpoint", {"step": "plan"})
        with gateway.start_as_current_span("graphql.plan", links=[Link(REMOTE, {"why": "x"})]):
            pass
        with other.start_as_current_span("POST products", kind=SpanKind.CLIENT) as client:
            client.record_exception(ValueError("boom"))
            client.set_status(StatusCode.ERROR, "ValueError")
        server.set_attribute("http.response.status_code", 200)
    with gateway.start_as_current_span("root, no parent"):
        pass
    return exporter.get_finished_spans()


@pytest.mark.parametrize("resource", [
    HashedOnce(Resource.create({"service.name": "gateway", "service.version": "1.0"})),
    Resource({}, "https://opentelemetry.io/schemas/1.26.0"),
])
def test_the_encoded_request_equals_the_sdk_encoders(resource: Resource) -> None:
    # given spans of every shape the SDK makes: remote parent, trace state, attributes of
    # every scalar and sequence type, events, links, error status, two scopes, a root
    spans = _spans(resource)
    # when both encoders write them (twice: the second time from the attribute cache)
    for _ in range(2):
        ours = ExportTraceServiceRequest.FromString(encode_spans(spans))
        # then the messages are the same
        assert ours == sdk_encode(spans)


def test_a_value_of_a_type_it_does_not_write_is_refused() -> None:
    # given a span whose attribute is a mapping (the API does not allow it; be safe anyway)
    span = ReadableSpan("odd", context=REMOTE, attributes={"map": {"a": 1}},
                        resource=Resource({}))
    # then the encoder refuses the batch (the exporter then uses the SDK's encoder)
    with pytest.raises(Unsupported):
        encode_spans([span])
