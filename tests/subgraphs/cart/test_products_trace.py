"""The cart's own HTTP client to products passes the current trace on (W3C traceparent)."""

from __future__ import annotations

import asyncio

from opentelemetry.sdk.trace import TracerProvider

from subgraphs.kit.service_http import ServiceClient

ANSWER = b'{"data":{}}'


async def test_a_price_lookup_carries_the_traceparent_of_the_current_span() -> None:
    # given a products endpoint that records the request head it receives
    heads: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        heads.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s" % (len(ANSWER), ANSWER))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/graphql"
    client = ServiceClient(timeout=5)
    # when the cart looks a price up while serving a traced request
    with TracerProvider().get_tracer("test").start_as_current_span("addToCart") as span:
        answer = await client.post(url, content=b"{}", headers={"authorization": "Bearer t"})
    await client.aclose()
    server.close()
    # then products receives that request's trace and span as its parent
    context = span.get_span_context()
    ids = f"{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"
    assert answer.status_code == 200
    assert f"traceparent: 00-{ids}".encode() in heads[0]
