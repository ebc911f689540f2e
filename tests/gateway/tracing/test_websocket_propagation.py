"""The subscription WebSocket to a subgraph carries the trace context of the request opening it."""

from __future__ import annotations

import functools
from typing import Any

from opentelemetry.sdk.trace import TracerProvider
from websockets.asyncio.server import ServerConnection, serve

from common.telemetry.propagation import UNSAMPLED, Unsampled
from gateway.fetch.ws import PROTOCOL, UpstreamSocket


async def _recording(seen: list[Any], socket: ServerConnection) -> None:
    seen.append(socket.request.headers)
    await socket.recv()  # connection_init
    await socket.send('{"type":"connection_ack"}')
    await socket.wait_closed()


async def test_the_upgrade_request_carries_the_current_traceparent() -> None:
    # given a subgraph's WebSocket endpoint that records the upgrade's headers
    seen: list[Any] = []
    handler = functools.partial(_recording, seen)

    async with serve(handler, "127.0.0.1", 0, subprotocols=[PROTOCOL]) as server:  # type: ignore[list-item]
        port = server.sockets[0].getsockname()[1]
        tracer = TracerProvider().get_tracer("test")
        # when the gateway opens the socket while serving a traced request
        with tracer.start_as_current_span("request") as span:
            upstream = await UpstreamSocket.open("reviews", f"http://127.0.0.1:{port}/graphql",
                                                 {"authorization": "Bearer t"}, 10, 5.0)
        await upstream.aclose()
    # then the subgraph sees that request's trace and span, beside the propagated headers
    context = span.get_span_context()
    [headers] = seen
    ids, flags = f"{context.trace_id:032x}-{context.span_id:016x}", int(context.trace_flags)
    assert headers["traceparent"] == f"00-{ids}-{flags:02x}"
    assert headers["authorization"] == "Bearer t"


async def test_an_unsampled_requests_upgrade_carries_its_trace_unsampled() -> None:
    # given a subgraph's WebSocket endpoint that records the upgrade's headers
    seen: list[Any] = []
    handler = functools.partial(_recording, seen)
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"
    async with serve(handler, "127.0.0.1", 0, subprotocols=[PROTOCOL]) as server:  # type: ignore[list-item]
        port = server.sockets[0].getsockname()[1]
        # when the gateway opens the socket while serving a request its head did not sample
        token = UNSAMPLED.set(Unsampled(1, 2, {"traceparent": traceparent}))
        try:
            upstream = await UpstreamSocket.open("reviews", f"http://127.0.0.1:{port}/graphql",
                                                 {}, 10, 5.0)
        finally:
            UNSAMPLED.reset(token)
        await upstream.aclose()
    # then the subgraph sees that request's trace, flag 00
    [headers] = seen
    assert headers["traceparent"] == traceparent
