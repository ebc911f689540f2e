"""The gateway decides sampling before making any span (the provider setup_tracing installs):
an unsampled request makes no span yet passes its trace on with flag 00; a sampled one yields
the server span, its children and a client span per fetch."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

import orjson
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from common.telemetry.logs import JsonFormatter
from common.telemetry.propagation import parse_traceparent
from common.telemetry.sampling import HeadSampler
from common.telemetry.server_span import ServerSpans
from common.telemetry.settings import TelemetrySettings
from tests.gateway.fetch.server import Request, ScriptedServer, response
from tests.gateway.tracing.shop_client import ask_shop

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"
STOCK = {"query": "query Stock { products { id stock } }", "operationName": "Stock"}
PRODUCTS = (b'{"data":{"products":[{"__typename":"Product","id":"p1"},'
            b'{"__typename":"Product","id":"p3"}]}}')
ENTITIES = b'{"data":{"_entities":[{"stock":5},{"stock":3}]}}'


async def _shop(request: Request, writer: asyncio.StreamWriter) -> bool:
    body = ENTITIES if b"_entities" in request.body else PRODUCTS
    writer.write(response(body, headers=("content-type: application/json",)))
    return True


async def _broken(request: Request, writer: asyncio.StreamWriter) -> bool:
    writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nnot")  # cut short
    return False


def _head_provider(ratio: float) -> tuple[TracerProvider, InMemorySpanExporter]:
    settings = TelemetrySettings(sampler="parentbased_traceidratio", sampler_arg=ratio)
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=HeadSampler(settings))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


async def _ask(server: ScriptedServer, provider: TracerProvider, headers: dict[str, str],
               times: int = 1) -> list[dict[str, Any]]:
    return await ask_shop(server.url, provider, STOCK, headers, times)


@pytest.mark.timeout(30)
async def test_an_unsampled_callers_trace_reaches_every_subgraph_with_flag_00_and_no_span() -> None:
    # given a gateway keeping every new trace, and a caller that did not sample its own
    provider, exporter = _head_provider(1.0)
    async with ScriptedServer(_shop) as server:
        # when the caller's request needs two fetches
        [answer] = await _ask(server, provider, {"traceparent": f"00-{TRACE}-{PARENT}-00"})
    assert answer == {"data": {"products": [{"id": "p1", "stock": 5}, {"id": "p3", "stock": 3}]}}
    # then nothing is recorded, and both fetches name the caller's trace, unsampled, from a
    # span id of the gateway's own (the same one: the request made no child span)
    assert exporter.get_finished_spans() == ()
    sent = [parse_traceparent(request.headers["traceparent"]) for request in server.requests]
    assert len(sent) == 2 and sent[0] == sent[1]
    trace_id, span_id, flags = sent[0]
    assert (f"{trace_id:032x}", flags) == (TRACE, 0) and f"{span_id:016x}" != PARENT


@pytest.mark.timeout(30)
async def test_a_new_trace_the_head_drops_still_tells_the_subgraphs_not_to_sample() -> None:
    # given a gateway keeping no new trace
    provider, exporter = _head_provider(0.0)
    async with ScriptedServer(_shop) as server:
        # when two requests come without a traceparent
        await _ask(server, provider, {}, times=2)
    # then nothing is recorded; each request's fetches carry a trace of its own, flag 00
    assert exporter.get_finished_spans() == ()
    sent = [parse_traceparent(request.headers["traceparent"]) for request in server.requests]
    assert all(parsed is not None and parsed[2] & 1 == 0 for parsed in sent)
    assert len({parsed[0] for parsed in sent if parsed}) == 2


@pytest.mark.timeout(30)
async def test_a_sampled_request_has_its_server_span_children_and_a_client_span_per_fetch(
) -> None:
    # given a gateway keeping every new trace
    provider, exporter = _head_provider(1.0)
    async with ScriptedServer(_shop) as server:
        await _ask(server, provider, {})
    spans = exporter.get_finished_spans()
    [root] = [span for span in spans if span.kind == SpanKind.SERVER]
    fetches = [span for span in spans if span.kind == SpanKind.CLIENT]
    # then the steps and both fetches are the server span's children, in its trace
    assert sorted(span.name for span in spans if span.parent is not None) == [
        "POST inventory", "POST products", "graphql.parse", "graphql.plan", "graphql.validate"]
    assert all(span.parent.span_id == root.context.span_id for span in spans if span.parent)
    assert {span.context.trace_id for span in spans} == {root.context.trace_id}
    assert root.attributes["graphql.operation.name"] == "Stock"
    assert fetches[0].attributes["http.request.method"] == "POST"
    assert fetches[0].attributes["url.full"] == server.url
    assert [span.attributes["http.response.status_code"] for span in fetches] == [200, 200]
    assert all(span.status.status_code == StatusCode.UNSET for span in fetches)
    # and each subgraph request names its own client span, sampled
    sent = {parse_traceparent(request.headers["traceparent"]) for request in server.requests}
    assert {(trace, span, flags & 1) for trace, span, flags in sent} == {  # type: ignore[misc]
        (root.context.trace_id, span.context.span_id, 1) for span in fetches}


@pytest.mark.timeout(30)
async def test_a_fetch_that_fails_ends_its_client_span_with_an_error() -> None:
    # given a traced gateway in front of a subgraph that cuts its answer short
    provider, exporter = _head_provider(1.0)
    async with ScriptedServer(_broken) as server:
        [answer] = await _ask(server, provider, {})
    assert answer["errors"]
    # then the fetch's span (one per attempt: a query is retried) says so
    fetches = [span for span in exporter.get_finished_spans() if span.kind == SpanKind.CLIENT]
    assert fetches and all(span.status.status_code == StatusCode.ERROR for span in fetches)
    assert all([event.name for event in span.events] == ["exception"] for span in fetches)


@pytest.mark.parametrize(("status", "body"), [
    (503, b"upstream overloaded"),  # refused: not a GraphQL response
    (400, b'{"errors":[{"message":"bad"}]}'),  # a GraphQL response all the same
])
@pytest.mark.timeout(30)
async def test_a_fetch_span_carries_the_answers_status_and_4xx_5xx_are_errors(
        status: int, body: bytes) -> None:
    # given a traced gateway in front of a subgraph answering with an HTTP error
    async def failing(request: Request, writer: asyncio.StreamWriter) -> bool:
        writer.write(response(body, status, headers=("content-type: application/json",)))
        return True

    provider, exporter = _head_provider(1.0)
    async with ScriptedServer(failing) as server:
        await _ask(server, provider, {})
    # then every attempt's span names the status and is an error
    fetches = [span for span in exporter.get_finished_spans() if span.kind == SpanKind.CLIENT]
    assert fetches
    assert {span.attributes["http.response.status_code"] for span in fetches} == {status}
    assert all(span.status.status_code == StatusCode.ERROR for span in fetches)


async def _noop(scope: Any, receive: Any, send: Any) -> None:
    return None


@pytest.mark.timeout(30)
async def test_the_head_keeps_new_traces_at_its_ratio_with_a_single_draw() -> None:
    # given a server span maker whose head keeps half of the new traces
    provider, exporter = _head_provider(0.5)
    spans = ServerSpans(provider.get_tracer("test"), provider.sampler)  # type: ignore[arg-type]
    scope = {"type": "http", "method": "POST", "path": "/graphql", "headers": []}
    # when 400 requests without a traceparent are served
    for _ in range(400):
        await spans.serve(_noop, scope, None, None)
    # then about half are recorded: a second draw by the SDK would keep about a quarter
    assert 150 <= len(exporter.get_finished_spans()) <= 250


@pytest.mark.timeout(30)
async def test_the_log_lines_of_an_unsampled_request_carry_its_trace_id() -> None:
    # given a server span maker keeping no trace, and an app that logs
    provider, _ = _head_provider(0.0)
    spans = ServerSpans(provider.get_tracer("test"), provider.sampler)  # type: ignore[arg-type]
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(JsonFormatter("gateway"))
    log = logging.getLogger("test.unsampled")
    log.addHandler(handler)
    log.setLevel(logging.INFO)

    async def logging_app(scope: Any, receive: Any, send: Any) -> None:
        log.info("answered")

    scope = {"type": "http", "method": "POST", "path": "/graphql",
             "headers": [(b"traceparent", f"00-{TRACE}-{PARENT}-00".encode())]}
    try:
        # when a request of the caller's unsampled trace logs
        await spans.serve(logging_app, scope, None, None)
    finally:
        log.removeHandler(handler)
    # then its line names the caller's trace
    entry = orjson.loads(lines.getvalue())
    assert entry["trace_id"] == TRACE and entry["span_id"] not in (None, PARENT)
