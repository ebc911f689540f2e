"""The gateway continues the client's trace: a server span, parse/validate/plan children and a
client span per subgraph fetch, whose context reaches the subgraph as a W3C traceparent."""

from __future__ import annotations

import asyncio
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_ON, ParentBased, TraceIdRatioBased
from opentelemetry.trace import SpanKind

from tests.gateway.fetch.server import Request, ScriptedServer, response
from tests.gateway.tracing.shop_client import ask_shop

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"
QUERY = {"query": "query Shelf { products { id name } }", "operationName": "Shelf"}
ANSWER = b'{"data":{"products":[{"id":"p1","name":"Chair"}]}}'


async def _products(request: Request, writer: asyncio.StreamWriter) -> bool:
    writer.write(response(ANSWER, headers=("content-type: application/json",)))
    return True


def _provider(sampler: Any = ALWAYS_ON) -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=sampler)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


async def _ask(server: ScriptedServer, provider: TracerProvider | None, times: int = 1,
               flags: str = "01") -> list[dict[str, Any]]:
    headers = {"traceparent": f"00-{TRACE}-{PARENT}-{flags}"}
    return await ask_shop(server.url, provider, QUERY, headers, times)


def _named(spans: tuple[ReadableSpan, ...], name: str) -> list[ReadableSpan]:
    return [span for span in spans if span.name == name]


async def test_the_subgraph_request_continues_the_clients_trace_through_a_client_span() -> None:
    # given a traced gateway in front of a real HTTP subgraph
    provider, exporter = _provider()
    async with ScriptedServer(_products) as server:
        # when a client sends a query with its traceparent
        [answer] = await _ask(server, provider)
    assert answer == {"data": {"products": [{"id": "p1", "name": "Chair"}]}}
    spans = exporter.get_finished_spans()
    [root] = _named(spans, "POST /graphql")
    [fetch] = _named(spans, "POST products")
    # then the server span is the client's span's child and names the operation
    assert root.kind == SpanKind.SERVER and f"{root.context.trace_id:032x}" == TRACE
    assert root.parent is not None and f"{root.parent.span_id:016x}" == PARENT
    assert root.attributes["graphql.operation.name"] == "Shelf"
    assert root.attributes["graphql.operation.type"] == "query"
    # and the fetch is its child, whose context the subgraph received as its traceparent
    assert fetch.kind == SpanKind.CLIENT and fetch.parent.span_id == root.context.span_id
    [sent] = server.requests
    assert sent.headers["traceparent"] == f"00-{TRACE}-{fetch.context.span_id:016x}-01"


async def test_preparation_steps_are_spans_until_the_plan_is_cached_then_one_attribute() -> None:
    # given a traced gateway
    provider, exporter = _provider()
    async with ScriptedServer(_products) as server:
        # when the same operation is asked twice
        await _ask(server, provider, times=2)
    spans = exporter.get_finished_spans()
    first, second = _named(spans, "POST /graphql")
    # then the first request has parse, validate and plan children, the plan made afresh
    for step in ("graphql.parse", "graphql.validate", "graphql.plan"):
        assert [span.parent.span_id for span in _named(spans, step)] == [first.context.span_id]
    [plan] = _named(spans, "graphql.plan")
    assert plan.attributes["gateway.plan.cache_hit"] is False
    # and each server span says whether its plan came from the cache: only the second did
    assert first.attributes["gateway.plan.cache_hit"] is False
    assert second.attributes["gateway.plan.cache_hit"] is True


async def test_an_unsampled_request_records_nothing_and_passes_the_decision_on() -> None:
    # given a gateway keeping no new trace (ratio 0) and a caller that did not sample
    provider, exporter = _provider(ParentBased(TraceIdRatioBased(0.0)))
    async with ScriptedServer(_products) as server:
        await _ask(server, provider, flags="00")
    # then nothing is recorded and the subgraph learns the trace and the decision
    assert exporter.get_finished_spans() == ()
    [sent] = server.requests
    assert sent.headers["traceparent"].startswith(f"00-{TRACE}-")
    assert sent.headers["traceparent"].endswith("-00")


async def test_without_tracing_no_trace_header_is_invented() -> None:
    # given a gateway without a tracer provider (tracing off)
    async with ScriptedServer(_products) as server:
        await _ask(server, None)
    # then the subgraph request carries no traceparent
    [sent] = server.requests
    assert "traceparent" not in sent.headers
