"""A subgraph's calls to other services are CLIENT spans between the caller's server span and
the callee's (W3C traceparent across the call), with the HTTP client semantic conventions: the
kit's own HTTP/1.1 client (ServiceClient) and plain httpx (notifications' providers) alike."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from opentelemetry.instrumentation._semconv import _OpenTelemetrySemanticConventionStability
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from common.telemetry.client_span import ClientSpans
from common.telemetry.server_span import ServerSpans
from subgraphs.kit.service_http import ServiceClient

pytestmark = pytest.mark.timeout(30)


class Traced:
    """An SDK tracer provider whose finished spans are kept in memory."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.provider = TracerProvider()
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.tracer = self.provider.get_tracer("test")

    def span(self, kind: SpanKind, name: str | None = None) -> ReadableSpan:
        [found] = [s for s in self.exporter.get_finished_spans()
                   if s.kind == kind and (name is None or s.name == name)]
        return found


@pytest.fixture
def traced() -> Traced:
    return Traced()


@pytest.fixture
async def callee(traced: Traced) -> AsyncIterator[str]:
    """A service with server spans (common/telemetry) on a real port: 503 at /busy."""
    spans = ServerSpans(traced.tracer)

    async def answer(scope: Any, receive: Any, send: Any) -> None:
        status = 503 if scope["path"] == "/busy" else 200
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b'{"data":{}}'})

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await spans.serve(answer, scope, receive, send)

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    await asyncio.to_thread(_wait, lambda: server.started)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 10)


@pytest.fixture
async def service_client(traced: Traced) -> AsyncIterator[ServiceClient]:
    client = ServiceClient(timeout=5, spans=ClientSpans(traced.tracer))
    yield client
    await client.aclose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not done():
        assert time.monotonic() < deadline, "not done within 10 s"
        time.sleep(0.01)


async def _linked(traced: Traced, caller: ReadableSpan, client: ReadableSpan) -> None:
    """caller -> client -> the callee's server span (ended in its own thread), one trace."""
    await asyncio.to_thread(_wait, lambda: any(
        s.kind == SpanKind.SERVER for s in traced.exporter.get_finished_spans()))
    callee = traced.span(SpanKind.SERVER)
    assert client.parent is not None and callee.parent is not None
    assert client.parent.span_id == caller.context.span_id
    assert callee.parent.span_id == client.context.span_id
    assert callee.parent.is_remote  # it came over the wire, in traceparent
    assert {caller.context.trace_id, client.context.trace_id, callee.context.trace_id} == {
        caller.context.trace_id}


async def test_a_service_call_is_a_client_span_between_the_callers_and_the_callees_spans(
    traced: Traced, callee: str, service_client: ServiceClient
) -> None:
    # given a request being served (the caller's server span)
    with traced.tracer.start_as_current_span("POST /graphql", kind=SpanKind.INTERNAL):
        # when it calls another service through the kit's client
        answer = await service_client.post(f"{callee}/graphql", content=b"{}",
                                           headers={"authorization": "Bearer secret"})
    # then the call is a CLIENT span, child of the caller, parent of the callee's span
    assert answer.status_code == 200
    client = traced.span(SpanKind.CLIENT)
    await _linked(traced, traced.span(SpanKind.INTERNAL), client)
    port = int(callee.rsplit(":", 1)[1])
    assert client.name == "POST 127.0.0.1"
    assert dict(client.attributes or {}) == {
        "http.request.method": "POST", "server.address": "127.0.0.1", "server.port": port,
        "url.full": f"{callee}/graphql", "http.response.status_code": 200}
    assert client.status.status_code == StatusCode.UNSET


async def test_an_error_answer_makes_the_client_span_an_error(
    traced: Traced, callee: str, service_client: ServiceClient
) -> None:
    with traced.tracer.start_as_current_span("caller"):
        answer = await service_client.post(f"{callee}/busy", content=b"{}", headers={})
    client = traced.span(SpanKind.CLIENT)
    assert answer.status_code == 503
    assert client.attributes is not None and client.attributes["http.response.status_code"] == 503
    assert client.attributes["error.type"] == "503"
    assert client.status.status_code == StatusCode.ERROR


async def test_a_refused_connection_is_an_error_span_whose_url_holds_no_secret(
    traced: Traced, service_client: ServiceClient
) -> None:
    url = f"http://127.0.0.1:{_free_port()}/graphql?sig=s3cr3t&page=1"
    with traced.tracer.start_as_current_span("caller"), pytest.raises(httpx.ConnectError):
        await service_client.post(url, content=b"{}", headers={})
    client = traced.span(SpanKind.CLIENT)
    assert client.attributes is not None and client.attributes["error.type"] == "ConnectError"
    assert "s3cr3t" not in str(client.attributes["url.full"])
    assert client.status.status_code == StatusCode.ERROR
    assert [event.name for event in client.events] == ["exception"]


async def test_without_a_recording_caller_no_span_is_made_and_nothing_breaks(
    traced: Traced, callee: str, service_client: ServiceClient
) -> None:
    answer = await service_client.post(f"{callee}/graphql", content=b"{}", headers={})
    assert answer.status_code == 200
    await asyncio.to_thread(_wait, lambda: bool(traced.exporter.get_finished_spans()))
    assert [s.kind for s in traced.exporter.get_finished_spans()] == [SpanKind.SERVER]


@pytest.fixture
def instrumented_httpx(traced: Traced, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # as common/telemetry/instrument.py does when tracing is on (the stable HTTP names)
    monkeypatch.setenv("OTEL_SEMCONV_STABILITY_OPT_IN", "http")
    monkeypatch.setattr(_OpenTelemetrySemanticConventionStability, "_initialized", False)
    instrumentor = HTTPXClientInstrumentor()
    instrumentor.instrument(tracer_provider=traced.provider)
    try:
        yield
    finally:
        instrumentor.uninstrument()


@pytest.mark.usefixtures("instrumented_httpx")
async def test_a_plain_httpx_call_is_linked_the_same_way_with_the_same_names(
    traced: Traced, callee: str
) -> None:
    # given notifications' kind of client: plain httpx (email and SMS providers)
    async with httpx.AsyncClient() as client:
        with traced.tracer.start_as_current_span("deliver", kind=SpanKind.INTERNAL):
            answer = await client.post(f"{callee}/busy", json={})
    span = traced.span(SpanKind.CLIENT)
    await _linked(traced, traced.span(SpanKind.INTERNAL), span)
    assert answer.status_code == 503
    attributes = dict(span.attributes or {})
    assert {key: attributes.get(key) for key in (
        "http.request.method", "server.address", "url.full", "http.response.status_code",
        "error.type")} == {"http.request.method": "POST", "server.address": "127.0.0.1",
                           "url.full": f"{callee}/busy", "http.response.status_code": 503,
                           "error.type": "503"}
    assert span.status.status_code == StatusCode.ERROR


HTTP_MODE = """
from common.telemetry.instrument import instrument_libraries
from opentelemetry.instrumentation._semconv import (
    _OpenTelemetrySemanticConventionStability as Stability,
    _OpenTelemetryStabilitySignalType as Signal)
instrument_libraries()
print(Stability._get_opentelemetry_stability_opt_in_mode(Signal.HTTP).name)
"""


def test_tracing_instruments_httpx_with_the_stable_http_names() -> None:
    # In a process of its own: the instrumentation patches libraries for good.
    env = {k: v for k, v in os.environ.items() if k != "OTEL_SEMCONV_STABILITY_OPT_IN"}
    done = subprocess.run([sys.executable, "-c", HTTP_MODE], capture_output=True, text=True,
                          env=env, timeout=25, check=True)
    assert done.stdout.split() == ["HTTP"]
