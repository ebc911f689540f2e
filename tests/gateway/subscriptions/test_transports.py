"""One body per behaviour, run over WebSocket, SSE and multipart alike."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.gateway.subscriptions.clients import TRANSPORTS, subscribe
from tests.gateway.subscriptions.harness import STATUS, Stack, serve_stack


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_events_arrive_in_order_with_joined_fields_then_complete(transport: str):
    async with serve_stack() as stack, subscribe(
        transport, stack.url, STATUS, {"id": "o1"}, "alice"
    ) as results:
        await stack.bus.wait_active(1)
        for status in ("PAID", "SHIPPED", None):
            stack.bus.publish("o1", status)
        got = [result async for result in results]
    assert got == [
        {"data": {"orderStatusChanged": {"id": "o1", "status": s,
                                         "payment": {"status": "SUCCEEDED:o1"}}}}
        for s in ("PAID", "SHIPPED")
    ]
    assert stack.bus.entity_auth == ["Bearer alice"] * 2


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_refused_subscription_gets_errors_and_no_events(transport: str):
    async with serve_stack() as stack, subscribe(
        transport, stack.url, STATUS, {"id": "o1"}, "mallory"
    ) as results:
        got = [result async for result in results]
    assert len(got) == 1
    assert got[0]["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_an_invalid_operation_is_refused_before_anything_runs(transport: str):
    query = "subscription { orderStatusChanged(orderId: 1) { nope } }"
    async with serve_stack() as stack, subscribe(transport, stack.url, query, {}) as results:
        got = [result async for result in results]
    assert got[0]["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert stack.bus.subscribed == 0


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_dying_subgraph_ends_the_stream_with_an_error(transport: str):
    # once the gateway's window for subscribing again (upstream_resume_seconds) has passed
    async with serve_stack(upstream_resume_seconds=0.3) as stack, subscribe(
        transport, stack.url, STATUS, {"id": "o1"}, "alice"
    ) as results:
        await stack.bus.wait_active(1)
        await stack.stop("orders")
        got = [result async for result in results]
    assert got[-1]["errors"][0]["extensions"]["code"] == "SUBGRAPH_STREAM_CLOSED"


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_closing_the_client_stream_closes_the_upstream_one(transport: str):
    async with serve_stack() as stack:
        async with subscribe(transport, stack.url, STATUS, {"id": "o1"}, "alice"):
            await stack.bus.wait_active(1)
        await stack.bus.wait_active(0)
        await asyncio.sleep(0.05)
        assert stack.hub.upstream_streams == 0


# A GET passes CSRF prevention only with a header a browser cannot send cross-origin unasked.
PREFLIGHT = {"apollo-require-preflight": "true"}


async def test_an_event_stream_over_get_serves_subscriptions_but_no_mutation():
    async with serve_stack() as stack, httpx.AsyncClient(timeout=10) as client:
        refused = await client.get(stack.url, params={"query": "mutation { touch }"},
                                   headers={"accept": "text/event-stream", **PREFLIGHT})
        first = await _first_data_line(client, stack)
    assert refused.status_code == 405
    assert stack.bus.touched == 0
    assert refused.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert '"status":"PAID"' in first


async def _first_data_line(client: httpx.AsyncClient, stack: Stack) -> str:
    params = {"query": STATUS, "variables": '{"id": "o1"}'}
    headers = {"accept": "text/event-stream", "authorization": "Bearer alice", **PREFLIGHT}
    async with client.stream("GET", stack.url, params=params, headers=headers) as response:
        await stack.bus.wait_active(1)
        stack.bus.publish("o1", "PAID")
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                return line
    return ""
