"""A subgraph's server span names the GraphQL operation it executed (semantic conventions)."""

from __future__ import annotations

import strawberry
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

from subgraphs.kit.schema import federation_schema


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hi"


@strawberry.type
class Mutation:
    @strawberry.field
    def ping(self) -> str:
        return "pong"


SCHEMA = federation_schema(query=Query, mutation=Mutation)


async def _served(provider: TracerProvider, document: str, name: str | None = None) -> None:
    with provider.get_tracer("test").start_as_current_span("POST /graphql"):
        result = await SCHEMA.execute(document, operation_name=name)
    assert result.errors is None


async def test_the_server_span_names_the_operation_and_its_type() -> None:
    # given a recording server span
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    # when a named mutation and an anonymous query execute inside it
    await _served(provider, "query A { hello } mutation B { ping }", "B")
    await _served(provider, "{ hello }")
    # then each span says which operation ran
    named, anonymous = exporter.get_finished_spans()
    assert dict(named.attributes) == {"graphql.operation.type": "mutation",
                                      "graphql.operation.name": "B"}
    assert dict(anonymous.attributes) == {"graphql.operation.type": "query"}


async def test_an_unsampled_request_is_not_touched() -> None:
    # given a span that does not record
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=ALWAYS_OFF)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    # then executing inside it records nothing (and fails nothing)
    await _served(provider, "{ hello }")
    assert exporter.get_finished_spans() == ()
